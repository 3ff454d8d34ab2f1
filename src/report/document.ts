import { GENERATOR } from "../engine/random.js";
import { offeredLoads, stabilityWarnings } from "../model/analysis.js";
import type { Model, RouteStep } from "../model/types.js";
import type { Figure } from "../stats/interval.js";
import type { QuantileSketch } from "../stats/sketch.js";
import { type Estimate, holm, pValue } from "../stats/estimate.js";
import type { RunOutcome } from "../runner/run.js";
import type { PairedDiff, StageFigureName, StreamFigureName, Summary } from "../runner/summary.js";
import { type EconomicsDiff, type EconomicsDocument, economicsDocument } from "./money.js";

/**
 * A figure as the documents give it: `mean` is the estimate (a mean over replications, a ratio of
 * pooled sums, or a pooled quantile: see runner/summary.ts), `ci95` its 95% half-width, `n` the
 * replications it rests on. `unstable: true` marks a figure that grows with the length of the run
 * (the stage, or a stage the stream crosses, is overloaded): there is no steady state, and its
 * interval describes this run length only.
 */
export type RunFigure = Figure & { unstable?: true };

/** The JSON document of `vsm run --json`; this shape is relied on (add freely, never rename). */
export interface RunDocument {
  model: string;
  source: string;
  replications: number;
  /** Replications the figures rest on: all but those stopped by the work-in-progress cap. */
  included: number;
  seed: number;
  generator: string;
  timeUnit: string;
  warmup: number;
  horizon: number;
  streams: Record<string, StreamFigures>;
  stages: Record<string, StageFigures>;
  /** Where each stream's time goes: per stream, the stages its route visits (see ByStreamFigures). */
  byStream: Record<string, Record<string, ByStreamFigures>>;
  /** The flow constraint: the stage where items wait most in total (time-average items waiting
   * there). Often a batch or a gate, not a busy team. */
  constraint: { stage: string; name: string; waitingItems: Figure; utilization: Figure | null } | null;
  /** The capacity constraint: the busiest stage with limited servers. */
  busiest: { stage: string; name: string; utilization: Figure } | null;
  /** Stages with no steady state: overloaded by the model's own figures, or where replications
   * hit the work-in-progress cap (then `replications` says how many; they are left out). */
  unstable: { stage: string; replications: number; cause: string }[];
  /** Stages whose offered load reaches their capacity, from the model alone. */
  warnings: string[];
  /** target and achieved: shares of the value, or with `absolute`, half-widths in timeUnit. */
  /** `widest`: the watched figure whose half-width is `achieved`, in words (e.g. "Self-service
   * environments: payments, p85 lead time"); null before any has an interval. */
  precision?: {
    target: number;
    reached: boolean;
    achieved: number;
    rule: string;
    absolute: boolean;
    economics: boolean;
    widest: string | null;
    /** In a comparison, each future state's own widest watched half-width, and whether it is
     * within the target: which answers are settled when the whole is not. Empty for a run. */
    scenarios: { name: string; achieved: number; reached: boolean }[];
  };
  /** What the flow costs a year, where the model has economics (docs/economics.md). */
  economics?: EconomicsDocument;
  performance: { events: number; wallSeconds: number; eventsPerSecond: number; workers: number; remote?: string };
}

export interface StreamFigures {
  name: string;
  throughput: RunFigure;
  completed: RunFigure;
  wip: RunFigure;
  flowEfficiency: RunFigure;
  leadTime: {
    mean: RunFigure;
    p50: RunFigure;
    p85: RunFigure;
    p95: RunFigure;
    /** Mean lead time in working days of the model's calendar (docs/calendars.md); only with a calendar. */
    workingDays?: RunFigure;
    /** The lead-time distribution of every item in the figures, pooled over replications:
     * `distribution[k]` is the k-th percentile (k = 0..100; 0 is the shortest lead time, 100 the
     * longest), so charts and CSV can draw the whole curve and not just three quantiles. Empty when
     * the stream completed no item. */
    distribution: number[];
  };
}

export interface StageFigures {
  name: string;
  utilization?: RunFigure;
  wait: RunFigure;
  queueLength: RunFigure;
  visits: RunFigure;
}

