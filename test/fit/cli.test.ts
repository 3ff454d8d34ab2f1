/**
 * `vsm fit` and `vsm backtest` as a user runs them: the committed fitted model is what fit
 * produces now, warnings name their lines, bad input exits 2 with the file and the place, and
 * backtest --json has the shape checks rely on. (The figures themselves are tested in-process.)
 */
import { readFileSync } from "node:fs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ensureBuilt, hasStackTrace, scratch, vsm } from "../fixtures/cli.js";

const LOG = "test/fixtures/tracker/export.csv";
const MAP = "test/fixtures/tracker/map.yaml";
const tmp = scratch("vsm-fit-cli-");
beforeAll(() => ensureBuilt());
afterAll(() => tmp.remove());

describe("vsm fit", () => {
  it("models/fitted-tracker.yaml is exactly what vsm fit --out makes of the realistic export now", async () => {
    const out = `${tmp.dir}/m.yaml`;
    const r = await vsm(["fit", LOG, "--map", MAP, "--out", out]);
    expect(r.status).toBe(0);
    expect(r.stdout).toBe("");
    expect(readFileSync(out, "utf8")).toBe(readFileSync("models/fitted-tracker.yaml", "utf8"));
    expect(r.lines).toContainEqual(`warning: ${LOG}: 2 malformed lines (wrong number of fields, no item key, or a time that is not ISO 8601): skipped (lines 704, 1005)`);
    expect(r.lines.at(-1)).toBe(`wrote ${out}`);
  });

  it("exit 2 with the file, line 1 and the column for a log the map does not fit", async () => {
    const log = tmp.write("x.csv", "Key,Issue Type,Status,Entered,Left\nA-1,Story,Done,2026-01-05T09:00:00Z,\n");
    const r = await vsm(["fit", log, "--map", MAP]);
    expect(r.status).toBe(2);
    expect(hasStackTrace(r.stderr)).toBe(false);
    expect(r.lines).toEqual([
      `${log}: line 1 has no column "Issue key" (the item column; set columns.item in ${MAP} if it has another name); the header has: "Key", "Issue Type", "Status", "Entered", "Left"`,
    ]);
  });
});

describe("vsm backtest", () => {
  it("--json: per stream observed and simulated lead-time percentiles (with ci95) and KS; per stage waits", async () => {
    const r = await vsm(["backtest", "models/fitted-tracker.yaml", LOG, "--map", MAP, "-r", "5", "-w", "1", "--json", "-q"]);
    expect(r.status).toBe(0);
    const d = JSON.parse(r.stdout);
    for (const id of ["story", "bug"]) {
      const lt = d.streams[id].leadTime;
      expect(lt.observed).toEqual({ n: expect.any(Number), p50: expect.any(Number), p85: expect.any(Number), p95: expect.any(Number) });
      for (const p of ["p50", "p85", "p95"]) expect(lt.simulated[p]).toEqual({ mean: expect.any(Number), ci95: expect.any(Number), n: 5, band: [expect.any(Number), expect.any(Number)] });
      expect(lt.ks).toBeGreaterThan(0);
      expect(lt.ksCritical).toBeGreaterThan(0);
      expect(typeof lt.ksInside).toBe("boolean");
    }
    expect(d.stages.qa.wait.observed).toBeGreaterThan(0);
    expect(d.stages.qa.wait.simulated).toEqual({ mean: expect.any(Number), ci95: expect.any(Number), n: 5, band: [expect.any(Number), expect.any(Number)] });
    expect(d.stages.review.wait.visits).toBe(0);
  });
});
