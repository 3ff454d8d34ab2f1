import { describe, it } from "vitest";
import { cobhamWq, mmcWq } from "./formulas.js";
import { expectTheory, exponential, minus, run } from "./tolerance.js";

// Non-preemptive priority at one server (Cobham 1954): classes served highest priority first,
// FIFO within a class, no interruption of the item in service. With W0 = sum lambda_i E[S_i^2] / 2,
// W_q,k = W0 / ((1 - sigma_{k-1}) (1 - sigma_k)). The stage has one process time distribution for
// every stream, so E[S] and E[S^2] are the same for both classes here.

describe("two-class non-preemptive priority M/M/1 (Cobham)", () => {
  // Two streams share one security review, exponential mean 1: incidents (priority 2, rate 0.3)
  // and features (priority 1, rate 0.5); rho = 0.8. W0 = 0.8, Wq = 1.143 and 5.714.
  // Sizing: the low class's wait is the noisy one (its busy periods are those of the whole
  // queue, relaxation ~90 as M/M/1 at 0.8); warm-up 2,000. Pilot: 20 x 200,000 gave ci95 ~1.5%
  // of the low class's lead time.
  it("serves the higher number first and matches each class's Cobham wait", async () => {
    const [wqHigh, wqLow] = cobhamWq([
      { lambda: 0.3, meanS: 1, varianceS: 1 },
      { lambda: 0.5, meanS: 1, varianceS: 1 },
    ]);
    const doc = await run(
      "priority",
      {
        warmup: 2_000,
        horizon: 200_000,
        stages: { security: { servers: 1, processTime: exponential(1), policy: "priority" } },
        streams: {
          // Listed low first, so the order in the file cannot stand in for the priority.
          features: { arrivals: { rate: 0.5 }, priority: 1, route: ["security"] },
          incidents: { arrivals: { rate: 0.3 }, priority: 2, route: ["security"] },
        },
      },
      20,
      501,
    );
    // The stage reports one wait for both classes; each class's wait is its lead time less E[S]
    // (the process time's exact mean: the route has this one stage).
    expectTheory("incidents' Wq (lead time - 1)", minus(doc.streams.incidents.leadTime.mean, 1), wqHigh);
    expectTheory("features' Wq (lead time - 1)", minus(doc.streams.features.leadTime.mean, 1), wqLow);
    // Kleinrock's conservation law: with equal service, priority reshuffles the waits but not
    // their mean, which stays FIFO M/M/1's rho / (mu - lambda) = 4.
    expectTheory("stage wait over both classes", doc.stages.security.wait, mmcWq(0.8, 1, 1));
    expectTheory("utilization", doc.stages.security.utilization!, 0.8);
  });
});
