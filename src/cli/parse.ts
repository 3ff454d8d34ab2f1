import { InvalidArgumentError } from "commander";

// Option values as every command reads them, so one option means one thing everywhere.

export const whole = (name: string, min: number) => (v: string) => {
  const n = Number(v);
  if (!Number.isSafeInteger(n) || n < min) throw new InvalidArgumentError(`${name} must be a whole number >= ${min} (got ${JSON.stringify(v)})`);
  return n;
};

/** A repeatable option (--set, --vary): every value, in order. */
export const collect = (v: string, acc: string[]) => [...acc, v];

export const QUEUE_HELP = "run the replications on vsm workers of this Redis queue: redis://HOST:PORT or rediss://; password from VSM_REDIS_PASSWORD";
