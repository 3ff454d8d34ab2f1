import type { Model } from "../model/types.js";
import { DEFAULT_MAX_WIP } from "../flow/simulation.js";
import type { ReplicationResult } from "../flow/results.js";
import { tCritical95 } from "../stats/interval.js";
import { type Executor, POOL_WORTH_SECONDS, PROBE_SECONDS, defaultWorkers, pool } from "./executor.js";
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
  const task = (first: number, count: number): ReplicationTask => ({ models, seed, first, count, maxWip, fault: options.fault });

  // With N workers, the main thread is one of them and N - 1 pool threads help: on N cores
  // nothing waits idle. The helpers start booting now, on their own cores, while replications
  // start here, in-process, for up to PROBE_SECONDS: a small run ends within it (and its helpers
  // are let go unused); a large one learns what a warm replication costs, to decide.
  let helpers: Executor | null = workers > 1 && total >= 4 * workers ? pool(workers - 1, options.signal) : null;
  let perReplication = Infinity;
  let used = 0;
  let precision: RunOutcome["precision"] = null;
  try {
    while (done < total && performance.now() - start < PROBE_SECONDS * 1000) {
      if (options.signal?.aborted) throw new DOMException("The run was interrupted", "AbortError");
      const one = runTask(task(done, 1));
      merge(one.results[0]);
      perReplication = one.seconds;
      await new Promise((r) => setImmediate(r));
    }
    for (;;) {
      const remaining = total - done;
      if (remaining > 0) {
        const wantHelpers = workers > 1 && remaining * perReplication > POOL_WORTH_SECONDS;
        if (wantHelpers) helpers ??= pool(workers - 1, options.signal);
        if (wantHelpers) used = helpers!.threads + 1;
        await runRange(wantHelpers ? helpers : null, done, total, task, merge, options.signal);
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
  return { models, seed, replications: done, workers: used, summaries, diffs, wallSeconds: (performance.now() - start) / 1000, precision };
}

/**
 * Runs replications from..to-1 in chunks that the main thread and each helper thread take from
 * one queue as they come free, and merges the results strictly in replication order.
 */
async function runRange(
  helpers: Executor | null,
  from: number,
  to: number,
  task: (first: number, count: number) => ReplicationTask,
  merge: (results: ReplicationResult[]) => void,
  signal?: AbortSignal,
): Promise<void> {
  const threads = (helpers?.threads ?? 0) + 1;
  // Helpers take chunks (a few per thread, for balance); the main thread takes one replication
  // at a time and yields after each, because a helper's finished chunk is only heard when the
  // main thread yields, and each helper keeps two chunks queued so it never waits for that.
  const chunk = Math.max(1, Math.ceil((to - from) / (threads * 8)));
  let nextChunk = from;
  const take = (size: number): [number, number] | null => {
    if (nextChunk >= to) return null;
    const first = nextChunk;
    nextChunk = Math.min(to, first + size);
    return [first, nextChunk - first];
  };
  const pending = new Map<number, ReplicationResult[][]>();
  let nextMerge = from;
  const deliver = (first: number, results: ReplicationResult[][]) => {
    pending.set(first, results);
    while (pending.has(nextMerge)) {
      const rs = pending.get(nextMerge)!;
      pending.delete(nextMerge);
      for (const r of rs) merge(r);
      nextMerge += rs.length;
    }
  };
  let failure: unknown = null;
  const helper = async () => {
    for (let job = take(chunk); job && failure === null; job = take(chunk)) {
      const [first, count] = job;
      const res = await helpers!.run(task(first, count));
      deliver(first, res.results);
    }
  };
  // The first failure ends the run at once: the caller destroys the pool, chunks in flight too.
  let failed: () => void = () => {};
  const failedOnce = new Promise<void>((r) => (failed = r));
  const helping = Array.from({ length: 2 * (threads - 1) }, () =>
    helper().catch((e) => {
      failure ??= e;
      failed();
    }),
  );
  for (let job = take(1); job && failure === null; job = take(1)) {
    if (signal?.aborted) break;
    deliver(job[0], runTask(task(job[0], job[1])).results);
    await new Promise((r) => setImmediate(r));
  }
  if (failure === null) await Promise.race([Promise.all(helping), failedOnce]);
  if (signal?.aborted) throw new DOMException("The run was interrupted", "AbortError");
  if (failure !== null) throw failure;
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
