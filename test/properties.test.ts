import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { STREAM_FIGURES, compile, runReplication, simulateModels, validateModel } from "../src/index.js";

/**
 * Properties over random valid models (fast-check): the engine never crashes, the clock never
 * goes back, no wait is negative, no stage ever has more items in service than servers, items are
 * conserved, and the same seed gives the same numbers whatever the number of workers.
 */

const distArb = fc.oneof(
  fc.record({ dist: fc.constant("exponential"), mean: fc.double({ min: 0.05, max: 1, noNaN: true }) }),
  fc.double({ min: 0, max: 1, noNaN: true }),
  fc.record({ dist: fc.constant("uniform"), min: fc.constant(0.1), max: fc.double({ min: 0.2, max: 1, noNaN: true }) }),
  fc.record({ dist: fc.constant("lognormal"), mean: fc.double({ min: 0.05, max: 1, noNaN: true }), cv: fc.double({ min: 0.1, max: 2, noNaN: true }) }),
);

const stageArb = fc.record(
  {
    servers: fc.oneof(fc.integer({ min: 1, max: 4 }), fc.constant("unlimited")),
    processTime: distArb,
    policy: fc.constantFrom("fifo", "priority"),
    batch: fc.oneof(fc.record({ every: fc.double({ min: 0.5, max: 5, noNaN: true }) }), fc.record({ size: fc.integer({ min: 1, max: 4 }), timeout: fc.constant(2) })),
    rework: fc.record({ probability: fc.double({ min: 0, max: 0.5, noNaN: true }) }),
  },
  { requiredKeys: ["servers", "processTime"] },
);

const modelArb = fc.integer({ min: 1, max: 4 }).chain((nStages) => {
  const ids = Array.from({ length: nStages }, (_, i) => `s${i}`);
  const step = fc.oneof(
    { weight: 3, arbitrary: fc.constantFrom(...ids) },
    { weight: 1, arbitrary: fc.record({ stage: fc.constantFrom(...ids), probability: fc.double({ min: 0, max: 1, noNaN: true }) }) },
    { weight: 1, arbitrary: fc.tuple(fc.constantFrom(...ids), fc.constantFrom(...ids)).map(([a, b]) => ({ parallel: [[a], [b]] })) },
  );
  const stream = fc.record({
    arrivals: fc.record({ rate: fc.double({ min: 0.05, max: 1.5, noNaN: true }) }),
    priority: fc.integer({ min: 0, max: 2 }),
    route: fc.array(step, { minLength: 1, maxLength: 4 }),
  });
  return fc.record({
    warmup: fc.constant(5),
    horizon: fc.constant(60),
    stages: fc.tuple(...ids.map(() => stageArb)).map((ss) => Object.fromEntries(ss.map((s, i) => [ids[i], s]))),
    streams: fc.array(stream, { minLength: 1, maxLength: 3 }).map((ss) => Object.fromEntries(ss.map((s, i) => [`w${i}`, s]))),
  });
});

describe("properties of random valid models", () => {
  it("never crash, keep time moving forward, never wait negatively and never exceed capacity", () => {
    fc.assert(
      fc.property(modelArb, fc.integer({ min: 0, max: 1000 }), (raw, seed) => {
        const model = validateModel(raw, "random.yaml");
        const compiled = compile(model);
        const r = runReplication(compiled, seed, 0, { trace: true, maxWip: 5000 });
        const trace = r.trace!;
        let last = 0;
        const entered = new Map<number, number>();
        const inService = new Map<string, number>();
        let arrived = 0;
        let done = 0;
        for (const row of trace) {
          expect(row.time).toBeGreaterThanOrEqual(last);
          last = row.time;
          if (row.what === "arrive") arrived++;
          if (row.what === "done") done++;
          if (row.what === "enter") entered.set(row.item, row.time);
          if (row.what === "start") {
            expect(row.time).toBeGreaterThanOrEqual(entered.get(row.item)!);
            const n = (inService.get(row.stage!) ?? 0) + 1;
            inService.set(row.stage!, n);
            expect(n).toBeLessThanOrEqual(model.stages[row.stage!].servers);
          }
          if (row.what === "finish") inService.set(row.stage!, inService.get(row.stage!)! - 1);
        }
        expect(last).toBeLessThanOrEqual(model.warmup + model.horizon);
        // Conservation: what arrived either left or is still somewhere in the value stream.
        const completedInWindow = model.streams && Object.keys(model.streams).reduce((a, _, i) => a + r.streams[i * STREAM_FIGURES.length + 1], 0);
        expect(arrived).toBe(done + r.inFlight);
        expect(completedInWindow).toBeLessThanOrEqual(done);
        for (let i = 0; i < r.streams.length; i++) {
          const f = STREAM_FIGURES[i % STREAM_FIGURES.length];
          if (f === "throughput" || f === "completed" || f === "wip") expect(r.streams[i]).toBeGreaterThanOrEqual(0);
          if (f === "flowEfficiency" && !Number.isNaN(r.streams[i])) expect(r.streams[i]).toBeLessThanOrEqual(1 + 1e-9);
        }
      }),
      { numRuns: 150, seed: 20261125 },
    );
  });

  it("give the same numbers for the same seed in-process and on two worker threads", async () => {
    const samples = fc.sample(modelArb, { numRuns: 3, seed: 7 });
    for (const raw of samples) {
      // Long enough that a pool really runs (the runner stays in-process for tiny jobs).
      const model = validateModel({ ...raw, horizon: 3000 }, "random.yaml");
      const one = await simulateModels([model], { replications: 24, seed: 3, workers: 1, maxWip: 20000 });
      const two = await simulateModels([model], { replications: 24, seed: 3, workers: 2, maxWip: 20000 });
      const figures = (o: typeof one) => o.summaries[0].streams.map((w) => [w.count, w.mean, w.variance()]);
      expect(figures(two)).toEqual(figures(one));
      expect(two.summaries[0].stages.map((w) => w.mean)).toEqual(one.summaries[0].stages.map((w) => w.mean));
    }
  });
});
