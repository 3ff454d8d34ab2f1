import { z } from "zod";
import { DURATION_HINT, DURATION_PATTERN, TIME_UNITS, toTimeUnit } from "./units.js";

/**
 * The model file format as a zod schema: the one source of the structure, its ranges and the JSON
 * Schema that `vsm schema` prints. Cross-references (a route naming a stage, a rework target in
 * the route) are checked afterwards in validate.ts, where the whole model is in view.
 *
 * Each leaf carries its message in the catalogue's words ("must be ..."); the formatter in
 * validate.ts adds the file, the field path and the value that was given.
 */

/**
 * An object's own message (a missing or mistyped object); unknown fields are left to the
 * formatter, which lists the fields the object knows and guesses the one meant.
 */
function objectError(message: string) {
  return { error: (iss: { code?: string }) => (iss.code === "unrecognized_keys" ? undefined : message) };
}

const ID_PATTERN = /^[A-Za-z0-9_][A-Za-z0-9_-]*$/;
const ID_HINT = "ids may use letters, digits, _ and - (and start with a letter, digit or _)";

function durationString(positive: boolean) {
  return z
    .string()
    .regex(DURATION_PATTERN, { error: `must be ${DURATION_HINT}` })
    .superRefine((s, ctx) => {
      const v = toTimeUnit(s, "minute");
      if (typeof v === "string") ctx.addIssue({ code: "custom", message: v });
      else if (positive && !(v > 0)) ctx.addIssue({ code: "custom", message: "must be greater than zero" });
    });
}

/** A time >= 0: a number in the model's time unit, or a string with a unit. */
export const duration = z.union(
  [z.number({ error: "must be a finite number >= 0" }).min(0, { error: "must be >= 0" }), durationString(false)],
  { error: `must be ${DURATION_HINT}` },
);

/** A time > 0. */
export const positiveDuration = z.union(
  [z.number({ error: "must be a finite number > 0" }).positive({ error: "must be greater than zero" }), durationString(true)],
  { error: `must be greater than zero: ${DURATION_HINT}` },
);

const probability = z
  .number({ error: "must be a probability: a number from 0 to 1" })
  .min(0, { error: "must be a probability from 0 to 1" })
  .max(1, { error: "must be a probability from 0 to 1" });

const positiveNumber = z.number({ error: "must be a finite number > 0" }).positive({ error: "must be greater than zero" });
// A coefficient of variation past these bounds breaks the distributions' parameters (shape 1/cv^2).
const cv = z
  .number({ error: "must be a coefficient of variation: a number from 0.000001 to 100" })
  .min(1e-6, { error: "must be at least 0.000001 (a cv of 0 is a fixed time: use a bare number)" })
  .max(100, { error: "must be at most 100" });
const positiveInt = z.number({ error: "must be a whole number >= 1" }).int({ error: "must be a whole number >= 1" }).min(1, { error: "must be a whole number >= 1" });

export const DIST_NAMES = ["exponential", "fixed", "uniform", "triangular", "lognormal", "gamma", "empirical"] as const;

export const distribution = z.discriminatedUnion(
  "dist",
  [
    z.strictObject({ dist: z.literal("exponential"), mean: positiveDuration }),
    z.strictObject({ dist: z.literal("fixed"), value: duration }),
    z.strictObject({ dist: z.literal("uniform"), min: duration, max: duration }),
    z.strictObject({ dist: z.literal("triangular"), min: duration, mode: duration, max: duration }),
    z.strictObject({ dist: z.literal("lognormal"), mean: positiveDuration, cv }),
    z.strictObject({ dist: z.literal("gamma"), mean: positiveDuration, cv }),
    z.strictObject({
      dist: z.literal("empirical"),
      values: z.array(duration, { error: "must be a list of durations" }).min(1, { error: "must list at least one value" }),
    }),
  ],
  { error: `must name a distribution: dist is one of ${DIST_NAMES.join(", ")}` },
);

/** A process time or an interarrival time: a fixed duration or a distribution. */
export const timeDistribution = z.union([duration, distribution], {
  error: `must be a duration (${DURATION_HINT}) or a distribution such as { dist: exponential, mean: 2 }`,
});

/** One gate shape with both forms' keys; validate.ts checks that exactly one form is used. */
/** A date ("2026-08-01", the whole day) or a date-time, in the calendar's zone unless it has an offset;
 * model/workcal.ts reads it. */
const dateText = z.string({ error: 'must be a date such as "2026-08-01" or a date-time such as "2026-08-01T14:00"' });
const dateRange = (what: string) =>
  z.strictObject({ from: dateText, to: dateText }, objectError(`must be ${what}: { from, to } (dates or date-times; a date "to" includes that day)`));

