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

  it("answers tasks with and without the models, and asks for evicted ones, with in-process figures", async () => {
    const threads = pool(1);
    try {
      // Six runs, each an array of its own: the thread keeps the last 4, so the first run's
      // models are gone by the end, and its third task (not carrying them: two already did) must ask.
      const runs = Array.from({ length: 6 }, () => [mm2]);
      for (const models of runs) {
        for (const first of [0, 2]) expect((await threads.run(task(models, first))).results).toEqual(runTask(task(models, first)).results);
      }
      const again = task(runs[0], 4);
      expect((await threads.run(again)).results).toEqual(runTask(again).results);
      // And a task of a run the thread still holds, carrying nothing.
      const kept = task(runs[5], 6);
      expect((await threads.run(kept)).results).toEqual(runTask(kept).results);
    } finally {
      await threads.close();
    }
  }, 30_000);
});
