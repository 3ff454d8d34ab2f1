/**
 * The experiments as a user runs them: the same seed gives the same points on one thread and on a
 * pool of two (performance aside), and a bad --vary or --at is refused with exit 2, naming it,
 * before anything runs. The Acme model over 1200 days is heavy enough for the runner to start a pool.
 */
import { beforeAll, describe, expect, it } from "vitest";
import { ensureBuilt, vsm, withoutPerformance } from "../fixtures/cli.js";

beforeAll(() => ensureBuilt());

const HEAVY = ["models/acme-saas.yaml", "-r", "24", "--set", "horizon=1200", "--json", "-q"];

async function twice(args: string[]) {
  // One after the other: a pool's helpers that share the cores with another run lose every race
  // to the main thread's backup copies, and then nothing proves the pool ran.
  const one = await vsm([...args, "--workers", "1"]);
  const two = await vsm([...args, "--workers", "2"]);
  expect(one.status, one.stderr).toBe(0);
  expect(two.status, two.stderr).toBe(0);
  const a = withoutPerformance(one.stdout);
  const b = withoutPerformance(two.stdout);
  expect(a.workers, "--workers 1 runs in-process").toBe(0);
  expect(b.workers, "--workers 2 must really use a pool here (make the run heavier if not)").toBe(2);
  expect(JSON.stringify(b.doc)).toBe(JSON.stringify(a.doc));
  return a.doc as Record<string, unknown>;
}

describe("vsm sweep and vsm place on one thread and on two", () => {
  it("sweep gives identical points", async () => {
    const doc = await twice(["sweep", ...HEAVY, "--vary", "stages.security.servers=2,3"]);
    expect((doc.points as unknown[]).length).toBe(2);
  });

  it("place gives identical placements", async () => {
    const doc = await twice(["place", ...HEAVY, "--hires", "1", "--at", "security,qa"]);
    expect((doc.placements as { hires: Record<string, number> }[]).map((p) => Object.keys(p.hires)[0]).sort()).toEqual(["qa", "security"]);
  });
});

describe("bad experiment input exits 2", () => {
  it("names a --vary path the model cannot take, a bad value, an unknown --at stage, and a model without economics", async () => {
    const [a, b, c, d] = await Promise.all([
      vsm(["sweep", "models/acme-saas.yaml", "--vary", "stages.securty.servers=2..3"]),
      vsm(["sweep", "models/acme-saas.yaml", "--vary", "stages.security.policy=fifo,lifo"]),
      vsm(["place", "models/acme-saas.yaml", "--hires", "1", "--at", "qa,secruity"]),
      vsm(["place", "test/fixtures/small.yaml", "--hires", "1"]),
    ]);
    expect([a, b, c, d].map((r) => r.status)).toEqual([2, 2, 2, 2]);
    expect([a, b, c, d].map((r) => r.stdout)).toEqual(["", "", "", ""]);
    expect(a.stderr).toMatch(/--vary: stages\.securty names unknown stage "securty" \(did you mean "security"\?\)/);
    expect(b.stderr).toMatch(/--vary: stages\.security\.policy must be one of fifo, priority/);
    expect(c.stderr).toMatch(/--at: secruity names unknown stage "secruity"/);
    expect(d.stderr).toMatch(/small\.yaml: economics is missing: vsm place ranks placements by their net value/);
  });
});
