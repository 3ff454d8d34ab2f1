import * as D from "../engine/distributions.js";
import { WorkingTime } from "../engine/worktime.js";
import { reworkAt, resolveReworkTarget } from "./routes.js";
import type { DistSpec, Model, RouteStep, WorkingCalendar } from "./types.js";
import { wipPosition } from "./wip.js";

export const STEP_STAGE = 0;
export const STEP_OPTIONAL = 1;
export const STEP_PARALLEL = 2;

export const GATE_NONE = 0;
export const GATE_SCHEDULE = 1;
export const GATE_SIZE = 2;

/** Rework target meaning "the previous step this item actually took" (decided at run time). */
export const REWORK_PREVIOUS = -1;

/**
 * The model as the simulation reads it: ids become integers, every per-stage and per-step
 * property a flat typed array indexed by that integer. Routes (a stream's route and each
 * parallel branch) are ranges of one step table.
 */
export interface CompiledModel {
  model: Model;
  stageIds: string[];
  streamIds: string[];
  warmup: number;
  end: number;

  // Stages
  servers: Float64Array; // Infinity for unlimited
  service: D.Distribution[];
  priorityPolicy: Uint8Array; // 1 when served by stream priority
  gateKind: Uint8Array;
  gateEvery: Float64Array;
  gateOffset: Float64Array;
  gateMax: Float64Array; // Infinity: no limit
  gateSize: Int32Array;
  gateTimeout: Float64Array; // Infinity: none
  /** The stage's own rework probability (a route step may override it: stepReworkProbability). */
  reworkProbability: Float64Array;
  /** Some route step overrides the stage's process time (read stepService, not service). */
  serviceByStep: Uint8Array;

  // Allocation. A stage's servers fall into parts: part 0 serves the streams without servers of
  // their own, then one part per stream named in `dedicated`. Parts are numbered across stages:
  // stage s has parts partStart[s] .. partStart[s] + partCount[s] - 1.
  partStart: Int32Array;
  partCount: Int32Array; // 1: one pool, as without `dedicated`
  partServers: Float64Array; // by part
  /** By part: the first of its queues (one per rank). A stage's part 0 keeps the queues a stage
   * always had (stage * ranks); the other parts' come after every stage's. */
  partQueue: Int32Array;
  /** By stream * stages + stage: the part that serves the stream there. */
  streamPart: Int32Array;
  /** 1: an idle server takes work waiting in another part of its stage. */
  borrow: Uint8Array;

  // Streams
  interarrival: D.Distribution[];
  /** 0 is served first; ranks order the distinct stream priorities, highest first. */
  priorityRank: Int32Array;
  ranks: number;
  mainRoute: Int32Array;
  /** Optional steps' probabilities, by stream: optionalProbability[optionalStart[s] + bit]. */
  optionalStart: Int32Array;
  optionalCount: Int32Array;
  optionalProbability: Float64Array;

  // Routes and steps
  routeStart: Int32Array;
  routeLength: Int32Array;
  stepKind: Uint8Array;
  stepStage: Int32Array;
  stepBit: Int32Array; // optional steps: the bit in the item's choices
  stepReworkProbability: Float64Array; // stage steps: the rework that applies there (0: none)
  stepService: D.Distribution[]; // stage steps: the process time there (the stage's unless the step overrides it)
  stepReworkEffort: Float64Array; // stage steps: a repeat pass this rework starts takes effort x a draw
  /** Some step has rework: items track their repeat passes (effort and its payroll). */
  anyRework: boolean;
  stepRework: Int32Array; // stage steps: position to return to, or REWORK_PREVIOUS
  /**
   * Stage steps whose rework goes into a completed parallel branch: an offset into reworkDescent,
   * which holds [n, route, pos, route, pos, ...]: n levels, each a branch route of the parallel
   * step the item is at and the position in it to resume from (the last one a stage step); -1: none.
   */
  stepReworkDescent: Int32Array;
  reworkDescent: Int32Array;
  stepBranchStart: Int32Array; // parallel steps: first branch route id (branches are consecutive)
  stepBranchCount: Int32Array;
  /** Work in progress at time 0, one entry per item, in the order it is placed (wip.ts). */
  wip: CompiledWip;

