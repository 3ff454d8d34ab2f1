import { availableParallelism } from "node:os";
import { fileURLToPath } from "node:url";
import { existsSync } from "node:fs";
import { Piscina } from "piscina";
import type { ReplicationTask, TaskResult } from "./protocol.js";

/**
 * Runs replication tasks in-process or on a worker-thread pool. A pool pays for its threads
 * (each loads the simulator) before it saves anything, so small jobs stay in-process; see
 * bench/ for the measured start-up cost behind POOL_WORTH_SECONDS.
 */
export const POOL_WORTH_SECONDS = 0.15;
/** How long replications run in-process before the runner decides whether a pool pays. */
export const PROBE_SECONDS = 0.1;

export function defaultWorkers(): number {
  return Math.max(1, availableParallelism());
}

/** Workers run the built JavaScript, also when the caller runs from TypeScript sources. */
function workerFile(): string {
  const here = fileURLToPath(import.meta.url);
  const built = here.endsWith(".ts") ? here.replace(/[\\/]src[\\/]runner[\\/]executor\.ts$/, "/dist/runner/worker.js") : here.replace(/executor\.js$/, "worker.js");
  if (!existsSync(built)) throw new Error(`the worker script ${built} is missing: run \`npm run build\` first`);
  return built;
}

export interface Executor {
  run(task: ReplicationTask): Promise<TaskResult>;
  close(): Promise<void>;
  readonly threads: number;
}

export function pool(threads: number, signal?: AbortSignal): Executor {
  const p = new Piscina<ReplicationTask, TaskResult>({
    filename: workerFile(),
    minThreads: threads,
    maxThreads: threads,
    idleTimeout: 1000,
  });
  return {
    threads,
    run: (task) => p.run(task, { signal }),
    close: () => p.destroy(),
  };
}
