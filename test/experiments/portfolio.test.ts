import { describe, expect, it } from "vitest";
import { validateModel } from "../../src/index.js";
import { families, portfolio, sharedStages } from "../../src/experiments/portfolio.js";

/**
 * Three streams: `card` and `bank` cross intake then review (one family); `ops` crosses intake
 * only, then its own team. Review is one server at load 0.8 (M/M/1 Wq = 4 days), so it holds
 * card and bank up most; ops waits at intake (load 0.6 over 2 servers, Wq 0.56) at most.
 */
const spec = (card: Record<string, unknown> = {}) => ({
  name: "portfolio",
  timeUnit: "day",
  warmup: 200,
  horizon: 1000,
  replications: 6,
  seed: 3,
  economics: { costPerPerson: 100000, year: "365d" },
  stages: {
    intake: { servers: 2, processTime: { dist: "exponential", mean: 1 } },
    review: { servers: 1, processTime: { dist: "exponential", mean: 1 } },
    ops_team: { servers: "unlimited", processTime: 2 },
  },
  streams: {
    card: { arrivals: { rate: 0.5 }, route: ["intake", "review"], costOfDelay: { amount: 1000 }, ...card },
    bank: { arrivals: { rate: 0.3 }, route: ["intake", "review"], costOfDelay: { amount: 500 }, strategicWeight: 2 },
    ops: { arrivals: { rate: 0.4 }, route: ["intake", "ops_team"], costOfDelay: { amount: 100 } },
  },
});

describe("vsm portfolio", () => {
  it("finds the shared stages and the product families from the routes", () => {
    const m = validateModel(spec(), "p.yaml");
    expect(sharedStages(m)).toEqual(["intake", "review"]);
    expect(families(m)).toEqual([
      { sharedStages: ["intake", "review"], streams: ["card", "bank"] },
      { sharedStages: ["intake"], streams: ["ops"] },
    ]);
  });

  it("ranks by cost of delay x weight x readiness, with the evidence", async () => {
    const doc = await portfolio(validateModel(spec(), "p.yaml"), { workers: 1 });
    // card 0.5 x 1000 and bank 0.3 x 500 x weight 2 per day of lead time; both share the lead time.
    expect(doc.streams.map((s) => s.stream)).toEqual(["card", "bank", "ops"]);
    const card = doc.streams[0];
    expect(card.weightedSeverity).toBe(card.severity);
    expect(card.costOfDelay).toBe(doc.base.economics!.streams.card.delayCost.mean);
    expect(doc.streams[1].weightedSeverity).toBeCloseTo(2 * doc.streams[1].severity, 6);
    expect(card.holdUp!.stage).toBe("review");
    expect(doc.streams[2].holdUp!.stage).toBe("intake");
    // All of card's waiting is at shared stages; ops' waiting share is its intake wait over its lead time.
    const lead = doc.base.streams.card.leadTime.mean.mean;
    const waits = Object.values(doc.base.byStream.card).reduce((a, x) => a + x.visits.mean * x.wait.mean, 0);
    expect(card.sharedWaitShare).toBeCloseTo(waits / lead, 9);
    expect(card.sharedWaitShare).toBeGreaterThan(0.5); // Wq 4 of a lead time near 6.6 days
    expect(card.spread).toBeCloseTo(doc.base.streams.card.leadTime.p95.mean / doc.base.streams.card.leadTime.p50.mean, 9);
  });

  it("puts a stream with no readiness last, whatever its cost", async () => {
    const doc = await portfolio(validateModel(spec({ readiness: 0 }), "p.yaml"), { workers: 1, replications: 2 });
    expect(doc.streams.map((s) => s.stream)).toEqual(["bank", "ops", "card"]);
    expect(doc.streams[2].weightedSeverity).toBe(0);
  });

  it("refuses a readiness outside 0-1 and a negative weight, naming the field", () => {
    expect(() => validateModel(spec({ readiness: 1.5 }), "p.yaml")).toThrow(/p\.yaml: streams\.card\.readiness must be from 0 to 1/);
    expect(() => validateModel(spec({ strategicWeight: -1 }), "p.yaml")).toThrow(/streams\.card\.strategicWeight must be >= 0/);
  });
});
