import { createRequire } from "node:module";
import type * as Luxon from "luxon";
import type rrulePkg from "rrule";
import { didYouMean } from "./errors.js";
import type { WorkingCalendar } from "./types.js";
import type { TimeUnit } from "./units.js";

type RRuleOptions = ConstructorParameters<typeof rrulePkg.RRule>[0] & object;

// luxon and rrule are loaded on first use, by a model that has a calendar: loading them with every
// command doubled the CLI's start-up on a loaded machine (its Ctrl-C handler came too late for
// test/cli/interrupt.test.ts). Both ship CommonJS builds, so require() loads them synchronously.
let DateTime: typeof Luxon.DateTime;
let IANAZone: typeof Luxon.IANAZone;
let Info: typeof Luxon.Info;
let RRule: typeof rrulePkg.RRule;
function load(): void {
  if (DateTime !== undefined) return;
  const require = createRequire(import.meta.url);
  const luxon = require("luxon") as typeof Luxon;
  ({ DateTime, IANAZone, Info } = luxon);
  RRule = (require("rrule") as typeof rrulePkg).RRule;
}

/**
 * Working calendars resolved into model time (docs/calendars.md): dates, zones and recurrences are
 * read here, once, with luxon and rrule, and become plain lists of numbers (working intervals,
 * gate openings, shift changes) in the model's time unit from its start. The run never reads a
 * date, and worker threads never load these libraries.
 */

type Err = (path: string, message: string) => void;

const MINUTES: Record<TimeUnit, number> = { minute: 1, hour: 60, day: 1440, week: 10080 };

/** Time 0 as an instant, the model's unit, how far the run goes, and the zone dates are read in. */
export interface Clock {
  startMs: number;
  unitMs: number;
  /** warmup + horizon, in model time: nothing after it is ever read. */
  end: number;
  /** The model calendar's zone, else the start's own offset. */
  zone: string;
}

/** A calendar as written (the model's, or a stage's over the model's). */
export interface CalendarInput {
  zone?: string;
  days?: string[];
  hours?: string | string[];
  holidays?: string[];
}

const ZONE_HINT = 'an IANA time zone name such as "Europe/Berlin", "America/New_York" or "UTC"';

export function validZone(zone: string): boolean {
  load();
  return IANAZone.isValidZone(zone);
}

/** The model's clock, from its start and its calendar's zone; null (with problems) when they do not make one. */
export function clockOf(start: string | undefined, zone: string | undefined, unit: TimeUnit, end: number, why: string, err: Err): Clock | null {
  load();
  // A bad zone is reported where the calendar is read (resolveCalendar); UTC meanwhile, so the
  // rest of the calendar is still checked.
  if (zone !== undefined && !validZone(zone)) zone = "UTC";
  if (start === undefined) {
    err("start", `is required by ${why}: the date and time of time 0, e.g. start: 2026-01-05T09:00:00+01:00`);
    return null;
  }
  const hasOffset = /(Z|[+-]\d{2}:\d{2})$/.test(start);
  if (!hasOffset && zone === undefined) {
    err("start", `is ${JSON.stringify(start)}, a local time with no zone: give its UTC offset (e.g. ${start}+01:00) or a calendar zone`);
    return null;
  }
  const t = hasOffset ? DateTime.fromISO(start, { setZone: true }) : DateTime.fromISO(start, { zone });
  if (!t.isValid) {
    err("start", `is ${JSON.stringify(start)}, not a real date and time`);
    return null;
  }
  return { startMs: t.toMillis(), unitMs: MINUTES[unit] * 60_000, end, zone: zone ?? t.zoneName ?? "UTC" };
}

/** The start as an ISO date-time with its offset (a local start gets its zone's). */
export function startText(c: Clock): string {
  load();
  return DateTime.fromMillis(c.startMs, { zone: c.zone }).toISO({ suppressMilliseconds: true })!;
}

