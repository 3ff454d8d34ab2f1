import { describe, expect, it } from "vitest";
import * as D from "../../src/engine/distributions.js";
import { F, R, V, X, normalTail, standardNormal } from "../../src/engine/normal.js";
import { RandomStream } from "../../src/engine/random.js";

// Exact CDFs from the regularized incomplete gamma function, written here independently of the
// code under test (Numerical Recipes' series and Lentz continued fraction; Lanczos ln Gamma,
// g = 7, 9 terms). The normal is P(1/2, z^2 / 2) on either side of 0, so one function serves the
// normal, the lognormal and the gamma, and its upper form keeps relative accuracy in the tail.

const LANCZOS = [
  0.99999999999980993, 676.5203681218851, -1259.1392167224028, 771.32342877765313, -176.61502916214059,
  12.507343278686905, -0.13857109526572012, 9.9843695780195716e-6, 1.5056327351493116e-7,
];
function lnGamma(a: number): number {
  if (a < 0.5) return Math.log(Math.PI / Math.sin(Math.PI * a)) - lnGamma(1 - a);
  const z = a - 1;
  let s = LANCZOS[0];
  for (let i = 1; i < 9; i++) s += LANCZOS[i] / (z + i);
  const t = z + 7.5;
  return 0.5 * Math.log(2 * Math.PI) + (z + 0.5) * Math.log(t) - t + Math.log(s);
}

/** [P(a, x), Q(a, x)], the regularized lower and upper incomplete gamma functions. */
function incompleteGamma(a: number, x: number): [number, number] {
  if (x <= 0) return [0, 1];
  const front = Math.exp(a * Math.log(x) - x - lnGamma(a));
  if (x < a + 1) {
    let term = 1 / a;
    let sum = term;
    for (let n = 1; n < 1000 && Math.abs(term) > Math.abs(sum) * 1e-17; n++) {
      term *= x / (a + n);
      sum += term;
    }
    const p = sum * front;
    return [p, 1 - p];
  }
  const tiny = 1e-300;
  let b = x + 1 - a;
  let c = 1 / tiny;
  let d = 1 / b;
  let h = d;
  for (let i = 1; i < 1000; i++) {
    const an = -i * (i - a);
    b += 2;
    d = an * d + b;
    if (Math.abs(d) < tiny) d = tiny;
    c = b + an / c;
    if (Math.abs(c) < tiny) c = tiny;
    d = 1 / d;
    const delta = d * c;
    h *= delta;
    if (Math.abs(delta - 1) < 1e-16) break;
  }
  const q = front * h;
  return [1 - q, q];
}

/** P(Z > z) for z >= 0. */
const normalUpper = (z: number) => 0.5 * incompleteGamma(0.5, (z * z) / 2)[1];
const normalCdf = (z: number) => (z < 0 ? normalUpper(-z) : 1 - normalUpper(z));

/** The Kolmogorov-Smirnov statistic of a sample against a CDF. */
function ks(sample: Float64Array, cdf: (x: number) => number): number {
  const xs = sample.slice().sort();
  const n = xs.length;
  let dmax = 0;
  for (let i = 0; i < n; i++) {
    const f = cdf(xs[i]);
    dmax = Math.max(dmax, (i + 1) / n - f, f - i / n);
  }
  return dmax;
}
/** The KS critical value at level 0.001 for n draws (Stephens 1970: 1.949 / (sqrt n + 0.12 + 0.11 / sqrt n)). */
const ksCritical = (n: number) => 1.9495 / (Math.sqrt(n) + 0.12 + 0.11 / Math.sqrt(n));

function draws(n: number, source: string, draw: (rng: RandomStream) => number): Float64Array {
  const rng = RandomStream.derive(16, 0, source);
  const out = new Float64Array(n);
  for (let i = 0; i < n; i++) out[i] = draw(rng);
  return out;
}

/** Sample mean and variance within 4.5 standard errors of the analytic ones (mu4: central 4th moment). */
function expectMoments(xs: Float64Array, mean: number, variance: number, mu4: number) {
  const n = xs.length;
  let m = 0;
  for (const x of xs) m += x / n;
  let s2 = 0;
  for (const x of xs) s2 += (x - m) ** 2 / (n - 1);
  expect(Math.abs(m - mean)).toBeLessThan(4.5 * Math.sqrt(variance / n));
  expect(Math.abs(s2 - variance)).toBeLessThan(4.5 * Math.sqrt((mu4 - variance * variance) / n));
}

