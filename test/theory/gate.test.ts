import { describe, it } from "vitest";
import { scheduledGateWait, sizeGateWait } from "./formulas.js";
import { expectTheory, exponential, minus, run } from "./tolerance.js";

// Gates: work waits for a batch to be released. With ample servers the wait is the gate's alone.

describe("periodic batch gate", () => {
  // A weekly architecture board (every 7, first opening at 3) with unlimited reviewers and
  // Poisson arrivals at rate 2: arrivals are uniform over the week, so the mean wait is 7/2
  // (the offset changes when, not how long), the gate holds lambda x 3.5 = 7 items on average,
  // and the lead time is 3.5 + E[S].
  // Sizing: the gate forgets everything at each opening, so a warm-up of 10 weeks is ample.
  // Warm-up and horizon are whole weeks: a time average over a partial week would depend on its
  // phase. Waits are uniform on (0, 7), sd 2.0: 20 x 200 weeks (56,000 items) give ci95 ~0.3% of
  // the wait, ~1% of the time-average count at the gate (measured).
  it("makes work wait half the period on average, whatever the offset", async () => {
    const doc = await run(
      "weekly-gate",
      {
        warmup: 70,
        horizon: 1_400,
        stages: { board: { servers: "unlimited", processTime: exponential(1), batch: { every: 7, offset: 3 } } },
        streams: { designs: { arrivals: { rate: 2 }, route: ["board"] } },
      },
      20,
      601,
    );
    const wait = scheduledGateWait(7);
    expectTheory("gate wait", doc.stages.board.wait, wait);
    expectTheory("items waiting at the gate", doc.stages.board.queueLength, 2 * wait);
    expectTheory("wait in the lead time (lead time - 1)", minus(doc.streams.designs.leadTime.mean, 1), wait);
  });

  // A gate that opens when 5 items wait, rate 2: the j-th item of a batch waits for 5 - j more
  // arrivals, (5 - 1) / (2 x 2) = 1 on average; the gate holds lambda x 1 = 2 items.
  // Sizing: as above the gate forgets at each release; 20 x 2,000 (80,000 items) give ci95 ~1.2%.
  it("makes work wait (size - 1) / (2 lambda) at a size gate", async () => {
    const doc = await run(
      "size-gate",
      {
        warmup: 50,
        horizon: 2_000,
        stages: { release: { servers: "unlimited", processTime: exponential(1), batch: { size: 5 } } },
        streams: { changes: { arrivals: { rate: 2 }, route: ["release"] } },
      },
      20,
      602,
    );
    const wait = sizeGateWait(5, 2);
    expectTheory("gate wait", doc.stages.release.wait, wait);
    expectTheory("items waiting at the gate", doc.stages.release.queueLength, 2 * wait);
  });
});
