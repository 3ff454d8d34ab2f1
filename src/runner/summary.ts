import { Moments } from "../stats/moments.js";
import { PooledQuantiles, countBucket, countsAtOrBelow } from "../stats/quantiles.js";
import { type Estimate, deltaEstimate } from "../stats/estimate.js";
import { tCritical95 } from "../stats/interval.js";
import { BY_STREAM_FIGURES, STAGE_FIGURES, STREAM_FIGURES, type ReplicationResult } from "../flow/results.js";

const NS = STREAM_FIGURES.length;
const NG = STAGE_FIGURES.length;
const NB = BY_STREAM_FIGURES.length;

/**
 * How a reported figure is estimated from what each replication measured (stats/estimate.ts):
 *  - mean: a time average over the same window in every replication, so the mean over
 *    replications (throughput, WIP, utilization, queue length);
 *  - ratio: a per-item figure, a sum over items over their number, pooled over replications
 *    (lead time per item, wait per visit, touch over lead time): every item weighs the same,
 *    where a mean of per-replication ratios would weigh a replication of 3 items like one of 300;
 *  - quantile: of the pooled items of every replication (their sketches merged), with
 *    Woodruff's interval, the replication as the cluster (stats/quantiles.ts).
 */
export type FigureDef =
  | { kind: "mean"; of: number }
  | { kind: "ratio"; of: number; per: number }
  | { kind: "quantile"; of: number; q: number };

type StreamField = (typeof STREAM_FIGURES)[number];
type StageField = (typeof STAGE_FIGURES)[number];
const sf = (f: StreamField) => STREAM_FIGURES.indexOf(f);
const gf = (f: StageField) => STAGE_FIGURES.indexOf(f);

export const STREAM_DEFS = {
  throughput: { kind: "mean", of: sf("throughput") },
  completed: { kind: "mean", of: sf("completed") },
  wip: { kind: "mean", of: sf("wip") },
  flowEfficiency: { kind: "ratio", of: sf("touchSum"), per: sf("leadSum") },
  leadTimeMean: { kind: "ratio", of: sf("leadSum"), per: sf("completed") },
  leadTimeP50: { kind: "quantile", of: sf("leadTimeP50"), q: 0.5 },
  leadTimeP85: { kind: "quantile", of: sf("leadTimeP85"), q: 0.85 },
  leadTimeP95: { kind: "quantile", of: sf("leadTimeP95"), q: 0.95 },
  // Only a model with a calendar measures it (docs/calendars.md).
  leadTimeWorkingDays: { kind: "ratio", of: sf("leadWorkSum"), per: sf("completed") },
} as const satisfies Record<string, FigureDef>;

export const STAGE_DEFS = {
  utilization: { kind: "mean", of: gf("utilization") },
  wait: { kind: "ratio", of: gf("waitSum"), per: gf("visits") },
  queueLength: { kind: "mean", of: gf("queueLength") },
  visits: { kind: "mean", of: gf("visits") },
} as const satisfies Record<string, FigureDef>;

const bf = (f: (typeof BY_STREAM_FIGURES)[number]) => BY_STREAM_FIGURES.indexOf(f);

/** A stream's use of a stage (the timeline ladder): per item and per visit, pooled like the others. */
export const BY_STREAM_DEFS = {
  visitsPerItem: { kind: "ratio", of: bf("visits"), per: bf("completed") },
  wait: { kind: "ratio", of: bf("waitSum"), per: bf("visits") },
  touch: { kind: "ratio", of: bf("touchSum"), per: bf("visits") },
  waiting: { kind: "mean", of: bf("waiting") },
} as const satisfies Record<string, FigureDef>;

export type ByStreamFigureName = keyof typeof BY_STREAM_DEFS;
const BY_STREAM_LIST = Object.values(BY_STREAM_DEFS) as FigureDef[];
const BY_STREAM_INDEX = Object.fromEntries(Object.keys(BY_STREAM_DEFS).map((k, i) => [k, i])) as Record<ByStreamFigureName, number>;

export type StreamFigureName = keyof typeof STREAM_DEFS;
export type StageFigureName = keyof typeof STAGE_DEFS;
const STREAM_LIST = Object.values(STREAM_DEFS) as FigureDef[];
const STAGE_LIST = Object.values(STAGE_DEFS) as FigureDef[];
const STREAM_INDEX = Object.fromEntries(Object.keys(STREAM_DEFS).map((k, i) => [k, i])) as Record<StreamFigureName, number>;
const STAGE_INDEX = Object.fromEntries(Object.keys(STAGE_DEFS).map((k, i) => [k, i])) as Record<StageFigureName, number>;

