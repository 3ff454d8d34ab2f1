import { quantileSorted } from "d3-array";
import { describe, expect, it } from "vitest";
import { RandomStream } from "../../src/engine/random.js";
import { deltaEstimate, holm, pValue } from "../../src/stats/estimate.js";
import { tCritical95 } from "../../src/stats/interval.js";
import { Moments } from "../../src/stats/moments.js";
import { QuantileSketch } from "../../src/stats/sketch.js";

/** Independent two-pass implementations, written here to check the one-pass ones against. */
const meanOf = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;
function covariance(xs: number[], ys: number[], cx = meanOf(xs), cy = meanOf(ys)): number {
  let s = 0;
  for (let i = 0; i < xs.length; i++) s += (xs[i] - cx) * (ys[i] - cy);
  return s;
}

function draws(n: number, seed: number): { y: number[]; x: number[] } {
  const rng = RandomStream.derive(seed, 0, "estimate-test");
  const x: number[] = [];
  const y: number[] = [];
  for (let i = 0; i < n; i++) {
    const xi = 50 + 30 * rng.next();
    x.push(xi);
    y.push(2 * xi + 10 * rng.next()); // correlated with x, as a lead-time sum with a count
  }
  return { y, x };
}

describe("Moments", () => {
  it("match two-pass means and co-moments, around the mean and around another centre", () => {
    const { y, x } = draws(57, 1);
    const m = new Moments(2);
    for (let i = 0; i < x.length; i++) m.add([y[i], x[i]]);
    expect(m.mean[0]).toBeCloseTo(meanOf(y), 10);
    expect(m.mean[1]).toBeCloseTo(meanOf(x), 10);
    const s = m.spread();
    expect(s[0]).toBeCloseTo(covariance(y, y), 6);
    expect(s[1]).toBeCloseTo(covariance(y, x), 6);
    expect(s[2]).toBeCloseTo(covariance(x, y), 6);
    expect(s[3]).toBeCloseTo(covariance(x, x), 6);
    const c = [100, 60];
    const t = m.spread(c);
    expect(t[1]).toBeCloseTo(covariance(y, x, c[0], c[1]), 6);
    expect(t[3]).toBeCloseTo(covariance(x, x, c[1], c[1]), 6);
  });
});

describe("delta-method estimates", () => {
  it("a ratio of sums: the textbook ratio estimator's standard error", () => {
    const { y, x } = draws(40, 2);
    const m = new Moments(2);
    for (let i = 0; i < x.length; i++) m.add([y[i], x[i]]);
    const r = meanOf(y) / meanOf(x);
    // Cochran (1977) 6.9: var(R) = sum (y - R x)^2 / (n (n - 1) xbar^2).
    const resid = y.map((yi, i) => yi - r * x[i]);
    const se = Math.sqrt(resid.reduce((a, e) => a + e * e, 0) / (40 * 39)) / meanOf(x);
    const e = deltaEstimate(r, [1 / meanOf(x), -r / meanOf(x)], m, undefined, 40);
    expect(e.figure.mean).toBeCloseTo(r, 12);
    expect(e.se).toBeCloseTo(se, 10);
    expect(e.figure.ci95).toBeCloseTo(tCritical95(39) * se, 10);
  });

  it("sectioning: the spread of each replication's quantile around the pooled one", () => {
    const per = [4.1, 5.3, 6.2, 3.9, 5.0];
    const pooled = 5.6;
    const m = new Moments(1);
    for (const q of per) m.add([q]);
    const e = deltaEstimate(pooled, [1], m, [pooled], 5);
    const s2 = per.reduce((a, q) => a + (q - pooled) ** 2, 0) / 4;
    expect(e.figure.mean).toBe(pooled);
    expect(e.figure.ci95).toBeCloseTo(tCritical95(4) * Math.sqrt(s2 / 5), 12);
    // Wider than the spread around the replications' own mean: the small-sample bias counts.
    const around = deltaEstimate(meanOf(per), [1], m, undefined, 5);
    expect(e.figure.ci95!).toBeGreaterThan(around.figure.ci95!);
  });

  it("one replication gives no interval; nothing measured gives NaN", () => {
    const m = new Moments(1);
    m.add([3]);
    expect(deltaEstimate(3, [1], m, undefined, 1).figure).toEqual({ mean: 3, ci95: null, n: 1 });
    expect(deltaEstimate(NaN, [1], new Moments(1), undefined, 0).figure.ci95).toBeNull();
  });

  it("p-values from Student's t", () => {
    // t = 2.262 on 9 degrees of freedom is the two-sided 5% point.
    const e = { figure: { mean: 2.2621571628, ci95: null, n: 10 }, se: 1, df: 9 };
    expect(pValue(e)).toBeCloseTo(0.05, 6);
    expect(pValue({ ...e, figure: { ...e.figure, mean: 0 } })).toBe(1);
  });
});

describe("Holm's step-down correction", () => {
  it("rejects in order while p <= alpha / (m - rank), then stops", () => {
    // m = 4: thresholds 0.0125, 0.01667, 0.025, 0.05.
    expect(holm([0.01, 0.04, 0.03, 0.005])).toEqual([true, false, false, true]);
    expect(holm([0.01, 0.016, 0.024, 0.049])).toEqual([true, true, true, true]);
    expect(holm([0.02, 0.02])).toEqual([true, true]);
    expect(holm([0.03, 0.03])).toEqual([false, false]);
    expect(holm([NaN, 0.04])).toEqual([false, true]);
  });
});

describe("QuantileSketch merge", () => {
  it("a merged sketch is the sketch of all the values, whatever the order", () => {
    const rng = RandomStream.derive(5, 0, "merge-test");
    const parts = Array.from({ length: 7 }, (_, k) => Array.from({ length: 50 + 40 * k }, () => Math.exp(3 * rng.next() - 1 + k / 3)));
    parts[2].push(0, 0); // zeros are counted apart
    const whole = new QuantileSketch();
    for (const p of parts) for (const v of p) whole.add(v);
    const merged = new QuantileSketch();
    for (const p of [...parts].reverse()) {
      const s = new QuantileSketch();
      for (const v of p) s.add(v);
      merged.merge(s.state());
    }
    expect([merged.count, merged.min, merged.max]).toEqual([whole.count, whole.min, whole.max]);
    for (let q = 0; q <= 1.0001; q += 0.01) expect(merged.quantile(q)).toBe(whole.quantile(q));
    // And it is a quantile of the data within the sketch's accuracy.
    const sorted = parts.flat().sort((a, b) => a - b);
    for (const q of [0.5, 0.85, 0.95]) {
      const exact = sorted[Math.floor(q * (sorted.length - 1))];
      expect(Math.abs(merged.quantile(q) - exact) / exact).toBeLessThanOrEqual(0.005 + 1e-12);
    }
    // cdf() inverts quantile() to the bucket.
    expect(merged.cdf(quantileSorted(sorted, 0.5)!)).toBeCloseTo(0.5, 1);
  });

  it("an empty sketch merges as nothing", () => {
    const a = new QuantileSketch();
    a.add(2);
    a.merge(new QuantileSketch().state());
    expect([a.count, a.quantile(0.5)]).toEqual([1, 2]);
  });
});