const DAY_NAMES: Record<string, number> = {
  mon: 1, monday: 1, tue: 2, tues: 2, tuesday: 2, wed: 3, wednesday: 3, thu: 4, thur: 4, thurs: 4, thursday: 4,
  fri: 5, friday: 5, sat: 6, saturday: 6, sun: 7, sunday: 7,
};
const DAY_HINT = "mon, tue, wed, thu, fri, sat or sun (or the full name)";
const dayGuess = (word: string) => {
  const g = didYouMean(word.toLowerCase(), Object.keys(DAY_NAMES));
  return g ? ` (did you mean "${g}"?)` : "";
};
const HOURS_PATTERN = /^\s*(\d{1,2}):(\d{2})\s*-\s*(\d{1,2}):(\d{2})\s*$/;
const DATE_PATTERN = /^\d{4}-\d{2}-\d{2}$/;
const MAX_YEARS = 200;
/** Past the end of the run, so a service running over the end still finishes on the calendar. */
const MARGIN_DAYS = 14;

/**
 * A calendar's working intervals in model time. `at` is where its fields are written (for
 * problems); the fields not given are the defaults: Monday to Friday, 09:00-17:00, no holidays.
 */
export function resolveCalendar(c: CalendarInput, clock: Clock, at: string, err: Err): WorkingCalendar | null {
  load();
  let ok = true;
  const bad = (path: string, message: string) => {
    ok = false;
    err(path, message);
  };
  const zone = c.zone ?? clock.zone;
  if (!validZone(zone) && !DateTime.now().setZone(zone).isValid) bad(`${at}.zone`, `is ${JSON.stringify(zone)}, not ${ZONE_HINT}`);
  const days = (c.days ?? ["mon", "tue", "wed", "thu", "fri"]).map((d, i) => {
    const n = DAY_NAMES[d.trim().toLowerCase()];
    if (n === undefined) bad(`${at}.days[${i}]`, `is ${JSON.stringify(d)}, not a day of the week${dayGuess(d)}: use ${DAY_HINT}`);
    return n;
  });
  if (c.days !== undefined && c.days.length === 0) bad(`${at}.days`, "is empty: a calendar needs at least one working day");
  const hours = c.hours === undefined ? ["09:00-17:00"] : typeof c.hours === "string" ? [c.hours] : c.hours;
  const ranges: [number, number][] = [];
  hours.forEach((h, i) => {
    const where = typeof c.hours === "string" ? `${at}.hours` : `${at}.hours[${i}]`;
    const m = HOURS_PATTERN.exec(h);
    const a = m ? Number(m[1]) * 60 + Number(m[2]) : NaN;
    const b = m ? Number(m[3]) * 60 + Number(m[4]) : NaN;
    if (!m || Number(m[2]) > 59 || Number(m[4]) > 59 || !(a < b) || b > 24 * 60) {
      bad(where, `is ${JSON.stringify(h)}: working hours are "HH:MM-HH:MM" within one day, the end after the start, e.g. "09:00-17:00"`);
    } else if (ranges.length > 0 && a < ranges[ranges.length - 1][1]) {
      bad(where, `is ${JSON.stringify(h)}, which starts before the previous range ends: list the ranges in order, apart`);
    } else ranges.push([a, b]);
  });
  if (hours.length === 0) bad(`${at}.hours`, "is empty: a calendar needs working hours");
  const holidays = new Set<string>();
  (c.holidays ?? []).forEach((d, i) => {
    if (!DATE_PATTERN.test(d) || !DateTime.fromISO(d, { zone: "UTC" }).isValid) bad(`${at}.holidays[${i}]`, `is ${JSON.stringify(d)}, not a real date: write it as "2026-12-25"`);
    else holidays.add(d);
  });
  if (!ok) return null;
  // Laid out day by day: a run of centuries would take long to read and much memory to hold.
  const years = (clock.end * clock.unitMs) / (365.25 * 86_400_000);
  if (years > MAX_YEARS) {
    err(at, `would cover ${Math.round(years)} years of warm-up and horizon: a calendar is laid out day by day, at most ${MAX_YEARS} years`);
    return null;
  }

  const from: number[] = [];
  const to: number[] = [];
  const toModel = (ms: number) => (ms - clock.startMs) / clock.unitMs;
  const wall = wallClock(zone);
  // Local dates as UTC dates (their fields are the local ones), from the day before the start (a
  // range of the day before may still run at time 0) to past the end.
  const first = DateTime.fromMillis(clock.startMs, { zone });
  const lastDay = DateTime.fromMillis(clock.startMs + clock.end * clock.unitMs, { zone }).plus({ days: MARGIN_DAYS });
  const stop = Date.UTC(lastDay.year, lastDay.month - 1, lastDay.day);
  for (let day = Date.UTC(first.year, first.month - 1, first.day) - 86_400_000; day <= stop; day += 86_400_000) {
    const date = new Date(day);
    if (!days.includes(date.getUTCDay() || 7) || holidays.has(date.toISOString().slice(0, 10))) continue;
    const [y, mo, d] = [date.getUTCFullYear(), date.getUTCMonth() + 1, date.getUTCDate()];
    for (const [a, b] of ranges) {
      // Wall-clock times of the day: on a day the clocks change, "09:00-17:00" is still 09:00 to 17:00.
      const x = toModel(wall(y, mo, d, a));
      const e = toModel(wall(y, mo, d, b));
      if (e <= 0) continue;
      from.push(Math.max(0, x));
      to.push(e);
    }
  }
  if (from.length === 0 || from[0] >= clock.end) {
    err(at, "has no working time during the run (check its days, hours and holidays)");
    return null;
  }
  const day = ranges.reduce((n, [a, b]) => n + b - a, 0) / MINUTES[unitOf(clock)];
  return { zone, days, hours, holidays: [...holidays], day, from, to };
}

