import { isMainThread } from "node:worker_threads";
import { compile } from "../model/compile.js";
import { runReplication } from "../flow/simulation.js";
import type { ReplicationTask, TaskResult } from "./protocol.js";

/** Runs a task's replications; the same code in-process and on a worker thread. */
export function runTask(task: ReplicationTask): TaskResult {
  const start = performance.now();
  const compiled = task.models.map(compile);
  const results = [];
  for (let r = task.first; r < task.first + task.count; r++) {
    if (task.fault?.replication === r) injectFault(task.fault.kind, r);
    results.push(compiled.map((m) => {
      const res = runReplication(m, task.seed, r, { maxWip: task.maxWip });
      res.trace = null;
      return res;
    }));
  }
  return { results, seconds: (performance.now() - start) / 1000 };
}

function injectFault(kind: "throw" | "exit", r: number): void {
  // A worker thread that exits takes only itself down; in the main thread, throw instead.
  if (kind === "exit" && !isMainThread) process.exit(7);
  throw new Error(`injected fault at replication ${r}`);
}
