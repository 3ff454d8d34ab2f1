import type { DistSpec, Model, WorkingCalendar } from "./types.js";
import { compile } from "./compile.js";
import { streamVisits, streamWork } from "./visits.js";

/** One part of a stage's servers (docs/model-format.md, allocation): the shared part, or the
 * servers dedicated to one stream. */
export interface PartLoad {
  /** The stream these servers serve only; null: the shared part (every other stream). */
  stream: string | null;
  servers: number;
  /** Work arriving at the part per time unit / its servers. */
  load: number;
}

export { streamVisits, streamWork };

/** A stage's offered load: what arrives at it against what it can do, from the model alone. */
export interface StageLoad {
  stage: string;
  /** Visits per time unit, rework loops included. */
  visitRate: number;
  /** The stage's mean process time (a route step may set its own: see workRate). */
  meanProcessTime: number;
  /** Work arriving per time unit: every visit at its step's mean process time, repeat passes at
   * their rework's effort. */
  workRate: number;
  servers: number;
  /** workRate / servers; 0 for unlimited stages. With dedicated servers and no borrowing, the
   * highest of its parts' loads (each part is a queue of its own); with borrowing, the pooled
   * load (no server idles while work waits anywhere at the stage). */
  load: number;
  /** Present when the stage has dedicated servers. */
  parts?: PartLoad[];
  /** Some route step sets its own process time here (workRate is then not visits x mean). */
  stepTimes: boolean;
  /** A scheduled gate with `max` releases at most max/every per time unit. */
  gateLimit: number | null;
}

const arrivalRate = (s: Model["streams"][string]) => (s.arrivals.kind === "poisson" ? s.arrivals.rate : 1 / meanOf(s.arrivals.interarrival));

export function offeredLoads(model: Model): StageLoad[] {
  const rate = new Map<string, number>();
  const workRate = new Map<string, number>();
  const partWork = new Map<string, Map<string | null, number>>();
  const m = compile(model);
  const work = streamWork(model, m);
  for (const [id, perItem] of Object.entries(streamVisits(model, m))) {
    const r = arrivalRate(model.streams[id]);
    for (const [stage, v] of Object.entries(perItem)) {
      rate.set(stage, (rate.get(stage) ?? 0) + r * v);
      const w = r * work[id][stage];
      workRate.set(stage, (workRate.get(stage) ?? 0) + w);
      const own = model.stages[stage].dedicated?.[id] !== undefined ? id : null;
      const parts = partWork.get(stage) ?? new Map<string | null, number>();
      parts.set(own, (parts.get(own) ?? 0) + w);
      partWork.set(stage, parts);
    }
  }
  return Object.entries(model.stages).map(([id, st]) => {
    const visitRate = rate.get(id) ?? 0;
    // Working time (docs/calendars.md) is done only in working hours: a stage can do
    // share-of-the-week as much in calendar time, so its work counts 1 / share as much.
    const share = st.workingTime ? workingShare(st.workingTime) : 1;
    const w = (workRate.get(id) ?? 0) / share;
    const gate = st.batch;
    const out: StageLoad = {
      stage: id,
      visitRate,
      meanProcessTime: meanOf(st.processTime) / share,
      workRate: w,
      servers: st.servers,
      load: st.servers === Infinity ? 0 : w / st.servers,
      gateLimit: gate?.kind === "schedule" && gate.max !== null ? gate.max / gate.every : null,
      stepTimes: m.serviceByStep[m.stageIds.indexOf(id)] === 1,
    };
    const dedicated = Object.entries(st.dedicated ?? {});
    if (dedicated.length > 0) {
      const of = (stream: string | null) => (partWork.get(id)?.get(stream) ?? 0) / share;
      const shared = st.servers - dedicated.reduce((n, [, k]) => n + k, 0);
      // A part with no servers and no work is no queue at all; with work, it never drains.
      const loadOf = (wk: number, servers: number) => (wk === 0 ? 0 : wk / servers);
      out.parts = [{ stream: null, servers: shared, load: loadOf(of(null), shared) }, ...dedicated.map(([stream, k]) => ({ stream, servers: k, load: loadOf(of(stream), k) }))];
      if (!st.borrow) out.load = Math.max(...out.parts.map((p) => p.load));
    }
    return out;
  });
}

