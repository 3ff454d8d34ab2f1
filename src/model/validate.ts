import type { z } from "zod";
import { ModelError, type Problem, didYouMean, pathString, show, unknownName } from "./errors.js";
import { meanOf } from "./analysis.js";
import { checkReservedKeys } from "./patch.js";
import { reworkAt, resolveReworkTarget } from "./routes.js";
import * as schema from "./schema.js";
import { type TimeUnit, toTimeUnit } from "./units.js";
import { type DistSpec, type GateSpec, MODEL_DEFAULTS, type Model, type RouteStep, type StageSpec, type StreamSpec, type WipItem } from "./types.js";
import { wipProblems } from "./wip.js";
import { type Calendars, calendarGate, resolveCalendars, stageCalendarParts, usesWorkingTime, workingTimeOf } from "./workcal-resolve.js";

/** Most optional steps one stream may have: each item carries its choices as bits of one int. */
export const MAX_OPTIONAL_STEPS = 31;

type Issue = z.core.$ZodIssue;
type Parsed = z.output<typeof schema.model>;

/**
 * Checks a parsed document against the model format and returns the model with every default
 * filled and every time in the model's unit. Throws a ModelError listing every problem found.
 */
export function validateModel(raw: unknown, file: string): Model {
  if (raw === null || raw === undefined) {
    throw new ModelError([{ file, path: "", message: "is empty: a model needs at least horizon, stages and streams" }]);
  }
  if (typeof raw !== "object" || Array.isArray(raw)) {
    throw new ModelError([{ file, path: "", message: `must be a mapping with horizon, stages and streams (got ${show(raw)})` }]);
  }
  checkReservedKeys(raw, file);
  let parsed: Parsed;
  try {
    parsed = parseWith(schema.model, raw, file);
  } catch (e) {
    // Report route mistakes with the schema's, so one pass shows every problem.
    if (e instanceof ModelError) throw new ModelError([...e.problems, ...routeProblems(raw as Record<string, unknown>, file)]);
    throw e;
  }
  const problems: Problem[] = [];
  const model = normalize(parsed, file, problems);
  if (problems.length) throw new ModelError(problems);
  return model;
}

/** Unknown stages in routes, read from the raw document (for when the schema check failed). */
function routeProblems(raw: Record<string, unknown>, file: string): Problem[] {
  const problems: Problem[] = [];
  const stages = raw.stages;
  const streams = raw.streams;
  if (!isMap(stages) || !isMap(streams)) return problems;
  const ids = Object.keys(stages);
  const walk = (steps: unknown, at: string) => {
    if (!Array.isArray(steps)) return;
    steps.forEach((step, i) => {
      const here = `${at}[${i}]`;
      if (typeof step === "string") {
        if (!ids.includes(step)) problems.push({ file, path: here, message: unknownName("stage", step, ids) });
      } else if (isMap(step)) {
        if (typeof step.stage === "string" && !ids.includes(step.stage)) problems.push({ file, path: `${here}.stage`, message: unknownName("stage", step.stage, ids) });
        if (Array.isArray(step.parallel)) step.parallel.forEach((b, j) => walk(b, `${here}.parallel[${j}]`));
      }
    });
  };
  for (const [id, s] of Object.entries(streams)) if (isMap(s)) walk(s.route, `streams.${id}.route`);
  return problems;
}

const isMap = (v: unknown): v is Record<string, unknown> => v !== null && typeof v === "object" && !Array.isArray(v);

/** Run a zod schema and turn its issues into our problems (all of them). */
export function parseWith<S extends z.ZodType>(s: S, raw: unknown, file: string): z.output<S> {
  const known = new WeakMap<object, string[]>();
  const result = s.safeParse(raw, {
    reportInput: true,
    // Remember which fields the object had, for did-you-mean on an unknown one.
    error: (iss) => {
      if (iss.code === "unrecognized_keys" && iss.input && typeof iss.input === "object") {
        const shape = (iss.inst as unknown as { shape?: Record<string, unknown> }).shape;
        if (shape) known.set(iss.input as object, Object.keys(shape));
      }
      return undefined;
    },
  });
  if (result.success) return result.data;
  const problems: Problem[] = [];
  for (const issue of result.error.issues) describe(issue, [], file, known, problems);
  throw new ModelError(problems);
}

