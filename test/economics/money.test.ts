import { describe, expect, it } from "vitest";
import { validateModel } from "../../src/index.js";
import { type FlowAverages, headcountOf, replicationMoney } from "../../src/economics/money.js";

/** The formulas of docs/economics.md, checked by hand on made-up time averages. */
const model = validateModel(
  {
    horizon: 100,
    economics: { currency: "EUR", costPerPerson: 100_000, year: "52w", blockedFte: 0.1 },
    stages: {
      dev: { servers: 3, peoplePerServer: 8, processTime: 2 },
      sec: { servers: 2, processTime: 1, blockedFte: 0.25, rework: { probability: 0.2, to: "dev", effort: 0.5 } },
      env: { servers: "unlimited", headcount: 3, processTime: 1 },
    },
    streams: {
      pay: { arrivals: { rate: 1 }, route: ["dev", "sec", "env"], costOfDelay: { amount: 7000, per: "1w" } },
      web: { arrivals: { rate: 1 }, route: ["dev", "sec"] },
    },
  },
  "money.yaml",
);

const averages: FlowAverages = {
  queueLength: (g) => [4, 2, 0][g],
  utilization: (g) => [0.75, 0.5, NaN][g],
  wip: (s) => [10, 6][s],
  waiting: (s, g) => [[3, 1.5, 0], [1, 0.5, 0]][s][g],
  reworkBusy: (cause, g) => (cause === 1 ? [0.3, 0.1, 0][g] : 0),
};

describe("money of one replication", () => {
  it("follows docs/economics.md to the cent", () => {
    const m = replicationMoney(model, averages);
    const year = 364; // 52 weeks, in days
    const cod = 1000; // 7,000 a week is 1,000 a day
    // dev: waiting 4 items x 0.1 x 100k; delay: pay's 3 items x 1,000 x 364; no rework caused; idle 25% of 24 people.
    expect(Array.from(m.stages.slice(0, 4))).toEqual([40_000, 3 * cod * year, 0, 0.25 * 24 * 100_000]);
    // sec: 2 items x 0.25 x 100k; pay's 1.5 items x 1,000 x 364; repeat passes it caused:
    // 0.3 servers of dev (8 people each) and 0.1 of sec (1 person): 2.5 people; idle 50% of 2.
    const sec = Array.from(m.stages.slice(4, 8));
    expect(sec[0]).toBeCloseTo(50_000, 6);
    expect(sec[1]).toBeCloseTo(1.5 * cod * year, 6);
    expect(sec[2]).toBeCloseTo((0.3 * 8 + 0.1 * 1) * 100_000, 6);
    expect(sec[3]).toBeCloseTo(100_000, 6);
    // env: nothing waits; unlimited: no idle capacity figure.
    expect(Array.from(m.stages.slice(8, 12))).toEqual([0, 0, 0, NaN]);
    // Streams: pay's WIP 10 x 1,000 x 364, of which 4.5 items waiting; web has no cost of delay.
    expect(Array.from(m.streams)).toEqual([10 * cod * year, 4.5 * cod * year, 0, 0]);
    expect(headcountOf(model)).toBe(24 + 2 + 3);
  });

  it("validates the cost model with the file, the field and what is wrong", () => {
    const bad = (patch: object) => () => validateModel({ horizon: 1, stages: { a: { servers: 1, processTime: 1 } }, streams: { s: { arrivals: { rate: 1 }, route: ["a"] } }, ...patch }, "bad.yaml");
    expect(bad({ economics: { costPerPerson: -1 } })).toThrow(/bad\.yaml: economics\.costPerPerson must be >= 0 \(got -1\)/);
    expect(bad({ economics: {} })).toThrow(/economics\.costPerPerson is required/);
    expect(bad({ economics: { costPerPerson: 1, blockedFte: 2 } })).toThrow(/economics\.blockedFte must be from 0 to 1/);
    expect(bad({ stages: { a: { servers: "unlimited", processTime: 1, peoplePerServer: 3 } } })).toThrow(/stages\.a\.peoplePerServer has no meaning on an unlimited stage/);
    expect(bad({ stages: { a: { servers: 2, processTime: 1, headcount: 3 } } })).toThrow(/stages\.a\.headcount goes with servers: unlimited/);
    expect(bad({ stages: { a: { servers: 1, processTime: 1, rework: { probability: 0.1, effort: 0 } } } })).toThrow(/stages\.a\.rework\.effort must be greater than zero/);
    expect(bad({ streams: { s: { arrivals: { rate: 1 }, route: ["a"], costOfDelay: { amount: 5, per: "0d" } } } })).toThrow(/streams\.s\.costOfDelay\.per must be greater than zero/);
  });
});

describe("money in the outputs", () => {
  const raw = {
    horizon: 200,
    warmup: 20,
    economics: { costPerPerson: 150_000, blockedFte: 0.2, currency: "=GBP" },
    stages: {
      dev: { servers: 2, peoplePerServer: 6, processTime: { dist: "exponential", mean: 1.5 } },
      sec: { servers: 1, processTime: { dist: "exponential", mean: 0.6 }, rework: { probability: 0.25, effort: 0.5 } },
    },
    streams: { w: { arrivals: { rate: 1 }, route: ["dev", "sec"], costOfDelay: { amount: 1000 } } },
  };

  it("run: a Pareto of stages by total, the constraint in money in one sentence, CSV rows, JSON keys", async () => {
    const { simulate } = await import("../../src/index.js");
    const { runTable } = await import("../../src/report/table.js");
    const { runCsv } = await import("../../src/report/csv.js");
    const doc = await simulate(validateModel(raw, "priced.yaml"), { replications: 4, seed: 3, workers: 1 });
    const e = doc.economics!;
    expect(Object.keys(e).sort()).toEqual(["constraint", "currency", "delay", "payroll", "people", "peoplePayroll", "stages", "streams", "total"]);
    expect(Object.keys(e.stages.sec).sort()).toEqual(["delay", "delayCost", "idleCapacity", "payroll", "reworkPayroll", "share", "total", "waitingPayroll"]);
    expect(e.stages.dev.share + e.stages.sec.share).toBeCloseTo(1, 12);
    expect(e.total.mean).toBeCloseTo(e.payroll.mean + e.delay.mean, 6);
    expect(e.people).toBe(13);
    const text = runTable(doc);
    expect(text).toMatch(/^What the flow costs a year \(=GBP;/m);
    expect(text).toMatch(new RegExp(`^The constraint in money: ${e.constraint!.stage} costs =GBP [\\d.]+[kM]? ± [\\d.]+[kM]? a year: `, "m"));
    const csv = await runCsv(doc);
    expect(csv).toMatch(/^priced,economics,,'=GBP,total,/m); // a currency label is never a spreadsheet formula
    expect(csv).toMatch(/^priced,stage-money,sec,sec,reworkPayroll,\d/m);
  });

  it("a model without economics prints no money and says how to add it", async () => {
    const { simulate } = await import("../../src/index.js");
    const { runTable } = await import("../../src/report/table.js");
    const { economics: _, ...unpriced } = raw;
    const doc = await simulate(validateModel(unpriced, "plain.yaml"), { replications: 2, seed: 3, workers: 1 });
    expect(doc.economics).toBeUndefined();
    expect(runTable(doc)).toMatch(/^Money: this model has no economics section; add one \(docs\/economics\.md\)/m);
  });
});
