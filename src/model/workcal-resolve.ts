import type { z } from "zod";
import type * as schema from "./schema.js";
import type { GateSpec, StageSpec, WorkingCalendar } from "./types.js";
import { type TimeUnit, durationParts, minutesIn, workingUnit } from "./units.js";
import { type Clock, clockOf, occurrences, periodic, resolveCalendar, ruleOf, startText, thaw, windows } from "./workcal.js";

/**
 * The calendar parts of a model file, checked and resolved into model time for validate.ts:
 * the model's calendar, each stage's (its own fields over the model's), working-time process
 * times, shifts and gates on the calendar. Nothing here runs for a model that uses none of them.
 */

type Parsed = z.output<typeof schema.model>;
type ParsedStage = Parsed["stages"][string];
type Err = (path: string, message: string) => void;

export interface Calendars {
  clock: Clock | null;
  /** The start as written, or with its zone's offset when it was written without one. */
  start: string | undefined;
  model: WorkingCalendar | undefined;
  /** A stage's calendar: its own, else the model's. */
  stageCalendar(id: string): WorkingCalendar | undefined;
  /** The zone a stage's dates (shifts, freezes) are read in. */
  stageZone(id: string): string;
  /** The stage's process times are working time (its flag, or a "wd"/"wh" among them). */
  working: Set<string>;
  /** A calendar is written for the stage (its own or the model's), even one with problems. */
  declared(id: string): boolean;
}

const isMap = (v: unknown): v is Record<string, unknown> => v !== null && typeof v === "object" && !Array.isArray(v);

/** Every string of a process time (a distribution's parameters). */
function strings(d: unknown): string[] {
  if (typeof d === "string") return [d];
  if (Array.isArray(d)) return d.flatMap(strings);
  if (isMap(d)) return Object.entries(d).flatMap(([k, v]) => (k === "dist" ? [] : strings(v)));
  return [];
}

/** A process time that counts working time ("3wd" among its values). */
export function usesWorkingTime(d: unknown): boolean {
  return strings(d).some((x) => workingUnit(x) !== null);
}

/** Working-time strings outside process times: a wait, a horizon or a gate cannot be "3wd". */
function misplacedWorkingTime(v: unknown, path: string, err: Err): void {
  if (typeof v === "string") {
    if (workingUnit(v)) err(path, `is ${JSON.stringify(v)}, working time: only a process time may be counted in working time (wd, wh, wm)`);
  } else if (Array.isArray(v)) v.forEach((x, i) => misplacedWorkingTime(x, `${path}[${i}]`, err));
  else if (isMap(v)) {
    for (const [k, x] of Object.entries(v)) if (k !== "processTime") misplacedWorkingTime(x, path ? `${path}.${k}` : k, err);
  }
}

/** What in the model needs a clock (a start), for the message when there is none. */
function needsClock(p: Parsed, working: Set<string>): string | null {
  if (p.calendar) return "calendar";
  for (const [id, s] of Object.entries(p.stages)) {
    if (s.calendar) return `stages.${id}.calendar`;
    if (s.shifts) return `stages.${id}.shifts`;
    if (s.batch?.on !== undefined) return `stages.${id}.batch.on`;
    if (s.batch?.freeze) return `stages.${id}.batch.freeze`;
    if (working.has(id)) return `stages.${id}'s working-time process times`;
  }
  return null;
}

export function resolveCalendars(p: Parsed, unit: TimeUnit, end: number, err: Err): Calendars {
  misplacedWorkingTime(p, "", err);
  const working = new Set<string>();
  for (const [id, s] of Object.entries(p.stages)) {
    const own = strings(s.processTime);
    const w = own.filter((x) => workingUnit(x) !== null);
    if (s.workingTime === true || w.length > 0) working.add(id);
    if (s.workingTime !== true && w.length > 0 && w.length < own.length) {
      err(`stages.${id}.processTime`, `mixes working time (${w[0]}) and clock time (${own.find((x) => !workingUnit(x))}): write them all in wd/wh, or set workingTime: true to read every one as working time`);
    }
  }
  const why = needsClock(p, working);
  const declared = (id: string) => p.calendar !== undefined || p.stages[id]?.calendar !== undefined;
  const none: Calendars = { clock: null, start: p.start, model: undefined, stageCalendar: () => undefined, stageZone: () => "UTC", working, declared };
  if (why === null || !Number.isFinite(end)) return none;
  const clock = clockOf(p.start, p.calendar?.zone, unit, end, why, err);
  if (!clock) return none;
  const model = p.calendar ? (resolveCalendar(p.calendar, clock, "calendar", err) ?? undefined) : undefined;
  const own = new Map<string, WorkingCalendar | undefined>();
  for (const [id, s] of Object.entries(p.stages)) {
    if (s.calendar) own.set(id, resolveCalendar({ ...p.calendar, ...s.calendar }, clock, `stages.${id}.calendar`, err) ?? undefined);
  }
  const stageCalendar = (id: string) => (own.has(id) ? own.get(id) : model);
  return {
    clock,
    start: p.start !== undefined && !/(Z|[+-]\d{2}:\d{2})$/.test(p.start) ? startText(clock) : p.start,
    model,
    stageCalendar,
    stageZone: (id: string) => stageCalendar(id)?.zone ?? clock.zone,
    working,
    declared,
  };
}

