import type { DistSpec, Model, WorkingCalendar } from "./types.js";
import { streamVisits, streamWork } from "./visits.js";

export { streamVisits, streamWork };

/** A stage's offered load: what arrives at it against what it can do, from the model alone. */
export interface StageLoad {
  stage: string;
  /** Visits per time unit, rework loops included. */
  visitRate: number;
  meanProcessTime: number;
  servers: number;
  /** Work arriving (repeat passes at their rework's effort) x mean process time / servers; 0 for
   * unlimited stages. */
  load: number;
  /** A scheduled gate with `max` releases at most max/every per time unit. */
  gateLimit: number | null;
}

const arrivalRate = (s: Model["streams"][string]) => (s.arrivals.kind === "poisson" ? s.arrivals.rate : 1 / meanOf(s.arrivals.interarrival));

export function offeredLoads(model: Model): StageLoad[] {
  const rate = new Map<string, number>();
  const workRate = new Map<string, number>();
  const work = streamWork(model);
  for (const [id, perItem] of Object.entries(streamVisits(model))) {
    const r = arrivalRate(model.streams[id]);
    for (const [stage, v] of Object.entries(perItem)) {
      rate.set(stage, (rate.get(stage) ?? 0) + r * v);
      workRate.set(stage, (workRate.get(stage) ?? 0) + r * work[id][stage]);
    }
  }
  return Object.entries(model.stages).map(([id, st]) => {
    const visitRate = rate.get(id) ?? 0;
    // Working time (docs/calendars.md) is done only in working hours: a stage can do
    // share-of-the-week as much in calendar time.
    const meanProcessTime = meanOf(st.processTime) / (st.workingTime ? workingShare(st.workingTime) : 1);
    const gate = st.batch;
    return {
      stage: id,
      visitRate,
      meanProcessTime,
      servers: st.servers,
      load: st.servers === Infinity ? 0 : ((workRate.get(id) ?? 0) * meanProcessTime) / st.servers,
      gateLimit: gate?.kind === "schedule" && gate.max !== null ? gate.max / gate.every : null,
    };
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
      out.push(
        `stage ${label} is overloaded: offered load ${l.load.toFixed(2)} >= 1 ` +
          `(${l.visitRate.toFixed(3)} visits per ${unit}${l.load * l.servers !== l.visitRate * l.meanProcessTime ? ", repeat passes at their rework effort," : ""} x ${l.meanProcessTime.toPrecision(3)} ${unit}s mean process time / ${l.servers} servers); its queue would grow without bound`,
      );
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