const width = (d: FigureDef) => (d.kind === "ratio" ? 2 : 1);

/** A stream's quantile figures, with their index in STREAM_LIST: their pairs keep Woodruff's counts (PairedDiff). */
const QUANTILES = STREAM_LIST.flatMap((d, f) => (d.kind === "quantile" ? [{ q: d.q, of: d.of, f }] : []));

/** One figure's running moments over replications, and on how many it rests. */
class Acc {
  readonly m: Moments;
  /** Replications that measured something (a ratio's denominator above zero). */
  measured = 0;
  constructor(k: number) {
    this.m = new Moments(k);
  }
}

/** The values a replication gives a figure, or null if it could not measure it (NaN). */
function take(d: FigureDef, row: Float64Array, o: number, out: Float64Array, at: number): boolean {
  const a = row[o + d.of];
  if (Number.isNaN(a)) return false;
  out[at] = a;
  if (d.kind === "ratio") {
    const b = row[o + d.per];
    if (Number.isNaN(b)) return false;
    out[at + 1] = b;
  }
  return true;
}

const measures = (d: FigureDef, v: Float64Array, at: number) => d.kind !== "ratio" || v[at + 1] > 0;

/** A mean or ratio figure's value and gradient at the estimate (its part of a delta-method estimate). */
function point(d: FigureDef, mean: Float64Array, at: number): { value: number; grad: number[] } {
  if (d.kind === "ratio") {
    const y = mean[at];
    const x = mean[at + 1];
    return { value: x > 0 ? y / x : NaN, grad: [1 / x, -y / (x * x)] };
  }
  return { value: mean[at], grad: [1] };
}

/**
 * Figures of one model across replications, accumulated in replication order (so the numbers
 * are the same to the last digit whatever the number of workers). A replication stopped by the
 * work-in-progress cap measured a shorter window of an organization that was piling up work: it
 * is counted, and left out of every figure.
 */
export class Summary {
  private readonly streamAcc: Acc[];
  private readonly stageAcc: Acc[];
  /** Each stream's use of each stage: (stream * nStages + stage) * BY_STREAM_LIST.length + figure. */
  private readonly byStreamAcc: Acc[];
  /** Each stream's lead times, pooled over the replications in the figures. */
  readonly leadTimes: PooledQuantiles[];
  replications = 0;
  /** Replications in the figures: all but those stopped by the work-in-progress cap. */
  included = 0;
  events = 0;
  /** Replications stopped by the work-in-progress cap, by the stage where work piled up. */
  readonly unstable = new Map<string, number>();
  private readonly buf = new Float64Array(2);

  constructor(
    readonly nStreams: number,
    readonly nStages: number,
  ) {
    this.streamAcc = Array.from({ length: nStreams * STREAM_LIST.length }, (_, i) => new Acc(width(STREAM_LIST[i % STREAM_LIST.length])));
    this.stageAcc = Array.from({ length: nStages * STAGE_LIST.length }, (_, i) => new Acc(width(STAGE_LIST[i % STAGE_LIST.length])));
    this.leadTimes = Array.from({ length: nStreams }, () => new PooledQuantiles());
    this.byStreamAcc = Array.from({ length: nStreams * nStages * BY_STREAM_LIST.length }, (_, i) => new Acc(width(BY_STREAM_LIST[i % BY_STREAM_LIST.length])));
  }

  add(r: ReplicationResult): void {
    this.replications++;
    this.events += r.events;
    if (r.unstable) {
      this.unstable.set(r.unstable.stage, (this.unstable.get(r.unstable.stage) ?? 0) + 1);
      return;
    }
    this.included++;
    this.addAll(this.streamAcc, STREAM_LIST, this.nStreams, NS, r.streams);
    this.addAll(this.stageAcc, STAGE_LIST, this.nStages, NG, r.stages);
    this.addAll(this.byStreamAcc, BY_STREAM_LIST, this.nStreams * this.nStages, NB, r.byStream);
    for (let i = 0; i < this.nStreams; i++) this.leadTimes[i].add(r.sketches[i]);
  }

  private addAll(acc: Acc[], defs: FigureDef[], n: number, rowWidth: number, row: Float64Array): void {
    const v = this.buf;
    for (let e = 0; e < n; e++) {
      for (let f = 0; f < defs.length; f++) {
        if (!take(defs[f], row, e * rowWidth, v, 0)) continue;
        const a = acc[e * defs.length + f];
        a.m.add(v);
        if (measures(defs[f], v, 0)) a.measured++;
      }
    }
  }

