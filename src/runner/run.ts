import type { Model } from "../model/types.js";
import { DEFAULT_MAX_WIP } from "../flow/simulation.js";
import { loopFor } from "../flow/replication.js";
import type { ReplicationResult } from "../flow/results.js";
import { estimatedEvents } from "../model/analysis.js";
import { inTimeUnit } from "../model/convert.js";
import { type Executor, SECONDS_PER_EVENT, defaultWorkers, pool, poolWorthSeconds } from "./executor.js";
import type { RemoteExecutor, ReplicationTask } from "./protocol.js";
import { PairedDiff, Summary } from "./summary.js";
import { MoneySummary, PairedMoney, moneyVector } from "./money.js";
import { runTask } from "./task.js";

export interface RunOptions {
  /** Default: the first model's `replications`. With `precision`, the first round's size. */
  replications?: number;
  /** Default: the first model's `seed`. */
  seed?: number;
  /** Worker threads; default the machine's available parallelism. 1 runs in-process. */
  workers?: number;
  maxWip?: number;
  /** Add replications until every stream's mean lead time has a 95% half-width within this share of
   * its mean; in a comparison, until every scenario's change in every stream's mean and p85 lead
   * time does, as a share of the base's value. At least PRECISION_MIN_REPLICATIONS are run. */
  precision?: number;
  /** As `precision`, with the target a half-width in the base model's time unit (0.2: ±0.2 days in
   * a model in days) for the same lead-time figures; the economics total is not watched (it is not
   * a time). Not with `precision`. */
  precisionAbs?: number;
  maxReplications?: number;
  onProgress?: (progress: { done: number; total: number; seconds: number }) => void;
  signal?: AbortSignal;
  /** Each replication's results (one per model), in replication order, as they are merged: for
   * experiments that need per-replication figures (a paired difference of two scenarios). */
  onReplication?: (results: readonly ReplicationResult[]) => void;
  /** For tests of failure handling only: make the task holding this replication fail. */
  fault?: ReplicationTask["fault"];
  /** Run the replications there (a job queue: src/queue/) instead of on this machine's threads;
   * the figures are the same to the last digit. `workers` is then the remote workers' business. */
  remote?: RemoteExecutor;
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
  /** Money figures of each model that has economics (null otherwise), and of each pair. */
  money: (MoneySummary | null)[];
  pairedMoney: (PairedMoney | null)[];
  wallSeconds: number;
  /** Where the replications ran when not on this machine (RemoteExecutor.where). */
  remote?: string;
  /** What --precision or --precision-abs watched (see worstHalfWidth), and whether it was met:
   * target and worst as shares of the value (relative), or in the base's time unit (absolute). */
  precision: {
    target: number;
    reached: boolean;
    worst: number;
    rule: "lead time mean" | "paired change in mean and p85 lead time";
    absolute: boolean;
    /** The change in the economics total was watched too (a relative target, and some pair priced). */
    economics: boolean;
    /** The figure with the widest half-width: which model (its index; in a comparison a scenario's),
     * which stream (its index in the base; null for the economics total) and which figure. */
    widest: Widest | null;
    /** In a comparison, each scenario's own widest watched half-width (as `worst`), by model
     * index; the base's entry is NaN. In a run, each model's. Which answers are settled. */
    byModel: number[];
  } | null;
}

/**
 * Runs every model for the same replications with the same seeds (common random numbers), on a
 * worker pool when that pays, and merges the figures in replication order.
 */