/**
 * Wall-clock time in a zone to an instant (ms), for many times in order. PERF: luxon's DateTime per
 * working day took 1.2 s to lay out 5 years of two calendars; the zone's offset is asked once per
 * time here (a guess from the last answer, checked), and luxon's own rules (a time in a spring
 * gap moves forward) only where the guess fails: 5 years in ~60 ms.
 */
function wallClock(zone: string): (y: number, mo: number, d: number, minutes: number) => number {
  const z = Info.normalizeZone(zone);
  let guess = z.offset(Date.now());
  return (y, mo, d, minutes) => {
    const local = Date.UTC(y, mo - 1, d) + minutes * 60_000;
    let t = local - guess * 60_000;
    const o = z.offset(t);
    if (o === guess) return t;
    t = local - o * 60_000;
    if (z.offset(t) === o) {
      guess = o;
      return t;
    }
    // In a gap (02:30 on the day the clocks go forward): luxon's reading, the next valid time.
    return DateTime.fromObject({ year: y, month: mo, day: d }, { zone })
      .plus({ days: Math.floor(minutes / 1440) })
      .set({ hour: Math.floor((minutes % 1440) / 60), minute: minutes % 60 })
      .toMillis();
  };
}

function unitOf(c: Clock): TimeUnit {
  return (Object.keys(MINUTES) as TimeUnit[]).find((u) => MINUTES[u] * 60_000 === c.unitMs)!;
}

/**
 * A date or date-time of the model (a shift's or a freeze's bounds), in model time. A bare date
 * is the start of that day in `zone`, or, as an inclusive end (`to`), the start of the next.
 */
export function modelTimeOf(text: string, zone: string, clock: Clock, end: boolean, at: string, err: Err): number | null {
  load();
  let t: Luxon.DateTime;
  if (DATE_PATTERN.test(text)) {
    t = DateTime.fromISO(text, { zone });
    if (end) t = t.plus({ days: 1 });
  } else if (/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:\d{2})?$/.test(text)) {
    t = DateTime.fromISO(text, { zone });
  } else {
    err(at, `is ${JSON.stringify(text)}: write a date such as "2026-08-01" or a date-time such as "2026-08-01T14:00"`);
    return null;
  }
  if (!t.isValid) {
    err(at, `is ${JSON.stringify(text)}, not a real date${DATE_PATTERN.test(text) ? "" : " and time"}`);
    return null;
  }
  return (t.toMillis() - clock.startMs) / clock.unitMs;
}