export const batch = z.strictObject({
  every: positiveDuration.optional(),
  offset: duration.optional(),
  max: positiveInt.optional(),
  size: positiveInt.optional(),
  timeout: positiveDuration.optional(),
  // On the calendar (docs/calendars.md): "tuesday 10:00", "weekdays 16:00", "last friday of month 14:00", an RRULE.
  on: z.string({ error: 'must be a time on the calendar such as "tuesday 10:00", "weekdays 16:00", "last friday of month 14:00" or an RRULE' }).optional(),
  freeze: z.array(dateRange("a freeze window"), { error: "must be a list of { from, to } windows in which the gate does not open" }).optional(),
}, objectError("must be a gate: { every, offset?, max?, freeze? }, { on, max?, freeze? } or { size, timeout? }"));

/** When a team works (docs/calendars.md); each field left out is the model's calendar's. */
export const workCalendar = z.strictObject({
  zone: z.string({ error: 'must be an IANA time zone such as "Europe/Berlin"' }).optional(),
  days: z.array(z.string({ error: "must be a day of the week such as mon" }), { error: "must be a list of working days such as [mon, tue, wed, thu, fri]" }).optional(),
  hours: z.union([z.string(), z.array(z.string())], { error: 'must be working hours such as "09:00-17:00", or a list of them' }).optional(),
  holidays: z.array(dateText, { error: 'must be a list of dates such as "2026-12-25"' }).optional(),
}, objectError("must be a calendar: { zone?, days?, hours?, holidays? }"));

export const shift = z.strictObject({
  from: dateText,
  to: dateText,
  servers: z.number({ error: "must be a whole number >= 0" }).int({ error: "must be a whole number >= 0" }).min(0, { error: "must be a whole number >= 0" }),
}, objectError("must be a shift: { from, to, servers }"));

export const rework = z.strictObject({
  probability,
  to: z.string({ error: "must be a stage id" }).optional(),
  effort: z.number({ error: "must be a number > 0 (a repeat pass takes this share of a first pass)" }).positive({ error: "must be greater than zero" }).max(100, { error: "must be at most 100" }).optional(),
}, objectError("must be { probability, to?, effort? }"));

const money = z.number({ error: "must be an amount: a finite number >= 0" }).min(0, { error: "must be >= 0" });
const share = z.number({ error: "must be a share of one person's time: a number from 0 to 1" }).min(0, { error: "must be from 0 to 1" }).max(1, { error: "must be from 0 to 1" });
const people = z.number({ error: "must be a number of people > 0" }).positive({ error: "must be greater than zero" });

/** What time costs: the money figures (docs/economics.md). */
export const economics = z.strictObject({
  currency: z.string({ error: "must be a label such as USD" }).optional(),
  costPerPerson: money,
  year: positiveDuration.optional(),
  blockedFte: share.optional(),
}, objectError("must be { costPerPerson, currency?, year?, blockedFte? }"));

export const costOfDelay = z.strictObject({
  amount: money,
  per: positiveDuration.optional(),
}, objectError("must be { amount, per? }: value lost per item per `per` of lead time"));

export const POLICIES = ["fifo", "priority"] as const;

export const stage = z.strictObject({
  name: z.string({ error: "must be a string" }).optional(),
  servers: z.union([positiveInt, z.literal("unlimited")], { error: 'must be a positive integer or "unlimited"' }),
  processTime: timeDistribution,
  policy: z.enum(POLICIES, { error: `must be one of ${POLICIES.join(", ")}` }).optional(),
  batch: batch.optional(),
  rework: rework.optional(),
  peoplePerServer: people.optional(),
  headcount: z.number({ error: "must be a number of people >= 0" }).min(0, { error: "must be >= 0" }).optional(),
  blockedFte: share.optional(),
  // Allocation: servers that serve only one stream (validate.ts checks the streams and the sums).
  dedicated: z.record(z.string(), positiveInt, { error: "must be a map of stream id to a number of servers, e.g. { payments: 1 }" }).optional(),
  borrow: z.boolean({ error: "must be true or false" }).optional(),
  // Working calendars (docs/calendars.md).
  calendar: workCalendar.optional(),
  shifts: z.array(shift, { error: "must be a list of { from, to, servers }" }).optional(),
  workingTime: z.boolean({ error: "must be true or false" }).optional(),
}, objectError("must be a stage: { servers, processTime, policy?, batch?, rework?, peoplePerServer?, headcount?, blockedFte?, dedicated?, borrow?, calendar?, shifts?, workingTime? }"));

/** A route step: a stage id, a step only some items need, or parallel branches (fork and join). */
export interface RouteStepInput {
  stage?: string;
  probability?: number;
  rework?: { probability: number; to?: string; effort?: number } | null;
  processTime?: z.input<typeof timeDistribution>;
  parallel?: (string | RouteStepInput)[][];
}
export const routeStepObject: z.ZodType<RouteStepInput> = z.strictObject({
  stage: z.string({ error: "must be a stage id" }).optional(),
  probability: probability.optional(),
  // This stream's rework at this step, in place of the stage's; null switches the stage's off.
  rework: rework.nullable().optional(),
  // This stream's process time at this step, in place of the stage's.
  processTime: timeDistribution.optional(),
  get parallel() {
    return z
      .array(z.array(routeStep, { error: "must be a list of steps (one branch)" }), { error: "must be a list of branches, each a list of steps" })
      .optional();
  },
});
export const routeStep: z.ZodType<string | RouteStepInput> = z.union([z.string(), routeStepObject], {
  error: "must be a stage id, { stage, probability } or { parallel: [[...], [...]] }",
});

