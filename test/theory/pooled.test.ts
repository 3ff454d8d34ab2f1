import { describe, expect, it } from "vitest";
import { compare, simulate, validateModel } from "../../src/index.js";
import { SKETCH_ALPHA, exponential, expectTheory, run, seed, theoryValue } from "./tolerance.js";

/**
 * Issue #11's case: an M/M/1 (arrival rate 0.5, mean service 1, warm-up 50) measured over short
 * windows, where each replication sees 20-180 items. Its sojourn time is exponential with rate
 * mu - lambda = 0.5: p95 = ln(20) / 0.5 = 5.99, flow efficiency E[S] / E[W] = 50%. A mean of the
 * replications' own p95 gave 4.05 at horizon 40 (a 95th percentile of 20 items is biased low) and
 * flow efficiency 59.9%; pooled over the replications' items, both are right at every horizon.
 */
const P95 = Math.log(20) / 0.5;
const mm1 = (horizon: number) => ({
  warmup: 50,
  horizon,
  stages: { dev: { servers: 1, processTime: exponential(1) } },
  streams: { work: { arrivals: { rate: 0.5 }, route: ["dev"] } },
});

describe("pooled percentiles and flow efficiency at short horizons", () => {
  // Replications enough for the power check (the tolerance under 5% of the value): a window of
  // 40 holds ~20 items, so it takes 8,000 of them.
  const replications: Record<number, number> = { 40: 8000, 100: 3000, 360: 800 };
  for (const horizon of [40, 100, 360]) {
    it(`M/M/1 over a window of ${horizon}: p95 ${P95.toFixed(2)} and flow efficiency 50%`, async () => {
      const doc = await run(`pooled-${horizon}`, mm1(horizon), replications[horizon], 5100 + horizon);
      const s = doc.streams.work;
      expectTheory(`p95, horizon ${horizon}`, s.leadTime.p95, P95, { bias: SKETCH_ALPHA * P95 });
      expectTheory(`p50, horizon ${horizon}`, s.leadTime.p50, Math.log(2) / 0.5, { bias: SKETCH_ALPHA * 1.4 });
      expectTheory(`flow efficiency, horizon ${horizon}`, s.flowEfficiency, 0.5);
      expectTheory(`mean lead time, horizon ${horizon}`, s.leadTime.mean, 2);
    });
  }

  // Coverage: 100 independent experiments of 30 replications at horizon 40, as a user would run
  // them. Misses out of 100 are Binomial(100, 0.05) for an exact interval (mean 5, sd 2.2).
  // Accepted: at most 12 (P = 0.002 for an exact interval). Sectioning is conservative where the
  // replications' own quantiles are biased (their spread around the pooled one includes the
  // bias), so p95 may miss less than 5%; the old intervals missed p95 and flow efficiency in
  // nearly every experiment (4.05 ± 0.21 against 5.99).
  it("covers the true p95 and flow efficiency at horizon 40 at least at the nominal rate", async () => {
    const model = validateModel(mm1(40), "theory/pooled-coverage.yaml");
    const misses = { p95: 0, flowEfficiency: 0, mean: 0 };
    for (let e = 0; e < 100; e++) {
      const doc = await simulate(model, { replications: 30, seed: seed(7_700_000 + e), workers: 1 });
      const s = doc.streams.work;
      if (Math.abs(s.leadTime.p95.mean - theoryValue(P95)) > s.leadTime.p95.ci95! + SKETCH_ALPHA * P95) misses.p95++;
      if (Math.abs(s.flowEfficiency.mean - theoryValue(0.5)) > s.flowEfficiency.ci95!) misses.flowEfficiency++;
      if (Math.abs(s.leadTime.mean.mean - theoryValue(2)) > s.leadTime.mean.ci95!) misses.mean++;
    }
    if (process.env.VSM_THEORY_VERBOSE === "1") console.log("misses of 100:", misses);
    for (const [k, v] of Object.entries(misses)) expect(v, `${k}: missed the true value ${v} times in 100`).toBeLessThanOrEqual(12);
  });
});

/**
 * The relative change's interval: M/M/1 at rate 0.5 against the same queue served 25% faster.
 * Sojourn times are exponential with rate mu - lambda, so every lead-time figure (mean and any
 * percentile) shrinks by the same factor 0.5 / 0.75: a change of -33.3%. Under common random
 * numbers the twins are correlated; an interval that took the base as exact missed more often.
 */
describe("the interval of a relative change", () => {
  it("covers the true -33.3% at the nominal rate, for the mean and p85", async () => {
    const raw = (mean: number) => ({
      warmup: 50,
      horizon: 400,
      stages: { dev: { servers: 1, processTime: exponential(mean) } },
      streams: { work: { arrivals: { rate: 0.5 }, route: ["dev"] } },
    });
    const base = validateModel(raw(1), "theory/relative-base.yaml");
    const faster = validateModel(raw(0.8), "theory/relative-faster.yaml");
    const truth = 0.5 / 0.75 - 1;
    const misses = { mean: 0, p85: 0 };
    // The interval alone, without the sketch's slack: what "too wide" is about.
    const bare = { mean: 0, p85: 0 };
    for (let e = 0; e < 100; e++) {
      const doc = await compare(base, [faster], { replications: 20, seed: seed(8_800_000 + e), workers: 1 });
      const d = doc.scenarios[0].diff.streams.work.leadTime;
      for (const k of ["mean", "p85"] as const) {
        const r = d[k].relative!;
        const slack = k === "p85" ? 2 * SKETCH_ALPHA : 0;
        const gap = Math.abs(r.mean - theoryValue(truth));
        if (gap > r.ci95! + slack) misses[k]++;
        if (gap > r.ci95!) bare[k]++;
      }
    }
    if (process.env.VSM_THEORY_VERBOSE === "1") console.log("relative change misses of 100:", misses, "without slack:", bare);
    // Binomial(100, 0.05): accepted 1 to 12 (an exact interval falls outside with P < 0.01; an
    // interval at 85% coverage, 15 misses expected, is caught most of the time). The lower bound
    // is on the interval without the p85's sketch slack: with it the p85 misses less than 5% by
    // design (0 to 3 in 100 over three seed ranges, before and after keyed draws).
    for (const [k, v] of Object.entries(misses)) expect(v, `${k}: missed ${v} times in 100`).toBeLessThanOrEqual(12);
    for (const [k, v] of Object.entries(bare)) expect(v, `${k}: missed ${v} times in 100 without slack (too wide to be useful?)`).toBeGreaterThanOrEqual(1);
  });
});
