import { resolve } from "node:path";
import { describe, expect, it } from "vitest";
import { loadModels, simulateModels } from "../../src/index.js";
import { seed } from "./tolerance.js";

/**
 * The interval of a change in a pooled percentile, under common random numbers, where the twins
 * are strongly paired: the example against the security intake checklist (runner/summary.ts,
 * pairedQuantile). No formula gives this change, so the check is on the standard error itself:
 * over K independent experiments of n replications, the mean reported standard error against the
 * spread of the estimates around their own mean.
 *
 * With the twins' correlation taken from their own per-replication p85 (payments 0.994 on average;
 * Woodruff's counts give 0.985), the reported error was 0.79 (payments) and 0.70 (web app) of the
 * spread on average over six seed sets (0.65-0.92 and 0.66-0.77): intervals covering ~83-88%, not
 * 95%. With the correlation of the counts it is 1.00 and 0.95 on average over nine seed sets
 * (0.86-1.15 and 0.88-1.09); at these seeds 0.87 and 0.88.
 *
 * Tolerance: from one seed set to another the ratio moves with a standard deviation of about 0.11
 * (more than the 8% error of a spread of K = 80 values alone, as the errors are heavy-tailed too).
 * Accepted: a ratio from 0.8 (an honest error falls below about 3% of the time per stream; the old
 * correlation's web app never reached it) to 1.5 (much wider would be honest but useless).
 */
describe("the interval of a paired change in p85 lead time", () => {
  it("matches the spread of the change over independent experiments (the example, intake checklist)", async () => {
    const root = resolve(import.meta.dirname, "../..");
    const { models } = loadModels([resolve(root, "models/acme-saas.yaml"), resolve(root, "scenarios/security-intake-checklist.yaml")]);
    const K = 80;
    const streams = ["payments", "webapp"];
    const at = streams.map((id) => Object.keys(models[0].streams).indexOf(id));
    const estimates = streams.map(() => [] as number[]);
    const errors = streams.map(() => [] as number[]);
    for (let e = 0; e < K; e++) {
      const o = await simulateModels(models, { replications: 20, seed: seed(7000 + e), workers: 1 });
      at.forEach((i, s) => {
        const d = o.diffs[0].stream(i, "leadTimeP85").difference;
        estimates[s].push(d.figure.mean);
        errors[s].push(d.se);
      });
    }
    streams.forEach((id, s) => {
      const m = estimates[s].reduce((a, b) => a + b, 0) / K;
      const sd = Math.sqrt(estimates[s].reduce((a, b) => a + (b - m) ** 2, 0) / (K - 1));
      const se = errors[s].reduce((a, b) => a + b, 0) / K;
      const ratio = se / sd;
      if (process.env.VSM_THEORY_VERBOSE === "1") console.log(`${id} p85 change: reported se / spread = ${ratio.toFixed(3)}`);
      expect(ratio, `${id}: reported standard error ${se.toPrecision(3)} against a spread of ${sd.toPrecision(3)}`).toBeGreaterThanOrEqual(0.8);
      expect(ratio, `${id}: reported standard error ${se.toPrecision(3)} against a spread of ${sd.toPrecision(3)}`).toBeLessThanOrEqual(1.5);
    });
  }, 60_000);
});
