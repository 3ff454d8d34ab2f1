import { describe, expect, it } from "vitest";
import { mm1SojournQuantile, mmc } from "./formulas.js";
import { SKETCH_ALPHA, expectTheory, exponential, run } from "./tolerance.js";

// M/M/1: Poisson arrivals at rate lambda, one server with exponential process times of mean
// 1/mu. Wq = rho / (mu - lambda), W = 1 / (mu - lambda), L = rho / (1 - rho), Lq = rho^2 / (1 - rho),
// utilization rho; the FIFO sojourn time is exponential of rate mu - lambda (its quantiles).

const mm1 = (lambda: number, warmup: number, horizon: number) => ({
  warmup,
  horizon,
  stages: { dev: { servers: 1, processTime: exponential(1) } },
  streams: { work: { arrivals: { rate: lambda }, route: ["dev"] } },
});

describe("M/M/1", () => {
  // Sizing: the relaxation time of M/M/1 is 1 / (mu (1 - sqrt rho))^2 (Morse 1955): 90 at rho 0.8,
  // 12 at rho 0.5; warm-up is 20+ of them. The variance of a time-average queue figure over a run
  // of length T is about 2 rho (1 + rho) / (mu (1 - rho)^4 T) (Whitt 1989), so rho 0.8 needs ~5M
  // time units in all for ci95 near 1.3% of Wq; rho 0.5 needs ~2M for the same. 20 replications.
  // Measured: ci95 of Wq 1.4% (rho 0.8) and 0.9% (rho 0.5); of p95 1.5% and 0.9%.
  it.each([
    { rho: 0.8, warmup: 2_000, horizon: 250_000, seedNumber: 101 },
    { rho: 0.5, warmup: 500, horizon: 100_000, seedNumber: 102 },
  ])("matches Wq, W, L, Lq, utilization and the sojourn quantiles at rho $rho", async ({ rho, warmup, horizon, seedNumber }) => {
    const lambda = rho; // mu = 1
    const theory = mmc(lambda, 1, 1);
    const doc = await run(`mm1-${rho}`, mm1(lambda, warmup, horizon), 20, seedNumber);
    const dev = doc.stages.dev;
    const work = doc.streams.work;

    expectTheory("Wq (stage wait)", dev.wait, theory.wq);
    expectTheory("Lq (stage queue length)", dev.queueLength, theory.lq);
    expectTheory("utilization", dev.utilization!, rho);
    expectTheory("W (mean lead time)", work.leadTime.mean, theory.w);
    expectTheory("L (stream WIP)", work.wip, theory.l);
    expectTheory("throughput", work.throughput, lambda);
    // Percentiles come from a sketch good to SKETCH_ALPHA of the value: that is their bias bound.
    for (const p of [0.5, 0.85, 0.95] as const) {
      const q = mm1SojournQuantile(p, lambda, 1);
      const figure = p === 0.5 ? work.leadTime.p50 : p === 0.85 ? work.leadTime.p85 : work.leadTime.p95;
      expectTheory(`lead time p${p * 100}`, figure, q, { bias: SKETCH_ALPHA * q });
    }
    // Flow efficiency: touch time over lead time, E[S] / W in steady state (a ratio of means).
    expectTheory("flow efficiency", work.flowEfficiency, 1 / theory.w);
    expect(doc.unstable).toEqual([]);
  });
});
