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

/**
 * A task as it crosses to a pool thread (runner/executor.ts). Copying seven models (the example's compare) to a thread and
 * compiling them there cost more than the replication itself once tasks were a replication each
 * (3.4 of 15.5 ms on the example's compare), so a thread keeps the models it compiled by `modelsId`,
 * and most tasks carry `models: null`.
 */
export type ThreadTask = Omit<ReplicationTask, "models"> & { models: Model[] | null; modelsId: number };

/** A thread's answer: the figures, or a request for the models a task named but did not carry. */
export type ThreadResult = TaskResult | { needModels: true };

/** What every chunk of a run shares: the task without its range (and without fault injection,
 * which stays in-process). */
export type RunSpec = Omit<ReplicationTask, "first" | "count" | "fault">;

/**
 * Runs a run's replications somewhere other than this process's threads (a job queue shared by
 * many machines: src/queue/). It may deliver chunks in any order and more than once; the runner
 * merges each replication once, in replication order, so the figures are those of a local run.
 */
export interface RemoteExecutor {
  /** Where the replications run, for the run's report (never carries a password). */
  readonly where: string;
  runRange(
    spec: RunSpec,
    range: { from: number; to: number; secondsPerReplication: number },
    deliver: (first: number, results: ReplicationResult[][]) => void,
    signal?: AbortSignal,
  ): Promise<void>;
}