  stream(i: number, name: StreamFigureName): Estimate {
    const d = STREAM_LIST[STREAM_INDEX[name]];
    return estimateOf(d, this.streamAcc[i * STREAM_LIST.length + STREAM_INDEX[name]], this.leadTimes[i]);
  }

  stage(s: number, name: StageFigureName): Estimate {
    const d = STAGE_LIST[STAGE_INDEX[name]];
    return estimateOf(d, this.stageAcc[s * STAGE_LIST.length + STAGE_INDEX[name]], null);
  }

  /** Stream i's use of stage g. */
  streamStage(i: number, g: number, name: ByStreamFigureName): Estimate {
    const d = BY_STREAM_LIST[BY_STREAM_INDEX[name]];
    return estimateOf(d, this.byStreamAcc[(i * this.nStages + g) * BY_STREAM_LIST.length + BY_STREAM_INDEX[name]], null);
  }

  /** Every figure as [estimate, half-width, n], streams then stages: to check that two runs agree to the last digit. */
  all(): number[][] {
    const out: number[][] = [];
    const push = (e: Estimate) => out.push([e.figure.mean, e.figure.ci95 ?? NaN, e.figure.n]);
    for (let i = 0; i < this.nStreams; i++) for (const k of Object.keys(STREAM_DEFS) as StreamFigureName[]) push(this.stream(i, k));
    for (let i = 0; i < this.nStages; i++) for (const k of Object.keys(STAGE_DEFS) as StageFigureName[]) push(this.stage(i, k));
    for (let i = 0; i < this.nStreams; i++) {
      for (let g = 0; g < this.nStages; g++) for (const k of Object.keys(BY_STREAM_DEFS) as ByStreamFigureName[]) push(this.streamStage(i, g, k));
    }
    return out;
  }

  /** Stream i's figure f at stage s. */
}

function estimateOf(d: FigureDef, a: Acc, pooled: PooledQuantiles | null): Estimate {
  if (d.kind === "quantile") return pooled!.estimate(d.q, a.measured);
  const p = point(d, a.m.mean, 0);
  return deltaEstimate(p.value, p.grad, a.m, undefined, a.measured);
}

/**
 * Paired differences, scenario minus base, replication by replication: under common random
 * numbers each replication of the scenario is the twin of the base's, so the variance of the
 * difference is far below the sum of the two variances. Streams and stages are matched by id.
 * A pair is left out when either twin was stopped by the work-in-progress cap.
 *
 * Each figure keeps the joint moments of (scenario's values, base's values), so both the
 * difference g(s) - g(b) and the relative change g(s) / g(b) - 1 get a delta-method interval
 * that counts the uncertainty of the base as well as of the scenario.
 *
 * Lead-time quantiles: a pair's quantile figures keep, per replication, Woodruff's counts for the
 * twins (items at or below the pooled quantile, less q times all items; stats/quantiles.ts), whose
 * correlation is that of the two pooled quantiles (see pairedQuantile).
 *
 * While every pair so far was either included whole or left out whole, the
 * pairs' pooled lead times are exactly the two models' own (Summary.leadTimes), and are shared
 * with them rather than added up again (five scenarios would add the base's five more times). The
 * first pair with one twin stopped and the other not parts them: the pair takes copies then and
 * goes on by itself. So add() must see a replication before the two Summaries do.
 */
export class PairedDiff {
  private readonly streamPairs: [number, number][];
  private readonly stagePairs: [number, number][];
  private readonly streamAcc: Acc[];
  private readonly stageAcc: Acc[];
  /** Lead times of the pairs included, per base stream: [scenario's, base's]. */
  private readonly leadTimes: [PooledQuantiles, PooledQuantiles][];
  pairs = 0;
  included = 0;
  private readonly buf = new Float64Array(4);
  /** The lead times are the Summaries' own (see above), while this is set. */
  private sharing: { base: Summary; scenario: Summary } | null;
  /** Where Woodruff's counts are taken: bucket indices, per base stream the scenario's for each
   * quantile figure, then the base's (see addQuantiles). */
  private readonly thresholds: Float64Array;