/**
 * Reads a value of a working-time process time as working time in the model's unit: a number in
 * the model's unit counts working units of it (on an 8-hour calendar, with days, 1 is 8 hours of
 * work), "3wd" three working days, "6wh" six working hours; on a stage with workingTime: true,
 * "2d" and "4h" are working days and hours too. The result is working time measured as the
 * clock measures it (8 hours of work: 1/3 day), which the run turns into calendar time.
 */
export function workingTimeOf(c: WorkingCalendar, unit: TimeUnit): (v: number | string) => number {
  const hoursPerDay = (c.day * minutesIn(unit)) / 60;
  const hoursIn: Record<TimeUnit, number> = { minute: 1 / 60, hour: 1, day: hoursPerDay, week: hoursPerDay * c.days.length };
  const toModel = (hours: number) => (hours * 60) / minutesIn(unit);
  return (v) => {
    if (typeof v === "number") return toModel(v * hoursIn[unit]);
    const d = durationParts(v)!; // the schema checked it
    return toModel(d.amount * hoursIn[d.unit]);
  };
}

/** A stage's working calendar and shifts, for its StageSpec. */
export function stageCalendarParts(id: string, s: ParsedStage, cals: Calendars, err: Err): Pick<StageSpec, "workingTime" | "shifts"> {
  const out: Pick<StageSpec, "workingTime" | "shifts"> = {};
  const at = `stages.${id}`;
  if (cals.working.has(id)) {
    const c = cals.stageCalendar(id);
    if (c) out.workingTime = c;
    else if (cals.clock && !cals.declared(id)) {
      err(s.workingTime ? `${at}.workingTime` : `${at}.processTime`, "is working time, but neither the stage nor the model has a calendar: add calendar: { days, hours, zone } to either");
    }
  }
  if (s.shifts && cals.clock) {
    if (s.servers === "unlimited") err(`${at}.shifts`, "has no meaning on an unlimited stage: give the stage a number of servers");
    if (s.dedicated) err(`${at}.shifts`, "cannot be combined with dedicated servers (yet): a shift changes one pool of servers");
    const zone = cals.stageZone(id);
    const shifts: NonNullable<StageSpec["shifts"]> = [];
    s.shifts.forEach((sh, i) => {
      const w = windows([sh], zone, cals.clock!, `${at}.shifts`, (path, message) => err(path.replace(`${at}.shifts[0]`, `${at}.shifts[${i}]`), message));
      if (w.length) shifts.push({ from: w[0][0], to: w[0][1], servers: sh.servers });
    });
    shifts.sort((a, b) => a.from - b.from);
    for (let i = 1; i < shifts.length; i++) {
      if (shifts[i].from < shifts[i - 1].to) err(`${at}.shifts`, "has shifts that overlap: a stage has one number of servers at a time");
    }
    out.shifts = shifts;
  }
  return out;
}

/**
 * A scheduled gate on the calendar (`on`) or with freeze windows: its openings listed in model
 * time. Returns the gate to use, or null when it has problems (reported).
 */
export function calendarGate(
  id: string,
  b: z.output<typeof schema.batch>,
  g: (GateSpec & { kind: "schedule" }) | null,
  cals: Calendars,
  err: Err,
): GateSpec | null {
  const at = `stages.${id}.batch`;
  const clock = cals.clock;
  if (!clock) return g;
  const zone = cals.stageZone(id);
  const freeze = b.freeze ? windows(b.freeze, zone, clock, `${at}.freeze`, err) : [];
  let times: number[] | string;
  if (b.on !== undefined) {
    const rule = ruleOf(b.on);
    times = typeof rule === "string" ? rule : occurrences(rule, zone, clock);
  } else if (g) times = periodic(g.every, g.offset, clock.end);
  else return null;
  if (typeof times === "string") {
    err(b.on !== undefined ? `${at}.on` : at, times);
    return null;
  }
  times = thaw(times, freeze);
  const n = times.length;
  if (n === 0) {
    err(b.on !== undefined ? `${at}.on` : at, `does not open during the run (warm-up and horizon${freeze.length ? ", less its freeze windows" : ""}): its items would wait for ever`);
    return null;
  }
  const every = n > 1 ? (times[n - 1] - times[0]) / (n - 1) : clock.end;
  return { kind: "schedule", every, offset: times[0], max: b.max ?? null, ...(b.on !== undefined ? { on: b.on } : {}), times };
}

