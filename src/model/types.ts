import type { DistName } from "../engine/distributions.js";
import type { TimeUnit } from "./units.js";

/**
 * A validated model: every default filled, every time converted to the model's time unit, every
 * reference checked. Plain data, so it crosses to worker threads as it is. The simulation never
 * reads the raw file; it reads the compiled form of this (compile.ts).
 */
export interface Model {
  name: string;
  description: string;
  /** The file the model came from (a scenario's own file for a scenario). */
  source: string;
  /** Every file read to make it (a scenario's bases included), so outputs never overwrite one. */
  files?: string[];
  /** ISO 8601 date-time (with offset) of time 0, when the model says; calendar meaning only. */
  start?: string;
  timeUnit: TimeUnit;
  /** Set when the model was restated in another unit to be compared with a base (convert.ts). */
  convertedFrom?: TimeUnit;
  warmup: number;
  horizon: number;
  replications: number;
  seed: number;
  /** Insertion order is the order of the file, and of every report. */
  stages: Record<string, StageSpec>;
  streams: Record<string, StreamSpec>;
  /** What time costs, for the money figures (economics/); null: the model prices nothing. */
  economics: EconomicsSpec | null;
  /** Work in progress at time 0 (model `wip:` or `--wip`); absent or empty: the run starts empty. */
  wip?: WipItem[];
  /** The organization's working calendar (docs/calendars.md): lead times in working days too. */
  calendar?: WorkingCalendar;
}

/**
 * Items already in progress at time 0, at one stage of a stream's route. `elapsed`: how long
 * they have been at the stage (in service, for `work`; waiting, for `wait`); `age`: how long
 * since they entered the system (their lead time so far, >= elapsed). Times in the model's unit.
 */
export interface WipItem {
  stream: string;
  stage: string;
  count: number;
  state: "wait" | "work";
  elapsed: number;
  age: number;
  /** Where the item was given, for messages: a field path, or a file's row. */
  at?: string;
}

/**
 * A working calendar, resolved against the model's start (model/workcal.ts): when work happens,
 * as intervals of model time, so the run never reads a date. Plain data, for worker threads.
 */
export interface WorkingCalendar {
  /** As declared (with the model's calendar filled in), for reports. */
  zone: string;
  /** ISO weekdays, 1 (Monday) to 7. */
  days: number[];
  hours: string[];
  holidays: string[];
  /** A working day's length in the model's time unit (the sum of `hours`): what "1wd" is. */
  day: number;
  /** Working intervals [from[i], to[i]) in model time, ascending, from time 0 to past warmup +
   * horizon (a few numbers per working day of the run). */
  from: number[];
  to: number[];
}

export interface EconomicsSpec {
  currency: string;
  /** Loaded payroll cost of one person for one year. */
  costPerPerson: number;
  /** The length of a year in the model's time unit. */
  year: number;
  /** Default share of one person's time lost for every item waiting at a stage. */
  blockedFte: number;
}

export interface DistSpec {
  dist: DistName;
  /** fixed: value; exponential, lognormal, gamma: mean; uniform/triangular: min, mode, max. */
  value?: number;
  mean?: number;
  cv?: number;
  min?: number;
  mode?: number;
  max?: number;
  values?: number[];
}

export type GateSpec =
  /** `times`: the openings, in model time up to warmup + horizon, of a gate on the calendar
   * (`on`) or with freeze windows; `every` and `offset` then say their mean spacing and the first. */
  | { kind: "schedule"; every: number; offset: number; max: number | null; on?: string; times?: number[] }
  | { kind: "size"; size: number; timeout: number | null };

export interface StageSpec {
  name: string;
  /** Infinity for "unlimited": a pure delay with no queue. */
  servers: number;
  processTime: DistSpec;
  policy: "fifo" | "priority";
  batch: GateSpec | null;
  rework: ReworkSpec | null;
  /** People in one server (a squad of ten: 10). */
  peoplePerServer: number;
  /** People the stage's payroll counts: servers x peoplePerServer, or as given for an unlimited stage. */
  headcount: number;
  /** Share of a person's time lost per item waiting here; null: the model's economics.blockedFte. */
  blockedFte: number | null;
  /**
   * Servers that serve only one stream, by stream id (that stream uses only them); the others
   * serve the other streams. Absent or empty: one pool.
   */
  dedicated?: Record<string, number>;
  /** Work-conserving parts: an idle server takes work waiting in another part (absent: false). */
  borrow?: boolean;
  /**
   * Set when the stage's process times are working time: the calendar they are counted on (the
   * stage's own, else the model's). Work pauses out of its hours and resumes.
   */
  workingTime?: WorkingCalendar;
  /** Servers that change on dates, in model time, ascending and apart: from `from` to `to` the
   * stage has `servers`, else its own number. */
  shifts?: { from: number; to: number; servers: number }[];
}

export interface ReworkSpec {
  probability: number;
  to: string | null;
  /** A repeat pass takes this share of a drawn process time, at every step it re-runs (default 1). */
  effort: number;
}

export type RouteStep =
  /** `rework`: this stream's own rework at this step, in place of the stage's (null: none);
   * absent: the stage's. `processTime`: this stream's process time at this step, in place of the
   * stage's; absent: the stage's. */
  | { kind: "stage"; stage: string; probability: number; rework?: ReworkSpec | null; processTime?: DistSpec }
  | { kind: "parallel"; branches: RouteStep[][] };

export interface StreamSpec {
  name: string;
  arrivals: { kind: "poisson"; rate: number } | { kind: "renewal"; interarrival: DistSpec };
  priority: number;
  route: RouteStep[];
  /** Value lost per item per time unit of lead time (delayed revenue); 0 when not given. */
  costOfDelay: number;
  /** How much this stream matters to the organization, for `vsm portfolio` (default 1). */
  strategicWeight: number;
  /** 0-1: the authority to change its constraint, for `vsm portfolio` (default 1). */
  readiness: number;
}

/** Defaults for everything a model may leave out, in one place. */
export const MODEL_DEFAULTS = {
  timeUnit: "day" as TimeUnit,
  warmup: 0,
  replications: 30,
  seed: 1,
  policy: "fifo" as const,
  priority: 0,
  gateOffset: 0,
};