  // Working calendars (docs/calendars.md). A model without any has nulls here and onCalendar
  // false, and its run never looks at them.
  /** By stage: the calendar its process times are working time on; null: clock time. */
  workingTime: (WorkingTime | null)[];
  /** The model's calendar, for lead times in working days; null: it has none. */
  leadCalendar: WorkingTime | null;
  /** A working day of the model's calendar, in model time (NaN: none). */
  workingDay: number;
  /** By stage: a scheduled gate's openings, listed (on the calendar, or around freezes); null: offset + n x every. */
  gateTimes: (Float64Array | null)[];
  /** By stage: changes of its servers, [time, servers, time, servers, ...] in time order; null: none. */
  shiftChanges: (Float64Array | null)[];
  /** Something above is set: the loop written out for a model (specialize.ts) declines it. */
  onCalendar: boolean;
}

/**
 * Items in progress at time 0, one per item (counts expanded): items in service first, then the
 * waiting ones, each group longest at its stage first, so a queue keeps the order the items came in.
 */
export interface CompiledWip {
  stream: Int32Array;
  stage: Int32Array;
  /** Position of the step in the stream's main route. */
  pos: Int32Array;
  work: Uint8Array; // 1: in service since `elapsed` ago; 0: waiting since then
  elapsed: Float64Array;
  age: Float64Array;
}

function compileWip(model: Model, stageIds: string[], streamIds: string[]): CompiledWip {
  const items = (model.wip ?? []).flatMap((w) => Array.from({ length: w.count }, () => w));
  // A stable sort: equal items keep the order given.
  items.sort((a, b) => (a.state === b.state ? b.elapsed - a.elapsed : a.state === "work" ? -1 : 1));
  return {
    stream: Int32Array.from(items, (w) => streamIds.indexOf(w.stream)),
    stage: Int32Array.from(items, (w) => stageIds.indexOf(w.stage)),
    pos: Int32Array.from(items, (w) => wipPosition(model.streams[w.stream].route, w.stage)),
    work: Uint8Array.from(items, (w) => (w.state === "work" ? 1 : 0)),
    elapsed: Float64Array.from(items, (w) => w.elapsed),
    age: Float64Array.from(items, (w) => w.age),
  };
}

/** Capacity changes of a stage's shifts: to the shift's servers at its start, back at its end. */
function shiftChanges(servers: number, shifts: { from: number; to: number; servers: number }[] | undefined): Float64Array | null {
  if (!shifts || shifts.length === 0) return null;
  const out: number[] = [];
  for (const sh of shifts) {
    if (sh.to <= 0) continue;
    out.push(Math.max(0, sh.from), sh.servers, sh.to, servers);
  }
  return out.length ? Float64Array.from(out) : null;
}

export function toDistribution(d: DistSpec): D.Distribution {
  switch (d.dist) {
    case "fixed":
      return D.fixed(d.value!);
    case "exponential":
      return D.exponential(d.mean!);
    case "uniform":
      return D.uniform(d.min!, d.max!);
    case "triangular":
      return D.triangular(d.min!, d.mode!, d.max!);
    case "lognormal":
      return D.lognormal(d.mean!, d.cv!);
    case "gamma":
      return D.gamma(d.mean!, d.cv!);
    case "empirical":
      return D.empirical(d.values!);
  }
}

