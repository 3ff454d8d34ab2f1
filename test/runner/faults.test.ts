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

  // A helper thread that dies (an infrastructure fault, not the model's) or stalls: the main thread
  // runs its replications again (backup copies), so the run ends about when one thread alone would
  // have, with the same figures. The stalled helper hangs for 120 s: only backups finish in time.
  const small = loadModel(resolve("models/acme-saas.yaml"), { set: ["horizon=360"] });
  const replications = 300;
  let alone: ReturnType<typeof simulateModels> | null = null;
  it.each(["exit", "stall"] as const)("a helper thread that hits %s costs only its work: same figures, no wait", async (kind) => {
    // Large enough that the runner starts a pool (else nothing here would be tested).
    expect(estimatedEvents(small, replications) * SECONDS_PER_EVENT).toBeGreaterThan(2 * POOL_WORTH_SECONDS);
    alone ??= simulateModels([small], { replications, workers: 1 });
    const one = await alone;
    const faulty = await simulateModels([small], { replications, workers: 2, fault: { replication: 0, kind } });
    if (kind === "stall") expect(faulty.workers).toBe(0);
    expect(faulty.summaries[0].all()).toEqual(one.summaries[0].all());
    expect(faulty.summaries[0].events).toBe(one.summaries[0].events);
  }, 30_000);

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
    expect(two.summaries[0].all()).toEqual(one.summaries[0].all());
  });

  it("--precision stops at --max-replications and says it did not get there", async () => {
    const m = loadModel(resolve("models/acme-saas.yaml"));
    const out = await simulateModels([m], { replications: 3, precision: 0.001, maxReplications: 6, workers: 1 });
    expect(out.replications).toBe(6);
    expect(out.precision!.reached).toBe(false);
  });
});
