import { describe, expect, it } from "vitest";
import { validateModel, simulate } from "../src/index.js";

describe("smoke", () => {
  it("runs an M/M/1 queue and reports a positive lead time", async () => {
    const model = validateModel(
      { horizon: 1000, warmup: 100, stages: { s: { servers: 1, processTime: { dist: "exponential", mean: 0.5 } } }, streams: { a: { arrivals: { rate: 1 }, route: ["s"] } } },
      "inline.yaml",
    );
    const doc = await simulate(model, { replications: 4, seed: 1, workers: 1 });
    expect(doc.streams.a.leadTime.mean.mean).toBeGreaterThan(0.5);
    expect(doc.stages.s.utilization!.mean).toBeGreaterThan(0.4);
  });
});
