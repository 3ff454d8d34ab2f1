import type { ReplicationTask, TaskResult } from "./protocol.js";
import { runTask } from "./task.js";

/** A piscina worker: one task in, its replications' figures out. */
export default function (task: ReplicationTask): TaskResult {
  return runTask(task);
}
