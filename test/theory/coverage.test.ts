import { describe, expect, it } from "vitest";
import { simulate, validateModel } from "../../src/index.js";
import { mmc } from "./formulas.js";
import { exponential, seed, theoryValue } from "./tolerance.js";

// The theory checks lean on the reported ci95 (|sim - theory| <= 2 ci95). That is only sound if
// the interval is honest: a 95% interval must contain the true value about 95% of the time.
// Here 200 independent experiments of 10 replications each (different seeds) are run on an
// M/M/1 at rho 0.5 whose true values are known, and the misses are counted.

describe("the 95% confidence half-width", () => {
  // Sizing: each replication is 4,000 time units, 340 relaxation times of this queue (12), so a
  // replication's figure is close to normal, as in the long runs of the other tests. Misses out
  // of 200 are Binomial(200, 0.05) for an honest interval: mean 10, sd 3.1. Accepted: 2 to 22,
  // which an honest interval misses with probability 6e-4, and which rejects most of the time an
  // interval covering under 88% (too narrow: the checks would be flaky) or over 99.5% (too wide:
  // they would be weak). Measured: 10, 13, 13 and 8 misses for Wq, W, L and utilization.
  it("covers the true M/M/1 values at its nominal rate", async () => {
    const model = validateModel(
      {
        warmup: 200,
        horizon: 4_000,
        stages: { dev: { servers: 1, processTime: exponential(1) } },
        streams: { work: { arrivals: { rate: 0.5 }, route: ["dev"] } },
      },
      "theory/coverage.yaml",
    );
    const truth = mmc(0.5, 1, 1);
    const figures = {
      Wq: (d: Awaited<ReturnType<typeof simulate>>) => d.stages.dev.wait,
      W: (d: Awaited<ReturnType<typeof simulate>>) => d.streams.work.leadTime.mean,
      L: (d: Awaited<ReturnType<typeof simulate>>) => d.streams.work.wip,
      utilization: (d: Awaited<ReturnType<typeof simulate>>) => d.stages.dev.utilization!,
    };
    const theory = { Wq: truth.wq, W: truth.w, L: truth.l, utilization: truth.rho };
    const misses = { Wq: 0, W: 0, L: 0, utilization: 0 };
    for (let e = 0; e < 200; e++) {
      const doc = await simulate(model, { replications: 10, seed: seed(1_100_000 + e), workers: 1 });
      for (const k of Object.keys(figures) as (keyof typeof figures)[]) {
        const f = figures[k](doc);
        if (Math.abs(f.mean - theoryValue(theory[k])) > f.ci95!) misses[k]++;
      }
    }
    if (process.env.VSM_THEORY_VERBOSE === "1") console.log("misses of 200:", misses);
    for (const k of Object.keys(misses) as (keyof typeof misses)[]) {
      expect(misses[k], `${k}: the 95% interval missed the true value ${misses[k]} times in 200`).toBeGreaterThanOrEqual(2);
      expect(misses[k], `${k}: the 95% interval missed the true value ${misses[k]} times in 200`).toBeLessThanOrEqual(22);
    }
  });
});