describe("the exact CDFs the tests compare against", () => {
  it("match known values", () => {
    expect(normalCdf(1)).toBeCloseTo(0.8413447460685429, 14);
    expect(normalCdf(-3)).toBeCloseTo(0.0013498980316301, 15);
    expect(normalUpper(5) / 2.866515718791939e-7).toBeCloseTo(1, 12);
    expect(incompleteGamma(0.5, 1)[0]).toBeCloseTo(0.8427007929497149, 14); // erf(1)
    for (const x of [0.3, 1, 2.5, 7]) {
      expect(incompleteGamma(1, x)[0]).toBeCloseTo(1 - Math.exp(-x), 14);
      expect(incompleteGamma(3, x)[0]).toBeCloseTo(1 - Math.exp(-x) * (1 + x + (x * x) / 2), 14);
      // P(a + 1, x) = P(a, x) - x^a e^-x / Gamma(a + 1), across both branches, for a < 1.
      const a = 0.25;
      const step = Math.exp(a * Math.log(x) - x - lnGamma(a + 1));
      expect(incompleteGamma(a + 1, x)[0]).toBeCloseTo(incompleteGamma(a, x)[0] - step, 13);
    }
  });
});

describe("ziggurat tables", () => {
  const f = (x: number) => Math.exp(-0.5 * x * x);
  it("give 256 layers of area V: the base (rectangle plus tail) and every layer above it, the top closing at 0", () => {
    // Any wrong entry breaks the area of the layers on either side of it.
    expect(X[0] * f(R)).toBeCloseTo(R * f(R) + Math.sqrt(2 * Math.PI) * normalUpper(R), 15);
    expect(Math.abs(X[0] * f(R) / V - 1)).toBeLessThan(1e-12);
    for (let i = 1; i < 256; i++) expect(Math.abs((X[i] * (F[i + 1] - F[i])) / V - 1)).toBeLessThan(1e-12);
    expect(X[256]).toBe(0);
    expect(F[256]).toBe(1);
    // 256 V is the ziggurat's whole area: sqrt(pi / 2) under the half curve, plus what is rejected.
    expect(256 * V).toBeGreaterThan(Math.sqrt(Math.PI / 2));
    expect(256 * V).toBeLessThan(1.01 * Math.sqrt(Math.PI / 2));
  });
});

describe("standard normal (ziggurat)", () => {
  it("is normal: KS against the exact CDF, mean and variance", () => {
    const n = 200_000;
    const xs = draws(n, "normal", standardNormal);
    expect(ks(xs, normalCdf)).toBeLessThan(ksCritical(n));
    expectMoments(xs, 0, 1, 3);
    // The ziggurat is symmetric by construction, so an error in a layer shows on both sides and
    // cancels in Z's CDF at 0: |Z| (half-normal) adds them up.
    expect(ks(xs.map(Math.abs), (x) => 1 - 2 * normalUpper(x))).toBeLessThan(ksCritical(n));
  });

  it("draws its tail beyond R as the normal's, given |Z| > R", () => {
    const n = 50_000;
    const xs = draws(n, "normal-tail", normalTail);
    const beyond = normalUpper(R);
    expect(ks(xs, (x) => 1 - normalUpper(x) / beyond)).toBeLessThan(ksCritical(n));
  });

  it("lands beyond +-R as often as the normal does, on both sides, and is distributed there as its tail", () => {
    const n = 2_000_000;
    const rng = RandomStream.derive(16, 0, "normal-tail-share");
    let above = 0;
    let below = 0;
    const beyond: number[] = [];
    for (let i = 0; i < n; i++) {
      const z = standardNormal(rng);
      if (z > R) above++;
      else if (z < -R) below++;
      if (Math.abs(z) > R) beyond.push(Math.abs(z));
    }
    const expected = n * normalUpper(R); // 258 on each side
    const sd = Math.sqrt(expected);
    expect(Math.abs(above - expected)).toBeLessThan(4 * sd);
    expect(Math.abs(below - expected)).toBeLessThan(4 * sd);
    // The draws that got there through standardNormal, not only normalTail on its own.
    const tail = normalUpper(R);
    expect(ks(Float64Array.from(beyond), (x) => 1 - normalUpper(x) / tail)).toBeLessThan(ksCritical(beyond.length));
  });

  it("takes as many stream outputs per draw as its documented consumption implies", () => {
    // Two per attempt, a third in a wedge, two per tail attempt; attempts per draw 256 V / sqrt(pi / 2).
    // A wedge test that accepts too much (or a wrong inner edge) shows here long before in a KS test.
    class Counting extends RandomStream {
      outputs = 0;
      override nextInt32(): number {
        this.outputs++;
        return super.nextInt32();
      }
    }
    const rng = new Counting(...RandomStream.derive(16, 0, "normal-outputs").state());
    let wedge = 0;
    for (let i = 1; i < 256; i++) wedge += (1 - X[i + 1] / X[i]) / 256;
    const tail = (1 - R / X[0]) / 256;
    const tailAcceptance = R * Math.exp((R * R) / 2) * Math.sqrt(2 * Math.PI) * normalUpper(R);
    const expected = ((2 + wedge + (2 * tail) / tailAcceptance) * 256 * V) / Math.sqrt(Math.PI / 2);
    const n = 200_000;
    let sum = 0;
    let sq = 0;
    for (let i = 0; i < n; i++) {
      const before = rng.outputs;
      standardNormal(rng);
      const k = rng.outputs - before;
      sum += k;
      sq += k * k;
    }
    const mean = sum / n;
    const se = Math.sqrt((sq / n - mean * mean) / n);
    expect(expected).toBeCloseTo(2.029, 3);
    expect(Math.abs(mean - expected)).toBeLessThan(4.5 * se);
  });

  it("is the same sequence for the same seed", () => {
    const a = draws(1000, "normal-again", standardNormal);
    const b = draws(1000, "normal-again", standardNormal);
    expect(Array.from(a)).toEqual(Array.from(b));
  });
});