/** Stages every step of a route list may visit, parallel branches included. */
function routeStages(route: RouteStep[], out = new Set<string>()): Set<string> {
  for (const step of route) {
    if (step.kind === "stage") out.add(step.stage);
    else for (const b of step.branches) routeStages(b, out);
  }
  return out;
}

/**
 * A stream's use of one stage, pooled over replications like every per-item figure, for the services
 * of the stream's items that start at the stage in the measured window (rework returns and
 * parallel branches included): `visits` is that count over the stream's items completed in the
 * window (visits per item); `wait` the mean wait per visit (gate and queue) and `touch` the mean
 * process time per visit; `waiting` the time-average number of the stream's items waiting there.
 */
export interface ByStreamFigures {
  visits: Figure;
  wait: Figure;
  touch: Figure;
  waiting: Figure;
}

/** Each stream's figures at the stages its route names (any depth of parallel branches), in route order. */
function byStreamOf(model: Model, s: Summary): RunDocument["byStream"] {
  const stageIds = Object.keys(model.stages);
  const out: RunDocument["byStream"] = {};
  Object.entries(model.streams).forEach(([id, stream], i) => {
    out[id] = {};
    // In the order the route first names them: the rungs of the ladder.
    for (const stage of routeStages(stream.route)) {
      const g = stageIds.indexOf(stage);
      out[id][stage] = {
        visits: s.streamStage(i, g, "visitsPerItem").figure,
        wait: s.streamStage(i, g, "wait").figure,
        touch: s.streamStage(i, g, "touch").figure,
        waiting: s.streamStage(i, g, "waiting").figure,
      };
    }
  });
  return out;
}

/**
 * Stages with no steady state (offered load at or above capacity, a gate that releases less than
 * arrives, or work-in-progress cap hits), and the streams that cross them.
 */
export function instability(model: Model, s: Summary): { unstable: RunDocument["unstable"]; streams: Set<string>; stages: Set<string> } {
  const unstable: RunDocument["unstable"] = [];
  const stages = new Set<string>();
  for (const l of offeredLoads(model)) {
    const cause =
      l.load >= 1 ? `offered load ${l.load.toFixed(2)} >= 1` : l.gateLimit !== null && l.visitRate >= l.gateLimit ? "its gate releases less than arrives" : null;
    if (cause) {
      stages.add(l.stage);
      unstable.push({ stage: l.stage, replications: s.unstable.get(l.stage) ?? 0, cause });
    }
  }
  // A stage where the cap stopped replications but whose offered load is below capacity may be
  // stable (near saturation, or a long transient): its replications are left out and it is
  // listed, but its figures are not said to grow with the run.
  for (const [stage, replications] of s.unstable) {
    if (stages.has(stage)) continue;
    unstable.push({ stage, replications, cause: "work in progress hit the cap" });
  }
  const streams = new Set<string>();
  for (const [id, st] of Object.entries(model.streams)) {
    const visited = routeStages(st.route);
    for (const g of stages) if (visited.has(g)) streams.add(id);
  }
  return { unstable, streams, stages };
}

/** Percentiles 0..100 of a pooled sketch (0 and 100: its min and max); [] when it holds no item. */
export function percentiles(q: QuantileSketch): number[] {
  if (q.count === 0) return [];
  return Array.from({ length: 101 }, (_, k) => (k === 0 ? q.min : k === 100 ? q.max : q.quantile(k / 100)));
}

const mark = (f: Figure, grows: boolean): RunFigure => (grows ? { ...f, unstable: true } : f);

