import { ForecastSimulation } from "../flow/forecast.js";
import { compile } from "../model/compile.js";
import { dateAt, dayOf, timeAt } from "../model/clock.js";
import { ModelError } from "../model/errors.js";
import type { Model, WipItem } from "../model/types.js";
import { DEFAULT_MAX_WIP } from "../flow/simulation.js";
import { type Figure, figure } from "../stats/interval.js";

/**
 * `vsm forecast`: when will today's work (the model's wip) and a backlog be done, as calendar
 * dates; under a base and its scenarios, paired by replication (the same seed and replication
 * number give every model the same random numbers where their sources agree).
 */

export interface ForecastOptions {
  /** Items of one stream not started yet, placed at the start of its route at time 0. */
  backlog?: { stream: string; count: number };
  /** Time 0 as ISO 8601 with offset (the models' own `start` is not read here: the caller decides). */
  start: string;
  /** A date (YYYY-MM-DD: the end of that day, in start's offset) or an ISO date-time to meet. */
  by?: string;
  replications: number;
  seed: number;
  maxWip?: number;
}

export const FORECAST_REPLICATIONS = 500;

/** The model a forecast runs: its wip with the backlog behind it, measured from time 0. */
export function forecastModel(model: Model, backlog: ForecastOptions["backlog"]): Model {
  const wip: WipItem[] = [...(model.wip ?? [])];
  if (backlog) {
    const stream = model.streams[backlog.stream];
    if (!stream) throw new ModelError([{ file: model.source, path: "--stream", message: `names unknown stream "${backlog.stream}"; known streams: ${Object.keys(model.streams).join(", ")}` }]);
    const first = stream.route[0];
    if (first.kind !== "stage" || first.probability !== 1) {
      throw new ModelError([{ file: model.source, path: `streams.${backlog.stream}.route[0]`, message: "is an optional or parallel step: a backlog is placed at a route's first step, which every item must visit" }]);
    }
    wip.push({ stream: backlog.stream, stage: first.stage, count: backlog.count, state: "wait", elapsed: 0, age: 0, at: "--backlog" });
  }
  if (wip.length === 0) throw new ModelError([{ file: model.source, path: "", message: "has no work to forecast: give --backlog with --stream, --wip, or a wip: list in the model" }]);
  return { ...model, warmup: 0, wip };
}

/** The time each replication's tracked work was done (NaN: not within the model's horizon). */
export function forecastTimes(model: Model, o: ForecastOptions): Float64Array {
  const m = compile(forecastModel(model, o.backlog));
  return Float64Array.from({ length: o.replications }, (_, r) => new ForecastSimulation(m, o.seed, r, { maxWip: o.maxWip ?? DEFAULT_MAX_WIP }).forecast());
}

export interface ForecastQuantile {
  /** Simulation time, in the model's unit; null: later than the horizon in more than that share. */
  time: number | null;
  date: string | null;
}

export interface ForecastFigures {
  model: string;
  source: string;
  items: number;
  /** Replications in which the work was not done within the horizon. */
  notDone: number;
  p50: ForecastQuantile;
  p85: ForecastQuantile;
  p95: ForecastQuantile;
  /** Share of replications done by `by`, with Wilson's 95% interval. */
  by: { date: string; probability: number; low: number; high: number } | null;
}

export interface ForecastPair {
  scenario: string;
  /** Scenario minus base, per replication in which both were done: negative is earlier. */
  difference: Figure;
  /** Share of those replications in which the scenario was done first (ties: neither). */
  earlier: number;
}

export interface ForecastDocument {
  start: string;
  timeUnit: string;
  replications: number;
  seed: number;
  backlog: ForecastOptions["backlog"] | null;
  base: ForecastFigures;
  scenarios: ForecastFigures[];
  paired: ForecastPair[];
}

/**
 * Nearest-rank quantile (the smallest time by which at least that share of replications was
 * done), so "p85" reads "done by this date in 85% of the simulated futures".
 */
function quantile(sorted: Float64Array, p: number): number {
  return sorted[Math.max(0, Math.ceil(p * sorted.length) - 1)];
}

/** Wilson's score interval for a proportion (Wilson 1927), 95%. */
function wilson(k: number, n: number): { low: number; high: number } {
  const z = 1.959963984540054;
  const p = k / n;
  const d = 1 + (z * z) / n;
  const c = (p + (z * z) / (2 * n)) / d;
  const h = (z * Math.sqrt((p * (1 - p)) / n + (z * z) / (4 * n * n))) / d;
  return { low: Math.max(0, c - h), high: Math.min(1, c + h) };
}

/** The instant `by` names: a date means the end of that day, in the offset of `start`. */
export function byTime(by: string, start: string, model: Model): number {
  const day = /^\d{4}-\d{2}-\d{2}$/.test(by);
  const offset = /([+-]\d{2}:\d{2}|Z)$/.exec(start)?.[1] ?? "Z";
  const ms = day ? Date.parse(`${by}T00:00:00${offset}`) + 86_400_000 : Date.parse(by);
  if (Number.isNaN(ms) || (day && dayOf(new Date(ms - 1), start) !== by)) {
    throw new ModelError([{ file: "--by", path: "", message: `must be a date (2027-03-31) or an ISO 8601 date-time with offset (got ${JSON.stringify(by)})` }]);
  }
  return timeAt(start, model.timeUnit, ms);
}

function figuresOf(model: Model, times: Float64Array, o: ForecastOptions): ForecastFigures {
  // Not done within the horizon: later than any time, so it sorts last.
  const sorted = Float64Array.from(times, (t) => (Number.isNaN(t) ? Infinity : t)).sort();
  const q = (p: number): ForecastQuantile => {
    const t = quantile(sorted, p);
    return t === Infinity ? { time: null, date: null } : { time: t, date: dayOf(dateAt(o.start, model.timeUnit, t), o.start) };
  };
  let by: ForecastFigures["by"] = null;
  if (o.by !== undefined) {
    const limit = byTime(o.by, o.start, model);
    const k = sorted.filter((t) => t <= limit).length;
    by = { date: o.by, probability: k / sorted.length, ...wilson(k, sorted.length) };
  }
  const items = (model.wip ?? []).reduce((n, w) => n + w.count, 0);
  return { model: model.name, source: model.source, items, notDone: sorted.filter((t) => t === Infinity).length, p50: q(0.5), p85: q(0.85), p95: q(0.95), by };
}

export function forecastDocument(models: Model[], o: ForecastOptions): ForecastDocument {
  const runs = models.map((m) => ({ model: forecastModel(m, o.backlog), times: forecastTimes(m, o) }));
  const [base, ...scenarios] = runs;
  const paired = scenarios.map((s): ForecastPair => {
    const d: number[] = [];
    let earlier = 0;
    for (let r = 0; r < o.replications; r++) {
      const x = s.times[r] - base.times[r];
      if (Number.isNaN(x)) continue;
      d.push(x);
      if (x < 0) earlier++;
    }
    return { scenario: s.model.name, difference: figure(d), earlier: d.length ? earlier / d.length : NaN };
  });
  return {
    start: o.start,
    timeUnit: models[0].timeUnit,
    replications: o.replications,
    seed: o.seed,
    backlog: o.backlog ?? null,
    base: figuresOf(base.model, base.times, o),
    scenarios: scenarios.map((s) => figuresOf(s.model, s.times, o)),
    paired,
  };
}
