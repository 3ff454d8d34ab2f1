import { describe, expect, it } from "vitest";
import { STREAM_FIGURES, type ReplicationResult, simulateModels, validateModel } from "../../src/index.js";
import { QuantileSketch, type SketchState } from "../../src/stats/sketch.js";

/**
 * The paired percentile's correlation, written again from its description (docs/statistics.md,
 * runner/summary.ts addQuantiles): Woodruff's counts c - q n of each twin at the pooled quantile of
 * the pairs before, refreshed at 2, 3, 4, 8, 16, ... included pairs and while unset; the first pair
 * at its own quantiles; a pair kept when one twin has no items (0 on that side) and left out when
 * neither has any. Rare streams (one item a replication on average, and a quarter) make those cases
 * common, and leave the rarer one's thresholds unset after replications with no items.
 */
const exp = (mean: number) => ({ dist: "exponential", mean });
const model = (dev: number) =>
  validateModel(
    {
      name: "rare",
      timeUnit: "day",
      warmup: 10,
      horizon: 50,
      replications: 40,
      seed: 5,
      stages: { dev: { servers: 1, processTime: exp(dev) } },
      streams: { main: { arrivals: { rate: 0.6 }, route: ["dev"] }, rare: { arrivals: { rate: 0.02 }, route: ["dev"] }, rarer: { arrivals: { rate: 0.005 }, route: ["dev"] } },
    },
    `rare-${dev}.yaml`,
  );

const NS = STREAM_FIGURES.length;
const QS = [
  { q: 0.5, name: "leadTimeP50" },
  { q: 0.85, name: "leadTimeP85" },
  { q: 0.95, name: "leadTimeP95" },
] as const;
const buckets = new QuantileSketch();
const bucketOf = (x: number) => (Number.isNaN(x) ? NaN : x > 0 ? buckets.bucketOf(x) : -Infinity);
function atOrBelow(s: SketchState, b: number): number {
  if (Number.isNaN(b)) return 0;
  let c = s.zeros;
  for (let j = 0; j < s.counts.length; j++) if (s.offset + j <= b) c += s.counts[j];
  return c;
}
function pooledQuantile(states: SketchState[], q: number): number {
  const p = new QuantileSketch();
  for (const s of states) p.merge(s);
  return p.quantile(q);
}

describe("a paired percentile's correlation (Woodruff's counts)", () => {
  it("is the one its description gives, with twins of no items kept and pairs of none left out", async () => {
    const kept: ReplicationResult[][] = [];
    const copy = (r: ReplicationResult) => ({ ...r, sketches: r.sketches.map((s) => ({ ...s, counts: s.counts.slice() })), streams: r.streams.slice() });
    const o = await simulateModels([model(1), model(0.7)], { replications: 40, seed: 12, workers: 1, onReplication: (rs) => kept.push(rs.map(copy)) });
    expect(o.diffs[0].included).toBe(40);
    let oneEmpty = 0;
    let bothEmpty = 0;
    for (const [stream, i] of [["main", 0], ["rare", 1], ["rarer", 2]] as const) {
      for (const { q, name } of QS) {
        const of = STREAM_FIGURES.indexOf(name);
        const t = [NaN, NaN];
        const us: number[] = [];
        const vs: number[] = [];
        let n = 0;
        for (let r = 0; r < kept.length; r++) {
          const [b, s] = kept[r];
          const twins = [s, b]; // the scenario's side first, as in PairedDiff
          if (twins.every((r) => r.sketches[i].count === 0)) {
            if (q === 0.5) bothEmpty++;
            continue;
          }
          if (q === 0.5 && twins.some((r) => r.sketches[i].count === 0)) oneEmpty++;
          n++;
          // The schedule counts the included pairs (every replication here), empty or not.
          const included = r + 1;
          const due = included <= 4 || (included & (included - 1)) === 0 || included % 64 === 0;
          twins.forEach((twin, side) => {
            if (!due && !Number.isNaN(t[side])) return;
            // The pooled lead times of every replication before (a pair of two empty twins adds nothing to them).
            const earlier = kept.slice(0, r).map((x) => x[side === 0 ? 1 : 0].sketches[i]);
            const pooled = included > 1 ? pooledQuantile(earlier, q) : NaN;
            t[side] = bucketOf(Number.isNaN(pooled) ? twin.streams[i * NS + of] : pooled);
          });
          us.push(atOrBelow(s.sketches[i], t[0]) - q * s.sketches[i].count);
          vs.push(atOrBelow(b.sketches[i], t[1]) - q * b.sketches[i].count);
        }
        const mu = us.reduce((a, x) => a + x, 0) / us.length;
        const mv = vs.reduce((a, x) => a + x, 0) / vs.length;
        const suu = us.reduce((a, x) => a + (x - mu) ** 2, 0);
        const svv = vs.reduce((a, x) => a + (x - mv) ** 2, 0);
        const suv = us.reduce((a, x, k) => a + (x - mu) * (vs[k] - mv), 0);
        const rho = suu > 0 && svv > 0 ? Math.max(-1, Math.min(1, suv / Math.sqrt(suu * svv))) : 0;
        const ss = o.summaries[1].stream(i, name).se;
        const sb = o.summaries[0].stream(i, name).se;
        const expected = Math.sqrt(Math.max(0, ss * ss + sb * sb - 2 * rho * ss * sb));
        const d = o.diffs[0].stream(i, name).difference;
        expect(d.figure.n, `${stream} ${name}: pairs counted`).toBe(n);
        expect(d.se, `${stream} ${name}: standard error of the change`).toBeCloseTo(expected, 10);
      }
    }
    // The cases this is about did occur.
    expect(oneEmpty).toBeGreaterThan(0);
    expect(bothEmpty).toBeGreaterThan(0);
  });
});
