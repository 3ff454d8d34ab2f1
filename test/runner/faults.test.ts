import { resolve } from "node:path";
import { describe, expect, it } from "vitest";
import { loadModel, simulateModels } from "../../src/index.js";
import { estimatedEvents } from "../../src/model/analysis.js";
import { POOL_WORTH_SECONDS, SECONDS_PER_EVENT } from "../../src/runner/executor.js";

/**
 * A replication that throws fails the run with its message, wherever it ran; a worker thread that
 * dies or stalls never hangs the run or changes its figures.
 */
describe("worker faults", () => {
  const model = loadModel(resolve("models/acme-saas.yaml"), { set: ["horizon=2000"] });

  // Enough work (about a second) that a pool is started and a worker thread takes a share.
  it("a replication that throws rejects the run with its message", async () => {
    const run = simulateModels([model], { replications: 200, workers: 2, fault: { replication: 150, kind: "throw" } });
    await expect(run).rejects.toThrow(/injected fault at replication 150/);
  });

  // A thread that dies is an infrastructure fault, not the model's: the main thread runs its
  // replications again (backup copies), and the figures are the same as on one thread.
  it("a worker thread that dies costs only its work: the run ends with the same figures", async () => {
    const m = loadModel(resolve("models/acme-saas.yaml"), { set: ["horizon=360"] });
    const replications = 300;
    expect(estimatedEvents(m, replications) * SECONDS_PER_EVENT).toBeGreaterThan(2 * POOL_WORTH_SECONDS);
    const alone = await simulateModels([m], { replications, workers: 1 });
    const died = await simulateModels([m], { replications, workers: 2, fault: { replication: 0, kind: "exit" } });
    expect(died.summaries[0].streams.map((w) => w.mean)).toEqual(alone.summaries[0].streams.map((w) => w.mean));
    expect(died.summaries[0].events).toBe(alone.summaries[0].events);
  });

  // The main thread runs a stalled helper's replications itself (backup copies), so the run ends
  // about when one thread alone would have, with the same figures, and the helper never counts.
  it("a helper thread that stalls does not hold the run up", async () => {
    const m = loadModel(resolve("models/acme-saas.yaml"), { set: ["horizon=360"] });
    const replications = 300;
    // Large enough that the runner starts a pool (else nothing here would be tested).
    expect(estimatedEvents(m, replications) * SECONDS_PER_EVENT).toBeGreaterThan(2 * POOL_WORTH_SECONDS);
    const alone = await simulateModels([m], { replications, workers: 1 });
    const stalled = await simulateModels([m], { replications, workers: 2, fault: { replication: 0, kind: "stall" } });
    expect(stalled.workers).toBe(0);
    expect(stalled.summaries[0].streams.map((w) => w.mean)).toEqual(alone.summaries[0].streams.map((w) => w.mean));
    expect(stalled.summaries[0].events).toBe(alone.summaries[0].events);
  }, 30_000); // the helper stalls for 120 s: only backup copies can finish within this

  it("a fault in the in-process runner rejects the run too", async () => {
    const run = simulateModels([model], { replications: 3, workers: 1, fault: { replication: 1, kind: "throw" } });
    await expect(run).rejects.toThrow(/injected fault at replication 1/);
  });

  it("--precision adds replications until the target is met, the same for 1 and 2 workers", async () => {
    const m = loadModel(resolve("models/acme-saas.yaml"));
    const one = await simulateModels([m], { replications: 5, precision: 0.05, workers: 1 });
    expect(one.precision!.reached).toBe(true);
    expect(one.precision!.worst).toBeLessThanOrEqual(0.05);
    expect(one.replications).toBeGreaterThan(5);
    const two = await simulateModels([m], { replications: 5, precision: 0.05, workers: 2 });
    expect(two.replications).toBe(one.replications);
    expect(two.summaries[0].streams.map((w) => w.mean)).toEqual(one.summaries[0].streams.map((w) => w.mean));
  });

  it("--precision stops at --max-replications and says it did not get there", async () => {
    const m = loadModel(resolve("models/acme-saas.yaml"));
    const out = await simulateModels([m], { replications: 3, precision: 0.001, maxReplications: 6, workers: 1 });
    expect(out.replications).toBe(6);
    expect(out.precision!.reached).toBe(false);
  });
});
