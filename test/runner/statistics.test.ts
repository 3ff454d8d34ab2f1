/**
 * Issue #11's statistical slips, each as a user met it: replications stopped by the
 * work-in-progress cap averaged in, tight intervals on a model with no steady state, --precision
 * satisfied by one replication, false marks under no change, figures in two time units
 * subtracted, the constraint named by its queue alone.
 */
import { resolve } from "node:path";
import { describe, expect, it } from "vitest";
import { compare, loadModel, simulate, simulateModels, validateModel } from "../../src/index.js";
import { compareDocument, compareTable } from "../../src/report/compare.js";
import { runTable } from "../../src/report/table.js";

const exp = (mean: number) => ({ dist: "exponential", mean });
const mm1 = (rate: number, extra: object = {}) => ({
  warmup: 20,
  horizon: 2000,
  stages: { dev: { servers: 1, processTime: exp(1) } },
  streams: { work: { arrivals: { rate }, route: ["dev"] } },
  ...extra,
});

describe("replications stopped by the work-in-progress cap", () => {
  it("are counted, left out of every figure, and said so (M/M/1 at rho 0.97, cap 60)", async () => {
    const model = validateModel(mm1(0.97), "cap.yaml");
    const doc = await simulate(model, { replications: 20, seed: 3, workers: 1, maxWip: 60 });
    const capped = doc.unstable.find((u) => u.stage === "dev")!;
    expect(capped.replications).toBeGreaterThan(0);
    expect(capped.replications).toBeLessThan(20);
    expect(doc.included).toBe(20 - capped.replications);
    for (const f of [doc.streams.work.leadTime.mean, doc.streams.work.leadTime.p85, doc.stages.dev.wait, doc.stages.dev.utilization!]) {
      expect(f.n).toBe(doc.included);
    }
    const text = runTable(doc);
    expect(text).toMatch(new RegExp(`UNSTABLE: ${capped.replications} of 20 replications stopped .* left out: the figures rest on the other ${doc.included}`));
    // Below capacity by the model's own figures: listed, but not said to grow with the run.
    expect(doc.streams.work.leadTime.mean.unstable).toBeUndefined();
  });
});

describe("a model with no steady state", () => {
  const overloaded = validateModel(mm1(1.25, { horizon: 200 }), "overloaded.yaml");
  it("marks every figure that grows with the run length, in JSON and in the table, and lists the stage", async () => {
    const doc = await simulate(overloaded, { replications: 5, seed: 1, workers: 1 });
    expect(doc.warnings.length).toBeGreaterThan(0);
    expect(doc.unstable).toEqual([{ stage: "dev", replications: 0, cause: "offered load 1.25 >= 1" }]);
    const s = doc.streams.work;
    for (const f of [s.leadTime.mean, s.leadTime.p50, s.leadTime.p85, s.leadTime.p95, s.wip, s.flowEfficiency, doc.stages.dev.wait, doc.stages.dev.queueLength]) {
      expect(f.unstable).toBe(true);
    }
    for (const f of [s.throughput, s.completed, doc.stages.dev.utilization!, doc.stages.dev.visits]) expect(f.unstable).toBeUndefined();
    const text = runTable(doc);
    expect(text).toMatch(/ !/);
    expect(text).toMatch(/^! grows with the length of the run/m);
  });

  it("gives a change against it no mark and no interval in the headline", async () => {
    const fixed = validateModel(mm1(1.25, { horizon: 200, stages: { dev: { servers: 2, processTime: exp(1) } } }), "fixed.yaml");
    const doc = await compare(overloaded, [fixed], { replications: 5, seed: 1, workers: 1 });
    const d = doc.scenarios[0].diff.streams.work.leadTime.mean;
    expect(d.unstable).toBe(true);
    expect(d.significant).toBe(false);
    expect(compareTable(doc)).toMatch(/p85 lead time .* \(grows with the run length: no steady state\)/);
  });
});