  /** With `summaries`, the base's and the scenario's, fed the same replications after this. */
  constructor(baseStreams: string[], baseStages: string[], streams: string[], stages: string[], summaries?: { base: Summary; scenario: Summary }) {
    this.streamPairs = matching(baseStreams, streams);
    this.stagePairs = matching(baseStages, stages);
    this.streamAcc = Array.from({ length: baseStreams.length * STREAM_LIST.length }, (_, i) => new Acc(2 * width(STREAM_LIST[i % STREAM_LIST.length])));
    this.stageAcc = Array.from({ length: baseStages.length * STAGE_LIST.length }, (_, i) => new Acc(2 * width(STAGE_LIST[i % STAGE_LIST.length])));
    const pair = new Map(this.streamPairs);
    this.leadTimes = baseStreams.map((_, i) =>
      summaries && pair.has(i) ? [summaries.scenario.leadTimes[pair.get(i)!], summaries.base.leadTimes[i]] : [new PooledQuantiles(), new PooledQuantiles()],
    );
    this.sharing = summaries ?? null;
    this.thresholds = new Float64Array(baseStreams.length * QUANTILES.length * 2).fill(NaN); // unset
  }

  add(base: ReplicationResult, scenario: ReplicationResult): void {
    if (this.sharing && (this.sharing.base.replications !== this.pairs || this.sharing.scenario.replications !== this.pairs)) {
      // Copies taken after a Summary saw this replication would hold it: every figure silently off.
      throw new Error("PairedDiff.add: a replication must reach the pair before the two Summaries");
    }
    this.pairs++;
    if (this.sharing && !base.unstable !== !scenario.unstable) {
      for (const [i] of this.streamPairs) this.leadTimes[i] = [this.leadTimes[i][0].clone(), this.leadTimes[i][1].clone()];
      this.sharing = null;
    }
    if (base.unstable || scenario.unstable) return;
    this.included++;
    this.addAll(this.streamAcc, STREAM_LIST, this.streamPairs, NS, base.streams, scenario.streams);
    this.addAll(this.stageAcc, STAGE_LIST, this.stagePairs, NG, base.stages, scenario.stages);
    this.addQuantiles(base, scenario);
    if (this.sharing) return; // the Summaries add these lead times next
    for (const [i, j] of this.streamPairs) {
      this.leadTimes[i][0].add(scenario.sketches[j]);
      this.leadTimes[i][1].add(base.sketches[i]);
    }
  }

  private addAll(acc: Acc[], defs: FigureDef[], idx: [number, number][], rowWidth: number, base: Float64Array, scen: Float64Array): void {
    const v = this.buf;
    for (const [i, j] of idx) {
      for (let f = 0; f < defs.length; f++) {
        const d = defs[f];
        if (d.kind === "quantile") continue; // addQuantiles
        const k = width(d);
        if (!take(d, scen, j * rowWidth, v, 0) || !take(d, base, i * rowWidth, v, k)) continue;
        const a = acc[i * defs.length + f];
        a.m.add(v);
        if (measures(d, v, 0) && measures(d, v, k)) a.measured++;
      }
    }
  }

  /**
   * Each quantile figure's Woodruff counts for the twins, c - q n (c items at or below the
   * threshold, n all items), at the pooled quantiles of the included pairs before this one: the
   * final quantiles are known only at the end, and the correlation of the counts changes little
   * with a threshold near them (counts at the final p85 gave the same correlation to 0.001 on the
   * example). The first pair takes its own quantiles; the thresholds follow the pooled ones at 2,
   * 3, 4, 8, 16, 32, 64 included pairs and every 64 after, and at the next pair while a side has
   * had no items at all (unset, NaN). Merged in replication order, so the same for any number of
   * workers.
   *
   * A twin with no items is a replication as Woodruff counts it (c = n = 0): the pair is kept with
   * 0 on that side, as leaving it out would drop exactly the pairs that lower the covariance. Only
   * a pair with no items on either side is left out.
   */
  private addQuantiles(base: ReplicationResult, scenario: ReplicationResult): void {
    const v = this.buf;
    const n = this.included;
    const due = n <= 4 || (n & (n - 1)) === 0 || n % 64 === 0;
    const nq = QUANTILES.length;
    const t = this.thresholds;
    for (const [i, j] of this.streamPairs) {
      const at = i * nq * 2;
      const sketches = [scenario.sketches[j], base.sketches[i]];
      if (sketches[0].count === 0 && sketches[1].count === 0) continue;
      for (let side = 0; side < 2; side++) {
        const own = side === 0 ? scenario.streams : base.streams;
        const row = (side === 0 ? j : i) * NS;
        for (let k = 0; k < nq; k++) {
          const slot = at + side * nq + k;
          if (!due && !Number.isNaN(t[slot])) continue;
          const pooled = n > 1 ? this.leadTimes[i][side].pooled.quantile(QUANTILES[k].q) : NaN;
          t[slot] = countBucket(Number.isNaN(pooled) ? own[row + QUANTILES[k].of] : pooled);
        }
      }
      const cs = countsAtOrBelow(sketches[0], t.subarray(at, at + nq));
      const cb = countsAtOrBelow(sketches[1], t.subarray(at + nq, at + 2 * nq));
      for (let k = 0; k < nq; k++) {
        const { q, f } = QUANTILES[k];
        v[0] = cs[k] - q * sketches[0].count;
        v[1] = cb[k] - q * sketches[1].count;
        const a = this.streamAcc[i * STREAM_LIST.length + f];
        a.m.add(v);
        a.measured++;
      }
    }
  }

