import { describe, it } from "vitest";
import { expectTheory, exponential, run } from "./tolerance.js";

// An optional step { stage, probability: p } is taken by each item independently with
// probability p: the visits it receives are a p-thinning of the arrivals.

describe("optional step", () => {
  // Platform work (an environment) for 30% of items, then build for all; unlimited capacity,
  // arrivals at rate 2. Visits in the window are Poisson with means 0.3 x 2 x 10,000 = 6,000 and
  // 20,000 (sd 77 and 141: ci95 of the mean of 20 near 0.6% and 0.3%; measured 0.8% and 0.4%).
  // The lead time is 0.3 x 1 + 1 = 1.3 on average: process times only, nothing waits.
  it("is visited by its probability's share of the arrivals", async () => {
    const doc = await run(
      "optional-step",
      {
        warmup: 50,
        horizon: 10_000,
        stages: {
          platform: { servers: "unlimited", processTime: exponential(1) },
          build: { servers: "unlimited", processTime: exponential(1) },
        },
        streams: { feature: { arrivals: { rate: 2 }, route: [{ stage: "platform", probability: 0.3 }, "build"] } },
      },
      20,
      1001,
    );
    expectTheory("platform visits", doc.stages.platform.visits, 0.3 * 2 * 10_000);
    expectTheory("build visits", doc.stages.build.visits, 2 * 10_000);
    expectTheory("throughput", doc.streams.feature.throughput, 2);
    expectTheory("mean lead time", doc.streams.feature.leadTime.mean, 0.3 * 1 + 1);
  });
});