/** [from, to) windows in model time, from written { from, to } pairs; null entries were bad. */
export function windows(list: { from: string; to: string }[], zone: string, clock: Clock, at: string, err: Err): [number, number][] {
  const out: [number, number][] = [];
  list.forEach((w, i) => {
    const a = modelTimeOf(w.from, zone, clock, false, `${at}[${i}].from`, err);
    const b = modelTimeOf(w.to, zone, clock, true, `${at}[${i}].to`, err);
    if (a === null || b === null) return;
    if (!(a < b)) err(`${at}[${i}]`, `ends (${w.to}) before it starts (${w.from})`);
    else out.push([a, b]);
  });
  return out;
}

/** Most openings one gate may have in a run: each is an event, kept in a list. */
const MAX_OPENINGS = 1_000_000;

const NTH: Record<string, number> = { first: 1, second: 2, third: 3, fourth: 4, last: -1 };
const TIME = String.raw`(\d{1,2}):(\d{2})`;
const PHRASES = [
  { re: new RegExp(`^(?:daily|every day)\\s+${TIME}$`, "i"), days: () => null, freq: "DAILY" },
  { re: new RegExp(`^weekdays\\s+${TIME}$`, "i"), days: () => [1, 2, 3, 4, 5].map((d) => weekday(d)), freq: "WEEKLY" },
] as const;

function weekday(iso: number, n?: number) {
  const w = [RRule.MO, RRule.TU, RRule.WE, RRule.TH, RRule.FR, RRule.SA, RRule.SU][iso - 1];
  return n === undefined ? w : w.nth(n);
}

export const ON_HINT = 'a time on the calendar: "tuesday 10:00", "mon,thu 09:30", "weekdays 16:00", "daily 17:00", "last friday of month 14:00", or an RRULE such as "FREQ=WEEKLY;INTERVAL=2;BYDAY=TU;BYHOUR=10"';

/** The rule a gate's `on` names, as rrule options (times of day as wall-clock times in the zone); a message when it names none. */
export function ruleOf(on: string): RRuleOptions | string {
  load();
  const text = on.trim().replace(/\s+/g, " ");
  if (/^(RRULE:)?FREQ=/i.test(text)) {
    let o: Partial<RRuleOptions>;
    try {
      o = RRule.parseString(text.replace(/^RRULE:/i, "").toUpperCase());
    } catch (e) {
      return `is not an RRULE we can read (${(e as Error).message})`;
    }
    if (o.freq === undefined || o.freq === null) return "is an RRULE with no valid FREQ: use YEARLY, MONTHLY, WEEKLY, DAILY, HOURLY or MINUTELY";
    if (o.dtstart || o.tzid) return "must not give DTSTART or TZID: the rule starts at the model's start, in the calendar's zone";
    if (Array.isArray(o.byweekday) && o.byweekday.some((w) => w === null || w === undefined)) return "has a BYDAY we cannot read: use MO, TU, WE, TH, FR, SA, SU, with an optional position such as -1FR";
    const outside = (v: unknown, max: number) => ([] as unknown[]).concat(v ?? []).some((x) => typeof x !== "number" || x < 0 || x > max || !Number.isInteger(x));
    if (outside(o.byhour, 23)) return "has a BYHOUR outside 0-23";
    if (outside(o.byminute, 59)) return "has a BYMINUTE outside 0-59";
    return o as RRuleOptions;
  }
  for (const p of PHRASES) {
    const m = p.re.exec(text);
    if (m) return clockTime(m[1], m[2], { freq: RRule[p.freq], byweekday: p.days() ?? undefined });
  }
  let m = new RegExp(`^(first|second|third|fourth|last) ([a-z]+) of (?:the )?month ${TIME}$`, "i").exec(text);
  if (m) {
    const d = DAY_NAMES[m[2].toLowerCase()];
    if (d === undefined) return `names ${JSON.stringify(m[2])}, not a day of the week${dayGuess(m[2])}: use ${DAY_HINT}`;
    return clockTime(m[3], m[4], { freq: RRule.MONTHLY, byweekday: [weekday(d, NTH[m[1].toLowerCase()])] });
  }
  m = new RegExp(`^([a-z]+(?:\\s*,\\s*[a-z]+)*) ${TIME}$`, "i").exec(text);
  if (m) {
    const names = m[1].split(",").map((s) => s.trim().toLowerCase());
    const unknown = names.find((n) => DAY_NAMES[n] === undefined);
    if (unknown !== undefined) return `names ${JSON.stringify(unknown)}, not a day of the week${dayGuess(unknown)}: use ${DAY_HINT}, "weekdays" or "daily"`;
    return clockTime(m[2], m[3], { freq: RRule.WEEKLY, byweekday: names.map((n) => weekday(DAY_NAMES[n])) });
  }
  return `is ${JSON.stringify(on)}: it must be ${ON_HINT}`;
}