export function compile(model: Model): CompiledModel {
  const stageIds = Object.keys(model.stages);
  const streamIds = Object.keys(model.streams);
  const stageIndex = new Map(stageIds.map((id, i) => [id, i]));
  const stages = stageIds.map((id) => model.stages[id]);
  const streams = streamIds.map((id) => model.streams[id]);

  const distinct = [...new Set(streams.map((s) => s.priority))].sort((a, b) => b - a);

  // Flatten routes. Branch routes of a parallel step get consecutive ids, reserved before
  // their own steps are laid out, so a parallel step can name them by a start and a count.
  type StepRow = { kind: number; stage: number; service: D.Distribution | null; bit: number; reworkP: number; effort: number; rework: number; descent: number; branchStart: number; branchCount: number };
  const steps: StepRow[] = [];
  const reworkDescent: number[] = [];
  const routeStart: number[] = [];
  const routeLength: number[] = [];
  const optionalProbability: number[] = [];
  const optionalStart: number[] = [];
  const optionalCount: number[] = [];
  const mainRoute: number[] = [];

  const layout = (route: RouteStep[], id: number, bits: { next: number; base: number }) => {
    routeStart[id] = steps.length;
    routeLength[id] = route.length;
    const rows: StepRow[] = route.map(() => ({ kind: 0, stage: -1, service: null, bit: -1, reworkP: 0, effort: 1, rework: REWORK_PREVIOUS, descent: -1, branchStart: -1, branchCount: 0 }));
    steps.push(...rows);
    route.forEach((step, pos) => {
      const row = rows[pos];
      if (step.kind === "stage") {
        row.stage = stageIndex.get(step.stage)!;
        if (step.processTime) row.service = toDistribution(step.processTime);
        if (step.probability < 1) {
          row.kind = STEP_OPTIONAL;
          row.bit = bits.next++;
          optionalProbability[bits.base + row.bit] = step.probability;
        } else row.kind = STEP_STAGE;
        const rework = reworkAt(step, model.stages[step.stage].rework);
        row.reworkP = rework?.probability ?? 0;
        row.effort = rework?.effort ?? 1;
        if (rework?.to != null) {
          const target = resolveReworkTarget(route, pos, rework.to)!; // validated to exist
          row.rework = target.pos;
          if (target.descent.length > 0) {
            // Branches are laid out already: each one before the steps after it.
            row.descent = reworkDescent.length;
            reworkDescent.push(target.descent.length / 2);
            let parallel = rows[target.pos];
            for (let d = 0; d < target.descent.length; d += 2) {
              const branch = parallel.branchStart + target.descent[d];
              const at = target.descent[d + 1];
              reworkDescent.push(branch, at);
              parallel = steps[routeStart[branch] + at];
            }
          }
        }
      } else {
        row.kind = STEP_PARALLEL;
        row.branchStart = routeStart.length;
        row.branchCount = step.branches.length;
        for (let b = 0; b < step.branches.length; b++) routeStart.push(0), routeLength.push(0);
        step.branches.forEach((branch, b) => layout(branch, row.branchStart + b, bits));
      }
    });
  };

  streams.forEach((s, i) => {
    const id = routeStart.length;
    routeStart.push(0);
    routeLength.push(0);
    mainRoute[i] = id;
    const bits = { next: 0, base: optionalProbability.length };
    optionalStart[i] = bits.base;
    layout(s.route, id, bits);
    optionalCount[i] = bits.next;
  });

  // Parts: each stage's part 0 first (its queues are the stage's own), then the dedicated parts.
  const nStages = stageIds.length;
  const ranks = Math.max(1, distinct.length);
  const partStart: number[] = [];
  const partCount: number[] = [];
  const partServers: number[] = [];
  const partQueue: number[] = [];
  const streamPart = new Int32Array(streamIds.length * nStages);
  let extra = 0;
  stages.forEach((st, s) => {
    const dedicated = Object.entries(st.dedicated ?? {});
    partStart[s] = partServers.length;
    partCount[s] = 1 + dedicated.length;
    partServers.push(st.servers - dedicated.reduce((n, [, k]) => n + k, 0));
    partQueue.push(s * ranks);
    for (let i = 0; i < streamIds.length; i++) streamPart[i * nStages + s] = partStart[s];
    dedicated.forEach(([streamId, k], j) => {
      partServers.push(k);
      partQueue.push((nStages + extra++) * ranks);
      streamPart[streamIds.indexOf(streamId) * nStages + s] = partStart[s] + 1 + j;
    });
  });

  const f64 = (xs: number[]) => Float64Array.from(xs);
  const i32 = (xs: number[]) => Int32Array.from(xs);
  const gateOf = <T>(f: (g: NonNullable<(typeof stages)[number]["batch"]>) => T, none: T) => stages.map((s) => (s.batch ? f(s.batch) : none));

  // One conversion table per calendar, shared by the stages on it.
  const tables = new Map<WorkingCalendar, WorkingTime>();
  const table = (c: WorkingCalendar | undefined) => {
    if (!c) return null;
    let w = tables.get(c);
    if (!w) tables.set(c, (w = new WorkingTime(c.from, c.to)));
    return w;
  };
  const workingTime = stages.map((s) => table(s.workingTime));
  const leadCalendar = table(model.calendar);
  const gateTimes = stages.map((s) => (s.batch?.kind === "schedule" && s.batch.times ? Float64Array.from(s.batch.times) : null));
  const shifts = stages.map((s) => shiftChanges(s.servers, s.shifts));

  return {
    model,
    stageIds,
    streamIds,
    wip: compileWip(model, stageIds, streamIds),
    warmup: model.warmup,
    end: model.warmup + model.horizon,
    servers: f64(stages.map((s) => s.servers)),
    service: stages.map((s) => toDistribution(s.processTime)),
    priorityPolicy: Uint8Array.from(stages.map((s) => (s.policy === "priority" ? 1 : 0))),
    gateKind: Uint8Array.from(gateOf((g) => (g.kind === "schedule" ? GATE_SCHEDULE : GATE_SIZE), GATE_NONE)),
    gateEvery: f64(gateOf((g) => (g.kind === "schedule" ? g.every : 0), 0)),
    gateOffset: f64(gateOf((g) => (g.kind === "schedule" ? g.offset : 0), 0)),
    gateMax: f64(gateOf((g) => (g.kind === "schedule" ? (g.max ?? Infinity) : Infinity), Infinity)),
    gateSize: i32(gateOf((g) => (g.kind === "size" ? g.size : 0), 0)),
    gateTimeout: f64(gateOf((g) => (g.kind === "size" ? (g.timeout ?? Infinity) : Infinity), Infinity)),
    reworkProbability: f64(stages.map((s) => s.rework?.probability ?? 0)),
    serviceByStep: Uint8Array.from(stageIds.map((_, k) => (steps.some((row) => row.stage === k && row.service !== null) ? 1 : 0))),
    partStart: i32(partStart),
    partCount: i32(partCount),
    partServers: f64(partServers),
    partQueue: i32(partQueue),
    streamPart,
    borrow: Uint8Array.from(stages.map((s) => (s.borrow ? 1 : 0))),
    interarrival: streams.map((s) => (s.arrivals.kind === "poisson" ? D.exponential(1 / s.arrivals.rate) : toDistribution(s.arrivals.interarrival))),
    priorityRank: i32(streams.map((s) => distinct.indexOf(s.priority))),
    ranks,
    mainRoute: i32(mainRoute),
    optionalStart: i32(optionalStart),
    optionalCount: i32(optionalCount),
    optionalProbability: f64(optionalProbability),
    routeStart: i32(routeStart),
    routeLength: i32(routeLength),
    stepKind: Uint8Array.from(steps.map((s) => s.kind)),
    stepStage: i32(steps.map((s) => s.stage)),
    stepBit: i32(steps.map((s) => s.bit)),
    stepReworkProbability: f64(steps.map((s) => s.reworkP)),
    // A parallel step has no process time: its slot holds a placeholder never drawn from.
    stepService: steps.map((row) => row.service ?? (row.stage >= 0 ? toDistribution(stages[row.stage].processTime) : D.fixed(0))),
    stepReworkEffort: f64(steps.map((s) => s.effort)),
    anyRework: steps.some((s) => s.reworkP > 0),
    stepRework: i32(steps.map((s) => s.rework)),
    stepReworkDescent: i32(steps.map((s) => s.descent)),
    reworkDescent: i32(reworkDescent),
    stepBranchStart: i32(steps.map((s) => s.branchStart)),
    stepBranchCount: i32(steps.map((s) => s.branchCount)),
    workingTime,
    leadCalendar,
    workingDay: model.calendar?.day ?? NaN,
    gateTimes,
    shiftChanges: shifts,
    onCalendar: leadCalendar !== null || workingTime.some((w) => w !== null) || gateTimes.some((g) => g !== null) || shifts.some((x) => x !== null),
  };
}