export async function simulateModels(inputs: Model[], options: RunOptions = {}): Promise<RunOutcome> {
  const start = performance.now();
  // Figures are compared in one unit, the base's.
  const models = inputs.map((m) => inTimeUnit(m, inputs[0].timeUnit));
  const seed = options.seed ?? models[0].seed;
  const workers = options.workers ?? defaultWorkers();
  const maxWip = options.maxWip ?? DEFAULT_MAX_WIP;
  let total = options.replications ?? models[0].replications;
  if (options.precision !== undefined && options.precisionAbs !== undefined) throw new Error("precision and precisionAbs: give one target, not both");
  const absolute = options.precisionAbs !== undefined;
  const target = options.precision ?? options.precisionAbs;
  if (target !== undefined && !(target > 0 && Number.isFinite(target))) throw new Error(`${absolute ? "precisionAbs" : "precision"} must be a number greater than 0 (got ${String(target)})`);
  const maxReplications = options.maxReplications ?? (target ? Math.max(total, 1000) : total);
  if (target) total = Math.min(maxReplications, Math.max(total, PRECISION_MIN_REPLICATIONS));
  const ids = models.map((m) => ({ streams: Object.keys(m.streams), stages: Object.keys(m.stages) }));
  const summaries = ids.map((i) => new Summary(i.streams.length, i.stages.length));
  const diffs = ids.slice(1).map((i, k) => new PairedDiff(ids[0].streams, ids[0].stages, i.streams, i.stages, { base: summaries[0], scenario: summaries[k + 1] }));
  // Money where the model prices time (a comparison prices every model by the base's economics).
  const money = models.map((m) => (m.economics ? new MoneySummary(m) : null));
  const pairedMoney = models.slice(1).map((m) => (models[0].economics && m.economics ? new PairedMoney(models[0], m) : null));

  let done = 0;
  const merge = (results: ReplicationResult[]) => {
    const vectors = results.map((r, i) => (money[i] ? moneyVector(models[i], r) : null));
    // The pairs first: they share the Summaries' lead times until a pair parts from them (PairedDiff).
    for (let i = 1; i < results.length; i++) {
      diffs[i - 1].add(results[0], results[i]);
      pairedMoney[i - 1]?.add(results[0], results[i], vectors[0]!, vectors[i]!);
    }
    results.forEach((r, i) => {
      summaries[i].add(r);
      if (vectors[i]) money[i]!.add(r, vectors[i]!);
    });
    options.onReplication?.(results);
    done++;
    options.onProgress?.({ done, total, seconds: (performance.now() - start) / 1000 });
  };
  const events = models.map((m) => estimatedEvents(m, 1));

  // With N workers, the main thread is one of them and N - 1 pool threads help: on N cores
  // nothing waits idle. The helpers boot on their own cores while replications start here, and
  // take work as soon as they are up; the run never waits for them (see runRange). Threads still
  // cost their start and warm-up, on cores the main thread's own warm-up would use, so a pool is
  // started only for runs estimated at more than poolWorthSeconds of work.
  const timing = { perReplication: Infinity, helped: false };
  const estimate = events.reduce((sum, e) => sum + e, 0) * SECONDS_PER_EVENT;
  // Before any replication has been timed, the estimate; then what one took here.
  const worthPool = (n: number) => workers > 1 && n >= 2 * workers && n * (Number.isFinite(timing.perReplication) ? timing.perReplication : estimate) > poolWorthSeconds(models.length);
  let helpers: Executor | null = null;
  let precision: RunOutcome["precision"] = null;
  // Each model's loop, for the events one thread will run of it in the first round (each model
  // has its own class to warm up). Later --precision rounds keep it: the figures are the same.
  const threads = worthPool(total) ? workers : 1;
  const loops = events.map((e) => loopFor((e * total) / threads));
  const task = (first: number, count: number): ReplicationTask => ({ models, seed, first, count, maxWip, loops, fault: options.fault });
  // A replication estimated to take longer than LONG_REPLICATION_SECONDS runs on a pool thread
  // even with one worker, and the main thread runs none: a replication is one synchronous loop,
  // and while it runs on the main thread nothing there can hear Ctrl-C. On a thread, aborting
  // the run stops the thread at once.
  const long = estimate > LONG_REPLICATION_SECONDS;
  try {
    for (;;) {
      if (total > done && options.remote) {
        const perReplication = Number.isFinite(timing.perReplication) ? timing.perReplication : estimate;
        await options.remote.runRange({ models, seed, maxWip, loops }, { from: done, to: total, secondsPerReplication: perReplication }, inOrder(done, merge), options.signal);
      } else if (total > done) {
        // A later --precision round may be large enough to be worth a pool the first was not.
        if (!helpers && long) helpers = pool(workers, options.signal);
        else if (!helpers && worthPool(total - done)) helpers = pool(workers - 1, options.signal);
        await runRange(helpers, done, total, task, merge, timing, options.signal, !long);
      }
      if (!target) break;
      const { worst, widest, byModel } = worstHalfWidth(summaries, diffs, absolute ? null : money[0], pairedMoney, absolute);
      const economics = !absolute && money[0] !== null && pairedMoney.some((d) => d !== null);
      precision = { target, reached: worst <= target, worst, rule: diffs.length ? "paired change in mean and p85 lead time" : "lead time mean", absolute, economics, widest, byModel };
      if (precision.reached || total >= maxReplications) break;
      // Half-widths shrink with the square root of n: aim a little past the estimate, but never
      // more than double. A small round's widest half-width overstates what more replications
      // need (its t is wide, and the widest of many noisy intervals is biased up: on the example's
      // intake checklist, ±3.9% after 10 replications and ±0.67% after 120, not the ±1.1% the
      // square root predicts), so one long jump would overshoot (docs/statistics.md).
      const needed = Math.ceil(done * (worst / target) ** 2 * 1.1);
      total = Math.min(maxReplications, Math.max(done + 2, Math.min(done * PRECISION_MAX_GROWTH, Number.isFinite(needed) ? needed : Infinity)));
    }
  } finally {
    await helpers?.close();
  }
  const used = timing.helped ? helpers!.threads + 1 : 0;
  const remote = options.remote ? { remote: options.remote.where } : {};
  return { models, seed, replications: done, workers: used, summaries, diffs, money, pairedMoney, wallSeconds: (performance.now() - start) / 1000, ...remote, precision };
}

