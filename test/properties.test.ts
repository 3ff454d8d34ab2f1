import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { STREAM_FIGURES, compile, runReplication, simulateModels, validateModel } from "../src/index.js";
import { modelArb } from "./fixtures/random-models.js";

/**
 * Properties over random valid models (fast-check): the engine never crashes, the clock never
 * goes back, no wait is negative, no stage ever has more items in service than servers, items are
 * conserved, and the same seed gives the same numbers whatever the number of workers.
 */

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
      expect(two.summaries[0].all()).toEqual(one.summaries[0].all());
    }
  });
});
