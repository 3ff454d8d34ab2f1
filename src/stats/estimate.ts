import { type Figure, tCritical95 } from "./interval.js";
import type { Moments } from "./moments.js";
import { studentTwoSidedP } from "./student.js";

/**
 * A figure g(theta) of a vector theta of per-replication statistics, and its 95% interval from the
 * replications' spread around the estimate theta-hat by the delta method:
 *
 *   se^2 = grad' S grad / (n (n - 1)),   S = sum over replications of (theta_r - theta-hat)(...)'.
 *
 * With theta-hat the replications' mean this is the textbook delta method for a function of means:
 * a ratio of sums (lead time per item, touch over lead time) is estimated over all items at once,
 * not as a mean of per-replication ratios, which is biased where replications see few items.
 * With theta-hat a quantile of the pooled items it is sectioning (Asmussen & Glynn 2007, III.5a;
 * Nakayama 2014): each replication's own quantile scatters around the pooled one, and that scatter,
 * bias of small samples included, sets the interval.
 */
export interface Estimate {
  figure: Figure;
  /** Standard error and its degrees of freedom: what a test of "no change" needs. */
  se: number;
  df: number;
}

export function deltaEstimate(value: number, grad: ArrayLike<number>, m: Moments, centre: ArrayLike<number> | undefined, n: number): Estimate {
  if (m.count === 0 || n === 0 || !Number.isFinite(value)) return { figure: { mean: value, ci95: null, n }, se: NaN, df: 0 };
  if (m.count < 2) return { figure: { mean: value, ci95: null, n }, se: NaN, df: 0 };
  const s = m.spread(centre);
  const k = m.k;
  let v = 0;
  // Terms with a zero gradient are skipped, not multiplied: a statistic the figure does not use
  // may be NaN (an unlimited stage's utilization) and must not reach it.
  for (let i = 0; i < k; i++) {
    if (grad[i] === 0) continue;
    for (let j = 0; j < k; j++) if (grad[j] !== 0) v += grad[i] * s[i * k + j] * grad[j];
  }
  const se = Math.sqrt(Math.max(0, v) / (m.count * (m.count - 1)));
  const df = m.count - 1;
  return { figure: { mean: value, ci95: tCritical95(df) * se, n }, se, df };
}

/** Two-sided p-value of "the true value is 0" for an estimate, from Student's t. */
export function pValue(e: Estimate): number {
  if (!(e.df >= 1) || !Number.isFinite(e.figure.mean)) return NaN;
  if (e.se === 0) return e.figure.mean === 0 ? 1 : 0;
  const t = Math.abs(e.figure.mean) / e.se;
  return studentTwoSidedP(t, e.df);
}

/**
 * Holm's step-down procedure (Holm 1979): which of a family of tests reject at level alpha with
 * the family-wise error rate kept at alpha, whatever their dependence. NaN p-values never reject.
 */
export function holm(p: readonly number[], alpha = 0.05): boolean[] {
  const order = p.map((x, i) => [x, i] as const).filter(([x]) => Number.isFinite(x)).sort((a, b) => a[0] - b[0]);
  const m = order.length;
  const out = p.map(() => false);
  for (let r = 0; r < m; r++) {
    if (order[r][0] > alpha / (m - r)) break;
    out[order[r][1]] = true;
  }
  return out;
}
