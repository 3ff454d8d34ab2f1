import { describe, expect, it } from "vitest";
import { PooledQuantiles } from "../../src/stats/quantiles.js";
import { QuantileSketch, type SketchState } from "../../src/stats/sketch.js";
import { tCritical95 } from "../../src/stats/interval.js";
import { RandomStream } from "../../src/engine/random.js";

/**
 * PooledQuantiles keeps Woodruff's sums in a form whose update follows each replication's own
 * range of buckets. Here they are computed the plain way, from every replication's sketch kept
 * whole: for the bucket of the estimate, c_r = the replication's items at or below it, summed.
 * The sums are whole numbers, so the two must agree to the last digit.
 */
function plainEstimate(states: SketchState[], q: number): { mean: number; ci95: number | null } {
  const pooled = new QuantileSketch();
  for (const s of states) pooled.merge(s);
  const value = pooled.quantile(q);
  const r = states.length;
  const n1 = states.reduce((a, s) => a + s.count, 0);
  if (r < 2 || !Number.isFinite(value) || n1 === 0) return { mean: value, ci95: null };
  const b = value > 0 ? pooled.bucketOf(value) : -Infinity;
  let c1 = 0;
  let c2 = 0;
  let c3 = 0;
  let n2 = 0;
  for (const s of states) {
    let c = s.zeros;
    for (let j = 0; j < s.counts.length; j++) if (s.offset + j <= b) c += s.counts[j];
    c1 += c;
    c2 += c * c;
    c3 += c * s.count;
    n2 += s.count * s.count;
  }
  const f = c1 / n1;
  const ss = Math.max(0, c2 - 2 * f * c3 + f * f * n2);
  const seF = Math.sqrt(ss / (r * (r - 1))) / (n1 / r);
  const t = tCritical95(r - 1);
  const half = (pooled.quantile(Math.min(1, q + t * seF)) - pooled.quantile(Math.max(0, q - t * seF))) / 2;
  return { mean: value, ci95: half };
}

describe("pooled quantiles", () => {
  it("agree to the last digit with the sums computed from every replication's sketch", () => {
    const rng = RandomStream.derive(11, 0, "quantiles test");
    for (let trial = 0; trial < 20; trial++) {
      const states: SketchState[] = [];
      const pooled = new PooledQuantiles();
      const reps = 2 + Math.floor(rng.next() * 40);
      for (let r = 0; r < reps; r++) {
        const sk = new QuantileSketch();
        // Ranges that drift and widen from one replication to the next (both ends grow), some
        // replications with zeros, some with nothing in buckets, some empty.
        const scale = Math.exp(4 * rng.next() - 2);
        const items = rng.next() < 0.1 ? 0 : Math.floor(rng.next() * 300);
        for (let i = 0; i < items; i++) sk.add(rng.next() < 0.05 ? 0 : scale * Math.exp(2 * (rng.next() - 0.5) * (1 + trial / 5)));
        if (rng.next() < 0.05) for (let i = 0; i < 5; i++) sk.add(0);
        const s = sk.state();
        states.push(s);
        pooled.add(s);
      }
      for (const q of [0.05, 0.5, 0.85, 0.95, 1]) {
        const mine = pooled.estimate(q, reps).figure;
        const plain = plainEstimate(states, q);
        expect([mine.mean, mine.ci95]).toEqual([plain.mean, plain.ci95]);
      }
    }
  });
});
