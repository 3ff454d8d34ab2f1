import { standardExponential } from "./exponential.js";
import { standardNormal } from "./normal.js";
import type { RandomStream } from "./random.js";

/**
 * Distributions as plain data (so they cross to worker threads as they are) sampled by one
 * switch: a single monomorphic call site in the event loop instead of a closure per stage.
 * Each carries its analytic mean and variance (offered load, validation, tests).
 */
export const DIST = {
  fixed: 0,
  exponential: 1,
  uniform: 2,
  triangular: 3,
  lognormal: 4,
  gamma: 5,
  empirical: 6,
} as const;

export type DistName = keyof typeof DIST;

export interface Distribution {
  kind: number;
  /** Parameters by kind: fixed (value), exponential (mean), uniform (min, max),
   * triangular (min, mode, max), lognormal (mu, sigma of the log), gamma (shape, scale). */
  p1: number;
  p2: number;
  p3: number;
  values: number[] | null;
  mean: number;
  variance: number;
}

function make(kind: number, p1: number, p2: number, p3: number, mean: number, variance: number, values: number[] | null = null): Distribution {
  return { kind, p1, p2, p3, values, mean, variance };
}

export const fixed = (value: number) => make(DIST.fixed, value, 0, 0, value, 0);
export const exponential = (mean: number) => make(DIST.exponential, mean, 0, 0, mean, mean * mean);
export const uniform = (min: number, max: number) => make(DIST.uniform, min, max, 0, (min + max) / 2, ((max - min) * (max - min)) / 12);

export function triangular(min: number, mode: number, max: number): Distribution {
  const mean = (min + mode + max) / 3;
  const variance = (min * min + mode * mode + max * max - min * mode - min * max - mode * max) / 18;
  return make(DIST.triangular, min, mode, max, mean, variance);
}

/** Parameterised by the mean and coefficient of variation a facilitator can estimate. */
export function lognormal(mean: number, cv: number): Distribution {
  const s2 = Math.log(1 + cv * cv);
  return make(DIST.lognormal, Math.log(mean) - s2 / 2, Math.sqrt(s2), 0, mean, (cv * mean) ** 2);
}

export function gamma(mean: number, cv: number): Distribution {
  const shape = 1 / (cv * cv);
  return make(DIST.gamma, shape, mean / shape, 0, mean, (cv * mean) ** 2);
}

/** Resamples the observed values with equal weight. */
export function empirical(values: readonly number[]): Distribution {
  const n = values.length;
  let mean = 0;
  for (const v of values) mean += v / n;
  let variance = 0;
  for (const v of values) variance += (v - mean) ** 2 / n;
  return make(DIST.empirical, 0, 0, 0, mean, variance, values.slice());
}

/**
 * Marsaglia & Tsang (2000), "A simple method for generating gamma variables", on the ziggurat
 * normal (normal.ts); shape < 1 boosted by U^(1 / shape) = exp(-E / shape): one Math.exp where
 * Math.pow is a logarithm and an exponential.
 *
 * With t = c x (so v = (1 + t)^3) the acceptance test ln U < x^2 / 2 + d (1 - v + ln v) reads
 * ln U < h = 3 d (ln(1 + t) - t + t^2 / 2 - t^3 / 3), the log series past its third term, and that
 * remainder is at least -t^4 / (4 min(1, 1 + t)). Since ln U <= U - 1, a candidate with
 * (1 - U) min(1, 1 + t) > x^4 c^2 / 12 is accepted without a logarithm. PERF: this squeeze is tight
 * as the shape grows, where Marsaglia & Tsang's fixed 1 - 0.0331 x^4 is not: the log test ran
 * for 8% of draws at every shape from 1 to 11; now 6.7% at shape 1, 1.7% at 2.78, 1% at 4, 0.3%
 * at 11 (of which the rejections, 4.3%, 1.3%, 0.8%, 0.3% of candidates, must run it anyway).
 * With the ziggurat normal, gamma draws are 1.4-1.65x faster (bench/variates.mjs).
 * test/engine/distributions.test.ts checks the bound on a grid of shapes and x. In the full
 * test ln U is the table logarithm (exponential.ts) of the same output, so only ln(1 + t) is left
 * to Math.log.
 *
 * Stream consumption per candidate: the normal's outputs (normal.ts; again while 1 + t <= 0), then
 * one output for U; for shape < 1, one more after the accepted candidate, for the boost.
 */
function gammaDraw(shape: number, rng: RandomStream): number {
  if (shape < 1) {
    const g = gammaDraw(shape + 1, rng);
    return g * Math.exp(-standardExponential(rng.nextInt32()) / shape);
  }
  const d = shape - 1 / 3;
  const c = 1 / Math.sqrt(9 * d);
  const k = (c * c) / 12;
  for (;;) {
    let x: number;
    let s: number;
    do {
      x = standardNormal(rng);
      s = 1 + c * x;
    } while (s <= 0);
    const v = s * s * s;
    const j = rng.nextInt32();
    const x2 = x * x;
    if ((1 - ((j | 1) >>> 0) * 2 ** -32) * (s < 1 ? s : 1) > k * x2 * x2) return d * v;
    if (-standardExponential(j) < 0.5 * x2 + d * (1 - v + 3 * Math.log(s))) return d * v;
  }
}

/**
 * PERF: the exponential is handled in this small function so V8 inlines it into the event loop;
 * the rest go through `sampleOther` (bench/run.mjs: ~20% of M/M/2 time before the split).
 */
export function sample(d: Distribution, rng: RandomStream): number {
  if (d.kind === DIST.exponential) return d.p1 * standardExponential(rng.nextInt32());
  return sampleOther(d, rng);
}

function sampleOther(d: Distribution, rng: RandomStream): number {
  switch (d.kind) {
    case DIST.fixed:
      return d.p1;
    case DIST.exponential:
      return d.p1 * standardExponential(rng.nextInt32());
    case DIST.uniform:
      return d.p1 + (d.p2 - d.p1) * rng.next();
    case DIST.triangular: {
      const u = rng.next();
      const a = d.p1;
      const c = d.p2;
      const b = d.p3;
      const f = (c - a) / (b - a);
      return u < f ? a + Math.sqrt(u * (b - a) * (c - a)) : b - Math.sqrt((1 - u) * (b - a) * (b - c));
    }
    case DIST.lognormal:
      return Math.exp(d.p1 + d.p2 * standardNormal(rng));
    case DIST.gamma:
      return gammaDraw(d.p1, rng) * d.p2;
    case DIST.empirical: {
      const v = d.values!;
      return v[Math.floor(rng.next() * v.length)];
    }
    default:
      throw new Error(`distribution: unknown kind ${d.kind}`);
  }
}
