import { describe, expect, it } from "vitest";
import { erlangC, mmc } from "./formulas.js";
import { expectTheory, exponential, run } from "./tolerance.js";

// M/M/c: Poisson arrivals at rate lambda, c servers with exponential process times of mean 1/mu.
// An arrival waits with the Erlang C probability C(c, lambda/mu), and Wq = C / (c mu - lambda).

describe("M/M/c (Erlang C)", () => {
  // Sizing: in heavy traffic M/M/c relaxes like an M/M/1 of rate c mu, in about
  // 1 / (c mu (1 - sqrt rho)^2): 38 time units for the bench model, 7.5 for c = 5; warm-up is 25+
  // of them. Pilot runs gave ci95 of 2.7% of Wq for 20 x 20,000 time units in both cases; ci95
  // shrinks as 1/sqrt(total time), so 20 x 70,000 brings it near 1.4% (measured: 1.2%, 1.3%).
  it.each([
    { name: "the bench model: c 2, lambda 9, mu 5 (rho 0.9)", c: 2, lambda: 9, mu: 5, warmup: 1_000, seedNumber: 201 },
    { name: "c 5, lambda 3.5, mu 1 (rho 0.7)", c: 5, lambda: 3.5, mu: 1, warmup: 500, seedNumber: 202 },
  ])("matches Wq, W, Lq and utilization for $name", async ({ c, lambda, mu, warmup, seedNumber }) => {
    const theory = mmc(lambda, mu, c);
    const doc = await run(
      `mm${c}`,
      {
        warmup,
        horizon: 70_000,
        stages: { platform: { servers: c, processTime: exponential(1 / mu) } },
        streams: { requests: { arrivals: { rate: lambda }, route: ["platform"] } },
      },
      20,
      seedNumber,
    );
    const stage = doc.stages.platform;
    expect(erlangC(c, lambda / mu)).toBeGreaterThan(0.3); // the queue matters: Wq is no rounding error
    expectTheory("Wq (stage wait)", stage.wait, theory.wq);
    expectTheory("Lq (stage queue length)", stage.queueLength, theory.lq);
    expectTheory("utilization", stage.utilization!, theory.rho);
    expectTheory("W (mean lead time)", doc.streams.requests.leadTime.mean, theory.w);
    expectTheory("L (stream WIP)", doc.streams.requests.wip, theory.l);
  });
});
