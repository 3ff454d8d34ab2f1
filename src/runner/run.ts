import type { Model } from "../model/types.js";
import { DEFAULT_MAX_WIP } from "../flow/simulation.js";
import { loopFor } from "../flow/replication.js";
import type { ReplicationResult } from "../flow/results.js";
import { tCritical95 } from "../stats/interval.js";
import { estimatedEvents } from "../model/analysis.js";
import { type Executor, POOL_WORTH_SECONDS, SECONDS_PER_EVENT, defaultWorkers, pool } from "./executor.js";
import type { ReplicationTask } from "./protocol.js";
import { PairedDiff, Summary } from "./summary.js";
import { runTask } from "./task.js";

export interface RunOptions {
  /** Default: the first model's `replications`. With `precision`, the first round's size. */
  replications?: number;
  /** Default: the first model's `seed`. */
  seed?: number;
  /** Worker threads; default the machine's available parallelism. 1 runs in-process. */
  workers?: number;
  maxWip?: number;
  /** Add replications until every stream's mean lead time has a 95% half-width within this share of its mean. */
  precision?: number;
  maxReplications?: number;
  onProgress?: (progress: { done: number; total: number; seconds: number }) => void;
  signal?: AbortSignal;
  /** For tests of failure handling only: make the task holding this replication fail. */
  fault?: ReplicationTask["fault"];
}

export interface RunOutcome {
  models: Model[];
  seed: number;
  replications: number;
  /** Threads used; 0 when everything ran in-process. */
  workers: number;
  summaries: Summary[];
  /** diffs[i]: models[i + 1] minus models[0], paired by replication. */
  diffs: PairedDiff[];
  wallSeconds: number;
  precision: { target: number; reached: boolean; worst: number } | null;
}

/**
 * Runs every model for the same replications with the same seeds (common random numbers), on a
 * worker pool when that pays, and merges the figures in replication order.
 */
export async function simulateModels(models: Model[], options: RunOptions = {}): Promise<RunOutcome> {
  const start = performance.now();
  const seed = options.seed ?? models[0].seed;
  const workers = options.workers ?? defaultWorkers();
  const maxWip = options.maxWip ?? DEFAULT_MAX_WIP;
  let total = options.replications ?? models[0].replications;
  const maxReplications = options.maxReplications ?? (options.precision ? Math.max(total, 1000) : total);
  const ids = models.map((m) => ({ streams: Object.keys(m.streams), stages: Object.keys(m.stages) }));
  const summaries = ids.map((i) => new Summary(i.streams.length, i.stages.length));
  const diffs = ids.slice(1).map((i) => new PairedDiff(ids[0].streams, ids[0].stages, i.streams, i.stages));

  let done = 0;
  const merge = (results: ReplicationResult[]) => {
    results.forEach((r, i) => summaries[i].add(r));
    for (let i = 1; i < results.length; i++) diffs[i - 1].add(results[0], results[i]);
    done++;
    options.onProgress?.({ done, total, seconds: (performance.now() - start) / 1000 });
  };
  const events = models.map((m) => estimatedEvents(m, 1));

  // With N workers, the main thread is one of them and N - 1 pool threads help: on N cores
  // nothing waits idle. The helpers boot on their own cores while replications start here, and
  // take work as soon as they are up; the run never waits for them (see runRange). Threads still
  // cost their start and warm-up, on cores the main thread's own warm-up would use, so a pool is
  // started only for runs estimated at more than POOL_WORTH_SECONDS of work.
  const timing = { perReplication: Infinity, helped: false };
  const estimate = events.reduce((sum, e) => sum + e, 0) * SECONDS_PER_EVENT;
  // Before any replication has been timed, the estimate; then what one took here.
  const worthPool = (n: number) => workers > 1 && n >= 2 * workers && n * (Number.isFinite(timing.perReplication) ? timing.perReplication : estimate) > POOL_WORTH_SECONDS;
  let helpers: Executor | null = null;
  let precision: RunOutcome["precision"] = null;
  // Each model's loop, for the events one thread will run of it in the first round (each model
  // has its own class to warm up). Later --precision rounds keep it: the figures are the same.
  const threads = worthPool(total) ? workers : 1;
  const loops = events.map((e) => loopFor((e * total) / threads));
  const task = (first: number, count: number): ReplicationTask => ({ models, seed, first, count, maxWip, loops, fault: options.fault });
  try {
    for (;;) {
      if (total > done) {
        // A later --precision round may be large enough to be worth a pool the first was not.
        if (!helpers && worthPool(total - done)) helpers = pool(workers - 1, options.signal);
        await runRange(helpers, done, total, task, merge, timing, options.signal);
      }
      if (!options.precision) break;
      const worst = worstRelativeHalfWidth(summaries);
      precision = { target: options.precision, reached: worst <= options.precision, worst };
      if (precision.reached || total >= maxReplications) break;
      // Half-widths shrink with the square root of n: aim a little past the estimate.
      const needed = Math.ceil(done * (worst / options.precision) ** 2 * 1.1);
      total = Math.min(maxReplications, Math.max(done + 2, Number.isFinite(needed) ? needed : done * 2));
    }
  } finally {
    await helpers?.close();
  }
  const used = timing.helped ? helpers!.threads + 1 : 0;
  return { models, seed, replications: done, workers: used, summaries, diffs, wallSeconds: (performance.now() - start) / 1000, precision };
}

