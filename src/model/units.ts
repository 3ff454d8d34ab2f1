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

/** Convert a number (already in `unit`) or a duration string to `unit`; a string saying why on failure. */
export function toTimeUnit(value: number | string, unit: TimeUnit): number | string {
  // 400 nines are a valid decimal and an infinite time: a run would never end, or end at once.
  if (typeof value === "number") return Number.isFinite(value) ? value : TOO_LARGE;
  const m = DURATION_PATTERN.exec(value);
  if (!m) return `must be ${DURATION_HINT} (got ${JSON.stringify(value)})`;
  const from = SUFFIX[m[2].toLowerCase()];
  if (!from) return `has an unknown time unit "${m[2]}" in ${JSON.stringify(value)}: use m, h, d or w`;
  const v = (Number(m[1]) * MINUTES[from]) / MINUTES[unit];
  return Number.isFinite(v) ? v : TOO_LARGE;
}

const TOO_LARGE = "must be a finite time: this one is too large to be a number";

/** How many `to` units one `from` unit is (a day is 24 hours). */
export function unitFactor(from: TimeUnit, to: TimeUnit): number {
  return MINUTES[from] / MINUTES[to];
}
