import type { DistSpec, GateSpec, Model, RouteStep, StageSpec, StreamSpec, WorkingCalendar } from "./types.js";
import { type TimeUnit, unitFactor } from "./units.js";

/**
 * The same model with every time restated in another unit: a comparison subtracts figures, and
 * figures in hours minus figures in days mean nothing. Counts, probabilities and cvs are unitless
 * and stay; rates scale inversely. Draws stay in step: an exponential's draw is its mean times a
 * unit draw, so the converted model samples the same times, in the new unit.
 */
export function inTimeUnit(model: Model, unit: TimeUnit): Model {
  if (model.timeUnit === unit) return model;
  const k = unitFactor(model.timeUnit, unit);
  const t = (x: number) => x * k;
  const dist = (d: DistSpec): DistSpec => ({
    ...d,
    ...(d.value !== undefined ? { value: t(d.value) } : {}),
    ...(d.mean !== undefined ? { mean: t(d.mean) } : {}),
    ...(d.min !== undefined ? { min: t(d.min) } : {}),
    ...(d.mode !== undefined ? { mode: t(d.mode) } : {}),
    ...(d.max !== undefined ? { max: t(d.max) } : {}),
    ...(d.values !== undefined ? { values: d.values.map(t) } : {}),
  });
  const gate = (g: GateSpec | null): GateSpec | null =>
    g === null
      ? null
      : g.kind === "schedule"
        ? { ...g, every: t(g.every), offset: t(g.offset), ...(g.times ? { times: g.times.map(t) } : {}) }
        : { ...g, timeout: g.timeout === null ? null : t(g.timeout) };
  // Working calendars are lists of times too.
  const calendar = (c: WorkingCalendar): WorkingCalendar => ({ ...c, day: t(c.day), from: c.from.map(t), to: c.to.map(t) });
  const stage = (s: StageSpec): StageSpec => ({
    ...s,
    processTime: dist(s.processTime),
    batch: gate(s.batch),
    ...(s.workingTime ? { workingTime: calendar(s.workingTime) } : {}),
    ...(s.shifts ? { shifts: s.shifts.map((x) => ({ ...x, from: t(x.from), to: t(x.to) })) } : {}),
  });
  const arrivals = (a: StreamSpec["arrivals"]): StreamSpec["arrivals"] =>
    a.kind === "poisson" ? { kind: "poisson", rate: a.rate / k } : { kind: "renewal", interarrival: dist(a.interarrival) };
  // A route step's own process time (allocation at a stage) is a time too.
  const route = (steps: RouteStep[]): RouteStep[] =>
    steps.map((step) =>
      step.kind === "parallel" ? { ...step, branches: step.branches.map(route) } : step.processTime ? { ...step, processTime: dist(step.processTime) } : step,
    );
  return {
    ...model,
    timeUnit: unit,
    convertedFrom: model.convertedFrom ?? model.timeUnit,
    warmup: t(model.warmup),
    horizon: t(model.horizon),
    stages: Object.fromEntries(Object.entries(model.stages).map(([id, s]) => [id, stage(s)])),
    streams: Object.fromEntries(Object.entries(model.streams).map(([id, s]) => [id, { ...s, arrivals: arrivals(s.arrivals), route: route(s.route) }])),
    ...(model.calendar ? { calendar: calendar(model.calendar) } : {}),
  };
}