export const arrivals = z.strictObject({
  rate: positiveNumber.optional(),
  interarrival: timeDistribution.optional(),
}, objectError("must be { rate } (Poisson, items per time unit) or { interarrival: <distribution> }"));

export const stream = z.strictObject({
  name: z.string({ error: "must be a string" }).optional(),
  arrivals,
  priority: z.number({ error: "must be a whole number" }).int({ error: "must be a whole number" }).optional(),
  route: z.array(routeStep, { error: "must be a list of steps" }).min(1, { error: "must have at least one step" }),
  costOfDelay: costOfDelay.optional(),
  // vsm portfolio: how much the organization cares, and how free it is to change the stream.
  strategicWeight: z.number({ error: "must be a number >= 0" }).min(0, { error: "must be >= 0" }).optional(),
  readiness: z.number({ error: "must be a number from 0 to 1" }).min(0, { error: "must be from 0 to 1" }).max(1, { error: "must be from 0 to 1" }).optional(),
}, objectError("must be a stream: { arrivals, route, priority?, costOfDelay?, strategicWeight?, readiness? }"));

const ids = (what: string) => z.string().regex(ID_PATTERN, { error: `is not a valid ${what} id: ${ID_HINT}` });

/** ISO 8601 date-time with a UTC offset: a calendar meaning for time 0 ("the gate opens on Thursdays").
 * Without an offset it is a local time in the calendar's zone (validate.ts checks there is one). */
const START_PATTERN = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:\d{2})?$/;
const START_HINT = "must be an ISO 8601 date-time with a UTC offset, e.g. 2026-01-05T00:00:00+01:00 (or without one, in the calendar's zone)";
export const start = z
  .string({ error: START_HINT })
  .regex(START_PATTERN, { error: START_HINT })
  .refine((s) => !Number.isNaN(Date.parse(s)), { error: "is not a real date and time" });

/** Work already in progress at time 0 (docs/model-format.md, "Today's work"). */
export const wipEntry = z.strictObject({
  stream: ids("stream"),
  stage: ids("stage"),
  count: positiveInt.optional(),
  state: z.enum(["wait", "work"], { error: 'must be "wait" (waiting at the stage, its gate or queue) or "work" (in service)' }).optional(),
  elapsed: duration.optional(),
  age: duration.optional(),
}, objectError("must be a work item: { stream, stage, count?, state?, elapsed?, age? }"));

export const model = z.strictObject({
  name: z.string({ error: "must be a string" }).optional(),
  description: z.string({ error: "must be a string" }).optional(),
  start: start.optional(),
  timeUnit: z.enum(TIME_UNITS, { error: `must be one of ${TIME_UNITS.join(", ")}` }).optional(),
  warmup: duration.optional(),
  // The one time a model must give: say what it is for when it is missing.
  horizon: z.union(positiveDuration.options, {
    error: (iss) => (iss.input === undefined ? 'must say how long each replication is measured after warmup, e.g. horizon: 720 or horizon: "26w"' : `must be greater than zero: ${DURATION_HINT}`),
  }),
  replications: positiveInt.optional(),
  seed: z.number({ error: "must be a whole number >= 0" }).int({ error: "must be a whole number >= 0" }).min(0, { error: "must be a whole number >= 0" }).optional(),
  stages: z.record(ids("stage"), stage, { error: "must be a map of stage id to stage" }),
  streams: z.record(ids("stream"), stream, { error: "must be a map of stream id to stream" }),
  economics: economics.optional(),
  wip: z.array(wipEntry, { error: "must be a list of work items in progress at time 0" }).optional(),
  calendar: workCalendar.optional(),
});

export type ModelInput = z.input<typeof model>;

/** A future state: a base model (or scenario) and a JSON Merge Patch (RFC 7396) onto it. */
export const scenario = z.strictObject({
  name: z.string({ error: "must be a string" }).optional(),
  description: z.string({ error: "must be a string" }).optional(),
  base: z.string({ error: "must be the path of the base model or scenario file" }),
  changes: z.record(z.string(), z.unknown(), { error: "must be a map of changes (a JSON Merge Patch onto the base model)" }),
});

/** The JSON Schema of the model format, for editors and `vsm schema`. */
export function modelJsonSchema(): unknown {
  return {
    ...(z.toJSONSchema(model, { unrepresentable: "any" }) as object),
    title: "vsm-sim model",
    description: "A value stream model: stages (teams and shared services) and streams (product families) with their routes.",
  };
}