export function runDocument(outcome: RunOutcome, index = 0): RunDocument {
  const model = outcome.models[index];
  const s = outcome.summaries[index];
  const bad = instability(model, s);
  const streams: Record<string, StreamFigures> = {};
  Object.keys(model.streams).forEach((id, i) => {
    const grows = bad.streams.has(id);
    const f = (name: StreamFigureName, g = grows) => mark(s.stream(i, name).figure, g);
    const fe = f("flowEfficiency");
    // Touch time never exceeds lead time, but a process time below the clock's resolution
    // (1e-300 days, say) is lost in the sum of times and not in the touch time: cap at 1.
    if (fe.mean > 1) fe.mean = 1;
    streams[id] = {
      name: model.streams[id].name,
      throughput: f("throughput", false),
      completed: f("completed", false),
      wip: f("wip"),
      flowEfficiency: fe,
      leadTime: {
        mean: f("leadTimeMean"),
        p50: f("leadTimeP50"),
        p85: f("leadTimeP85"),
        p95: f("leadTimeP95"),
        ...(model.calendar ? { workingDays: f("leadTimeWorkingDays") } : {}),
        distribution: percentiles(s.leadTimes[i].pooled),
      },
    };
  });
  const stages: Record<string, StageFigures> = {};
  let constraint: RunDocument["constraint"] = null;
  let busiest: RunDocument["busiest"] = null;
  Object.keys(model.stages).forEach((id, i) => {
    const st = model.stages[id];
    const grows = bad.stages.has(id);
    const f = (name: StageFigureName, g = grows) => mark(s.stage(i, name).figure, g);
    stages[id] = {
      name: st.name,
      ...(st.servers === Infinity ? {} : { utilization: f("utilization", false) }),
      wait: f("wait"),
      queueLength: f("queueLength"),
      visits: f("visits", false),
    };
    const waiting = stages[id].queueLength;
    if (waiting.mean > 0 && (!constraint || waiting.mean > constraint.waitingItems.mean)) {
      constraint = { stage: id, name: st.name, waitingItems: waiting, utilization: stages[id].utilization ?? null };
    }
    const u = stages[id].utilization;
    if (u && u.mean > 0 && (!busiest || u.mean > busiest.utilization.mean)) busiest = { stage: id, name: st.name, utilization: u };
  });
  return {
    model: model.name,
    source: model.source,
    replications: outcome.replications,
    included: s.included,
    seed: outcome.seed,
    generator: GENERATOR,
    timeUnit: model.timeUnit,
    warmup: model.warmup,
    horizon: model.horizon,
    streams,
    stages,
    byStream: byStreamOf(model, s),
    constraint,
    busiest,
    unstable: bad.unstable,
    warnings: stabilityWarnings(model),
    ...(outcome.precision
      ? {
          precision: {
            target: outcome.precision.target,
            reached: outcome.precision.reached,
            achieved: outcome.precision.worst,
            rule: outcome.precision.rule,
            absolute: outcome.precision.absolute,
            economics: outcome.precision.economics,
            widest: widestWords(outcome),
            scenarios: outcome.diffs.length ? outcome.models.slice(1).map((m, k) => scenarioPrecision(m.name, outcome.precision!.byModel[k + 1], outcome.precision!.target)) : [],
          },
        }
      : {}),
    ...(outcome.money[index] ? { economics: economicsDocument(model, outcome.money[index]!) } : {}),
    performance: performance(outcome),
  };
}

/** Events of the whole run (every model of a comparison): what the wall time paid for. */
function performance(outcome: RunOutcome): RunDocument["performance"] {
  const events = outcome.summaries.reduce((a, x) => a + x.events, 0);
  return { events, wallSeconds: outcome.wallSeconds, eventsPerSecond: events / outcome.wallSeconds, workers: outcome.workers, ...(outcome.remote ? { remote: outcome.remote } : {}) };
}

/**
 * A paired difference, scenario minus base (mean, ci95, n), with the relative change and its own
 * delta-method interval (null where the base value is 0), the p-value of "no change", and whether
 * it is marked: significant after Holm's correction over every figure of the scenario, and at
 * least the minimum effect (see `compareDocument`).
 */
export type DiffFigure = RunFigure & { relative: Figure | null; p: number | null; significant: boolean };

/** Figures of the paired difference (scenario minus base) as `vsm compare --json` gives them. */
export interface DiffDocument {
  /** Pairs the figures rest on: both twins completed their window. */
  included: number;
  streams: Record<string, { throughput: DiffFigure; wip: DiffFigure; leadTime: { mean: DiffFigure; p50: DiffFigure; p85: DiffFigure; p95: DiffFigure } }>;
  stages: Record<string, { wait: DiffFigure; utilization?: DiffFigure }>;
  /** What the change is worth a year, where both models have economics. */
  economics?: EconomicsDiff;
}

export interface DiffOptions {
  /** The smallest change worth a mark: a share of the base value for stream figures, of the base's
   * mean lead time over all items for a stage's wait, and in points (a share of time busy) for
   * utilization. Default 0.01. */
  minEffect?: number;
  alpha?: number;
}

