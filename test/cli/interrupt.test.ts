import { spawn } from "node:child_process";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { CLI, ROOT, ensureBuilt, scratch } from "../fixtures/cli.js";

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
    const child = spawn(process.execPath, [CLI, "run", file, "-r", "1", "-w", "1"], { cwd: ROOT, stdio: ["ignore", "pipe", "pipe"] });
    let stderr = "";
    child.stderr.setEncoding("utf8").on("data", (d: string) => (stderr += d));
    await new Promise((r) => setTimeout(r, 1500));
    const started = performance.now();
    child.kill("SIGINT");
    const status = await new Promise((r) => child.on("close", r));
    expect(status).toBe(130);
    expect(performance.now() - started).toBeLessThan(5000);
    expect(stderr).toMatch(/interrupted: stopped the run; no results were written/);
  }, 15_000);
});
