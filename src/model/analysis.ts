import type { DistSpec, Model, RouteStep } from "./types.js";

/** A stage's offered load: what arrives at it against what it can do, from the model alone. */
export interface StageLoad {
  stage: string;
  /** Visits per time unit, rework loops included. */
  visitRate: number;
  meanProcessTime: number;
  servers: number;
  /** visitRate x mean process time / servers; 0 for unlimited stages. */
  load: number;
  /** A scheduled gate with `max` releases at most max/every per time unit. */
  gateLimit: number | null;
}

/**
 * Expected visits per item to each stage of a list of steps, with rework loops, by fixed-point
 * iteration on the flow through each position (rework probability < 1, so it converges).
 * Rework to "the previous step" is taken as the position before (skipped optional steps aside).
 */
function visits(route: RouteStep[], model: Model, scale: number, out: Map<string, number>): void {
  const n = route.length;
  const through = new Float64Array(n);
  for (let iter = 0; iter < 100000; iter++) {
    const next = new Float64Array(n);
    next[0] = 1;
    for (let p = 0; p < n; p++) {
      const step = route[p];
      let onward = through[p];
      if (step.kind === "stage") {
        const rework = model.stages[step.stage].rework;
        if (rework) {
          const back = through[p] * step.probability * rework.probability;
          let to = p > 0 ? p - 1 : 0;
          if (rework.to != null) for (let q = p; q >= 0; q--) if (route[q].kind === "stage" && (route[q] as { stage: string }).stage === rework.to) { to = q; break; }
          next[to] += back;
          onward -= back;
        }
      }
      if (p + 1 < n) next[p + 1] += onward;
    }
    let delta = 0;
    for (let p = 0; p < n; p++) delta = Math.max(delta, Math.abs(next[p] - through[p]));
    through.set(next);
    if (delta < 1e-12) break;
  }
  route.forEach((step, p) => {
    if (step.kind === "stage") out.set(step.stage, (out.get(step.stage) ?? 0) + scale * through[p] * step.probability);
    else for (const b of step.branches) visits(b, model, scale * through[p], out);
  });
}

export function offeredLoads(model: Model): StageLoad[] {
  const rate = new Map<string, number>();
  for (const s of Object.values(model.streams)) {
    const r = s.arrivals.kind === "poisson" ? s.arrivals.rate : 1 / meanOf(s.arrivals.interarrival);
    visits(s.route, model, r, rate);
  }
  return Object.entries(model.stages).map(([id, st]) => {
    const visitRate = rate.get(id) ?? 0;
    const meanProcessTime = meanOf(st.processTime);
    const gate = st.batch;
    return {
      stage: id,
      visitRate,
      meanProcessTime,
      servers: st.servers,
      load: st.servers === Infinity ? 0 : (visitRate * meanProcessTime) / st.servers,
      gateLimit: gate?.kind === "schedule" && gate.max !== null ? gate.max / gate.every : null,
    };
  });
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
          `(${l.visitRate.toFixed(3)} visits per ${unit} x ${l.meanProcessTime.toPrecision(3)} ${unit}s mean process time / ${l.servers} servers); its queue would grow without bound`,
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

/** Events a run will take, roughly: every arrival and every stage visit is one event. */
export function estimatedEvents(model: Model, replications: number): number {
  let rate = 0;
  for (const s of Object.values(model.streams)) rate += s.arrivals.kind === "poisson" ? s.arrivals.rate : 1 / meanOf(s.arrivals.interarrival);
  for (const l of offeredLoads(model)) rate += l.visitRate;
  return rate * (model.warmup + model.horizon) * replications;
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
