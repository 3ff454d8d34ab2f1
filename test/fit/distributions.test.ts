/**
 * The fitting numerics against hand computation and small independent implementations written
 * here: the gamma MLE's score equation with a digamma of our own, KS distances worked by hand,
 * the dispersion test's index and its decision, concurrency levels and gate finding on made-up
 * departures.
 */
import { describe, expect, it } from "vitest";
import { fitGamma, fitLognormal, fitProcessTime, ksDistance, quantile } from "../../src/fit/distributions.js";
import { concurrency, dispersionTest, findGate } from "../../src/fit/detect.js";
import { effortOfPasses, weekStart } from "../../src/fit/estimate.js";
import { whenOf } from "../../src/fit/write.js";

/** Digamma by recurrence up to x >= 6 and the asymptotic series (Abramowitz & Stegun 6.3.18). */
function psi(x: number): number {
  let r = 0;
  while (x < 6) r -= 1 / x++;
  const f = 1 / (x * x);
  return r + Math.log(x) - 0.5 / x - f * (1 / 12 - f * (1 / 120 - f * (1 / 252 - f * (1 / 240 - f / 132))));
}

describe("maximum likelihood", () => {
  const sample = Float64Array.from([0.3, 0.5, 0.8, 1.1, 1.2, 1.9, 2.4, 3.3, 4.0, 7.5]).sort();

  it("gamma: the shape solves log k - digamma(k) = log(mean) - mean(log x)", () => {
    const g = fitGamma(sample);
    const mean = sample.reduce((a, b) => a + b, 0) / sample.length;
    const s = Math.log(mean) - sample.reduce((a, b) => a + Math.log(b), 0) / sample.length;
    const k = 1 / (g.cv * g.cv);
    expect(g.mean).toBeCloseTo(mean, 12);
    expect(Math.log(k) - psi(k)).toBeCloseTo(s, 9);
  });

  it("lognormal: mean exp(mu + sigma^2/2) and cv sqrt(exp(sigma^2) - 1) from the logs' mean and (1/n) variance", () => {
    const x = Float64Array.from([1, Math.E, Math.E ** 2]);
    // logs 0, 1, 2: mu 1, sigma^2 2/3
    const l = fitLognormal(x);
    expect(l.mean).toBeCloseTo(Math.exp(1 + 1 / 3), 12);
    expect(l.cv).toBeCloseTo(Math.sqrt(Math.exp(2 / 3) - 1), 12);
  });

  it("a sample of fixed-looking times gets its quantiles when neither family fits", () => {
    const values = [...Array.from({ length: 50 }, () => 1), ...Array.from({ length: 50 }, () => 3)];
    const f = fitProcessTime(values);
    expect(f.chosen.dist).toBe("empirical");
    expect((f.chosen as { values: number[] }).values.slice(0, 2)).toEqual([1, 1]);
    expect((f.chosen as { values: number[] }).values.at(-1)).toBe(3);
  });
});

describe("Kolmogorov-Smirnov", () => {
  it("one sample against the uniform CDF, by hand", () => {
    // steps 0, 1/3, 2/3, 1 at 0.1, 0.2, 0.9: the largest gap is 2/3 - 0.2 just below 0.9... = 0.4667 at 0.2
    expect(ksDistance([0.1, 0.2, 0.9], (x) => x)).toBeCloseTo(2 / 3 - 0.2, 12);
    expect(ksDistance([0.5], (x) => x)).toBe(0.5);
  });

  it("quantiles interpolate linearly (type 7)", () => {
    expect(quantile([1, 2, 3, 4], 0.5)).toBe(2.5);
    expect(quantile([1, 2, 3, 4], 0.85)).toBeCloseTo(3.55, 12);
  });
});

describe("arrivals, servers, gates", () => {
  it("dispersion: evenly spaced arrivals are not Poisson, the index is variance over mean of the counts", () => {
    const regular = Array.from({ length: 100 }, (_, i) => i + 0.5);
    const d = dispersionTest(regular, 0, 100, 1);
    expect(d.bin).toBe(5);
    expect(d.bins).toBe(20);
    expect(d.index).toBe(0);
    expect(d.poisson).toBe(false);
    // Counts 1 and 9 alternating in bins of 5: mean 5, sample variance 16 x 20/19.
    const clumped: number[] = [];
    for (let b = 0; b < 20; b++) for (let k = 0; k < (b % 2 ? 9 : 1); k++) clumped.push(b * 5 + k * 0.1);
    const c = dispersionTest(clumped, 0, 100, 1);
    expect(c.index).toBeCloseTo((16 * 20) / 19 / 5, 12);
    expect(c.poisson).toBe(false);
  });

  it("servers: the highest level held for 2% of the busy time", () => {
    // One item 0-10, a second 0-5, a third 4-4.1: level 3 for 0.1 of 10 busy (1%), level 2 for 5.
    const s = concurrency([[0, 10], [0, 5], [4, 4.1]]);
    expect(s).toEqual({ estimate: 2, max: 3, meanBusy: expect.closeTo((10 + 5 + 0.1) / 10, 12) });
  });

  it("a weekly gate: most departures within three hours of the same weekday time; else none", () => {
    const thursdays = Array.from({ length: 20 }, (_, w) => w * 7 + 3 + 10 / 24 + (w % 3) / 24);
    expect(findGate([...thursdays, 1.2, 2.7, 5.5])).toEqual({ every: 7, offset: expect.closeTo(3 + 10 / 24, 6), share: 20 / 23, departures: 23 });
    expect(whenOf(3 + 10 / 24, 7)).toBe("Thursday 10:00");
    const spread = Array.from({ length: 40 }, (_, i) => i * 0.37);
    expect(findGate(spread)).toBeNull();
  });

  it("time 0 is the Monday 00:00 on or before the first time, in the log's offset", () => {
    // Wednesday 2026-01-07 00:30 at +01:00 is still Tuesday in UTC.
    expect(weekStart(Date.parse("2026-01-07T00:30:00+01:00"), 60).iso).toBe("2026-01-05T00:00:00+01:00");
    expect(weekStart(Date.parse("2026-01-05T00:00:00-05:00"), -300).iso).toBe("2026-01-05T00:00:00-05:00");
  });
});

describe("effort of repeat passes", () => {
  it("Welch's z on first against repeat passes, by hand", () => {
    // first: 1, 2, 3 (mean 2, variance 1); repeat: 0.5, 0.5, 0.8, 0.2 (mean 0.5, variance 0.06)
    const e = effortOfPasses([1, 2, 3], [0.5, 0.5, 0.8, 0.2]);
    expect(e.first).toEqual({ n: 3, mean: 2 });
    expect(e.repeat.mean).toBeCloseTo(0.5, 12);
    expect(e.z).toBeCloseTo(-1.5 / Math.sqrt(1 / 3 + 0.06 / 4), 12);
    expect(e.differs).toBe(true);
    expect(effortOfPasses([1, 2, 3], [1.5, 2.5]).differs).toBe(false);
  });
});
