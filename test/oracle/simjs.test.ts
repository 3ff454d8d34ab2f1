import { resolve } from "node:path";
import { describe, expect, it } from "vitest";
import { figure } from "../../src/stats/interval.js";
import { loadModel, simulate } from "../../src/index.js";
import { runSimjsJacksonUntil } from "./simjs-models.mjs";

/**
 * An independent implementation: the Jackson network with feedback of bench model B, run in simjs
 * (its own event list, queues and Mersenne Twister) and in vsm-sim. Neither is taken as the truth:
 * the two means must agree within the 95% interval of their difference (independent samples, so
 * the half-widths add in quadrature), widened by 1.5 so 50 comparisons at the 5% level do not
 * fail by chance.
 *
 * Sizing: 10 replications of 20,000 time units (~80,000 items each) after 400 of warm-up; the
 * tolerance on a station's mean wait is then under 10% of it (asserted, so the check keeps its
 * teeth), and the figures whose variance is smaller are held far tighter. ~3 s for simjs.
 */
const WARMUP = 400;
const HORIZON = 20000;
const REPS = 10;

describe("vsm-sim agrees with simjs on a Jackson network with feedback", async () => {
  const model = loadModel(resolve("bench/models/jackson.yaml"), { set: [`warmup=${WARMUP}`, `horizon=${HORIZON}`] });
  const vsm = await simulate(model, { replications: REPS, seed: 5, workers: 1 });
  const runs = Array.from({ length: REPS }, (_, r) => runSimjsJacksonUntil({ until: WARMUP + HORIZON, warmup: WARMUP, seed: 1000 + r }));

  const agree = (name: string, ours: { mean: number; ci95: number | null }, theirs: number[]) => {
    const other = figure(theirs);
    const tolerance = 1.5 * Math.hypot(ours.ci95!, other.ci95!);
    expect(tolerance / Math.abs(other.mean), `${name}: the comparison is too loose to mean anything`).toBeLessThan(0.1);
    expect(Math.abs(ours.mean - other.mean), `${name}: vsm-sim ${ours.mean} vs simjs ${other.mean} ± ${other.ci95}`).toBeLessThanOrEqual(tolerance);
  };

  it.each(["S1", "S2", "S3"] as const)("station %s: wait and utilization", (s) => {
    agree(`${s} wait`, vsm.stages[s].wait, runs.map((r) => r.meanWait[s]));
    agree(`${s} utilization`, vsm.stages[s].utilization!, runs.map((r) => r.utilization[s]));
  });

  it("mean lead time and throughput", () => {
    agree("lead time", vsm.streams.a.leadTime.mean, runs.map((r) => r.meanLeadTime));
    agree("throughput", vsm.streams.a.throughput, runs.map((r) => r.throughput));
  });
});
