import { standardExponential } from "./exponential.js";
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

/** A standard normal draw (Box-Muller; two uniforms, no cached spare so streams stay stateless). */
function normal(rng: RandomStream): number {
  return Math.sqrt(2 * standardExponential(rng.nextInt32())) * Math.cos(6.283185307179586 * rng.next());
}

/** Marsaglia & Tsang (2000), "A simple method for generating gamma variables"; shape < 1 boosted. */
function gammaDraw(shape: number, rng: RandomStream): number {
  if (shape < 1) return gammaDraw(shape + 1, rng) * Math.pow(1 - rng.next(), 1 / shape);
  const d = shape - 1 / 3;
  const c = 1 / Math.sqrt(9 * d);
  for (;;) {
    let x: number;
    let v: number;
    do {
      x = normal(rng);
      v = 1 + c * x;
    } while (v <= 0);
    v = v * v * v;
    const u = 1 - rng.next();
    if (u < 1 - 0.0331 * x * x * x * x) return d * v;
    if (Math.log(u) < 0.5 * x * x + d * (1 - v + Math.log(v))) return d * v;
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
      return Math.exp(d.p1 + d.p2 * normal(rng));
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
