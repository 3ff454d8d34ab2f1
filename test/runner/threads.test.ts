import { resolve } from "node:path";
import { availableParallelism } from "node:os";
import { describe, expect, it } from "vitest";
import { loadModel } from "../../src/index.js";
import { pool } from "../../src/runner/executor.js";
import { runTask } from "../../src/runner/task.js";
import type { ReplicationTask } from "../../src/runner/protocol.js";
import { replicationsOption, threadsToWarm, workersOption } from "../../src/cli/warm.js";

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

describe("the worker count read before the program loads (cli/warm.ts)", () => {
  it.each([
    [["compare", "a.yaml", "-w", "3"], 3],
    [["run", "a.yaml", "--workers", "1"], 1],
    [["run", "a.yaml", "--workers=4"], 4],
    [["run", "a.yaml", "-w2"], 2],
    [["run", "a.yaml"], availableParallelism()],
    [["run", "a.yaml", "-w", "two"], null],
    [["run", "a.yaml", "-w"], null],
  ] as const)("%j -> %s", (args, workers) => {
    expect(workersOption(args)).toBe(workers);
  });
});

describe("which command lines start pool threads before the program loads", () => {
  const cores = availableParallelism();
  it.each([
    [["compare", "a.yaml", "b.yaml", "-r", "200", "-w", "2"], 1],
    [["compare", "a.yaml", "b.yaml", "-r200", "-w", "3"], 2],
    [["run", "a.yaml", "--precision", "0.01", "-w", "2"], 1],
    [["run", "a.yaml", "--precision-abs=0.2d", "--workers=4"], 3],
    [["sweep", "a.yaml", "--vary", "stages.qa.servers=2..5", "-w", "2"], 1],
    // Small or unknown size (the model's own replications): the threads start, if at all, once it is read.
    [["compare", "a.yaml", "b.yaml", "-w", "2"], 0],
    [["run", "a.yaml", "-r", "99", "-w", "2"], 0],
    // One worker, a queue, help, a command that runs nothing, a malformed count: nothing.
    [["compare", "a.yaml", "-r", "500", "-w", "1"], 0],
    [["compare", "a.yaml", "-r", "500", "-w", "2", "--queue", "redis://x"], 0],
    [["compare", "-h"], 0],
    [["validate", "a.yaml", "-r", "500", "-w", "2"], 0],
    [["compare", "a.yaml", "-r", "500", "-w", "x"], 0],
  ] as const)("%j -> %s", (args, threads) => {
    expect(threadsToWarm(args)).toBe(threads);
  });
  it("takes the machine's parallelism when -w is not given", () => {
    expect(threadsToWarm(["place", "a.yaml", "--hires", "2"])).toBe(Math.max(0, cores - 1));
    expect(replicationsOption(["run", "a.yaml", "--replications", "12"])).toBe(12);
    expect(replicationsOption(["run", "a.yaml"])).toBe(null);
  });
});
