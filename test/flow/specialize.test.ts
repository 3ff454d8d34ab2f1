import { spawnSync } from "node:child_process";
import { readdirSync } from "node:fs";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { classSource, specializedSimulation } from "../../src/flow/specialize.js";
import { type CompiledModel, ModelError, type ReplicationResult, compile, loadModel, runReplication, validateModel } from "../../src/index.js";
import { descentModelArb, modelArb, tieModelArb } from "../fixtures/random-models.js";

// The event loop written out for a model (src/flow/specialize.ts) must give exactly what the
// general loop gives: same events, same figures to the last bit, same stop when a model runs out
// of capacity. Checked on every model file in the repository, on models built to have exact
// ties, and on random models with every kind of step.

/** Both loops on one replication; the specialized one must really be the specialized one. */
function both(m: CompiledModel, seed: number, replication: number, maxWip?: number) {
  expect(specializedSimulation(m), "a specialized loop exists").not.toBeNull();
  const general = runReplication(m, seed, replication, { loop: "general", maxWip });
  const special = runReplication(m, seed, replication, { loop: "specialized", maxWip });
  return { general, special };
}

/** Bit-for-bit equality (NaN equals NaN, -0 differs from 0), with the first difference named. */
function expectSame(a: ReplicationResult, b: ReplicationResult, what: string) {
  expect(b.events, `${what}: events`).toBe(a.events);
  expect(b.inFlight, `${what}: in flight`).toBe(a.inFlight);
  expect(b.unstable, `${what}: unstable`).toEqual(a.unstable);
  for (const key of ["streams", "stages", "byStream"] as const) {
    expect(b[key].length).toBe(a[key].length);
    a[key].forEach((x, i) => expect(Object.is(b[key][i], x), `${what}: ${key}[${i}] ${b[key][i]} vs ${x}`).toBe(true));
  }
}

type RawStep = string | { stage?: string; parallel?: RawStep[][]; processTime?: unknown; [k: string]: unknown };
type RawModel = { stages: Record<string, { servers: number | string; processTime: unknown; dedicated?: Record<string, number>; borrow?: boolean }>; streams: Record<string, { route: RawStep[] }> };

/**
 * A random model given dedicated servers where they fit (one server to each of some streams that
 * visit a stage, leaving the shared part one unless no other stream visits), borrowing on some,
 * and a stream's own process time on some plain steps; `dice` decides each (0-99).
 */
function withAllocation(raw: RawModel, dice: number[]): RawModel {
  let d = 0;
  const roll = () => dice[d++ % dice.length];
  const visits = (route: RawStep[], out: Set<string>) => {
    for (const step of route) {
      if (typeof step === "string") out.add(step);
      else if (step.parallel) step.parallel.forEach((b) => visits(b, out));
      else if (step.stage) out.add(step.stage);
    }
    return out;
  };
  const streams = Object.fromEntries(
    Object.entries(raw.streams).map(([id, s]) => [
      id,
      { ...s, route: s.route.map((step) => (typeof step === "string" && roll() < 30 ? { stage: step, processTime: roll() < 50 ? { dist: "exponential", mean: 0.05 + roll() / 100 } : roll() / 100 } : step)) },
    ]),
  );
  const stages = Object.fromEntries(
    Object.entries(raw.stages).map(([id, st]) => {
      if (typeof st.servers !== "number" || roll() < 10) return [id, st];
      const visitors = Object.keys(streams).filter((sid) => visits(streams[sid].route, new Set()).has(id));
      const chosen = visitors.filter(() => roll() < 60);
      const all = chosen.length === visitors.length && chosen.length <= st.servers;
      const dedicated = Object.fromEntries((all ? chosen : chosen.slice(0, st.servers - 1)).map((sid) => [sid, 1]));
      if (Object.keys(dedicated).length === 0) return [id, st];
      return [id, { ...st, dedicated, borrow: roll() < 50 }];
    }),
  );
  return { ...raw, stages, streams };
}

const files = [
  "models/acme-saas.yaml",
  ...readdirSync("scenarios").map((f) => `scenarios/${f}`),
  "test/fixtures/small.yaml",
  ...readdirSync("test/fixtures/scenarios").map((f) => `test/fixtures/scenarios/${f}`),
];

