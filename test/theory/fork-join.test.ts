import { describe, expect, it } from "vitest";
import { maxOfExponentialsMean, maxOfExponentialsQuantile } from "./formulas.js";
import { SKETCH_ALPHA, expectTheory, exponential, run } from "./tolerance.js";

// Fork and join: an item splits into parallel branches and goes on when the last one is done.
// With unlimited servers nothing queues, so the lead time is max(X1, X2) of the branches'
// process times: for exponential rates m1, m2, E = 1/m1 + 1/m2 - 1/(m1 + m2), and
// P(max <= t) = (1 - e^{-m1 t}) (1 - e^{-m2 t}) gives its percentiles.

describe("fork and join", () => {
  // Security review (rate 1) and docs (rate 0.5) in parallel, unlimited capacity, arrivals at
  // rate 1. Sizing: lead times are independent across items (no queue), sd ~1.9 for a mean of
  // 2.33; 20 x 5,000 items give ci95 near 0.6%. Warm-up 50 (nothing builds up).
  it("makes the lead time the later branch: E[max(X1, X2)] = 1/m1 + 1/m2 - 1/(m1 + m2)", async () => {
    const m1 = 1;
    const m2 = 0.5;
    const doc = await run(
      "fork-join",
      {
        warmup: 50,
        horizon: 5_000,
        stages: {
          security: { servers: "unlimited", processTime: exponential(1 / m1) },
          docs: { servers: "unlimited", processTime: exponential(1 / m2) },
        },
        streams: { feature: { arrivals: { rate: 1 }, route: [{ parallel: [["security"], ["docs"]] }] } },
      },
      20,
      901,
    );
    const f = doc.streams.feature;
    expectTheory("mean lead time", f.leadTime.mean, maxOfExponentialsMean(m1, m2));
    for (const p of [0.5, 0.85, 0.95] as const) {
      const q = maxOfExponentialsQuantile(p, m1, m2);
      const figure = p === 0.5 ? f.leadTime.p50 : p === 0.85 ? f.leadTime.p85 : f.leadTime.p95;
      expectTheory(`lead time p${p * 100}`, figure, q, { bias: SKETCH_ALPHA * q });
    }
    // Touch time of a fork is its longest branch's (the critical path); with no waiting it is
    // the whole lead time, so flow efficiency is 1 up to rounding.
    expect(f.flowEfficiency.mean).toBeCloseTo(1, 9);
    // Each branch sees every item once, and nothing waits.
    expectTheory("security visits", doc.stages.security.visits, 5_000);
    expectTheory("docs visits", doc.stages.docs.visits, 5_000);
    expect(doc.stages.security.wait.mean).toBe(0);
    expect(doc.stages.docs.wait.mean).toBe(0);
  });
});
