import { describe, expect, it } from "vitest";
import { compare, simulate, validateModel } from "../../src/index.js";
import { mmc } from "./formulas.js";
import { exponential, expectTheory, run, seed } from "./tolerance.js";

/**
 * Money (docs/economics.md) against hand computation and queueing theory. Every money figure is a
 * price x a time average, so each check is a theory value for the time average, priced.
 */
const C = 200_000;
const YEAR = 365;

describe("what waiting costs", () => {
  it("M/M/1 with blockedFte: waitingPayroll = Lq x blockedFte x costPerPerson", async () => {
    // rho 0.5: Lq = 0.5; relaxation ~12 time units; 40 x 20,000 units for ci95 near 1.5%.
    const doc = await run(
      "money-mm1",
      {
        warmup: 200,
        horizon: 20_000,
        economics: { costPerPerson: C, blockedFte: 0.1 },
        stages: { dev: { servers: 1, processTime: exponential(1) } },
        streams: { work: { arrivals: { rate: 0.5 }, route: ["dev"] } },
      },
      40,
      9101,
    );
    const q = mmc(0.5, 1, 1);
    expectTheory("waitingPayroll", doc.economics!.stages.dev.waitingPayroll, q.lq * 0.1 * C);
    expectTheory("idleCapacity", doc.economics!.stages.dev.idleCapacity!, (1 - q.rho) * C);
    expect(doc.economics!.total.mean).toBeCloseTo(doc.economics!.stages.dev.waitingPayroll.mean, 6);
  });

  it("two streams through one FIFO M/M/1: each stream's delay is its own Lq x its cost of delay", async () => {
    // Rates 0.3 and 0.2, mean service 1: Wq = 1 for both (FIFO), Lq = 0.3 and 0.2; W = 2.
    const doc = await run(
      "money-two-streams",
      {
        warmup: 200,
        horizon: 20_000,
        economics: { costPerPerson: C },
        stages: { review: { servers: 1, processTime: exponential(1) } },
        streams: {
          a: { arrivals: { rate: 0.3 }, route: ["review"], costOfDelay: { amount: 7000, per: "1w" } },
          b: { arrivals: { rate: 0.2 }, route: ["review"], costOfDelay: { amount: 500 } },
        },
      },
      40,
      9102,
    );
    const e = doc.economics!;
    expectTheory("stage delayCost", e.stages.review.delayCost, (0.3 * 1000 + 0.2 * 500) * YEAR);
    expectTheory("stream a delayCost (whole lead time)", e.streams.a.delayCost, 0.3 * 2 * 1000 * YEAR);
    expectTheory("stream a waitingDelayCost", e.streams.a.waitingDelayCost, 0.3 * 1 * 1000 * YEAR);
    expectTheory("stream b waitingDelayCost", e.streams.b.waitingDelayCost, 0.2 * 1 * 500 * YEAR);
    expect(e.stages.review.waitingPayroll.mean).toBe(0); // blockedFte defaults to 0: nothing claimed
  });
});

describe("what rework costs, and where it is charged", () => {
  it("rework to self with effort e: repeat work lambda x e E[S] p / (1 - p), charged to the stage", async () => {
    const p = 0.3;
    const e = 0.5;
    const lambda = 0.4;
    const doc = await run(
      "money-rework-self",
      {
        warmup: 200,
        horizon: 20_000,
        economics: { costPerPerson: C },
        stages: { sec: { servers: 1, processTime: exponential(1), rework: { probability: p, to: "sec", effort: e } } },
        streams: { w: { arrivals: { rate: lambda }, route: ["sec"] } },
      },
      20,
      9103,
    );
    const repeats = p / (1 - p);
    expectTheory("reworkPayroll", doc.economics!.stages.sec.reworkPayroll, lambda * repeats * e * 1 * C);
    // A repeat pass takes e of a first pass: utilization counts it.
    expectTheory("utilization", doc.stages.sec.utilization!, lambda * (1 + repeats * e));
  });

  it("rework to an earlier stage: the repeat pass through both is charged to the stage that returned the work", async () => {
    const p = 0.25;
    const e = 0.4;
    const lambda = 0.3;
    const doc = await run(
      "money-rework-back",
      {
        warmup: 200,
        horizon: 20_000,
        economics: { costPerPerson: C },
        stages: {
          dev: { servers: 3, peoplePerServer: 5, processTime: exponential(2) },
          sec: { servers: 1, processTime: exponential(0.5), rework: { probability: p, to: "dev", effort: e } },
        },
        streams: { w: { arrivals: { rate: lambda }, route: ["dev", "sec"] } },
      },
      20,
      9104,
    );
    const repeats = p / (1 - p);
    // dev: lambda x repeats x e x 2 servers busy, 5 people each; sec: lambda x repeats x e x 0.5.
    const busyDev = lambda * repeats * e * 2;
    const busySec = lambda * repeats * e * 0.5;
    expectTheory("sec reworkPayroll", doc.economics!.stages.sec.reworkPayroll, (busyDev * 5 + busySec * 1) * C);
    expect(doc.economics!.stages.dev.reworkPayroll.mean).toBe(0);
    expectTheory("dev utilization", doc.stages.dev.utilization!, (lambda * 2 * (1 + repeats * e)) / 3);
  });
});