function isTypeMismatch(issues: readonly Issue[]): boolean {
  if (issues.length !== 1 || issues[0].path.length !== 0) return false;
  const i = issues[0];
  if (i.code === "invalid_type" || i.code === "invalid_value") return true;
  return i.code === "invalid_union" && !("note" in i && i.note) && i.errors.every(isTypeMismatch);
}

function describe(issue: Issue, base: PropertyKey[], file: string, known: WeakMap<object, string[]>, out: Problem[]): void {
  const path = [...base, ...issue.path];
  const input = (issue as { input?: unknown }).input;
  switch (issue.code) {
    case "unrecognized_keys": {
      const fields = (typeof input === "object" && input !== null ? known.get(input) : undefined) ?? [];
      for (const key of issue.keys) {
        const guess = didYouMean(key, fields);
        const hint = guess ? ` (did you mean "${guess}"?)` : "";
        out.push({ file, path: pathString([...path, key]), message: `is not a known field${hint}; expected one of: ${fields.join(", ")}` });
      }
      return;
    }
    case "invalid_key": {
      // The id itself is wrong: name it and say what an id may be, at the map that holds it.
      for (const sub of issue.issues) out.push({ file, path: pathString(path.slice(0, -1)), message: `has ${show(path[path.length - 1])}, which ${sub.message}` });
      return;
    }
    case "invalid_union": {
      if ("note" in issue && issue.note === "No matching discriminator") {
        const d = (issue as { discriminator?: string }).discriminator ?? "dist";
        const value = input && typeof input === "object" ? (input as Record<string, unknown>)[d] : undefined;
        const names = schema.DIST_NAMES;
        const guess = typeof value === "string" ? didYouMean(value, names) : null;
        const hint = guess ? ` (did you mean "${guess}"?)` : "";
        const what = value === undefined ? "is missing" : `is ${show(value)}${hint}`;
        out.push({ file, path: pathString([...path, d]), message: `${what}: it must be one of ${names.join(", ")}` });
        return;
      }
      // Report the branch the value was evidently meant for (the one whose type it has).
      const meant = issue.errors.filter((branch) => !isTypeMismatch(branch));
      if (meant.length === 1) {
        for (const sub of meant[0]) describe(sub, path, file, known, out);
        return;
      }
      if (input === undefined) {
        out.push({ file, path: pathString(path), message: `is required: it ${issue.message}` });
        return;
      }
      out.push({ file, path: pathString(path), message: `${issue.message} (got ${show(input)})` });
      return;
    }
    default:
      if (input === undefined && path.length > 0) {
        // Ours start "must ..."; zod's own default for a missing object says nothing useful.
        out.push({ file, path: pathString(path), message: issue.message.startsWith("must") ? `is required: it ${issue.message}` : "is required" });
      } else {
        out.push({ file, path: pathString(path), message: `${issue.message} (got ${show(input)})` });
      }
  }
}