describe("lognormal", () => {
  it.each([0.25, 0.8, 2])("cv %s: KS against the exact CDF, mean and variance", (cv) => {
    const mean = 3;
    const d = D.lognormal(mean, cv);
    const n = 100_000;
    const xs = draws(n, `lognormal-${cv}`, (rng) => D.sample(d, rng));
    expect(ks(xs, (x) => normalCdf((Math.log(x) - d.p1) / d.p2))).toBeLessThan(ksCritical(n));
    // Raw moments E X^k = exp(k mu + k^2 sigma^2 / 2).
    const raw = (k: number) => Math.exp(k * d.p1 + (k * k * d.p2 * d.p2) / 2);
    const m = raw(1);
    const mu4 = raw(4) - 4 * m * raw(3) + 6 * m * m * raw(2) - 3 * m ** 4;
    expectMoments(xs, d.mean, d.variance, mu4);
  });
});

describe("gamma", () => {
  // Shapes 11.1, 2.78, 1, 0.44 and 0.11: the last two through the boost for shape < 1.
  it.each([0.3, 0.6, 1, 1.5, 3])("cv %s: KS against the exact CDF, mean and variance", (cv) => {
    const d = D.gamma(2, cv);
    const [shape, scale] = [d.p1, d.p2];
    const n = 100_000;
    const xs = draws(n, `gamma-${cv}`, (rng) => D.sample(d, rng));
    expect(ks(xs, (x) => incompleteGamma(shape, x / scale)[0])).toBeLessThan(ksCritical(n));
    expectMoments(xs, d.mean, d.variance, 3 * shape * (shape + 2) * scale ** 4);
  });

  it("squeeze accepts only what the exact test accepts: 1 - x^4 c^2 / (12 min(1, 1 + t)) <= exp(h(x))", () => {
    // The bound that lets distributions.ts skip the logarithm, checked against the exact h.
    let tightest = Infinity;
    let violations = 0;
    for (const shape of [1, 1.2, 2, 2.78, 4, 11, 100, 1e4]) {
      const d = shape - 1 / 3;
      const c = 1 / Math.sqrt(9 * d);
      for (let x = Math.max(-1 / c + 1e-6, -12); x < 12; x += 0.001) {
        const s = 1 + c * x;
        const v = s * s * s;
        const h = 0.5 * x * x + d * (1 - v + Math.log(v));
        const bound = 1 - (c * c * x ** 4) / (12 * Math.min(1, s));
        if (bound <= 0 || Math.abs(x) < 1e-3) continue; // nothing accepted / both sides round to 1
        if (bound > Math.exp(h) * (1 + 1e-12)) violations++;
        tightest = Math.min(tightest, Math.exp(h) - bound);
      }
    }
    expect(violations).toBe(0);
    expect(tightest).toBeLessThan(1e-6); // and it is tight, not vacuous
  });
});
