import { quantileSorted } from "d3-array";
import { describe, expect, it } from "vitest";
import { RandomStream } from "../../src/engine/random.js";
import { QuantileSketch } from "../../src/stats/sketch.js";
import { figure, tCritical95 } from "../../src/stats/interval.js";
import { Welford } from "../../src/stats/welford.js";

/** The double with these high and low 32-bit words. */
function fromBits(hi: number, lo: number): number {
  WORDS[HI] = hi;
  WORDS[1 - HI] = lo;
  return BITS[0];
}
/** The next double after x > 0 towards +Infinity (d = 1) or 0 (d = -1). */
function nextAfter(x: number, d: 1 | -1): number {
  BITS[0] = x;
  LONG[0] += BigInt(d);
  return BITS[0];
}
const BITS = new Float64Array(1);
const WORDS = new Uint32Array(BITS.buffer);
const LONG = new BigInt64Array(BITS.buffer);
const HI = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1 ? 1 : 0;

/**
 * The values (positive) whose bucket differs between add() and addMany(), found through quantile()
 * alone: sorted values go in groups of 100, each with a 0 below and a value 5 buckets above the
 * group, so no estimate is clamped to [min, max] and quantile() at rank r shows the bucket of the
 * r-th value. Also checks count, min and max. The group is read from the middle of a longer array.
 */
function bucketMismatches(values: number[]): number[] {
  const sorted = [...values].sort((a, b) => a - b);
  const wrong: number[] = [];
  for (let g = 0; g < sorted.length; g += 100) {
    const group = sorted.slice(g, g + 100);
    const top = Math.min(group[group.length - 1] * 1.05, Number.MAX_VALUE);
    const batch = Float64Array.from([NaN, 0, ...group, top, NaN]);
    const one = new QuantileSketch();
    for (let k = 1; k < batch.length - 1; k++) one.add(batch[k]);
    const many = new QuantileSketch();
    many.addMany(batch, 1, batch.length - 2);
    expect([many.count, many.min, many.max]).toEqual([one.count, one.min, one.max]);
    const n = one.count;
    for (let r = 1; r < n - 1; r++) {
      const q = (r + 0.5) / (n - 1);
      if (many.quantile(q) !== one.quantile(q)) wrong.push(group[r - 1]);
    }
  }
  return wrong;
}

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
  it("addMany() puts random values of every magnitude in the buckets add() does", () => {
    const rng = RandomStream.derive(5, 0, "sketch-addMany");
    const xs: number[] = [];
    // Lead times as the simulator sees them, then the whole normal range, then any positive finite
    // bit pattern (subnormals included), so that every exponent and table slot is visited.
    for (let i = 0; i < 100_000; i++) xs.push(Math.exp(-7 + 16 * rng.next()));
    for (let i = 0; i < 50_000; i++) xs.push(Math.exp(-708 * (2 * rng.next() - 1)));
    for (let i = 0; i < 50_000; i++) {
      const x = fromBits(rng.nextUint32() & 0x7fffffff, rng.nextUint32());
      if (x < Infinity && x > 0) xs.push(x);
    }
    expect(bucketMismatches(xs)).toEqual([]);
  });
  it("addMany() agrees with add() at and one ulp either side of every bucket boundary", () => {
    const gamma = 1.005 / 0.995;
    const logGamma = Math.log(gamma);
    const xs: number[] = [];
    const lo = Math.ceil(Math.log(Number.MIN_VALUE) / logGamma);
    const hi = Math.floor(Math.log(Number.MAX_VALUE) / logGamma);
    for (let i = lo; i <= hi; i++) {
      // Two spellings of gamma^i, which differ in the last bits: each is next to a boundary.
      for (const b of [Math.pow(gamma, i), Math.exp(i * logGamma)]) {
        if (b > 0 && b < Infinity) xs.push(b, nextAfter(b, -1), nextAfter(b, 1));
      }
    }
    expect(xs.length).toBeGreaterThan(800_000);
    expect(bucketMismatches(xs.filter((x) => x > 0 && x < Infinity))).toEqual([]);
  });
  it("addMany() handles subnormals, zeros, negatives, NaN and infinities as add() does", () => {
    const tiny = [Number.MIN_VALUE, 2 * Number.MIN_VALUE, 3 * Number.MIN_VALUE, 1e-320, 1e-310];
    const smallestNormal = 2 ** -1022;
    tiny.push(smallestNormal, nextAfter(smallestNormal, -1), nextAfter(smallestNormal, 1), Number.MAX_VALUE);
    const rng = RandomStream.derive(5, 0, "sketch-subnormals");
    for (let i = 0; i < 2000; i++) {
      tiny.push(fromBits(rng.nextUint32() & 0xfffff, rng.nextUint32()) || Number.MIN_VALUE);
    }
    expect(bucketMismatches(tiny)).toEqual([]);
    // Not positive: counted apart, and they move min and max.
    const mixed = Float64Array.from([3, 0, -0, -2.5, NaN, 1e-5, -Infinity, 7, 0, 1e300]);
    const one = new QuantileSketch();
    mixed.forEach((x) => one.add(x));
    const many = new QuantileSketch();
    many.addMany(mixed, 0, mixed.length);
    expect([many.count, many.min, many.max]).toEqual([one.count, one.min, one.max]);
    for (let q = 0; q <= 1; q += 1 / 64) expect(many.quantile(q)).toBe(one.quantile(q));
    // +Infinity is counted above every bucket, by both, on an empty sketch or not.
    const infinite = Float64Array.from([Infinity, 2, Infinity, 5, 3]);
    for (const [a, b] of [[one, many], [new QuantileSketch(), new QuantileSketch()]]) {
      infinite.forEach((x) => a.add(x));
      b.addMany(infinite, 0, infinite.length);
      expect([b.count, b.min, b.max]).toEqual([a.count, a.min, Infinity]);
      for (let q = 0; q <= 1; q += 1 / 64) expect(b.quantile(q)).toBe(a.quantile(q));
    }
    const fresh = new QuantileSketch();
    fresh.addMany(infinite, 0, infinite.length);
    expect([0.75, 1].map((q) => fresh.quantile(q))).toEqual([Infinity, Infinity]);
    [2, 3, 5].forEach((x, i) => expect(Math.abs(fresh.quantile(i / 4) / x - 1)).toBeLessThanOrEqual(fresh.alpha));
  });
});
