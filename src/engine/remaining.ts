import { DIST, type Distribution, sample } from "./distributions.js";
import { standardExponential } from "./exponential.js";
import { standardNormal } from "./normal.js";
import type { RandomStream } from "./random.js";

/**
 * The rest of a process time already `elapsed` long: a draw of X - e given X > e, exactly, for
 * every distribution. An item in service for a long time under a right-skewed distribution is
 * likely a large one, so its expected rest is longer than a fresh draw's mean (lognormal) or the
 * same (exponential, memoryless); under a bounded one it is shorter. When the distribution cannot
 * exceed `elapsed` (a fixed 2 days, 3 days in), the item is overdue by the model: its rest is 0.
 */
export function sampleRemaining(d: Distribution, elapsed: number, rng: RandomStream): number {
  if (!(elapsed > 0)) return sample(d, rng);
  const e = elapsed;
  switch (d.kind) {
    case DIST.fixed:
      return Math.max(0, d.p1 - e);
    case DIST.exponential:
      return sample(d, rng);
    case DIST.uniform: {
      const lo = Math.max(d.p1, e);
      return lo >= d.p2 ? 0 : lo + (d.p2 - lo) * rng.next() - e;
    }
    case DIST.triangular: {
      const [a, c, b] = [d.p1, d.p2, d.p3];
      if (e >= b) return 0;
      // Inverse transform on the part of the distribution above e.
      const cdf = (x: number) => (x <= a ? 0 : x <= c ? ((x - a) * (x - a)) / ((b - a) * (c - a)) : 1 - ((b - x) * (b - x)) / ((b - a) * (b - c)));
      const f = (c - a) / (b - a);
      const u = cdf(e) + (1 - cdf(e)) * rng.next();
      const x = u < f ? a + Math.sqrt(u * (b - a) * (c - a)) : b - Math.sqrt((1 - u) * (b - a) * (b - c));
      return Math.max(0, x - e);
    }
    case DIST.lognormal:
      return Math.exp(d.p1 + d.p2 * normalAbove((Math.log(e) - d.p1) / d.p2, rng)) - e;
    case DIST.gamma:
      return gammaAbove(d.p1, e / d.p2, rng) * d.p2 - e;
    case DIST.empirical: {
      const above = d.values!.filter((v) => v > e);
      return above.length === 0 ? 0 : above[Math.floor(rng.next() * above.length)] - e;
    }
    default:
      throw new Error(`distribution: unknown kind ${d.kind}`);
  }
}

/** A standard normal given Z > z0: plain rejection below 0.5 (acceptance >= 31%), else Robert's
 * (1995) exponential proposal, whose acceptance is above 76% for every z0 > 0. */
function normalAbove(z0: number, rng: RandomStream): number {
  if (z0 < 0.5) {
    for (;;) {
      const z = standardNormal(rng);
      if (z > z0) return z;
    }
  }
  const alpha = (z0 + Math.sqrt(z0 * z0 + 4)) / 2;
  for (;;) {
    const z = z0 + standardExponential(rng.nextInt32()) / alpha;
    if (rng.next() <= Math.exp(-((z - alpha) * (z - alpha)) / 2)) return z;
  }
}

/**
 * A gamma(shape, 1) given X > x0. Above the mode the density, ∝ x^(k-1) e^(-x), is at most its
 * value at x0 times e^(-(1 - (k-1)/x0)(x - x0)) (ln(x/x0) <= (x - x0)/x0), an exponential
 * proposal accepted with probability (x/x0)^(k-1) e^(-(k-1)(x-x0)/x0); for k < 1 the density
 * falls faster than e^-x, so e^-(x - x0) bounds it. Below the mode, plain rejection accepts at
 * least P(X > mode), about a half.
 */
function gammaAbove(k: number, x0: number, rng: RandomStream): number {
  const mode = k > 1 ? k - 1 : 0;
  if (x0 <= mode || (k >= 1 && x0 <= mode * 1.05)) {
    const g: Distribution = { kind: DIST.gamma, p1: k, p2: 1, p3: 0, values: null, mean: k, variance: k };
    for (;;) {
      const x = sample(g, rng);
      if (x > x0) return x;
    }
  }
  const rate = k >= 1 ? 1 - (k - 1) / x0 : 1;
  for (;;) {
    const x = x0 + standardExponential(rng.nextInt32()) / rate;
    const logAccept = k >= 1 ? (k - 1) * (Math.log(x / x0) - (x - x0) / x0) : (k - 1) * Math.log(x / x0);
    if (Math.log(rng.next()) <= logAccept) return x;
  }
}