export const DEFAULT_MIN_EFFECT = 0.01;

function diffFigure(e: { difference: Estimate; relative: Estimate }, grows: boolean): DiffFigure {
  const p = pValue(e.difference);
  const rel = e.relative.figure;
  return {
    ...mark(e.difference.figure, grows),
    relative: Number.isFinite(rel.mean) ? rel : null,
    p: Number.isFinite(p) ? p : null,
    significant: false,
  };
}

export function diffDocument(base: Model, scenario: Model, d: PairedDiff, baseDoc: RunDocument, scenDoc: RunDocument, options: DiffOptions = {}): DiffDocument {
  const minEffect = options.minEffect ?? DEFAULT_MIN_EFFECT;
  const grows = (x: RunFigure | undefined, y: RunFigure | undefined) => x?.unstable === true || y?.unstable === true;
  // Each figure of the family, with the effect size its mark needs.
  const family: { f: DiffFigure; big: boolean }[] = [];
  const streams: DiffDocument["streams"] = {};
  let items = 0;
  let leadSum = 0;
  Object.keys(base.streams).forEach((id, i) => {
    if (!Object.hasOwn(scenario.streams, id)) return;
    const b = baseDoc.streams[id];
    const a = scenDoc.streams[id];
    const of = (name: StreamFigureName, x: RunFigure, y: RunFigure) => {
      const f = diffFigure(d.stream(i, name), grows(x, y));
      family.push({ f, big: Math.abs(f.mean) >= minEffect * Math.abs(x.mean) });
      return f;
    };
    streams[id] = {
      throughput: of("throughput", b.throughput, a.throughput),
      wip: of("wip", b.wip, a.wip),
      leadTime: {
        mean: of("leadTimeMean", b.leadTime.mean, a.leadTime.mean),
        p50: of("leadTimeP50", b.leadTime.p50, a.leadTime.p50),
        p85: of("leadTimeP85", b.leadTime.p85, a.leadTime.p85),
        p95: of("leadTimeP95", b.leadTime.p95, a.leadTime.p95),
      },
    };
  });
  for (const s of Object.values(baseDoc.streams)) {
    if (Number.isFinite(s.leadTime.mean.mean) && Number.isFinite(s.completed.mean)) {
      items += s.completed.mean;
      leadSum += s.completed.mean * s.leadTime.mean.mean;
    }
  }
  const overallLead = items > 0 ? leadSum / items : NaN;
  const stages: DiffDocument["stages"] = {};
  Object.keys(base.stages).forEach((id, i) => {
    if (!Object.hasOwn(scenario.stages, id)) return;
    const b = baseDoc.stages[id];
    const a = scenDoc.stages[id];
    const wait = diffFigure(d.stage(i, "wait"), grows(b.wait, a.wait));
    family.push({ f: wait, big: Math.abs(wait.mean) >= minEffect * overallLead });
    const limited = base.stages[id].servers !== Infinity && scenario.stages[id].servers !== Infinity;
    let utilization: DiffFigure | undefined;
    if (limited) {
      utilization = diffFigure(d.stage(i, "utilization"), false);
      family.push({ f: utilization, big: Math.abs(utilization.mean) >= minEffect });
    }
    stages[id] = { wait, ...(utilization ? { utilization } : {}) };
  });
  const reject = holm(
    family.map((x) => x.f.p ?? NaN),
    options.alpha ?? 0.05,
  );
  family.forEach((x, k) => (x.f.significant = reject[k] && x.big && !x.f.unstable));
  return { included: d.included, streams, stages };
}

/** A future state's own precision: its widest watched half-width against the target. */
function scenarioPrecision(name: string, achieved: number, target: number): { name: string; achieved: number; reached: boolean } {
  return { name, achieved, reached: achieved <= target };
}

/** The figure --precision found widest, in words: the scenario (in a comparison), the stream, the figure. */
function widestWords(outcome: RunOutcome): string | null {
  const w = outcome.precision?.widest;
  if (!w) return null;
  const base = outcome.models[0];
  const figure = w.figure === "economics" ? "the economics total" : `${Object.keys(base.streams)[w.stream!]}, ${w.figure === "leadTimeP85" ? "p85" : "mean"} lead time`;
  return outcome.diffs.length ? `${outcome.models[w.model].name}: ${figure}` : figure;
}
