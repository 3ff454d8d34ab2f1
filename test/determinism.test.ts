/**
 * Same model and seed, same numbers: across runs, and whether the replications ran in-process
 * or on a worker pool. A different seed gives different numbers. Everything but `performance`
 * (wall time, and how many threads ran) must be identical.
 *
 * The runner starts a pool only for runs estimated above POOL_WORTH_SECONDS of work, and a
 * helper thread counts only if one of its results is merged before the main thread's own backup
 * copy. So the pool runs use the Acme model over ten years (horizon 3600 days) with 40
 * replications, about 0.5 s of work on one thread, and assert `performance.workers` to prove the
 * pool really ran.
 */
import { beforeAll, describe, expect, it } from "vitest";
import { join } from "node:path";
import { ensureBuilt, FIXTURES, vsm } from "./fixtures/cli.js";

const HEAVY = ["models/acme-saas.yaml", "-r", "40", "--set", "horizon=3600", "--json"];

beforeAll(() => ensureBuilt());

/** The JSON document of `vsm run --json` without its performance figures. */
async function runDoc(args: string[]): Promise<{ doc: Record<string, unknown>; workers: number }> {
  const r = await vsm(["run", ...args]);
  expect(r.status, r.stderr).toBe(0);
  const { performance, ...doc } = JSON.parse(r.stdout);
  return { doc, workers: performance.workers };
}

describe("determinism", () => {
  it("the same model and seed give identical JSON on two runs, and on one thread and on a pool of two", async () => {
    const inProcess = await runDoc([...HEAVY, "--workers", "1"]);
    const pooled1 = await runDoc([...HEAVY, "--workers", "2"]);
    const pooled2 = await runDoc([...HEAVY, "--workers", "2"]);
    expect(inProcess.workers, "--workers 1 runs in-process").toBe(0);
    expect(pooled1.workers, "--workers 2 on this model must really use a pool (make the model heavier if not)").toBe(2);
    expect(pooled2.workers).toBe(2);
    expect(pooled1.doc).toEqual(pooled2.doc);
    expect(pooled1.doc).toEqual(inProcess.doc);
    // And the byte-level form the user sees is the same too.
    expect(JSON.stringify(pooled1.doc)).toBe(JSON.stringify(inProcess.doc));
  });

  it("two in-process runs of a small model are identical", async () => {
    const args = [join(FIXTURES, "small.yaml"), "-r", "4", "--json", "--workers", "1"];
    const [a, b] = await Promise.all([runDoc(args), runDoc(args)]);
    expect(a.doc).toEqual(b.doc);
  });

  it("--seed N and the model's seed: N give the same numbers", async () => {
    const small = join(FIXTURES, "small.yaml");
    const [flag, field] = await Promise.all([
      runDoc([small, "-r", "3", "--json", "--seed", "99"]),
      runDoc([small, "-r", "3", "--json", "--set", "seed=99"]),
    ]);
    expect(flag.doc.seed).toBe(99);
    expect(flag.doc).toEqual(field.doc);
  });

  it("a different seed gives different numbers", async () => {
    const args = ["models/acme-saas.yaml", "-r", "3", "--json", "--set", "horizon=120"];
    const [a, b] = await Promise.all([runDoc([...args, "--seed", "42"]), runDoc([...args, "--seed", "43"])]);
    expect(a.doc.seed).toBe(42);
    expect(b.doc.seed).toBe(43);
    type Doc = { streams: Record<string, { leadTime: { mean: { mean: number } }; completed: { mean: number } }> };
    const sa = (a.doc as unknown as Doc).streams;
    const sb = (b.doc as unknown as Doc).streams;
    for (const id of Object.keys(sa)) {
      expect(sb[id].leadTime.mean.mean, id).not.toBe(sa[id].leadTime.mean.mean);
    }
    expect(JSON.stringify(b.doc.streams)).not.toBe(JSON.stringify(a.doc.streams));
  });
});
