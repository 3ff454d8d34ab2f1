import type { Model } from "../model/types.js";
import type { ReplicationResult } from "../flow/results.js";

/**
 * The typed message protocol between the runner and its worker threads. Workers get plain data
 * (validated models, a seed, a range of replications) and return compact per-replication figures.
 */
export interface ReplicationTask {
  /** The models to run side by side; each replication runs every one with the same seed (CRN). */
  models: Model[];
  seed: number;
  /** Replications first .. first + count - 1. */
  first: number;
  count: number;
  maxWip: number;
  /** Each model's event loop, chosen once per run for the work a thread will do with it
   * (flow/replication.ts). */
  loops: ("general" | "specialized")[];
  /** Fault injection, for the tests of failure handling only: fail (or stall) at this replication. */
  fault?: { replication: number; kind: "throw" | "exit" | "stall" };
}

/** results[r - first][modelIndex] */
export type TaskResult = {
  results: ReplicationResult[][];
  seconds: number;
};