describe("--precision", () => {
  it("never stops on one replication, and says what it watched", async () => {
    const model = validateModel(mm1(0.5, { horizon: 200 }), "precision.yaml");
    const doc = await simulate(model, { replications: 1, precision: 0.01, maxReplications: 15, seed: 2, workers: 1 });
    expect(doc.replications).toBeGreaterThanOrEqual(10);
    expect(doc.precision!.reached).toBe(doc.precision!.achieved <= 0.01);
    expect(doc.precision!.achieved).toBeGreaterThan(0);
    expect(runTable(doc)).toMatch(/Precision NOT reached: every stream's mean lead time is known only within ±\d/);
  });

  it("at most doubles the replications from one round to the next, where the first round projects more", async () => {
    const model = validateModel(mm1(0.5, { horizon: 200 }), "rounds.yaml");
    // What the first round of 10 alone projects: the square-root law, 10% past.
    const first = await simulateModels([model], { replications: 10, precision: 0.004, maxReplications: 10, seed: 2, workers: 1 });
    const projected = Math.ceil(10 * (first.precision!.worst / 0.004) ** 2 * 1.1);
    expect(projected).toBeGreaterThan(40); // so that the cap, not the projection, decides
    const totals: number[] = [];
    const out = await simulateModels([model], {
      replications: 10,
      precision: 0.004,
      maxReplications: 400,
      seed: 2,
      workers: 1,
      onProgress: (p) => {
        if (totals.at(-1) !== p.total) totals.push(p.total);
      },
    });
    expect(totals.slice(0, 3)).toEqual([10, 20, 40]);
    for (let i = 1; i < totals.length; i++) expect(totals[i]).toBeLessThanOrEqual(2 * totals[i - 1]);
    expect(out.replications).toBe(totals.at(-1));
  });

  it("in compare watches the paired change in mean and p85 lead time, and says when it is not met", async () => {
    const base = validateModel(mm1(0.5, { horizon: 200 }), "base.yaml");
    const faster = validateModel(mm1(0.5, { horizon: 200, stages: { dev: { servers: 1, processTime: exp(0.8) } } }), "faster.yaml");
    const doc = await compare(base, [faster], { replications: 2, precision: 0.001, maxReplications: 12, seed: 2, workers: 1 });
    expect(doc.base.replications).toBe(12);
    expect(doc.base.precision!.rule).toBe("paired change in mean and p85 lead time");
    expect(compareTable(doc)).toMatch(/Precision NOT reached: every scenario's change in every stream's mean and p85 lead time .* after 12 replications/);
    const met = await compare(base, [faster], { replications: 2, precision: 0.2, seed: 2, workers: 1 });
    expect(met.base.precision!.reached).toBe(true);
    const d = met.scenarios[0].diff.streams.work.leadTime;
    const b = met.base.streams.work.leadTime;
    expect(d.mean.ci95! / b.mean.mean).toBeLessThanOrEqual(0.2);
    expect(d.p85.ci95! / b.p85.mean).toBeLessThanOrEqual(0.2);
  });

  it("says which future states are within the target when the whole is not", async () => {
    const base = validateModel(mm1(0.5, { horizon: 200 }), "base.yaml");
    // A 2% faster server pairs closely; two servers with a lognormal of cv 1.5 hardly pair at all.
    const near = validateModel({ ...mm1(0.5, { horizon: 200, stages: { dev: { servers: 1, processTime: exp(0.98) } } }), name: "Slightly faster" }, "near.yaml");
    const far = validateModel({ ...mm1(0.5, { horizon: 200, stages: { dev: { servers: 2, processTime: { dist: "lognormal", mean: 2, cv: 1.5 } } } }), name: "Two \u001b[31mservers" }, "far.yaml");
    const doc = await compare(base, [near, far], { replications: 10, precision: 0.05, maxReplications: 20, seed: 2, workers: 1 });
    const p = doc.base.precision!;
    // Each future state's own widest, recomputed from the document's figures (mean and p85, as a share of the base's).
    const own = doc.scenarios.map((s) => Math.max(...(["mean", "p85"] as const).map((k) => s.diff.streams.work.leadTime[k].ci95! / doc.base.streams.work.leadTime[k].mean)));
    expect(p.scenarios.map((x) => x.name)).toEqual(["Slightly faster", "Two \u001b[31mservers"]);
    p.scenarios.forEach((x, k) => {
      expect(x.achieved).toBeCloseTo(own[k], 12);
      expect(x.reached).toBe(own[k] <= 0.05);
    });
    expect(p.scenarios.map((x) => x.reached)).toEqual([true, false]);
    expect(p.achieved).toBe(Math.max(...p.scenarios.map((x) => x.achieved)));
    const text = compareTable(doc);
    const line = text.split("\n").find((l) => l.startsWith("Precision NOT reached"))!;
    expect(line).toMatch(new RegExp(`raise --max-replications\\. 1 of 2 scenarios are within the target; not yet: Two \\\\u001b\\[31mservers \\(±${(own[1] * 100).toPrecision(3).replace(".", "\\.")}%\\)\\.$`));
    expect(line).not.toContain("\u001b");
    // A run is no comparison: nothing to list.
    const alone = await simulate(base, { replications: 2, precision: 0.001, maxReplications: 12, seed: 2, workers: 1 });
    expect(alone.precision!.scenarios).toEqual([]);
    expect(runTable(alone)).not.toMatch(/within the target; not yet/);
  });

  it("--precision-abs: the same figures to within a time, in the base's unit, and says so", async () => {
    const base = validateModel(mm1(0.5, { horizon: 200 }), "base.yaml");
    const faster = validateModel(mm1(0.5, { horizon: 200, stages: { dev: { servers: 1, processTime: exp(0.8) } } }), "faster.yaml");
    // M/M/1 at rho 0.5 and 0.4: mean lead time 2 and 1.33 (days); their change known to ±0.1 day.
    const met = await compare(base, [faster], { replications: 2, precisionAbs: 0.1, seed: 2, workers: 1 });
    const p = met.base.precision!;
    expect(p).toMatchObject({ absolute: true, target: 0.1, reached: true, rule: "paired change in mean and p85 lead time" });
    const d = met.scenarios[0].diff.streams.work.leadTime;
    expect(Math.max(d.mean.ci95!, d.p85.ci95!)).toBe(p.achieved);
    expect(p.achieved).toBeLessThanOrEqual(0.1);
    expect(met.base.replications).toBeGreaterThanOrEqual(10);
    expect(compareTable(met)).toMatch(new RegExp(`Precision: every scenario's change in every stream's mean and p85 lead time is known within ±0\\.0\\d+ days \\(target ±0\\.1\\d* days\\) after ${met.base.replications} replications\\.`));
    const short = await compare(base, [faster], { replications: 2, precisionAbs: 0.001, maxReplications: 12, seed: 2, workers: 1 });
    expect(short.base.precision).toMatchObject({ absolute: true, reached: false });
    expect(compareTable(short)).toMatch(/Precision NOT reached: .* known only within ±\d[\d.]* days after 12 replications \(target ±0\.001\d* days; the widest: [^:]+: work, (mean|p85) lead time\)/);
    // The widest named is the one whose half-width the rule reports.
    const w = short.base.precision!.widest!.endsWith("p85 lead time") ? "p85" : "mean";
    expect(short.scenarios[0].diff.streams.work.leadTime[w].ci95).toBe(short.base.precision!.achieved);
    await expect(compare(base, [faster], { precision: 0.01, precisionAbs: 0.1, workers: 1 })).rejects.toThrow(/give one target, not both/);
  });

  it("says the economics total was watched only when some pair is priced and the target is relative", async () => {
    const economics = { costPerPerson: 100000 };
    const priced = validateModel(mm1(0.5, { horizon: 200, economics }), "priced.yaml");
    const pricedFaster = validateModel(mm1(0.5, { horizon: 200, economics, stages: { dev: { servers: 1, processTime: exp(0.8) } } }), "faster.yaml");
    const unpriced = validateModel(mm1(0.5, { horizon: 200, stages: { dev: { servers: 1, processTime: exp(0.8) } } }), "unpriced.yaml");
    const sentence = (d: Awaited<ReturnType<typeof compare>>) => compareTable(d).split("\n").find((l) => l.startsWith("Precision"))!;
    const both = await compare(priced, [pricedFaster], { replications: 2, precision: 0.5, seed: 2, workers: 1 });
    expect(both.base.precision!.economics).toBe(true);
    expect(sentence(both)).toContain("and in the economics total");
    // The base prices time, its future state does not: no pair is priced, nothing about money was watched.
    const one = await compare(priced, [unpriced], { replications: 2, precision: 0.5, seed: 2, workers: 1 });
    expect(one.base.precision!.economics).toBe(false);
    expect(sentence(one)).not.toContain("economics");
    const abs = await compare(priced, [pricedFaster], { replications: 2, precisionAbs: 1, seed: 2, workers: 1 });
    expect(abs.base.precision!.economics).toBe(false);
  });
});

describe("significance marks", () => {
  // Two streams, three stages: 18 figures a scenario. The "future state" swaps one stage's
  // exponential process time for a gamma with cv 1, the same distribution drawn another way: no
  // change at all, but the draws differ, so every figure moves by noise.
  const raw = (service: object) => ({
    warmup: 20,
    horizon: 300,
    stages: { a: { servers: 2, processTime: exp(1.2) }, b: { servers: 1, processTime: service }, c: { servers: 1, processTime: exp(0.5) } },
    streams: { x: { arrivals: { rate: 0.6 }, route: ["a", "b", "c"] }, y: { arrivals: { rate: 0.5 }, route: ["a", "c"] } },
  });
  it("under no change: Holm keeps the family-wise false marks near 5% (raw p-values would mark far more)", async () => {
    const base = validateModel(raw(exp(0.8)), "base.yaml");
    const same = validateModel(raw({ dist: "gamma", mean: 0.8, cv: 1 }), "same.yaml");
    let marked = 0;
    let rawHits = 0;
    for (let e = 0; e < 20; e++) {
      const doc = await compare(base, [same], { replications: 10, seed: 900 + e, workers: 1 });
      const d = doc.scenarios[0].diff;
      const all = [...Object.values(d.streams).flatMap((s) => [s.throughput, s.wip, s.leadTime.mean, s.leadTime.p50, s.leadTime.p85, s.leadTime.p95]), ...Object.values(d.stages).flatMap((s) => [s.wait, ...(s.utilization ? [s.utilization] : [])])];
      expect(all.length).toBe(18);
      if (all.some((f) => f.significant)) marked++;
      rawHits += all.filter((f) => f.p !== null && f.p < 0.05).length;
    }
    // Binomial(20, 0.05) for Holm: P(4 or more) = 0.016. Raw p < 0.05 on 360 figures: ~18 expected.
    expect(marked).toBeLessThanOrEqual(3);
    expect(rawHits).toBeGreaterThan(5);
  });

  it("a real but trivial change gets no mark below the minimum effect, and one at --min-effect 0", async () => {
    const base = validateModel(raw(exp(0.8)), "base.yaml");
    // Stage a is 66% busy; 1% faster there takes 0.66 points off its utilization.
    const tweak = validateModel({ ...raw(exp(0.8)), stages: { ...raw(exp(0.8)).stages, a: { servers: 2, processTime: exp(1.188) } } }, "tweak.yaml");
    const doc = await compare(base, [tweak], { replications: 40, seed: 5, workers: 1 });
    const u = doc.scenarios[0].diff.stages.a.utilization!;
    expect(u.p!).toBeLessThan(0.001); // real: common random numbers see it
    expect(Math.abs(u.mean)).toBeLessThan(0.01); // and under one point
    expect(u.significant).toBe(false);
    const zero = compareDocument(await simulateModels([base, tweak], { replications: 40, seed: 5, workers: 1 }), { minEffect: 0 });
    expect(zero.scenarios[0].diff.stages.a.utilization!.significant).toBe(true);
    expect(compareTable(doc)).toMatch(/^\* the change is significant at 5% after Holm's correction .* at least 1% of the base value/m);
  });
});

describe("compare in one time unit", () => {
  it("converts a future state restated in hours: the same model gives no change", async () => {
    const days = {
      timeUnit: "day",
      warmup: 10,
      horizon: 100,
      stages: { dev: { servers: 2, processTime: { dist: "lognormal", mean: 1.5, cv: 0.8 } }, board: { servers: 1, processTime: 0.1, batch: { every: 7, offset: 1 } } },
      streams: { w: { arrivals: { rate: 1 }, route: ["dev", "board"] } },
    };
    const hours = {
      ...days,
      timeUnit: "hour",
      warmup: 240,
      horizon: 2400,
      stages: { dev: { servers: 2, processTime: { dist: "lognormal", mean: 36, cv: 0.8 } }, board: { servers: 1, processTime: 2.4, batch: { every: 168, offset: 24 } } },
      streams: { w: { arrivals: { rate: 1 / 24 }, route: ["dev", "board"] } },
    };
    const doc = await compare(validateModel(days, "days.yaml"), [validateModel(hours, "hours.yaml")], { replications: 5, seed: 4, workers: 1 });
    const s = doc.scenarios[0];
    expect(s.notes[0]).toMatch(/written in hours; it was converted to days/);
    expect(s.run.timeUnit).toBe("day");
    const lead = s.diff.streams.w.leadTime;
    for (const f of [lead.mean, lead.p85]) {
      expect(Math.abs(f.mean)).toBeLessThan(1e-6 * doc.base.streams.w.leadTime.mean.mean);
      expect(f.significant).toBe(false);
    }
    expect(compareTable(doc)).toMatch(/^note: this future state is written in hours/m);
  });

  it("says when the window differs from the base's", async () => {
    const a = validateModel(mm1(0.5, { horizon: 200 }), "a.yaml");
    const b = validateModel(mm1(0.5, { horizon: 300, warmup: 50 }), "b.yaml");
    const doc = await compare(a, [b], { replications: 3, seed: 4, workers: 1 });
    expect(doc.scenarios[0].notes).toEqual([
      "warm-up differs from the base: 50 against 20 days",
      "horizon differs from the base: 300 against 200 days; time averages cover windows of different lengths",
    ]);
  });
});

describe("the constraint, in two senses", () => {
  it("names where work waits most apart from the busiest resource (the example's weekly board is 85% idle)", async () => {
    // Environment provisioning (offered load 0.78) is busier than security (0.65, its re-reviews at 0.4 effort).
    const doc = await simulate(loadModel(resolve("models/acme-saas.yaml")), { replications: 5, workers: 1 });
    expect(doc.constraint!.stage).toBe("arch_review");
    expect(doc.constraint!.utilization!.mean).toBeLessThan(0.2);
    expect(doc.busiest!.stage).toBe("platform_env");
    const text = runTable(doc);
    expect(text).toMatch(/^Flow constraint \(where work waits most\): Architecture review board \(arch_review\), .* so the wait comes from batching or a gate, not from capacity\.$/m);
    expect(text).toMatch(/^Capacity constraint \(busiest resource\): Environment provisioning \(platform team\) \(platform_env\), \d+\.\d% ± [\d.]+% busy\.$/m);
  });
});

describe("compare tables", () => {
  it("show a new stage's figures, the scenario's names, exact zeros, points for utilization, and a constraint that moves", async () => {
    const raw = {
      warmup: 10,
      horizon: 300,
      stages: { dev: { servers: 1, processTime: exp(0.9) }, qa: { name: "QA", servers: 1, processTime: exp(0.5) } },
      streams: { w: { arrivals: { rate: 1 }, route: ["dev", "qa"] }, v: { arrivals: { rate: 0.05 }, route: ["qa"] } },
    };
    const next = {
      ...raw,
      stages: { dev: { servers: 2, processTime: exp(0.9) }, qa: { name: "Quality", servers: 1, processTime: exp(0.5) }, docs: { servers: 1, processTime: exp(0.2) } },
      streams: { w: { arrivals: { rate: 1 }, route: ["dev", "qa", "docs"] }, v: { arrivals: { rate: 0.05 }, route: ["qa"] } },
    };
    const doc = await compare(validateModel(raw, "now.yaml"), [validateModel(next, "next.yaml")], { replications: 5, seed: 8, workers: 1 });
    const text = compareTable(doc);
    expect(text).toMatch(/^docs \(new\) wait +- +[\d.]+ +- +- *$/m);
    expect(text).toMatch(/^Quality \(qa\) wait/m);
    expect(text).toMatch(/^dev utilization +\d+\.?\d*% +\d+\.?\d*% +-\d+\.?\d* pts ± [\d.]+ +\* *$/m);
    expect(text).toMatch(/^The flow constraint \(where work waits most\) moves from dev to Quality \(qa\)\.$/m);
    expect(text).toMatch(/^The busiest resource moves from dev to Quality \(qa\)\.$/m);
    expect(text).toMatch(/^v throughput +[\d.]+ +[\d.]+ +0 +0% *$/m);
    expect(text).not.toMatch(/e-1\d%/);
  });
});
