import { describe, expect, it } from "vitest";
import { validateModel } from "../../src/index.js";
import { evaluate, netValueDifference } from "../../src/experiments/evaluate.js";
import { candidates, multisets, place, placementCount, withHires } from "../../src/experiments/place.js";

/**
 * Three stages in a row, one stream of 0.9 items a day. `build` is the constraint: one server at
 * load 0.9 (Lq = 8.1 by M/M/1); `test` (2 servers, load 0.4) and `ship` (load 0.3) wait little.
 * At 2000 a day of delay per item waiting, one more builder saves about 8 items x 2000 x 365 a
 * year, far more than a tester or a shipper could (Lq 0.15 and 0.13 at most).
 */
const model = validateModel(
  {
    name: "constraint",
    timeUnit: "day",
    warmup: 400,
    horizon: 1500,
    replications: 12,
    seed: 11,
    economics: { costPerPerson: 100000, year: "365d" },
    stages: {
      build: { servers: 1, processTime: { dist: "exponential", mean: 1 } },
      test: { servers: 2, processTime: { dist: "exponential", mean: 0.8 / 0.9 } },
      ship: { servers: 1, processTime: { dist: "exponential", mean: 0.3 / 0.9 } },
      wait: { servers: "unlimited", processTime: 1 },
    },
    streams: { work: { arrivals: { rate: 0.9 }, route: ["build", "test", "ship", "wait"], costOfDelay: { amount: 2000 } } },
  },
  "constraint.yaml",
);

describe("placements", () => {
  it("are every multiset of N hires over the stages, as many as C(N + k - 1, N)", () => {
    expect(multisets(3, 2)).toEqual([[2, 0, 0], [1, 1, 0], [1, 0, 1], [0, 2, 0], [0, 1, 1], [0, 0, 2]]);
    for (const [k, n] of [[1, 3], [4, 3], [9, 2], [5, 5]]) expect(multisets(k, n)).toHaveLength(placementCount(k, n));
    expect(placementCount(9, 4)).toBe(495);
    const m = withHires(model, { build: 2 });
    expect([m.stages.build.servers, m.stages.build.headcount, model.stages.build.servers]).toEqual([3, 3, 1]);
  });

  it("default to the stages with limited servers; --at names only known, limited stages", () => {
    expect(candidates(model, undefined)).toEqual(["build", "test", "ship"]);
    expect(() => candidates(model, ["bild"])).toThrow(/names unknown stage "bild" \(did you mean "build"\?\)/);
    expect(() => candidates(model, ["wait"])).toThrow(/has unlimited servers/);
  });
});

describe("vsm place", () => {
  it("puts one hire at the constraint, distinguishably better than the second", async () => {
    const doc = await place(model, { hires: 1, workers: 1 });
    expect(doc.search).toBe("every placement");
    expect(doc.placements.map((p) => p.hires)).toHaveLength(3);
    expect(doc.placements[0].hires).toEqual({ build: 1 });
    expect(doc.placements[0].addedPeople).toBe(1);
    expect(doc.placements[0].valuePerPerson).toBeCloseTo(doc.placements[0].netValue.mean, 6);
    expect(doc.bestVsSecond!.distinguishable).toBe(true);
  });

  it("greedy search (forced) finds the same first hire as the full search and keeps two at the constraint's side", async () => {
    const full = await place(model, { hires: 2, workers: 1 });
    const greedy = await place(model, { hires: 2, workers: 1, maxEnumerated: 1 });
    expect(greedy.search).toBe("greedy");
    expect(greedy.screened).toBe(6); // two steps over three stages
    for (const d of [full, greedy]) expect(d.placements[0].hires.build).toBeGreaterThanOrEqual(1);
    expect(greedy.placements[0].hires).toEqual(full.placements[0].hires);
  });

  it("the paired difference of two future states is the difference of their net values", async () => {
    const ev = await evaluate(model, [withHires(model, { build: 1 }), withHires(model, { test: 1 })], { workers: 1, replications: 5 });
    const net = ev.doc.scenarios.map((s) => s.diff.economics!.netValue.mean);
    expect(netValueDifference(ev, 1, 0).mean).toBeCloseTo(net[0], 3);
    expect(netValueDifference(ev, 2, 0).mean).toBeCloseTo(net[1], 3);
    const d = netValueDifference(ev, 1, 2);
    expect(d.mean).toBeCloseTo(net[0] - net[1], 3);
    expect(d.n).toBe(5);
  });
});