describe("a deterministic model, exact to the cent", () => {
  it("one item a day through a weekly gate: 3 items waiting on average, priced", async () => {
    // Items arrive at 1, 2, 3, ...; the gate opens at 0, 7, 14, ...: in each week 1 + 2 + ... + 6
    // item-days of waiting (the item arriving at the opening leaves at once): 21 / 7 = 3 items.
    const model = validateModel(
      {
        warmup: 70,
        horizon: 700,
        economics: { costPerPerson: C, blockedFte: 0.1, currency: "EUR" },
        stages: { board: { servers: 1, processTime: 0, batch: { every: 7 } } },
        streams: { w: { arrivals: { interarrival: 1 }, route: ["board"], costOfDelay: { amount: 7000, per: "1w" } } },
      },
      "money-exact.yaml",
    );
    const doc = await simulate(model, { replications: 2, seed: seed(9105), workers: 1 });
    const e = doc.economics!;
    expect(e.currency).toBe("EUR");
    expect(e.stages.board.waitingPayroll.mean).toBeCloseTo(3 * 0.1 * C, 2);
    expect(e.stages.board.delayCost.mean).toBeCloseTo(3 * 1000 * YEAR, 2);
    expect(e.total.mean).toBeCloseTo(60_000 + 1_095_000, 2);
    expect(e.constraint!.stage).toBe("board");
    expect(e.people).toBe(1);
  });
});

describe("what a change is worth", () => {
  it("adding a server adds its people's payroll; net value is the saving less that payroll", async () => {
    const raw = (servers: number) => ({
      warmup: 1000,
      horizon: 20_000,
      economics: { costPerPerson: C, blockedFte: 0.2 },
      stages: { qa: { servers, peoplePerServer: 4, processTime: exponential(1.6) } },
      streams: { w: { arrivals: { rate: 1 }, route: ["qa"], costOfDelay: { amount: 3000 } } },
    });
    const doc = await compare(validateModel(raw(2), "qa2.yaml"), [validateModel(raw(3), "qa3.yaml")], { replications: 80, seed: seed(9106), workers: 1 });
    const d = doc.scenarios[0].diff.economics!;
    expect(d.addedPeople).toBe(4);
    expect(d.addedPayroll).toBe(4 * C);
    expect(d.netValue.mean).toBeCloseTo(-d.total.mean - 4 * C, 6);
    expect(d.netValue.ci95).toBe(d.total.ci95);
    // Paired: the change in total is the scenario's total less the base's, replication by replication.
    expect(d.total.mean).toBeCloseTo(doc.scenarios[0].run.economics!.total.mean - doc.base.economics!.total.mean, 6);
    // 80 replications: at 50 the saving's ci95 is about 75,000 (2.6%; eight seeds, old and new
    // draws alike), so twice it sat at the 5% the power check allows and passed only on a lucky seed.
    // M/M/2 -> M/M/3 at 1.6 Erlangs: Lq 2.84 -> 0.31 items; at 3,000 a day plus 0.2 x 200k each.
    const lq2 = mmc(1, 1 / 1.6, 2).lq;
    const lq3 = mmc(1, 1 / 1.6, 3).lq;
    expectTheory("saving", { ...d.total, mean: -d.total.mean }, (lq2 - lq3) * (3000 * YEAR + 0.2 * C));
  });
});

describe("offered load counts repeat passes at their effort", () => {
  it("matches lambda (1 + e p / (1 - p)) E[S] / c for rework to self and to an earlier stage", async () => {
    const { offeredLoads } = await import("../../src/index.js");
    const model = validateModel(
      {
        horizon: 10,
        stages: {
          dev: { servers: 3, processTime: exponential(2) },
          sec: { servers: 1, processTime: exponential(0.5), rework: { probability: 0.25, to: "dev", effort: 0.4 } },
          qa: { servers: 2, processTime: exponential(1), rework: { probability: 0.2, to: "qa", effort: 0.5 } },
        },
        streams: { w: { arrivals: { rate: 0.3 }, route: ["dev", "sec", "qa"] } },
      },
      "load.yaml",
    );
    const load = Object.fromEntries(offeredLoads(model).map((l) => [l.stage, l]));
    const r1 = 0.25 / 0.75;
    const r2 = 0.2 / 0.8;
    expect(load.dev.load).toBeCloseTo((0.3 * (1 + 0.4 * r1) * 2) / 3, 12);
    expect(load.sec.load).toBeCloseTo(0.3 * (1 + 0.4 * r1) * 0.5, 12);
    expect(load.qa.load).toBeCloseTo((0.3 * (1 + 0.5 * r2) * 1) / 2, 12);
    // Visits still count every pass.
    expect(load.dev.visitRate).toBeCloseTo(0.3 * (1 + r1), 12);
  });
});
