import digamma from "@stdlib/math-base-special-digamma";
import trigamma from "@stdlib/math-base-special-trigamma";
import gammaCdf from "@stdlib/stats-base-dists-gamma-cdf";
import lognormalCdf from "@stdlib/stats-base-dists-lognormal-cdf";

/**
 * Maximum-likelihood fits of the model's right-skewed distributions, and the Kolmogorov-Smirnov
 * distance that picks between them. Parameters are returned the way the model writes them: mean
 * and cv.
 */

export interface Fitted {
  dist: "lognormal" | "gamma";
  mean: number;
  cv: number;
  /** Kolmogorov-Smirnov distance between the sample and the fitted CDF. */
  ks: number;
}

/** Lognormal MLE: mu and sigma are the mean and (1/n) standard deviation of log x. */
export function fitLognormal(sorted: Float64Array): Fitted {
  let s = 0;
  for (const x of sorted) s += Math.log(x);
  const mu = s / sorted.length;
  let v = 0;
  for (const x of sorted) v += (Math.log(x) - mu) ** 2;
  const sigma = Math.sqrt(v / sorted.length);
  const cdf = lognormalCdf.factory(mu, sigma);
  return { dist: "lognormal", mean: Math.exp(mu + (sigma * sigma) / 2), cv: Math.sqrt(Math.expm1(sigma * sigma)), ks: ksDistance(sorted, cdf) };
}

/**
 * Gamma MLE: the shape k solves log k - digamma(k) = log(mean) - mean(log x), by Newton's method
 * from Minka's closed-form start (T. Minka, "Estimating a Gamma distribution", 2002).
 */
export function fitGamma(sorted: Float64Array): Fitted {
  let sum = 0;
  let logSum = 0;
  for (const x of sorted) {
    sum += x;
    logSum += Math.log(x);
  }
  const mean = sum / sorted.length;
  const s = Math.log(mean) - logSum / sorted.length;
  let k = s > 0 ? (3 - s + Math.sqrt((s - 3) ** 2 + 24 * s)) / (12 * s) : 1e6;
  for (let i = 0; i < 50 && s > 0; i++) {
    const step = (Math.log(k) - digamma(k) - s) / (1 / k - trigamma(k));
    const next = k - step;
    k = next > 0 ? next : k / 2;
    if (Math.abs(step) < 1e-10 * k) break;
  }
  const cdf = gammaCdf.factory(k, k / mean);
  return { dist: "gamma", mean, cv: 1 / Math.sqrt(k), ks: ksDistance(sorted, cdf) };
}

/** Largest gap between the sample's step CDF and a continuous CDF (sorted sample). */
export function ksDistance(sorted: ArrayLike<number>, cdf: (x: number) => number): number {
  const n = sorted.length;
  let d = 0;
  for (let i = 0; i < n; i++) {
    const f = cdf(sorted[i]);
    d = Math.max(d, f - i / n, (i + 1) / n - f);
  }
  return d;
}

/**
 * The 5% critical KS distance, c(0.05) = 1.358 (Smirnov's asymptotic), for one sample of n against
 * a CDF (m omitted) or two samples. With parameters estimated from the same sample the test is
 * conservative (Lilliefors): a fit this far off is certainly poor.
 */
export function ksCritical(n: number, m?: number): number {
  return 1.358 * Math.sqrt(m === undefined ? 1 / n : (n + m) / (n * m));
}

/** Linear-interpolated quantile (type 7) of a sorted sample. */
export function quantile(sorted: ArrayLike<number>, p: number): number {
  if (sorted.length === 0) return NaN;
  const h = (sorted.length - 1) * p;
  const lo = Math.floor(h);
  const hi = Math.min(sorted.length - 1, lo + 1);
  return sorted[lo] + (h - lo) * (sorted[hi] - sorted[lo]);
}

export interface ProcessTimeFit {
  n: number;
  /** Values observed, when the fit is of a reservoir sample of n of them (sample.ts). */
  observed?: number;
  chosen: Fitted | { dist: "empirical"; values: number[] };
  lognormal: Fitted;
  gamma: Fitted;
  critical: number;
}

/** Number of quantiles an empirical distribution keeps: enough for its shape, short in a file. */
export const EMPIRICAL_POINTS = 40;

/**
 * The better of lognormal and gamma by KS distance; the sample's own quantiles when neither is
 * within the 5% critical distance. Zero times (a status entered and left at once) are floored at
 * a millionth of the mean, since both families live on x > 0.
 */
export function fitProcessTime(values: number[]): ProcessTimeFit {
  const positive = values.filter((x) => x > 0);
  const floor = positive.length ? (positive.reduce((a, b) => a + b, 0) / positive.length) * 1e-6 : 1e-9;
  const sorted = Float64Array.from(values, (x) => Math.max(x, floor)).sort();
  const lognormal = fitLognormal(sorted);
  const gamma = fitGamma(sorted);
  const critical = ksCritical(sorted.length);
  const best = lognormal.ks <= gamma.ks ? lognormal : gamma;
  const chosen =
    best.ks <= critical || sorted.length < 2
      ? best
      : { dist: "empirical" as const, values: Array.from({ length: EMPIRICAL_POINTS }, (_, i) => quantile(sorted, (i + 0.5) / EMPIRICAL_POINTS)) };
  return { n: sorted.length, chosen, lognormal, gamma, critical };
}
