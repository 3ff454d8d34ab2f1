import { unitFactor, type TimeUnit } from "./units.js";

/**
 * Simulation time and the calendar. Time 0 is the model's `start`; every date shown or read goes
 * through these two functions, so a working calendar (work paused out of hours) can replace this
 * continuous-time conversion in one place.
 */

const MS_PER_MINUTE = 60_000;

/** The instant at simulation time `t` (in `unit`) of a model whose time 0 is `start` (ISO 8601 with offset). */
export function dateAt(start: string, unit: TimeUnit, t: number): Date {
  return new Date(Date.parse(start) + t * unitFactor(unit, "minute") * MS_PER_MINUTE);
}

/** The simulation time (in `unit`) of an instant, given in ms since the epoch. */
export function timeAt(start: string, unit: TimeUnit, ms: number): number {
  return (ms - Date.parse(start)) / (unitFactor(unit, "minute") * MS_PER_MINUTE);
}

/** The UTC offset of `start` in minutes (Z: 0). */
export function offsetMinutes(start: string): number {
  const m = /([+-])(\d{2}):(\d{2})$/.exec(start);
  return m ? (m[1] === "-" ? -1 : 1) * (Number(m[2]) * 60 + Number(m[3])) : 0;
}

/** The calendar date (YYYY-MM-DD) of an instant, in the UTC offset of `start`: dates read as the model's organization reads them. */
export function dayOf(date: Date, start: string): string {
  return new Date(date.getTime() + offsetMinutes(start) * MS_PER_MINUTE).toISOString().slice(0, 10);
}

/** Time 0 when neither the model nor the command line gives one: now, to the minute, in UTC (so
 * a snapshot of work that entered a stage this morning is still before time 0). */
export function now(at = new Date()): string {
  return `${at.toISOString().slice(0, 16)}Z`;
}