/** The share of calendar time a calendar works, over the run. */
export function workingShare(c: WorkingCalendar): number {
  let w = 0;
  for (let i = 0; i < c.from.length; i++) w += c.to[i] - c.from[i];
  return w / c.to[c.to.length - 1];
}

/** One warning per stage whose queue would grow without bound (offered load at or above capacity). */
export function stabilityWarnings(model: Model): string[] {
  const unit = model.timeUnit;
  const out: string[] = [];
  for (const l of offeredLoads(model)) {
    const name = model.stages[l.stage].name;
    const label = name === l.stage ? l.stage : `${l.stage} (${name})`;
    if (l.load >= 1) {
      const overloaded = l.parts && !model.stages[l.stage].borrow ? l.parts.filter((p) => p.load >= 1) : [];
      if (overloaded.length > 0) {
        for (const p of overloaded) {
          const part = p.stream === null ? "shared servers" : `servers dedicated to ${p.stream}`;
          out.push(`stage ${label} is overloaded: its ${part} (${p.servers}) have an offered load of ${p.load.toFixed(2)} >= 1; their queue would grow without bound`);
        }
      } else {
        const repeats = Math.abs(l.workRate - l.visitRate * l.meanProcessTime) > 1e-9 * l.workRate;
        out.push(
          `stage ${label} is overloaded: offered load ${l.load.toFixed(2)} >= 1 ` +
            (l.stepTimes
              ? `(${l.workRate.toPrecision(3)} ${unit}s of work arriving per ${unit}, from ${l.visitRate.toFixed(3)} visits at their steps' own process times${repeats ? " and repeat passes at their rework effort" : ""}, / ${l.servers} servers)`
              : `(${l.visitRate.toFixed(3)} visits per ${unit}${repeats ? ", repeat passes at their rework effort," : ""} x ${l.meanProcessTime.toPrecision(3)} ${unit}s mean process time / ${l.servers} servers)`) +
            "; its queue would grow without bound",
        );
      }
    }
    if (l.gateLimit !== null && l.visitRate >= l.gateLimit) {
      out.push(
        `stage ${label} gate releases at most ${l.gateLimit.toPrecision(3)} items per ${unit} but ${l.visitRate.toFixed(3)} arrive per ${unit}; work would pile up at the gate without bound`,
      );
    }
  }
  return out;
}

/** Events a run will take, roughly: every arrival, every stage visit and every opening of a
 * scheduled gate is one event. */
export function estimatedEvents(model: Model, replications: number): number {
  const span = model.warmup + model.horizon;
  let rate = 0;
  for (const s of Object.values(model.streams)) rate += arrivalRate(s);
  for (const l of offeredLoads(model)) rate += l.visitRate;
  let openings = 0;
  for (const st of Object.values(model.stages)) if (st.batch?.kind === "schedule") openings += Math.max(0, span - st.batch.offset) / st.batch.every;
  return (rate * span + openings) * replications;
}

/** Above this, a run takes minutes: say so before it starts (a typo in a rate can do it). */
export const LARGE_RUN_EVENTS = 2e9;

export function sizeWarnings(model: Model, replications: number): string[] {
  const events = estimatedEvents(model, replications);
  if (!(events > LARGE_RUN_EVENTS)) return [];
  const minutes = events / 1e7 / 60; // ~10M events a second on one thread
  return [
    `${model.name}: this run is about ${events.toExponential(1)} events (${minutes < 60 ? `${Math.ceil(minutes)} minutes` : `${(minutes / 60).toFixed(1)} hours`} on one thread); ` +
      "check the arrival rates, horizon and replications. Ctrl-C is heard between replications.",
  ];
}

/** The mean of a distribution as the model file gives it. */
export function meanOf(d: DistSpec): number {
  switch (d.dist) {
    case "fixed":
      return d.value!;
    case "uniform":
      return (d.min! + d.max!) / 2;
    case "triangular":
      return (d.min! + d.mode! + d.max!) / 3;
    case "empirical":
      return d.values!.reduce((a, b) => a + b, 0) / d.values!.length;
    default:
      return d.mean!;
  }
}
