import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { loadModel, ModelError } from "../../src/index.js";
import { combinations, parseVary, pointModels } from "../../src/experiments/vary.js";
import { paretoFront } from "../../src/experiments/pareto.js";
import { sweep } from "../../src/experiments/sweep.js";
import { sweepCsv } from "../../src/report/experiments/csv.js";
import { mmc } from "../theory/formulas.js";

const dir = mkdtempSync(join(tmpdir(), "vsm-sweep-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/**
 * One M/M/c review stage: arrivals 3 a day, reviews of 1 day. Money a year at c servers is the
 * delay of the items waiting, Lq(c) x 500 a day x 365 (blockedFte 0: no waiting payroll), and the
 * payroll of its c people at 100k: by Erlang C the cheapest is c = 5 (4 -> 5 saves 214k of delay
 * for 100k of payroll, 5 -> 6 only 46k).
 */
const COD = 500;
const PERSON = 100_000;
const YEAR = 365;
const erlangModel = (servers: number) => `
name: erlang
timeUnit: day
warmup: 100
horizon: 2000
replications: 12
seed: 5
economics: { costPerPerson: ${PERSON}, year: 365d }
stages:
  review: { servers: ${servers}, processTime: { dist: exponential, mean: 1 } }
streams:
  work: { arrivals: { rate: 3 }, route: [review], costOfDelay: { amount: ${COD} } }
`;
const file = join(dir, "erlang.yaml");
writeFileSync(file, erlangModel(4));

describe("--vary values", () => {
  it("reads integer ranges, lists and objects with commas inside", () => {
    expect(parseVary("stages.a.servers=2..5")).toEqual({ path: "stages.a.servers", values: ["2", "3", "4", "5"] });
    expect(parseVary(`stages.a.dedicated={"p":1,"q":2},null`).values).toEqual([`{"p":1,"q":2}`, "null"]);
    expect(parseVary("stages.a.policy=fifo, priority").values).toEqual(["fifo", "priority"]);
    expect(combinations([parseVary("a=1,2"), parseVary("b=x,y")])).toEqual([["a=1", "b=x"], ["a=1", "b=y"], ["a=2", "b=x"], ["a=2", "b=y"]]);
  });

  it("applies an object value as a merge patch and null as removing the field", () => {
    const { changes, models } = pointModels(file, [parseVary('stages.review.batch={"every":7,"offset":2},null')]);
    expect(changes).toEqual([['stages.review.batch={"every":7,"offset":2}'], ["stages.review.batch=null"]]);
    expect(models[0].stages.review.batch).toEqual({ kind: "schedule", every: 7, offset: 2, max: null });
    expect(models[1].stages.review.batch).toBeNull();
    expect(models[1].stages.review.servers).toBe(4); // the rest of the base untouched
  });

  it("refuses a bad path or value before anything runs, naming it", () => {
    const problems = (f: () => unknown) => {
      try {
        f();
      } catch (e) {
        if (e instanceof ModelError) return e.problems.map((p) => `${p.file}: ${p.path} ${p.message}`);
        throw e;
      }
      return [];
    };
    expect(problems(() => parseVary("stages.a.servers=5..2"))[0]).toMatch(/--vary: stages\.a\.servers has the range 5\.\.2, which is empty/);
    expect(problems(() => parseVary("nothing"))[0]).toMatch(/must be FIELD\.PATH=VALUES/);
    expect(problems(() => pointModels(file, [parseVary("stages.reveiw.servers=2,3")]))[0]).toMatch(/--vary: stages\.reveiw names unknown stage "reveiw" \(did you mean "review"\?\)/);
    expect(problems(() => pointModels(file, [parseVary("stages.review.servers=0,2")]))).toEqual([expect.stringMatching(/^--vary: stages\.review\.servers must be a whole number >= 1 \(got 0\)$/)]);
    expect(problems(() => pointModels(file, [parseVary("stages.review.policy=fifo,lifo")]))[0]).toMatch(/stages\.review\.policy must be one of fifo, priority/);
  });
});

describe("the Pareto front", () => {
  it("matches a brute force: sort by cost, keep each point with a lead time below every cheaper one's", () => {
    // Ties on both criteria are kept (neither beats the other), so the brute force compares strictly.
    let s = 12345;
    const rnd = () => ((s = (s * 1103515245 + 12345) % 2 ** 31), Math.floor((s / 2 ** 31) * 8));
    for (let trial = 0; trial < 50; trial++) {
      const pts = Array.from({ length: 12 }, () => ({ cost: rnd(), leadTime: rnd() }));
      const brute = pts.map((p) => !pts.some((q) => (q.cost < p.cost && q.leadTime <= p.leadTime) || (q.cost <= p.cost && q.leadTime < p.leadTime)));
      expect(paretoFront(pts)).toEqual(brute);
    }
    expect(paretoFront([{ cost: NaN, leadTime: 0 }, { cost: 1, leadTime: 1 }])).toEqual([false, true]);
  });
});

describe("vsm sweep on an M/M/c stage", () => {
  it("finds the capacity Erlang C says is cheapest, with money against theory and the front checked by hand", async () => {
    const base = loadModel(file);
    const vary = [parseVary("stages.review.servers=4..8")];
    const { changes, models } = pointModels(file, vary);
    const doc = await sweep(base, models, changes, ["stages.review.servers"], { workers: 1 });
    expect(doc.points.map((p) => p.changes)).toEqual([4, 5, 6, 7, 8].map((c) => ({ "stages.review.servers": c })));
    const theory = (c: number) => mmc(3, 1, c).lq * COD * YEAR + c * PERSON;
    const cs = [4, 5, 6, 7, 8];
    const best = cs.reduce((a, c) => (theory(c) < theory(a) ? c : a));
    expect(best).toBe(5);
    const sim = doc.points.map((p) => p.annualCost!);
    expect(cs[sim.indexOf(Math.min(...sim))]).toBe(best);
    for (const [i, c] of [4, 5, 6].entries()) {
      const total = doc.points[i].run.economics!.total;
      expect(Math.abs(total.mean - mmc(3, 1, c).lq * COD * YEAR)).toBeLessThanOrEqual(2 * total.ci95!);
      expect(doc.points[i].headcountPayroll).toBe(c * PERSON);
    }
    // Net value against the base (c = 4): the fall in the total less the added payroll.
    const p5 = doc.points[1];
    expect(p5.netValue!.mean).toBeCloseTo(doc.base.economics!.total.mean - p5.run.economics!.total.mean - PERSON, 2);
    // Lead time falls with every server; cost is lowest at 5: the front is 5..8, 4 is beaten by 5.
    const brute = doc.points.map((p) => !doc.points.some((q) => q !== p && q.annualCost! <= p.annualCost! && q.leadTime <= p.leadTime && (q.annualCost! < p.annualCost! || q.leadTime < p.leadTime)));
    expect(doc.points.map((p) => p.pareto)).toEqual(brute);
    expect(doc.points.map((p) => p.pareto)).toEqual([false, true, true, true, true]);
    const csv = await sweepCsv(doc);
    expect(csv.split("\n")[0]).toMatch(/^point,stages\.review\.servers,work\.leadTimeMean,work\.leadTimeP85,leadTimeMean,economicsTotal/);
    expect(csv.split("\n")).toHaveLength(6);
  });
});