/** Fill defaults, convert times, and check everything that needs the whole model in view. */
function normalize(p: Parsed, file: string, problems: Problem[]): Model {
  const unit: TimeUnit = p.timeUnit ?? MODEL_DEFAULTS.timeUnit;
  const err = (path: string, message: string) => problems.push({ file, path, message });
  const time = (v: number | string) => toTimeUnit(v, unit) as number; // strings were checked by the schema

  const warmupTime = p.warmup === undefined ? MODEL_DEFAULTS.warmup : time(p.warmup);
  const cals = resolveCalendars(p, unit, warmupTime + time(p.horizon), err);
  // A stage's process times: working time on its calendar, else clock time (docs/calendars.md).
  const processTime = (id: string) => {
    const c = cals.working.has(id) ? cals.stageCalendar(id) : undefined;
    return c ? workingTimeOf(c, unit) : time;
  };

  const stages: Record<string, StageSpec> = {};
  for (const [id, s] of Object.entries(p.stages)) {
    const at = `stages.${id}`;
    stages[id] = {
      name: s.name ?? id,
      servers: s.servers === "unlimited" ? Infinity : s.servers,
      processTime: dist(s.processTime, `${at}.processTime`, processTime(id), err),
      policy: s.policy ?? MODEL_DEFAULTS.policy,
      batch: s.batch ? gate(id, s.batch, `${at}.batch`, time, err, cals) : null,
      rework: s.rework ? { probability: s.rework.probability, to: s.rework.to ?? null, effort: s.rework.effort ?? 1 } : null,
      ...staffing(s, at, err),
      ...stageCalendarParts(id, s, cals, err),
    };
    if (s.rework?.probability === 1) err(`${at}.rework.probability`, "is 1: every item would be sent back and none would ever leave; use a value below 1");
  }
  const stageIds = Object.keys(stages);
  if (stageIds.length === 0) err("stages", "is empty: a model needs at least one stage");

  const streams: Record<string, StreamSpec> = {};
  for (const [id, s] of Object.entries(p.streams)) {
    const at = `streams.${id}`;
    let arrivals: StreamSpec["arrivals"];
    if ((s.arrivals.rate === undefined) === (s.arrivals.interarrival === undefined)) {
      err(`${at}.arrivals`, "must give exactly one of rate (items per time unit, Poisson) or interarrival (a distribution)");
      arrivals = { kind: "poisson", rate: 1 };
    } else if (s.arrivals.rate !== undefined) {
      arrivals = { kind: "poisson", rate: s.arrivals.rate };
    } else {
      const d = dist(s.arrivals.interarrival!, `${at}.arrivals.interarrival`, time, err);
      if (!(meanOf(d) > 0)) err(`${at}.arrivals.interarrival`, "has a mean of zero: items would arrive infinitely fast");
      arrivals = { kind: "renewal", interarrival: d };
    }
    const route = steps(s.route, `${at}.route`, stageIds, err, time, processTime, cals);
    const optional = countOptional(route);
    if (optional > MAX_OPTIONAL_STEPS) err(`${at}.route`, `has ${optional} optional steps; at most ${MAX_OPTIONAL_STEPS} are supported per stream`);
    streams[id] = { name: s.name ?? id, arrivals, priority: s.priority ?? MODEL_DEFAULTS.priority, route, costOfDelay: s.costOfDelay ? s.costOfDelay.amount / (s.costOfDelay.per === undefined ? 1 : time(s.costOfDelay.per)) : 0, strategicWeight: s.strategicWeight ?? 1, readiness: s.readiness ?? 1 };
  }
  if (Object.keys(streams).length === 0) err("streams", "is empty: a model needs at least one stream");
  const warmup = warmupTime;
  if (!Number.isFinite(warmup + time(p.horizon))) err("horizon", "with warmup is too long to simulate: warmup + horizon must be a finite time");

  checkReworkTargets(stages, streams, stageIds, err);
  for (const [id, s] of Object.entries(p.stages)) {
    if (s.dedicated !== undefined) stages[id].dedicated = checkDedicated(id, s.dedicated, stages[id], streams, err);
    if (s.borrow !== undefined) stages[id].borrow = s.borrow;
  }

  const wip = (p.wip ?? []).map((w, i): WipItem => {
    const elapsed = w.elapsed === undefined ? 0 : time(w.elapsed);
    return { stream: w.stream, stage: w.stage, count: w.count ?? 1, state: w.state ?? "wait", elapsed, age: w.age === undefined ? elapsed : time(w.age), at: `wip[${i}]` };
  });
  for (const q of wipProblems({ stages, streams }, wip, (i, f) => ({ file, path: f ? `wip[${i}].${f}` : `wip[${i}]` }))) err(q.path, q.message);

  return {
    ...(wip.length ? { wip } : {}),
    name: p.name ?? file.replace(/^.*[\\/]/, "").replace(/\.(ya?ml|json)$/i, ""),
    description: p.description ?? "",
    source: file,
    ...(cals.start === undefined ? {} : { start: cals.start }),
    timeUnit: unit,
    warmup,
    horizon: time(p.horizon),
    replications: p.replications ?? MODEL_DEFAULTS.replications,
    seed: p.seed ?? MODEL_DEFAULTS.seed,
    stages,
    streams,
    economics: p.economics
      ? {
          currency: p.economics.currency ?? "USD",
          costPerPerson: p.economics.costPerPerson,
          year: p.economics.year === undefined ? toTimeUnit("365d", unit) as number : time(p.economics.year),
          blockedFte: p.economics.blockedFte ?? 0,
        }
      : null,
    ...(cals.model ? { calendar: cals.model } : {}),
  };
}

