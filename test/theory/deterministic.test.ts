import { describe, expect, it } from "vitest";
import { compile, runReplication, simulate, validateModel } from "../../src/index.js";
import { nearestRankQuantile } from "./formulas.js";
import { SKETCH_ALPHA } from "./tolerance.js";

// Fixed interarrival and process times: every figure can be worked out by hand, so it is
// asserted exactly (toBe / toEqual compare doubles bit for bit). Times are multiples of 1/4, so
// every sum the engine forms is exact in binary floating point.
//
// The window (warm-up end, run end) falls between events on purpose: no figure below depends on
// what the engine does with an event at exactly the warm-up time.

/** One replication: with no randomness each figure's mean is the replication's value itself. */
async function once(raw: object) {
  return simulate(validateModel(raw, "theory/deterministic.yaml"), { replications: 1, seed: 1, workers: 1 });
}

describe("a deterministic line with a weekly gate, by hand", () => {
  // Work arrives every 2 days (first at day 2); dev takes 1 day; review is a weekly gate (opens
  // at 0, 7, 14, ...) in front of one reviewer who takes 1 day; deploy takes half a day.
  // Item k arrives at 2k, reaches the review gate at 2k + 1 (so item 3 reaches it at 7, the very
  // moment it opens), leaves with the next opening G >= 2k + 1, is the j-th of its batch to be
  // reviewed (j = 0, 1, ...), and is done at G + j + 1.5.
  //   batch at  7: items 1-3,  lead times 6.5 5.5 4.5
  //   batch at 14: items 4-6,  7.5 6.5 5.5
  //   batch at 21: items 7-10, 8.5 7.5 6.5 5.5     (batches of 3 and 4 alternate from here)
  //   batch at 28: items 11-13, 7.5 6.5 5.5
  //   batch at 35: items 14-17, 8.5 7.5 6.5 5.5
  //   batch at 42: items 18-20, done 43.5 and later
  const line = {
    warmup: 14.25,
    horizon: 28, // the window is (14.25, 42.25]: items 4-17 complete in it
    stages: {
      dev: { servers: 1, processTime: 1 },
      review: { servers: 1, processTime: 1, batch: { every: 7 } },
      deploy: { servers: 1, processTime: 0.5 },
    },
    streams: { feature: { arrivals: { interarrival: 2 }, route: ["dev", "review", "deploy"] } },
  };
  const leadTimes = [7.5, 6.5, 5.5, 8.5, 7.5, 6.5, 5.5, 7.5, 6.5, 5.5, 8.5, 7.5, 6.5, 5.5]; // items 4-17

  it("traces the first items step by step, the gate tie included", () => {
    const { trace } = runReplication(compile(validateModel(line, "theory/line.yaml")), 1, 0, { trace: true });
    const rows = trace!.filter((r) => r.time <= 9.5).map((r) => [r.time, r.item, r.what, r.stage]);
    expect(rows).toEqual([
      [2, 0, "arrive", null],
      [2, 0, "enter", "dev"],
      [2, 0, "start", "dev"],
      [3, 0, "finish", "dev"],
      [3, 0, "enter", "review"], // waits at the gate
      [4, 1, "arrive", null],
      [4, 1, "enter", "dev"],
      [4, 1, "start", "dev"],
      [5, 1, "finish", "dev"],
      [5, 1, "enter", "review"],
      [6, 2, "arrive", null],
      [6, 2, "enter", "dev"],
      [6, 2, "start", "dev"],
      // Day 7: item 2 finishes dev as the gate opens. Completions come before gate openings at
      // the same time, so it reaches the gate first and makes this week's batch.
      [7, 2, "finish", "dev"],
      [7, 2, "enter", "review"],
      [7, 0, "start", "review"], // the gate releases 0, 1, 2 in order; 1 and 2 queue for the reviewer
      // Day 8: a completion and an arrival. The completion goes first: the freed reviewer takes
      // item 1, item 0 moves on to deploy, then item 3 arrives.
      [8, 0, "finish", "review"],
      [8, 1, "start", "review"],
      [8, 0, "enter", "deploy"],
      [8, 0, "start", "deploy"],
      [8, 3, "arrive", null],
      [8, 3, "enter", "dev"],
      [8, 3, "start", "dev"],
      [8.5, 0, "finish", "deploy"],
      [8.5, 0, "done", null], // lead time 6.5
      // Day 9: two completions, in the order they were scheduled (review's at 8 before dev's at 8).
      [9, 1, "finish", "review"],
      [9, 2, "start", "review"],
      [9, 1, "enter", "deploy"],
      [9, 1, "start", "deploy"],
      [9, 3, "finish", "dev"],
      [9, 3, "enter", "review"], // missed day 7's gate: waits for day 14
      [9.5, 1, "finish", "deploy"],
      [9.5, 1, "done", null], // lead time 5.5
    ]);
    expect(trace!.every((r) => r.stream === "feature")).toBe(true);
  });

  it("reports every figure of the window exactly", async () => {
    const doc = await once(line);
    const f = doc.streams.feature;
    expect(f.completed.mean).toBe(14);
    expect(f.throughput.mean).toBe(14 / 28);
    expect(f.leadTime.mean.mean).toBe(95 / 14); // the sum of the 14 lead times above is 95
    // Each item spends 6.5 + 5.5 ... in the system; clipped to the window the areas also sum to 95.
    expect(f.wip.mean).toBe(95 / 28);
    expect(f.flowEfficiency.mean).toBe((14 * 2.5) / 95); // touch time 1 + 1 + 0.5 per item
    // Review: services starting in the window are items 5-18, waiting (gate and queue)
    // 4 3 | 6 5 4 3 | 5 4 3 | 6 5 4 3 | 5 = 60 days in all.
    expect(doc.stages.review.visits.mean).toBe(14);
    expect(doc.stages.review.wait.mean).toBe(60 / 14);
    // Items waiting at review, integrated over the window: 60 item-days (items 5, 6, 19 and 20
    // are clipped at its ends; it is a coincidence that this is also 60).
    expect(doc.stages.review.queueLength.mean).toBe(60 / 28);
    // Busy time in the window: dev 14 days, review 14, deploy 7, out of 28.
    expect(doc.stages.dev.utilization!.mean).toBe(0.5);
    expect(doc.stages.review.utilization!.mean).toBe(0.5);
    expect(doc.stages.deploy.utilization!.mean).toBe(0.25);
    expect(doc.stages.dev.wait.mean).toBe(0);
    expect(doc.stages.deploy.wait.mean).toBe(0);
    expect(doc.stages.dev.visits.mean).toBe(14);
    expect(doc.stages.deploy.visits.mean).toBe(14);
    // Percentiles: lower nearest rank, from a sketch that is within SKETCH_ALPHA of the value
    // (exact only when all values are equal; see the next test).
    expect(leadTimes.reduce((a, b) => a + b, 0)).toBe(95);
    const exact = { p50: 6.5, p85: 7.5, p95: 8.5 };
    expect({ p50: nearestRankQuantile(leadTimes, 0.5), p85: nearestRankQuantile(leadTimes, 0.85), p95: nearestRankQuantile(leadTimes, 0.95) }).toEqual(exact);
    for (const p of ["p50", "p85", "p95"] as const) {
      expect(Math.abs(f.leadTime[p].mean - exact[p]), p).toBeLessThanOrEqual(SKETCH_ALPHA * exact[p]);
    }
  });
});