  /** Scenario minus base for the base's stream i. */
  stream(i: number, name: StreamFigureName): { difference: Estimate; relative: Estimate } {
    const d = STREAM_LIST[STREAM_INDEX[name]];
    return pairedOf(d, this.streamAcc[i * STREAM_LIST.length + STREAM_INDEX[name]], this.leadTimes[i]);
  }

  stage(s: number, name: StageFigureName): { difference: Estimate; relative: Estimate } {
    const d = STAGE_LIST[STAGE_INDEX[name]];
    return pairedOf(d, this.stageAcc[s * STAGE_LIST.length + STAGE_INDEX[name]], null);
  }
}

function pairedOf(d: FigureDef, a: Acc, pooled: [PooledQuantiles, PooledQuantiles] | null): { difference: Estimate; relative: Estimate } {
  if (d.kind === "quantile") return pairedQuantile(d.q, a, pooled!);
  const k = width(d);
  const s = point(d, a.m.mean, 0);
  const b = point(d, a.m.mean, k);
  const difference = deltaEstimate(s.value - b.value, [...s.grad, ...b.grad.map((g) => -g)], a.m, undefined, a.measured);
  // g(s) / g(b) - 1: d/ds = grad(s) / g(b), d/db = -g(s) grad(b) / g(b)^2.
  const r = s.value / b.value;
  const relative = deltaEstimate(
    b.value !== 0 ? r - 1 : NaN,
    [...s.grad.map((g) => g / b.value), ...b.grad.map((g) => (-r * g) / b.value)],
    a.m,
    undefined,
    a.measured,
  );
  return { difference, relative };
}

/**
 * A change in a pooled quantile: each side's standard error from its own Woodruff interval, and
 * their correlation under common random numbers from the twins' Woodruff counts, replication by
 * replication (PairedDiff.addQuantiles). Linearized, a pooled quantile moves with its count
 * (Q - q_true ~ -(sum c - q sum n) / (f sum n)), so the counts' correlation is the quantiles'.
 * The twins' own per-replication quantiles, used before, move together more closely than the
 * counts (the example's intake checklist, payments p85: 0.994 against 0.985 on average, so 1 - rho,
 * which sets the variance, was well under half of what it is), and the paired p85's interval came
 * out a fifth to a third too narrow (docs/statistics.md).
 */
function pairedQuantile(q: number, a: Acc, [ps, pb]: [PooledQuantiles, PooledQuantiles]): { difference: Estimate; relative: Estimate } {
  const s = ps.estimate(q, a.measured);
  const b = pb.estimate(q, a.measured);
  const S = a.m.spread();
  const rho = S[0] > 0 && S[3] > 0 ? Math.max(-1, Math.min(1, S[1] / Math.sqrt(S[0] * S[3]))) : 0;
  const df = Math.min(s.df, b.df);
  const n = a.measured;
  const qs = s.figure.mean;
  const qb = b.figure.mean;
  const make = (value: number, v: number): Estimate => {
    if (!(df >= 1) || !Number.isFinite(v)) return { figure: { mean: value, ci95: null, n }, se: NaN, df: 0 };
    const se = Math.sqrt(Math.max(0, v));
    return { figure: { mean: value, ci95: tCritical95(df) * se, n }, se, df };
  };
  const cov = rho * s.se * b.se;
  const difference = make(qs - qb, s.se * s.se + b.se * b.se - 2 * cov);
  const r = qs / qb;
  const relative = make(qb !== 0 ? r - 1 : NaN, (s.se * s.se + r * r * b.se * b.se - 2 * r * cov) / (qb * qb));
  return { difference, relative };
}

function matching(base: string[], other: string[]): [number, number][] {
  const out: [number, number][] = [];
  base.forEach((id, i) => {
    const j = other.indexOf(id);
    if (j >= 0) out.push([i, j]);
  });
  return out;
}
