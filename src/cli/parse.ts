import { type Command, InvalidArgumentError, Option } from "commander";
import { DURATION_HINT, type TimeUnit, toTimeUnit } from "../model/units.js";
import type { RunOptions } from "../runner/run.js";

// Option values as every command reads them, so one option means one thing everywhere.

export const whole = (name: string, min: number) => (v: string) => {
  const n = Number(v);
  if (!Number.isSafeInteger(n) || n < min) throw new InvalidArgumentError(`${name} must be a whole number >= ${min} (got ${JSON.stringify(v)})`);
  return n;
};

/** A repeatable option (--set, --vary): every value, in order. */
export const collect = (v: string, acc: string[]) => [...acc, v];

export const QUEUE_HELP = "run the replications on vsm workers of this Redis queue: redis://HOST:PORT or rediss://; password from VSM_REDIS_PASSWORD";

/** A share of a value: more than 0 and less than 1. */
export const share = (name: string) => (v: string) => {
  const n = Number(v);
  if (!(n > 0 && n < 1)) throw new InvalidArgumentError(`${name} must be a number between 0 and 1, e.g. 0.02 for 2% (got ${JSON.stringify(v)})`);
  return n;
};

const bare = (v: string) => (/^\s*[\d.]+\s*$/.test(v) ? Number(v) : v);

/** --precision-abs: a duration, checked here; converted to the base model's time unit once it is loaded (precisionRunOptions). */
const duration = (v: string) => {
  const n = toTimeUnit(bare(v), "day");
  if (typeof n === "string" || !(n > 0)) throw new InvalidArgumentError(`--precision-abs must be a time greater than zero: ${DURATION_HINT} (got ${JSON.stringify(v)})`);
  return v;
};

/** The options of the early-stopping rule (docs/statistics.md), the same on every command that runs a comparison. */
export interface PrecisionOptions {
  precision?: number;
  precisionAbs?: string;
  maxReplications?: number;
}

export function withPrecisionOptions(cmd: Command): Command {
  return cmd
    .option(
      "--precision <share>",
      "add replications until every stream's mean lead time is known within this share at 95%; against a base (compare, sweep, place), every change in each stream's mean and p85 lead time and in the economics total, as a share of the base value",
      share("--precision"),
    )
    .addOption(
      new Option("--precision-abs <time>", 'as --precision with the target a time, e.g. "0.2d" or "4h" (a bare number is in the base model\'s time unit)')
        .argParser(duration)
        .conflicts("precision"),
    )
    .option("--max-replications <n>", "upper bound for --precision (default 1000)", whole("--max-replications", 1));
}

/** The rule's RunOptions, with --precision-abs in the base model's time unit. */
export function precisionRunOptions(o: PrecisionOptions, timeUnit: TimeUnit): Pick<RunOptions, "precision" | "precisionAbs" | "maxReplications"> {
  const abs = o.precisionAbs === undefined ? undefined : toTimeUnit(bare(o.precisionAbs), timeUnit);
  return {
    precision: o.precision,
    precisionAbs: typeof abs === "number" ? abs : undefined, // a string was refused when the option was read
    maxReplications: o.maxReplications,
  };
}
