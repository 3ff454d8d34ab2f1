import { describe, expect, it } from "vitest";
import { GOLDEN, hash32, itemKey, keyStream, keyedDraw, replicationKey, sourceKey } from "../../src/engine/keyed.js";
import { RandomStream } from "../../src/engine/random.js";
import { sample, lognormal, gamma, exponential } from "../../src/engine/distributions.js";

const U = 2.3283064365386963e-10;
const uniform = (x: number) => (x >>> 0) * U;

describe("keyed draws", () => {
  // noreg: pins the hash, the key derivation and the draw; if they change, every published figure
  // changes with them, so this must only ever change on purpose.
  it("reproduces its golden values", () => {
    const r = replicationKey(42, 0);
    const s = sourceKey(r, "service:payments:security#0");
    const item = itemKey(sourceKey(r, "item:payments"), 7);
    expect([r, s, item, keyedDraw(s, item, 0), keyedDraw(s, item, 1)].map((x) => x >>> 0)).toEqual(GOLDEN_VALUES);
  });

  it("hash32 is lowbias32, as written in hash-prospector's C (uint32_t arithmetic)", () => {
    // The C function in BigInt arithmetic, masked to 32 bits: independent of Math.imul and of JavaScript's int32 coercions.
    const ref = (x: bigint) => {
      const M = 0xffffffffn;
      x ^= x >> 16n;
      x = (x * 0x7feb352dn) & M;
      x ^= x >> 15n;
      x = (x * 0x846ca68bn) & M;
      x ^= x >> 16n;
      return Number(x);
    };
    for (const x of [0, 1, 0x12345678, 0xdeadbeef, 0xffffffff]) expect(hash32(x | 0) >>> 0).toBe(ref(BigInt(x)));
  });

  it("item keys are a bijection of the item number within a stream: no two items share draws", () => {
    const k = sourceKey(replicationKey(1, 0), "item:web");
    const seen = new Set<number>();
    for (let n = 0; n < 100_000; n++) seen.add(itemKey(k, n));
    expect(seen.size).toBe(100_000);
    expect(itemKey(k, 3)).toBe((k + 3 * GOLDEN) | 0);
  });

  it("is uniform, and uncorrelated across items, sources, passes and replications", () => {
    // What the simulation relies on: for consecutive items, a stage's draws are uniform and
    // independent; an item's draws at two steps, and on two passes of one step, are independent.
    const n = 100_000;
    const r = replicationKey(3, 0);
    const a = sourceKey(r, "service:web:dev#0");
    const b = sourceKey(r, "service:web:qa#0");
    const a2 = sourceKey(replicationKey(3, 1), "service:web:dev#0");
    const stream = sourceKey(r, "item:web");
    const bins = new Array(20).fill(0);
    const pairs = { lag1: 0, steps: 0, passes: 0, replications: 0 };
    let sum = 0;
    let prev = 0.5;
    for (let i = 0; i < n; i++) {
      const item = itemKey(stream, i);
      const u = uniform(keyedDraw(a, item, 0));
      sum += u;
      bins[Math.floor(u * 20)]++;
      pairs.lag1 += (u - 0.5) * (prev - 0.5);
      pairs.steps += (u - 0.5) * (uniform(keyedDraw(b, item, 0)) - 0.5);
      pairs.passes += (u - 0.5) * (uniform(keyedDraw(a, item, 1)) - 0.5);
      pairs.replications += (u - 0.5) * (uniform(keyedDraw(a2, item, 0)) - 0.5);
      prev = u;
    }
    // Mean: sd 1 / sqrt(12 n) = 0.00091. A correlation of independent uniforms: sd 1 / sqrt(n) =
    // 0.0032; the products' mean is the correlation / 12.
    expect(Math.abs(sum / n - 0.5)).toBeLessThan(4 * 0.00091);
    for (const [what, x] of Object.entries(pairs)) expect(Math.abs((12 * x) / n), what).toBeLessThan(4 * 0.0032);
    const chi2 = bins.reduce((s, c) => s + (c - n / 20) ** 2 / (n / 20), 0);
    expect(chi2).toBeLessThan(43.82); // chi-square, 19 df, p = 0.001
  });

  it("a stream set up by keyStream gives the keyed draw first, and the same numbers for the same draw", () => {
    const rng = new RandomStream(0, 0, 0, 0);
    for (const u of [0, 1, -1, 0x7fffffff, 123456789]) {
      keyStream(rng, u);
      expect(rng.nextInt32()).toBe(u);
      const next = [rng.nextInt32(), rng.nextInt32()];
      keyStream(rng, u);
      rng.nextInt32();
      expect([rng.nextInt32(), rng.nextInt32()]).toEqual(next);
    }
    // An exponential drawn through sample() is the fast path's draw of u, to the last digit.
    keyStream(rng, 987654321);
    const viaStream = sample(exponential(2), rng);
    keyStream(rng, 987654321);
    expect(viaStream).toBe(2 * sample(exponential(1), rng));
  });

  it("distributions that take several numbers draw correctly from keyed streams (mean within sampling error)", () => {
    const rng = new RandomStream(0, 0, 0, 0);
    const k = sourceKey(replicationKey(5, 0), "service:web:dev#0");
    const stream = sourceKey(replicationKey(5, 0), "item:web");
    for (const d of [lognormal(4, 0.8), gamma(3, 0.6), gamma(3, 1.5)]) {
      const n = 50_000;
      let s = 0;
      for (let i = 0; i < n; i++) {
        keyStream(rng, keyedDraw(k, itemKey(stream, i), 0));
        s += sample(d, rng);
      }
      expect(Math.abs(s / n - d.mean)).toBeLessThan(4 * Math.sqrt(d.variance / n));
    }
  });
});

const GOLDEN_VALUES = [1490987681, 3261655648, 2428223644, 941105082, 4166156339];