/** People behind a stage, for its payroll: servers x peoplePerServer; an unlimited stage (a pure
 * delay) has none unless its headcount is given. */
function staffing(s: Parsed["stages"][string], at: string, err: Err): Pick<StageSpec, "peoplePerServer" | "headcount" | "blockedFte"> {
  const peoplePerServer = s.peoplePerServer ?? 1;
  let headcount: number;
  if (s.servers === "unlimited") {
    if (s.peoplePerServer !== undefined) err(`${at}.peoplePerServer`, 'has no meaning on an unlimited stage (no servers to staff): give its headcount instead');
    headcount = s.headcount ?? 0;
  } else {
    if (s.headcount !== undefined) err(`${at}.headcount`, `goes with servers: unlimited; a stage with ${s.servers} servers has servers x peoplePerServer people (set peoplePerServer)`);
    headcount = s.servers * peoplePerServer;
  }
  return { peoplePerServer, headcount, blockedFte: s.blockedFte ?? null };
}

type Err = (path: string, message: string) => void;

function dist(d: z.output<typeof schema.timeDistribution>, at: string, time: (v: number | string) => number, err: Err): DistSpec {
  if (typeof d === "number" || typeof d === "string") return { dist: "fixed", value: time(d) };
  switch (d.dist) {
    case "fixed":
      return { dist: "fixed", value: time(d.value) };
    case "exponential":
      return { dist: "exponential", mean: time(d.mean) };
    case "lognormal":
    case "gamma":
      return { dist: d.dist, mean: time(d.mean), cv: d.cv };
    case "uniform": {
      const min = time(d.min);
      const max = time(d.max);
      if (min > max) err(`${at}.min`, `must not exceed max (got min ${min}, max ${max})`);
      return { dist: "uniform", min, max };
    }
    case "triangular": {
      const min = time(d.min);
      const mode = time(d.mode);
      const max = time(d.max);
      if (!(min <= mode && mode <= max && min < max)) err(at, `must have min <= mode <= max and min < max (got ${min}, ${mode}, ${max})`);
      return { dist: "triangular", min, mode, max };
    }
    case "empirical":
      return { dist: "empirical", values: d.values.map(time) };
  }
}

