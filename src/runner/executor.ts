import { availableParallelism } from "node:os";
import { fileURLToPath } from "node:url";
import { existsSync } from "node:fs";
import { Piscina } from "piscina";
import type { ReplicationTask, TaskResult } from "./protocol.js";

/**
 * Below this much estimated work a run stays in-process: threads cost their start (~45 ms) and
 * their warm-up (~55 ms before V8 has optimized the simulator) before they save anything, and
 * meanwhile they take CPU from the main thread's own warm-up (bench/RESULTS.md). On the example
 * model, 2 workers against 1, medians of 5 on 2 cores: 30 replications 0.60x, 60 0.73x, 100 0.90x,
 * 150 1.05x (0.3 s on one thread; estimated 0.22 s), 200 1.14x.
 */
export const POOL_WORTH_SECONDS = 0.2;
/** What an event costs on one thread, from cold to warm, on the example model: the estimate of a
 * run's work before any replication has been timed (model/analysis.ts estimates the events). */
export const SECONDS_PER_EVENT = 150e-9;

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
    // The runner keeps two tasks out per thread; both go to the thread at once, so it starts the
    // second the moment it finishes the first, without waiting for the main thread (busy running
    // its own replications) to hear it and dispatch the next.
    concurrentTasksPerWorker: 2,
  });
  return {
    threads,
    run: (task) => p.run(task, { signal }),
    close: () => p.destroy(),
  };
}
