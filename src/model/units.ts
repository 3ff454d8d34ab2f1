/**
 * Time units: parsed at the edge ("4h", "2d", "1w"), one unit inside (the model's `timeUnit`),
 * printed back in reports. Calendar time: 1w = 7d, 1d = 24h.
 */
export const TIME_UNITS = ["minute", "hour", "day", "week"] as const;
export type TimeUnit = (typeof TIME_UNITS)[number];

const MINUTES: Record<TimeUnit, number> = { minute: 1, hour: 60, day: 1440, week: 10080 };

const SUFFIX: Record<string, TimeUnit> = {
  m: "minute", min: "minute", mins: "minute", minute: "minute", minutes: "minute",
  h: "hour", hr: "hour", hrs: "hour", hour: "hour", hours: "hour",
  d: "day", day: "day", days: "day",
  w: "week", wk: "week", wks: "week", week: "week", weeks: "week",
};

/** A duration string: a non-negative decimal and a unit, as "4h", "2.5d", "1 w". */
export const DURATION_PATTERN = /^\s*(\d+(?:\.\d+)?|\.\d+)\s*([a-zA-Z]+)\s*$/;

export const DURATION_HINT = 'a number in the model\'s time unit or a string with a unit such as "30m", "4h", "2d", "1w"';

/**
 * Working time (docs/calendars.md): "3wd" working days, "6wh" working hours, "30wm" working
 * minutes. Only a process time may be one; its length in clock time depends on the calendar, so
 * validate.ts converts it, and toTimeUnit reads it as the calendar unit it is named after.
 */
const WORKING_SUFFIX: Record<string, TimeUnit> = { wd: "day", wh: "hour", wm: "minute" };

/** The calendar unit a working-time string is counted in ("3wd": day), or null for a clock time. */
export function workingUnit(value: unknown): TimeUnit | null {
  if (typeof value !== "string") return null;
  const m = DURATION_PATTERN.exec(value);
  return m ? (WORKING_SUFFIX[m[2].toLowerCase()] ?? null) : null;
}

/** A duration string's amount and unit, and whether it is working time; null when it is not one. */
export function durationParts(value: string): { amount: number; unit: TimeUnit; working: boolean } | null {
  const m = DURATION_PATTERN.exec(value);
  if (!m) return null;
  const s = m[2].toLowerCase();
  const unit = SUFFIX[s] ?? WORKING_SUFFIX[s];
  return unit ? { amount: Number(m[1]), unit, working: s in WORKING_SUFFIX } : null;
}

/** Minutes in one unit. */
export function minutesIn(unit: TimeUnit): number {
  return MINUTES[unit];
}

/** Convert a number (already in `unit`) or a duration string to `unit`; a string saying why on failure. */
export function toTimeUnit(value: number | string, unit: TimeUnit): number | string {
  // 400 nines are a valid decimal and an infinite time: a run would never end, or end at once.
  if (typeof value === "number") return Number.isFinite(value) ? value : TOO_LARGE;
  const m = DURATION_PATTERN.exec(value);
  if (!m) return `must be ${DURATION_HINT} (got ${JSON.stringify(value)})`;
  const from = SUFFIX[m[2].toLowerCase()] ?? WORKING_SUFFIX[m[2].toLowerCase()];
  if (!from) return `has an unknown time unit "${m[2]}" in ${JSON.stringify(value)}: use m, h, d or w (or wm, wh, wd for working time)`;
  const v = (Number(m[1]) * MINUTES[from]) / MINUTES[unit];
  return Number.isFinite(v) ? v : TOO_LARGE;
}

const TOO_LARGE = "must be a finite time: this one is too large to be a number";

/** How many `to` units one `from` unit is (a day is 24 hours). */
export function unitFactor(from: TimeUnit, to: TimeUnit): number {
  return MINUTES[from] / MINUTES[to];
}