function gate(id: string, b: z.output<typeof schema.batch>, at: string, time: (v: number | string) => number, err: Err, cals: Calendars): GateSpec | null {
  const forms = [b.every, b.size, b.on].filter((x) => x !== undefined).length;
  if (b.on !== undefined && forms === 1) {
    for (const k of ["offset", "timeout"] as const) if (b[k] !== undefined) err(`${at}.${k}`, `goes with ${k === "offset" ? "every" : "size"}, not on: a gate on the calendar opens at the times it names`);
    return calendarGate(id, b, null, cals, err);
  }
  if (b.every !== undefined && forms === 1) {
    if (b.timeout !== undefined) err(`${at}.timeout`, "goes with size, not every: a scheduled gate opens on its schedule");
    const g: GateSpec = { kind: "schedule", every: time(b.every), offset: b.offset === undefined ? MODEL_DEFAULTS.gateOffset : time(b.offset), max: b.max ?? null };
    return b.freeze ? calendarGate(id, b, g, cals, err) : g;
  }
  if (b.size !== undefined && forms === 1) {
    if (b.offset !== undefined) err(`${at}.offset`, "goes with every, not size");
    if (b.max !== undefined) err(`${at}.max`, "goes with every, not size: a size gate releases exactly size items");
    if (b.freeze !== undefined) err(`${at}.freeze`, "goes with a scheduled gate (every or on), not size");
    return { kind: "size", size: b.size, timeout: b.timeout === undefined ? null : time(b.timeout) };
  }
  err(at, 'must give exactly one of every (a scheduled gate, e.g. { every: 7 }), on (a gate on the calendar, e.g. { on: "tuesday 10:00" }) or size (a gate that opens when that many items wait)');
  return null;
}

type Times = (v: number | string) => number;

function steps(raw: readonly (string | schema.RouteStepInput)[], at: string, stageIds: string[], err: Err, time: Times, processTime: (stage: string) => Times, cals: Calendars): RouteStep[] {
  const out: RouteStep[] = [];
  raw.forEach((step, i) => {
    const here = `${at}[${i}]`;
    const stageStep = (id: string, probability: number, where: string): RouteStep & { kind: "stage" } => {
      if (!stageIds.includes(id)) err(where, unknownName("stage", id, stageIds));
      return { kind: "stage", stage: id, probability };
    };
    if (typeof step === "string") {
      out.push(stageStep(step, 1, here));
      return;
    }
    if (step.parallel !== undefined) {
      if (step.stage !== undefined || step.probability !== undefined || step.rework !== undefined || step.processTime !== undefined) {
        err(here, "must be either { stage, probability?, rework?, processTime? } or { parallel: [...] }, not both");
      }
      if (step.parallel.length < 2) err(`${here}.parallel`, "must have at least two branches (a single branch is a plain sequence: write its steps inline)");
      const branches = step.parallel.map((branch, b) => {
        if (branch.length === 0) err(`${here}.parallel[${b}]`, "is an empty branch: each branch needs at least one step");
        return steps(branch, `${here}.parallel[${b}]`, stageIds, err, time, processTime, cals);
      });
      out.push({ kind: "parallel", branches });
      return;
    }
    if (step.stage === undefined) {
      err(here, "must name a stage ({ stage: id, probability: p }) or list parallel branches ({ parallel: [[...], [...]] })");
      return;
    }
    const plain: RouteStep & { kind: "stage" } = stageStep(step.stage, step.probability ?? 1, `${here}.stage`);
    if (step.processTime !== undefined) {
      const own = step.processTime as z.output<typeof schema.timeDistribution>;
      // Working time is a stage's: the step's own process time is read as the stage's are.
      if (!cals.working.has(step.stage) && usesWorkingTime(own)) {
        err(`${here}.processTime`, `is working time, but stage "${step.stage}" counts clock time: set workingTime: true on the stage`);
      }
      plain.processTime = dist(own, `${here}.processTime`, stageIds.includes(step.stage) ? processTime(step.stage) : time, err);
    }
    if (step.rework === null) out.push({ ...plain, rework: null });
    else if (step.rework !== undefined) {
      if (step.rework.probability === 1) err(`${here}.rework.probability`, "is 1: every item would be sent back and none would ever leave; use a value below 1");
      out.push({ ...plain, rework: { probability: step.rework.probability, to: step.rework.to ?? null, effort: step.rework.effort ?? 1 } });
    } else out.push(plain);
  });
  return out;
}

/** The stages a route visits, its parallel branches included. */
function visitedStages(route: RouteStep[], out = new Set<string>()): Set<string> {
  for (const s of route) {
    if (s.kind === "stage") out.add(s.stage);
    else for (const b of s.branches) visitedStages(b, out);
  }
  return out;
}