describe("the same-time order at a gate", () => {
  // Work arrives every 7 days (first at day 7); build takes 3 days, so item k finishes build at
  // 7k + 3, the very moment the board gate opens (every 7, offset 3); the board takes 2 days and
  // deploy 1. Completion before gate opening: every item makes the batch at once and its lead
  // time is 3 + 2 + 1 = 6. Were the gate to open first, every item would wait a week: 13.
  const weekly = {
    warmup: 7.5,
    horizon: 70, // the window (7.5, 77.5] sees items 1-10 complete, at 13, 20, ..., 76
    stages: {
      build: { servers: 1, processTime: { dist: "fixed", value: 3 } },
      board: { servers: 1, processTime: { dist: "fixed", value: 2 }, batch: { every: 7, offset: 3 } },
      deploy: { servers: 1, processTime: { dist: "fixed", value: 1 } },
    },
    streams: { feature: { arrivals: { interarrival: { dist: "fixed", value: 7 } }, route: ["build", "board", "deploy"] } },
  };

  it("lets an item that completes as the gate opens make that batch", async () => {
    const doc = await once(weekly);
    const f = doc.streams.feature;
    // All lead times are equal, so the sketch's percentiles are exact (it clamps to min and max).
    expect([f.leadTime.mean.mean, f.leadTime.p50.mean, f.leadTime.p85.mean, f.leadTime.p95.mean]).toEqual([6, 6, 6, 6]);
    expect(f.completed.mean).toBe(10);
    expect(f.throughput.mean).toBe(1 / 7);
    expect(f.wip.mean).toBe(6 / 7); // Little's law, exact here
    expect(f.flowEfficiency.mean).toBe(1); // no item ever waits
    expect(doc.stages.board.wait.mean).toBe(0);
    expect(doc.stages.board.queueLength.mean).toBe(0);
    expect(doc.stages.board.visits.mean).toBe(10);
    expect(doc.stages.build.utilization!.mean).toBe(3 / 7);
    expect(doc.stages.board.utilization!.mean).toBe(2 / 7);
    expect(doc.stages.deploy.utilization!.mean).toBe(1 / 7);
  });
});