/**
 * Chunks delivered in any order, perhaps twice (a retried chunk whose first copy also finished),
 * merged once each and strictly in replication order from `from` on. Only the replications that
 * finished ahead of an unfinished one wait here, so memory follows the chunks in flight.
 */
function inOrder(from: number, merge: (results: ReplicationResult[]) => void): (first: number, results: ReplicationResult[][]) => void {
  let next = from;
  const waiting = new Map<number, ReplicationResult[]>();
  return (first, results) => {
    results.forEach((r, i) => {
      if (first + i >= next && !waiting.has(first + i)) waiting.set(first + i, r);
    });
    for (let r = waiting.get(next); r; r = waiting.get(next)) {
      waiting.delete(next++);
      merge(r);
    }
  };
}

/** Above this estimated time a replication runs where Ctrl-C can stop it (see simulateModels). */
export const LONG_REPLICATION_SECONDS = 1;

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
  signal: AbortSignal | undefined,
  mainRuns: boolean,
): Promise<void> {
  const threads = (helpers?.threads ?? 0) + (mainRuns ? 1 : 0);
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
  if (!mainRuns) {
    // Long replications: the helpers run everything, and any failure (an abort) is the run's.
    await Promise.all(Array.from({ length: 2 * threads }, helper));
    return;
  }
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

/** Fewest replications a --precision run looks at before it may stop: a lucky first few can
 * show a narrow interval by chance (sequential stopping is optimistic), and a t interval on two
 * or three values is too wide to act on anyway. */
export const PRECISION_MIN_REPLICATIONS = 10;

/** Each --precision round at most multiplies the replications so far by this (see simulateModels). */
export const PRECISION_MAX_GROWTH = 2;

/**
 * The widest 95% half-width that --precision watches, as a share of the value it is relative to
 * (`absolute`: in the figure's own unit, for --precision-abs);
 * Infinity while some watched figure has no interval yet (fewer than two replications measured it).
 * A run watches every stream's mean lead time. A comparison watches what was asked: every
 * scenario's change in every stream's mean and p85 lead time, and in the cost of the flow where
 * the models have economics, relative to the base's value.
 * A stream that completes nothing (or items of lead time 0) has no interval to narrow: more
 * replications cannot help it, so it does not hold the others back.
 */
function worstHalfWidth(
  summaries: Summary[],
  diffs: PairedDiff[],
  baseMoney: MoneySummary | null,
  pairedMoney: (PairedMoney | null)[],
  absolute: boolean,
): { worst: number; widest: Widest | null; byModel: number[] } {
  let worst = 0;
  let widest: Widest | null = null;
  // A model with nothing to watch has nothing to wait for: 0, as `worst` starts.
  const byModel = summaries.map((_, i) => (diffs.length && i === 0 ? NaN : 0));
  const watch = (hw: number | null, n: number, of: number, at: Widest) => {
    if (n === 0 || !(Math.abs(of) > 0) || !Number.isFinite(of)) return;
    const w = hw === null ? Infinity : absolute ? hw : hw / Math.abs(of);
    byModel[at.model] = Math.max(byModel[at.model], w);
    if (widest === null || w > worst) [worst, widest] = [w, at];
  };
  if (diffs.length === 0) {
    summaries.forEach((s, model) => {
      for (let i = 0; i < s.nStreams; i++) {
        const f = s.stream(i, "leadTimeMean").figure;
        watch(f.ci95, f.n, f.mean, { model, stream: i, figure: "leadTimeMean" });
      }
    });
    return { worst, widest, byModel };
  }
  const base = summaries[0];
  diffs.forEach((d, k) => {
    for (let i = 0; i < base.nStreams; i++) {
      for (const name of ["leadTimeMean", "leadTimeP85"] as const) {
        const change = d.stream(i, name).difference.figure;
        watch(change.ci95, change.n, base.stream(i, name).figure.mean, { model: k + 1, stream: i, figure: name });
      }
    }
  });
  // And the change in what the flow costs a year, where the models price it.
  pairedMoney.forEach((d, k) => {
    if (!d || !baseMoney) return;
    const change = d.total("total").figure;
    watch(change.ci95, change.n, baseMoney.total("total").figure.mean, { model: k + 1, stream: null, figure: "economics" });
  });
  return { worst, widest, byModel };
}

/** Where the widest watched half-width is (see worstHalfWidth). */
export interface Widest {
  model: number;
  stream: number | null;
  figure: "leadTimeMean" | "leadTimeP85" | "economics";
}