/**
 * Dedicated servers partition a stage's servers: each named stream gets its own part, the rest
 * serve the other streams visiting the stage, so that shared part must keep a server unless no
 * other stream visits the stage.
 */
function checkDedicated(id: string, dedicated: Record<string, number>, stage: StageSpec, streams: Record<string, StreamSpec>, err: Err): Record<string, number> {
  const at = `stages.${id}.dedicated`;
  if (stage.servers === Infinity) {
    err(at, "has no meaning on an unlimited stage (every item has a server of its own): give the stage a number of servers");
    return dedicated;
  }
  const streamIds = Object.keys(streams);
  const visitors = streamIds.filter((sid) => visitedStages(streams[sid].route).has(id));
  let total = 0;
  for (const [sid, k] of Object.entries(dedicated)) {
    total += k;
    if (!streamIds.includes(sid)) err(`${at}.${sid}`, unknownName("stream", sid, streamIds));
    else if (!visitors.includes(sid)) err(`${at}.${sid}`, `names stream "${sid}", whose route never visits stage "${id}"`);
  }
  const others = visitors.filter((sid) => !(sid in dedicated));
  if (others.length > 0 && total >= stage.servers) {
    err(at, `dedicates ${total} of the stage's ${stage.servers} servers, leaving none for ${others.map((s) => `"${s}"`).join(", ")}: dedicate fewer or add servers`);
  } else if (total > stage.servers) {
    err(at, `dedicates ${total} servers, more than the stage's ${stage.servers}`);
  }
  return dedicated;
}

function countOptional(route: RouteStep[]): number {
  let n = 0;
  for (const s of route) {
    if (s.kind === "stage") n += s.probability < 1 ? 1 : 0;
    else for (const b of s.branches) n += countOptional(b);
  }
  return n;
}

/** Every list of steps (the route, and each parallel branch) with where it is. */
export function routeLists(route: RouteStep[], at: string, out: { steps: RouteStep[]; at: string }[] = []) {
  out.push({ steps: route, at });
  route.forEach((s, i) => {
    if (s.kind === "parallel") s.branches.forEach((b, j) => routeLists(b, `${at}[${i}].parallel[${j}]`, out));
  });
  return out;
}

/**
 * Rework goes back within the same list of steps, to a stage at or before the one sending it, or
 * into a branch of a parallel step before it (resolveReworkTarget). Checked at every step where
 * the rework applies: the stage's own at each of its steps that does not override it, a route
 * step's at that step.
 */
function checkReworkTargets(stages: Record<string, StageSpec>, streams: Record<string, StreamSpec>, stageIds: string[], err: Err): void {
  for (const [id, s] of Object.entries(stages)) {
    const to = s.rework?.to;
    if (to != null && !stageIds.includes(to)) err(`stages.${id}.rework.to`, unknownName("stage", to, stageIds));
  }
  for (const [sid, s] of Object.entries(streams)) {
    for (const list of routeLists(s.route, `streams.${sid}.route`)) {
      list.steps.forEach((step, i) => {
        if (step.kind !== "stage" || !stageIds.includes(step.stage)) return;
        const own = step.rework !== undefined;
        const to = reworkAt(step, stages[step.stage].rework)?.to;
        if (to == null) return;
        const at = own ? `${list.at}[${i}].rework.to` : `stages.${step.stage}.rework.to`;
        if (!stageIds.includes(to)) {
          if (own) err(at, unknownName("stage", to, stageIds));
          return;
        }
        if (!resolveReworkTarget(list.steps, i, to)) {
          err(
            at,
            `is "${to}", which is not at or before "${step.stage}" in ${list.at}, nor in a parallel branch before it ` +
              "(rework returns work to an earlier step of the same route, or into a completed parallel branch)",
          );
        }
      });
    }
  }
}