function clockTime(h: string, min: string, o: Partial<RRuleOptions>): RRuleOptions | string {
  const hour = Number(h);
  const minute = Number(min);
  if (hour > 23 || minute > 59) return `has the time ${h}:${min}, not a time of day (00:00 to 23:59)`;
  return { ...o, byhour: [hour], byminute: [minute], bysecond: [0] } as RRuleOptions;
}

/**
 * A rule's occurrences from time 0 to the end of the run, in model time. rrule counts in
 * "floating" wall-clock time (its dates' UTC fields are the local fields), and luxon places each
 * one in the zone: a 10:00 board stays at 10:00 across a change of the clocks.
 */
export function occurrences(rule: RRuleOptions, zone: string, clock: Clock): number[] | string {
  load();
  const wall = (t: Luxon.DateTime) => new Date(Date.UTC(t.year, t.month - 1, t.day, t.hour, t.minute, t.second));
  const first = DateTime.fromMillis(clock.startMs, { zone });
  const last = DateTime.fromMillis(clock.startMs + clock.end * clock.unitMs, { zone }).plus({ days: 1 });
  let dates: Date[];
  try {
    const r = new RRule({ ...rule, dtstart: wall(first) });
    dates = r.between(wall(first), wall(last), true, (_d, n) => n < MAX_OPENINGS);
  } catch (e) {
    return `is not a rule we can use (${(e as Error).message})`;
  }
  const out: number[] = [];
  if (dates.length >= MAX_OPENINGS) return `opens more than ${MAX_OPENINGS.toLocaleString("en")} times in the run: use a rule with fewer openings`;
  for (const d of dates) {
    const local = DateTime.fromObject(
      { year: d.getUTCFullYear(), month: d.getUTCMonth() + 1, day: d.getUTCDate(), hour: d.getUTCHours(), minute: d.getUTCMinutes(), second: d.getUTCSeconds() },
      { zone },
    );
    const t = (local.toMillis() - clock.startMs) / clock.unitMs;
    if (t >= 0 && t <= clock.end) out.push(t);
  }
  return out;
}

/** Openings that fall in no freeze window. */
export function thaw(times: number[], freeze: [number, number][]): number[] {
  return times.filter((t) => !freeze.some(([a, b]) => t >= a && t < b));
}

/** A periodic gate's openings up to the end of the run (to leave out those in a freeze). */
export function periodic(every: number, offset: number, end: number): number[] | string {
  if ((end - offset) / every > MAX_OPENINGS) return `opens more than ${MAX_OPENINGS.toLocaleString("en")} times in the run: a freeze needs the openings listed`;
  const out: number[] = [];
  for (let n = 0; offset + n * every <= end; n++) out.push(offset + n * every);
  return out;
}
