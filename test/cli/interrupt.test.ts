import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ensureBuilt, interrupted, scratch } from "../fixtures/cli.js";

// Issue #11: one long replication could not be stopped: it ran on the main thread, a single
// synchronous loop, so the Ctrl-C handler never ran. A replication estimated at more than a
// second now runs on a worker thread, which an interrupt stops at once.
const LONG = `horizon: 50000000
stages:
  dev: { servers: 1, processTime: { dist: exponential, mean: 0.5 } }
streams:
  web: { arrivals: { rate: 1 }, route: [dev] }
`;

describe("Ctrl-C during a single long replication", () => {
  const dir = scratch("vsm-interrupt-");
  beforeAll(ensureBuilt);
  afterAll(() => dir.remove());

  it("stops it within seconds, on one worker too, and exits 130", async () => {
    const file = dir.write("long.yaml", LONG);
    const { status, stderr, stopSeconds } = await interrupted(["run", file, "-r", "1", "-w", "1"]);
    expect(status).toBe(130);
    expect(stopSeconds).toBeLessThan(5);
    expect(stderr).toMatch(/interrupted: stopped the run; no results were written/);
  }, 15_000);
});
