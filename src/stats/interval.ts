import { Welford } from "./welford.js";

// Two-sided 95% critical values of Student's t for 1..30 degrees of freedom (any statistics table).
const T975 = [
  12.706204736, 4.302652730, 3.182446305, 2.776445105, 2.570581836, 2.446911851, 2.364624252,
  2.306004135, 2.262157163, 2.228138852, 2.200985160, 2.178812830, 2.160368656, 2.144786688,
  2.131449546, 2.119905299, 2.109815578, 2.100922040, 2.093024054, 2.085963447, 2.079613845,
  2.073873068, 2.068657610, 2.063898562, 2.059538553, 2.055529439, 2.051830516, 2.048407142,
  2.045229642, 2.042272456,
];
const Z975 = 1.959963984540054;

/**
 * The 0.975 quantile of Student's t with `df` degrees of freedom: exact table to 30, then the
 * Cornish-Fisher expansion (Abramowitz & Stegun 26.7.5), good to 1e-6 from df = 30 on.
 */
export function tCritical95(df: number): number {
  if (!(df >= 1)) throw new RangeError(`tCritical95: degrees of freedom must be >= 1 (got ${df})`);
  if (df <= 30 && Number.isInteger(df)) return T975[df - 1];
  const z = Z975;
  const z3 = z * z * z;
  const z5 = z3 * z * z;
  const z7 = z5 * z * z;
  const z9 = z7 * z * z;
  return (
    z +
    (z3 + z) / (4 * df) +
    (5 * z5 + 16 * z3 + 3 * z) / (96 * df * df) +
    (3 * z7 + 19 * z5 + 17 * z3 - 15 * z) / (384 * df ** 3) +
    (79 * z9 + 776 * z7 + 1482 * z5 - 1920 * z3 - 945 * z) / (92160 * df ** 4)
  );
}

/** A figure as every output reports it: the mean over replications and its 95% half-width. */
export interface Figure {
  mean: number;
  /** Half-width of the 95% confidence interval (Student t); null with a single replication. */
  ci95: number | null;
  /** Replications that measured it: fewer than were run where some had nothing to measure
   * (no item completed, a replication stopped by the work-in-progress cap). */
  n: number;
}

export function figureOf(acc: Welford): Figure {
  const v = acc.variance();
  if (acc.count === 0) return { mean: NaN, ci95: null, n: 0 };
  return { mean: acc.mean, ci95: v === null ? null : tCritical95(acc.count - 1) * Math.sqrt(v / acc.count), n: acc.count };
}

/** Mean and half-width of a list of values, in order. */
export function figure(values: ArrayLike<number>): Figure {
  const acc = new Welford();
  for (let i = 0; i < values.length; i++) acc.add(values[i]);
  return figureOf(acc);
}