/** The most work a helper takes at once. */
const CHUNK_SECONDS = 0.02;

/**
 * Runs replications from..to-1: the main thread one at a time, each helper thread chunks, all from
 * the same queue; the results merge strictly in replication order.
 *
 * When the queue is empty, the main thread does not wait for chunks still out on helpers: it runs
 * the first replication not yet finished itself, as a backup (MapReduce's backup tasks). A
 * replication's figures depend only on (model, seed, replication), so whichever copy finishes
 * first is the one merged and the output is the same. That is what lets helpers start on real
 * work while they are still cold (a fresh thread runs its first replications several times slower
 * before V8 has optimized them): a slow helper, or one that has not started yet, holds the run up
 * by one replication at most, and the merge (and the progress shown) never stalls behind it.
 *
 * For the same reason a helper's failure does not end the run by itself: its replications are run
 * again here. A replication that throws throws here too, so the run fails with its message; a helper
 * thread that dies (an infrastructure fault, not the model's) only costs the time to redo its chunk.
 */
async function runRange(
  helpers: Executor | null,
  from: number,
  to: number,
  task: (first: number, count: number) => ReplicationTask,
  merge: (results: ReplicationResult[]) => void,
  timing: { perReplication: number; helped: boolean },
  signal?: AbortSignal,
): Promise<void> {
  const threads = (helpers?.threads ?? 0) + 1;
  let nextFree = from; // first replication no thread has taken
  let nextMerge = from; // first replication not yet merged
  const finished = new Map<number, ReplicationResult[]>(); // finished out of order, waiting to merge
  const deliver = (r: number, results: ReplicationResult[], byHelper: boolean) => {
    if (r < nextMerge || finished.has(r)) return; // a backup copy finished second
    finished.set(r, results);
    if (byHelper) timing.helped = true;
    for (let next = finished.get(nextMerge); next; next = finished.get(nextMerge)) {
      finished.delete(nextMerge++);
      merge(next);
    }
  };
  // Chunks shrink as the queue drains (guided self-scheduling) and hold at most CHUNK_SECONDS of
  // work, so a cold helper starts small and a backup copy repeats little; each helper keeps two
  // queued so it never waits for the main thread to hear it.
  const take = (): [number, number] | null => {
    if (nextFree >= to) return null;
    const guided = Math.ceil((to - nextFree) / (threads * 4));
    const size = Math.max(1, Math.min(guided, Math.floor(CHUNK_SECONDS / timing.perReplication)));
    const first = nextFree;
    nextFree = Math.min(to, first + size);
    return [first, nextFree - first];
  };
  const helper = async () => {
    for (let job = take(); job; job = take()) {
      const [first, count] = job;
      const res = await helpers!.run(task(first, count));
      res.results.forEach((r, i) => deliver(first + i, r, true));
    }
  };
  // The main thread takes the first replication before the helpers take theirs, so the first
  // merge never waits for a thread that is still starting.
  let r = nextFree++;
  for (let i = 0; i < 2 * (threads - 1); i++) helper().catch(() => {}); // see the comment above
  let backup = from; // backups: the first replication not finished, from here up
  for (;;) {
    if (signal?.aborted) throw new DOMException("The run was interrupted", "AbortError");
    const one = runTask(task(r, 1));
    timing.perReplication = one.seconds;
    deliver(r, one.results[0], false);
    // Yield, so a helper's finished chunk is heard between replications.
    await new Promise((resolve) => setImmediate(resolve));
    if (nextMerge >= to) return;
    if (nextFree < to) r = nextFree++;
    else {
      backup = Math.max(backup, nextMerge);
      while (finished.has(backup)) backup++;
      r = backup++;
    }
  }
}

/** Largest 95% half-width of a stream's mean lead time, as a share of the mean, over all models. */
function worstRelativeHalfWidth(summaries: Summary[]): number {
  let worst = 0;
  for (const s of summaries) {
    for (let i = 0; i < s.nStreams; i++) {
      const w = s.stream(i, "leadTimeMean");
      const v = w.variance();
      // A stream that completes nothing (or items of lead time 0) has no interval to narrow:
      // more replications cannot help it, so it does not hold the others back.
      if (v === null || w.mean === 0) continue;
      const hw = tCritical95(w.count - 1) * Math.sqrt(v / w.count);
      worst = Math.max(worst, hw / Math.abs(w.mean));
    }
  }
  return worst;
}