describe("the specialized event loop", () => {
  it.each(files)("gives the general loop's figures exactly: %s", (file) => {
    const m = compile(loadModel(file));
    for (const [seed, replication] of [
      [1, 0],
      [2, 5],
    ]) {
      const { general, special } = both(m, seed, replication);
      expectSame(general, special, `${file} seed ${seed} replication ${replication}`);
    }
  });

  it("gives the same figures on the benchmark models, with and without a warm-up", () => {
    for (const file of ["bench/models/mm2.yaml", "bench/models/jackson.yaml"]) {
      for (const warmup of [0, 50]) {
        const m = compile(loadModel(file, { set: ["horizon=2000", `warmup=${warmup}`] }));
        const { general, special } = both(m, 7, 0);
        expectSame(general, special, `${file} warm-up ${warmup}`);
      }
    }
  });

  it("breaks exact ties the same way (fixed times, gates opening as work arrives, rework)", () => {
    const m = compile(
      validateModel(
        {
          warmup: 3.5,
          horizon: 200,
          stages: {
            dev: { servers: 2, processTime: 1, rework: { probability: 0.3 } },
            review: { servers: 1, processTime: 1, batch: { every: 7 } },
            qa: { servers: 1, processTime: 0.5, batch: { size: 3, timeout: 2 } },
            deploy: { servers: 1, processTime: 0.25, policy: "priority" },
          },
          streams: {
            feature: { arrivals: { interarrival: 1 }, priority: 1, route: ["dev", "review", "qa", "deploy"] },
            fix: { arrivals: { interarrival: 2 }, priority: 2, route: ["dev", { stage: "qa", probability: 0.5 }, "deploy"] },
            spike: { arrivals: { interarrival: 3.5 }, route: [{ parallel: [["dev"], ["review", "deploy"]] }, "qa"] },
          },
        },
        "ties.yaml",
      ),
    );
    for (const seed of [1, 2, 3]) {
      const { general, special } = both(m, seed, 0);
      expectSame(general, special, `ties seed ${seed}`);
    }
  });

  it("stops at the same moment when work in progress hits the cap", () => {
    const m = compile(
      validateModel({ horizon: 1000, stages: { slow: { servers: 1, processTime: { dist: "exponential", mean: 2 } } }, streams: { a: { arrivals: { rate: 1 }, route: ["slow"] } } }, "unstable.yaml"),
    );
    const { general, special } = both(m, 1, 0, 50);
    expect(general.unstable).not.toBeNull();
    expectSame(general, special, "unstable");
  });

  it("gives the same figures on random models with every kind of step", () => {
    fc.assert(
      fc.property(modelArb, fc.integer({ min: 0, max: 1000 }), (raw, seed) => {
        const m = compile(validateModel(raw, "random.yaml"));
        const { general, special } = both(m, seed, 0, 5000);
        expectSame(general, special, `seed ${seed}`);
      }),
      { numRuns: 200, seed: 20261126 },
    );
  });

  it("gives the same figures on random models with dedicated servers, borrowing and a step's own process time", () => {
    let allocated = 0;
    fc.assert(
      fc.property(modelArb, fc.array(fc.integer({ min: 0, max: 99 }), { minLength: 40, maxLength: 40 }), fc.integer({ min: 0, max: 1000 }), (raw, dice, seed) => {
        const model = withAllocation(raw as RawModel, dice);
        const m = compile(validateModel(model, "allocated.yaml"));
        if (m.partCount.some((n) => n > 1)) allocated++;
        const { general, special } = both(m, seed, 0, 5000);
        expectSame(general, special, `seed ${seed}`);
      }),
      { numRuns: 150, seed: 20261204 },
    );
    expect(allocated).toBeGreaterThan(50); // most models; the rest have no finite stage to split
  });

  it("shares one class between copies of a model, and reads what it does not fold in from the model", () => {
    // A worker thread compiles a fresh copy of the model for every task: they must share a class
    // (V8 optimizes a class once). Two models that differ only in a lognormal's spread have the
    // same source, so they share it too, and each must still get its own figures.
    const raw = (cv: number) => ({
      horizon: 300,
      stages: { dev: { servers: 2, processTime: { dist: "lognormal", mean: 1, cv } } },
      streams: { a: { arrivals: { rate: 1.5 }, route: ["dev"] } },
    });
    const a = compile(validateModel(raw(0.5), "a.yaml"));
    const b = compile(validateModel(raw(1.5), "b.yaml"));
    expect(specializedSimulation(compile(validateModel(raw(0.5), "a2.yaml")))).toBe(specializedSimulation(a));
    expect(specializedSimulation(b)).toBe(specializedSimulation(a));
    for (const m of [a, b]) {
      const { general, special } = both(m, 3, 0);
      expectSame(general, special, `cv ${m.model.stages.dev.processTime}`);
    }
    expect(runReplication(b, 3, 0, { loop: "specialized" }).streams).not.toEqual(runReplication(a, 3, 0, { loop: "specialized" }).streams);
 
    // A run of a base and a few dozen scenarios: every task's fresh copies still find their class.
    const scenario = (mean: number) => ({ horizon: 10, stages: { dev: { servers: 1, processTime: { dist: "exponential", mean } } }, streams: { a: { arrivals: { rate: 1 }, route: ["dev"] } } });
    const means = Array.from({ length: 40 }, (_, i) => 0.1 + i / 100);
    const first = means.map((x) => specializedSimulation(compile(validateModel(scenario(x), "s.yaml"))));
    for (let task = 0; task < 3; task++) means.forEach((x, i) => expect(specializedSimulation(compile(validateModel(scenario(x), "s.yaml")))).toBe(first[i]));
  });

  it("gives the same figures on random models built for ties, nested branches and rework targets", () => {
    let valid = 0;
    fc.assert(
      fc.property(tieModelArb, fc.integer({ min: 0, max: 1000 }), (raw, seed) => {
        let m: CompiledModel;
        try {
          m = compile(validateModel(raw, "ties.yaml"));
        } catch (e) {
          if (e instanceof ModelError) return; // refused by the validator: not a model
          throw e;
        }
        valid++;
        const { general, special } = both(m, seed, 0, 300);
        expectSame(general, special, `seed ${seed}`);
      }),
      { numRuns: 300, seed: 20261127 },
    );
    expect(valid).toBeGreaterThan(100); // about half are valid models
  });

  it("gives the same figures on random models with rework into completed parallel branches", () => {
    let descents = 0;
    fc.assert(
      fc.property(descentModelArb, fc.integer({ min: 0, max: 1000 }), (raw, seed) => {
        let m: CompiledModel;
        try {
          m = compile(validateModel(raw, "descent.yaml"));
        } catch (e) {
          if (e instanceof ModelError) return; // rework to a stage that is not in the fork
          throw e;
        }
        if (m.reworkDescent.length > 0) descents++;
        const { general, special } = both(m, seed, 0, 300);
        expectSame(general, special, `seed ${seed}`);
      }),
      { numRuns: 80, seed: 20261204 },
    );
    expect(descents).toBeGreaterThan(30);
  });

  it("puts only numbers from the model into the source, never its names", () => {
    const m = compile(
      validateModel(
        {
          horizon: 10,
          stages: { stage_zq1: { servers: 3, processTime: { dist: "exponential", mean: 1 / 3 }, rework: { probability: 0.1 + 0.2 } } },
          streams: { stream_zq2: { arrivals: { rate: 0.7 }, route: ["stage_zq1"] } },
        },
        "names.yaml",
      ),
    );
    const source = classSource(m);
    expect(source).not.toContain("zq");
    expect(source).toContain(String(1 / 3)); // the shortest text that reads back as the same double
    expect(source).toContain(String(0.1 + 0.2));
  });

  it("falls back to the general loop for a model too large to write out, with the same figures", () => {
    const n = 400;
    const stages = Object.fromEntries(Array.from({ length: n }, (_, i) => [`s${i}`, { servers: 1, processTime: { dist: "exponential", mean: 0.001 } }]));
    const m = compile(validateModel({ horizon: 20, stages, streams: { a: { arrivals: { rate: 1 }, route: Object.keys(stages) } } }, "large.yaml"));
    expect(specializedSimulation(m)).toBeNull();
    const general = runReplication(m, 1, 0, { loop: "general" });
    expectSame(general, runReplication(m, 1, 0, { loop: "specialized" }), "large");
  });

  it("falls back to the general loop where the process forbids generated code", () => {
    // The built library, in a process started with --disallow-code-generation-from-strings.
    const script = `
      const v = await import("./dist/index.js");
      const { specializedSimulation } = await import("./dist/flow/specialize.js");
      const m = v.compile(v.loadModel("models/acme-saas.yaml"));
      const r = v.runReplication(m, 1, 0, { loop: "specialized" });
      console.log(JSON.stringify({ none: specializedSimulation(m) === null, streams: Array.from(r.streams) }));`;
    const out = spawnSync(process.execPath, ["--disallow-code-generation-from-strings", "--input-type=module", "-e", script], { encoding: "utf8" });
    expect(out.stderr).toBe("");
    const got = JSON.parse(out.stdout);
    expect(got.none).toBe(true);
    const m = compile(loadModel("models/acme-saas.yaml"));
    expect(got.streams).toEqual(JSON.parse(JSON.stringify(Array.from(runReplication(m, 1, 0, { loop: "general" }).streams))));
  });
});
