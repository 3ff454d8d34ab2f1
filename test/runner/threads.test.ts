import { resolve } from "node:path";
import { describe, expect, it } from "vitest";
import { loadModel } from "../../src/index.js";
import { pool } from "../../src/runner/executor.js";
import { runTask } from "../../src/runner/task.js";
import type { ReplicationTask } from "../../src/runner/protocol.js";

/**
 * A pool thread keeps the models it compiled by the id the pool gave them (runner/worker.ts): the
 * first tasks of a run carry the models, later ones do not, and a thread that lacks them asks.
 * Whichever way a task got its models, its figures are those of the same task run in-process.
 */
describe("pool threads keep a run's models", () => {
  const mm2 = loadModel(resolve("bench/models/mm2.yaml"), { set: ["horizon=200", "warmup=20"] });
  const task = (models: ReplicationTask["models"], first: number): ReplicationTask => ({ models, seed: 7, first, count: 2, maxWip: 1e6, loops: models.map(() => "general") });

  it("answers tasks with and without the models with in-process figures, sending each run's models twice", async () => {
    const threads = pool(1);
    try {
      const runs = Array.from({ length: 6 }, () => [mm2]);
      for (const models of runs) {
        for (const first of [0, 2]) expect((await threads.run(task(models, first))).results).toEqual(runTask(task(models, first)).results);
      }
      // Two tasks of each run carried the models; the thread keeps the 8 runs used last.
      expect(threads.modelsSent).toBe(2 * runs.length);
      for (const first of [4, 6, 8]) {
        const later = task(runs[0], first);
        expect((await threads.run(later)).results).toEqual(runTask(later).results);
      }
      expect(threads.modelsSent).toBe(2 * runs.length);
    } finally {
      await threads.close();
    }
  }, 30_000);

  it("sends a run's models again to a thread that dropped them, once", async () => {
    const threads = pool(1);
    try {
      // Ten runs: the thread keeps the 8 used last, so the first run's models are gone, and its
      // third task (not carrying them: two already did) must ask for them.
      const runs = Array.from({ length: 10 }, () => [mm2]);
      for (const models of runs) for (const first of [0, 2]) await threads.run(task(models, first));
      expect(threads.modelsSent).toBe(20);
      const again = task(runs[0], 4);
      expect((await threads.run(again)).results).toEqual(runTask(again).results);
      expect(threads.modelsSent).toBe(21);
      const after = task(runs[0], 6);
      expect((await threads.run(after)).results).toEqual(runTask(after).results);
      expect(threads.modelsSent).toBe(21);
    } finally {
      await threads.close();
    }
  }, 30_000);
});
