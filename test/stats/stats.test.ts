import { quantileSorted } from "d3-array";
import { describe, expect, it } from "vitest";
import { RandomStream } from "../../src/engine/random.js";
import { QuantileSketch } from "../../src/stats/sketch.js";
import { figure, tCritical95 } from "../../src/stats/interval.js";
import { Welford } from "../../src/stats/welford.js";

describe("Student t critical values", () => {
  it("match tables", () => {
    expect(tCritical95(1)).toBeCloseTo(12.7062, 4);
    expect(tCritical95(9)).toBeCloseTo(2.2622, 4);
    expect(tCritical95(29)).toBeCloseTo(2.0452, 4);
    // Beyond the table: the expansion (A&S 26.7.5) against published values.
    expect(tCritical95(40)).toBeCloseTo(2.0211, 4);
    expect(tCritical95(60)).toBeCloseTo(2.0003, 4);
    expect(tCritical95(120)).toBeCloseTo(1.9799, 4);
    expect(tCritical95(1e9)).toBeCloseTo(1.96, 3);
  });
  it("refuses zero degrees of freedom", () => {
    expect(() => tCritical95(0)).toThrow(/degrees of freedom/);
  });
});

describe("streaming mean and variance", () => {
  it("agree with two-pass formulas, also far from zero", () => {
    const xs = [1e9 + 4, 1e9 + 7, 1e9 + 13, 1e9 + 16];
    const w = new Welford();
    xs.forEach((x) => w.add(x));
    expect(w.mean).toBe(1e9 + 10);
    expect(w.variance()).toBeCloseTo(30, 6);
  });
  it("give a null half-width for one replication", () => {
    expect(figure([3])).toEqual({ mean: 3, ci95: null, n: 1 });
    expect(figure([1, 3]).ci95).toBeCloseTo(12.7062 * Math.sqrt(2 / 2), 3);
  });
});

describe("quantile sketch", () => {
  it("is within its relative accuracy of the exact quantiles (d3-array) of a lognormal sample", () => {
    const rng = RandomStream.derive(3, 0, "sketch");
    const sketch = new QuantileSketch(0.005);
    const xs: number[] = [];
    for (let i = 0; i < 100_000; i++) {
      const x = Math.exp(1 + 1.5 * Math.sqrt(-2 * Math.log(1 - rng.next())) * Math.cos(2 * Math.PI * rng.next()));
      xs.push(x);
      sketch.add(x);
    }
    xs.sort((a, b) => a - b);
    for (const q of [0.01, 0.5, 0.85, 0.95, 0.999]) {
      const exact = xs[Math.floor(q * (xs.length - 1))];
      expect(Math.abs(sketch.quantile(q) - exact) / exact).toBeLessThanOrEqual(0.005 + 1e-12);
      // And close to d3's interpolated quantile, which differs only by interpolation.
      expect(Math.abs(sketch.quantile(q) - quantileSorted(xs, q)!) / exact).toBeLessThan(0.011);
    }
  });
  it("reports a constant exactly and handles zeros and growth in both directions", () => {
    const s = new QuantileSketch();
    for (let i = 0; i < 10; i++) s.add(7.25);
    expect(s.quantile(0.5)).toBe(7.25);
    expect(s.quantile(0.95)).toBe(7.25);
    const t = new QuantileSketch();
    [0, 0, 1e-6, 1e6, 3].forEach((x) => t.add(x));
    expect(t.quantile(0)).toBe(0);
    expect(t.quantile(1)).toBe(1e6);
    expect(Math.abs(t.quantile(0.5) - 1e-6) / 1e-6).toBeLessThan(0.006);
    expect(new QuantileSketch().quantile(0.5)).toBeNaN();
  });
});
