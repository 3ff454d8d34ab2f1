import { availableParallelism } from "node:os";
import { fileURLToPath } from "node:url";
import { existsSync } from "node:fs";
import { dirname } from "node:path";
import { BUILD_ID_FILE, readBuildId, sourceId } from "./build.js";
import { Piscina } from "piscina";
import type { Model } from "../model/types.js";
import type { ReplicationTask, TaskResult, ThreadResult, ThreadTask } from "./protocol.js";

/**
 * Below this much estimated work a run stays in-process: threads cost their start (~45 ms) and
 * their warm-up (~55 ms before V8 has optimized the simulator) before they save anything, and
 * meanwhile they take CPU from the main thread's own warm-up (bench/RESULTS.md). On the example
 * model, 2 workers against 1, medians of 5 on 2 cores: 30 replications 0.60x, 60 0.73x, 100 0.90x,
 * 150 1.05x (0.3 s on one thread; estimated 0.22 s), 200 1.14x.
 */
export const POOL_WORTH_SECONDS = 0.2;
/**
 * And this much more for every model after the first: a helper compiles and warms each model of a
 * comparison before it pays. The example against its six scenarios, `vsm compare`, 2 workers
 * against 1, medians of 7 alternating on 2 cores: 30 replications (estimated 0.31 s) 0.92x, 60
 * (0.62 s) 1.17x; so the pool starts from about 0.4 s for seven models.
 */
export const POOL_WORTH_SECONDS_PER_MODEL = 0.035;

/** The estimated work above which a run of `models` models starts a pool. */
export function poolWorthSeconds(models: number): number {
  return POOL_WORTH_SECONDS + POOL_WORTH_SECONDS_PER_MODEL * Math.max(0, models - 1);
}
/** What an event costs on one thread, from cold to warm, on the example model: the estimate of a
 * run's work before any replication has been timed (model/analysis.ts estimates the events). */
export const SECONDS_PER_EVENT = 150e-9;

export function defaultWorkers(): number {
  return Math.max(1, availableParallelism());
}

/**
 * The worker script for a caller at `callerFile`: the built JavaScript, also when the caller runs
 * from TypeScript sources, and only if it was built from the caller's sources (runner/build.ts).
 * Hashing the sources takes ~5 ms, against ~45 ms for a thread to start.
 */
export function workerFileFor(callerFile: string): string {
  const fromSources = callerFile.endsWith(".ts");
  const built = fromSources ? callerFile.replace(/[\\/]src[\\/]runner[\\/]executor\.ts$/, "/dist/runner/worker.js") : callerFile.replace(/executor\.js$/, "worker.js");
  if (!existsSync(built)) throw new Error(`the worker script ${built} is missing: run \`npm run build\` first`);
  const outDir = dirname(dirname(built));
  const workerBuild = readBuildId(outDir);
  const callerBuild = fromSources ? sourceId(dirname(dirname(callerFile))) : readBuildId(dirname(dirname(callerFile)));
  if (workerBuild !== callerBuild) {
    const why = workerBuild === null ? `has no ${BUILD_ID_FILE} to say what it was built from` : "was built from other sources than the ones running here";
    throw new Error(`the worker threads would run ${outDir}, which ${why}: run \`npm run build\` first`);
  }
  return built;
}

export interface Executor {
  run(task: ReplicationTask): Promise<TaskResult>;
  close(): Promise<void>;
  readonly threads: number;
  /** Tasks sent with their models (the rest named them by id): what the copies cost, counted. */
  readonly modelsSent?: number;
}

export function pool(threads: number, signal?: AbortSignal): Executor {
  const p = new Piscina<ThreadTask, ThreadResult>({
    filename: workerFileFor(fileURLToPath(import.meta.url)),
    minThreads: threads,
    maxThreads: threads,
    idleTimeout: 1000,
    // The runner keeps two tasks out per thread; both go to the thread at once, so it starts the
    // second the moment it finishes the first, without waiting for the main thread (busy running
    // its own replications) to hear it and dispatch the next.
    concurrentTasksPerWorker: 2,
  });
  // A thread compiles a run's models once and keeps them by id (runner/worker.ts). The first
  // tasks of a run carry the models, as many as the threads can hold at once, so that each thread
  // most likely gets them without asking; a thread that still lacks them says so and is sent them.
  const ids = new WeakMap<Model[], { id: number; sent: number }>();
  let next = 0;
  let modelsSent = 0;
  const run = async (task: ReplicationTask): Promise<TaskResult> => {
    let known = ids.get(task.models);
    if (!known) ids.set(task.models, (known = { id: next++, sent: 0 }));
    const carry = known.sent < 2 * threads;
    if (carry) {
      known.sent++;
      modelsSent++;
    }
    const answer = await p.run({ ...task, models: carry ? task.models : null, modelsId: known.id }, { signal });
    if (!("needModels" in answer)) return answer;
    modelsSent++;
    return (await p.run({ ...task, modelsId: known.id }, { signal })) as TaskResult;
  };
  return {
    threads,
    run,
    close: () => p.destroy(),
    get modelsSent() {
      return modelsSent;
    },
  };
}
