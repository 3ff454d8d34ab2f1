import { resolve } from "node:path";
import { describe, expect, it } from "vitest";
import { loadModel, simulateModels } from "../../src/index.js";
import type { ReplicationResult } from "../../src/flow/results.js";
import { PairedDiff, Summary } from "../../src/runner/summary.js";

/**
 * A PairedDiff shares its lead times with the two Summaries until a pair has one twin stopped by
 * the work-in-progress cap and the other not; from then on it keeps its own. Its figures must be
 * those of a PairedDiff that kept its own from the start, whichever replications are left out.
 */
describe("paired lead-time quantiles shared with the models' own", () => {
  const base = loadModel(resolve("bench/models/mm2.yaml"), { set: ["horizon=300", "warmup=30"] });
  const busier = loadModel(resolve("bench/models/mm2.yaml"), { set: ["horizon=300", "warmup=30", "stages.s.servers=3"] });

  it("give the same intervals as a pair that never shared, with twins stopped apart and together", async () => {
    const reps: ReplicationResult[][] = [];
    await simulateModels([base, busier], { replications: 30, workers: 1, seed: 3, onReplication: (r) => reps.push([...r]) });
    const stopped = { stage: "s", time: 1, wip: 1, waiting: 1 };
    // Both twins stopped at 4 (still shared), the base alone at 9 (parts them), the scenario alone at 17.
    const marked = reps.map(([b, s], r) => [
      r === 4 || r === 9 ? { ...b, unstable: stopped } : b,
      r === 4 || r === 17 ? { ...s, unstable: stopped } : s,
    ]);
    const ids = (m: typeof base) => [Object.keys(m.streams), Object.keys(m.stages)] as const;
    const [bs, bg] = ids(base);
    const [ss, sg] = ids(busier);
    const summaries = { base: new Summary(bs.length, bg.length), scenario: new Summary(ss.length, sg.length) };
    const shared = new PairedDiff(bs, bg, ss, sg, summaries);
    const own = new PairedDiff(bs, bg, ss, sg);
    const figures = (d: PairedDiff) =>
      bs.flatMap((_, i) => (["leadTimeP50", "leadTimeP85", "leadTimeP95"] as const).flatMap((f) => {
        const { difference, relative } = d.stream(i, f);
        return [difference.figure.mean, difference.figure.ci95, relative.figure.mean, relative.figure.ci95];
      }));
    marked.forEach(([b, s], r) => {
      shared.add(b, s);
      own.add(b, s);
      summaries.base.add(b);
      summaries.scenario.add(s);
      // Before the parting and after it, at every step.
      expect(figures(shared), `after replication ${r}`).toEqual(figures(own));
    });
    expect(figures(own).every((x) => x === null || Number.isFinite(x))).toBe(true);
  });

  it("hold through the runner, where the work-in-progress cap stops some twins and not others", async () => {
    // Loads 0.9 and 0.945 under a cap of 50 items: at seed 5, 4 pairs stopped together, 6 apart, 30 not.
    const short = loadModel(resolve("bench/models/mm2.yaml"), { set: ["horizon=100", "warmup=10"] });
    const slow = loadModel(resolve("bench/models/mm2.yaml"), { set: ["horizon=100", "warmup=10", "stages.s.processTime.mean=0.21"] });
    const reps: ReplicationResult[][] = [];
    const outcome = await simulateModels([short, slow], { replications: 40, workers: 1, seed: 5, maxWip: 50, onReplication: (r) => reps.push([...r]) });
    expect(reps.filter(([b, s]) => !b.unstable !== !s.unstable).length).toBeGreaterThan(0);
    expect(reps.filter(([b, s]) => b.unstable && s.unstable).length).toBeGreaterThan(0);
    expect(reps.filter(([b, s]) => !b.unstable && !s.unstable).length).toBeGreaterThan(2);
    const [bs, bg] = [Object.keys(base.streams), Object.keys(base.stages)];
    const own = new PairedDiff(bs, bg, Object.keys(slow.streams), Object.keys(slow.stages));
    for (const [b, s] of reps) own.add(b, s);
    const quantiles = (d: PairedDiff) => bs.flatMap((_, i) => (["leadTimeP50", "leadTimeP85", "leadTimeP95"] as const).map((f) => d.stream(i, f).difference.figure));
    expect(quantiles(outcome.diffs[0])).toEqual(quantiles(own));
  });

  it("refuse a replication the Summaries saw first", async () => {
    const reps: ReplicationResult[][] = [];
    await simulateModels([base, busier], { replications: 2, workers: 1, seed: 3, onReplication: (r) => reps.push([...r]) });
    const ids = [Object.keys(base.streams), Object.keys(base.stages)] as const;
    const summaries = { base: new Summary(ids[0].length, ids[1].length), scenario: new Summary(ids[0].length, ids[1].length) };
    const pair = new PairedDiff(ids[0], ids[1], ids[0], ids[1], summaries);
    summaries.base.add(reps[0][0]);
    summaries.scenario.add(reps[0][1]);
    expect(() => pair.add(reps[0][0], reps[0][1])).toThrow(/before the two Summaries/);
  });
});
