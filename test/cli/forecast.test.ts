/**
 * `vsm forecast` and `vsm run --wip` as a user drives them: exit statuses and what they print.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { join } from "node:path";
import { ensureBuilt, FIXTURES, hasStackTrace, scratch, vsm } from "../fixtures/cli.js";

const SMALL = join(FIXTURES, "small.yaml");
let tmp: ReturnType<typeof scratch>;
beforeAll(() => {
  ensureBuilt();
  tmp = scratch("vsm-forecast-");
});
afterAll(() => tmp.remove());

const START = "2026-06-01T00:00:00+02:00";

describe("vsm run --wip", () => {
  it("starts from today's work and says the figures are transient without a warm-up", async () => {
    const wip = tmp.write("wip.csv", "item,stream,stage,entered,state\nW-1,web,review,2026-05-31T12:00:00+02:00,work\nW-2,web,dev,2026-05-30T00:00:00+02:00,\n");
    const r = await vsm(["run", SMALL, "--wip", wip, "--start", START, "--set", "warmup=0", "-r", "2", "-w", "1", "--json"]);
    expect(r.status, r.stderr).toBe(0);
    expect(JSON.parse(r.stdout).transient).toMatch(/^Transient: the run starts from 2 items in progress and has no warm-up/);
    const warmed = await vsm(["run", SMALL, "--wip", wip, "--start", START, "-r", "2", "-w", "1"]);
    expect(warmed.stdout).toMatch(/measured after a warm-up of 20 days, so they describe the state it settles into/);
  });

  it("refuses a bad row with the file, row and column (exit 2, no stack trace)", async () => {
    const wip = tmp.write("bad.csv", "item,stream,stage,entered\nW-1,web,qa,2026-05-31T12:00:00+02:00\n");
    const r = await vsm(["run", SMALL, "--wip", wip, "--start", START]);
    expect(r.status).toBe(2);
    expect(r.stderr).not.toSatisfy(hasStackTrace);
    expect(r.lines).toEqual([`${wip}: row 2, column stage names unknown stage "qa"; known stages: intake, dev, review`]);
  });
});

describe("vsm forecast", () => {
  it("prints dates, the chance of meeting --by and a scenario paired with the base", async () => {
    const r = await vsm(["forecast", SMALL, "--backlog", "15", "--stream", "web", "--start", START, "--by", "2026-06-30", "-r", "40", "--set", "stages.review.servers=2"]);
    expect(r.status, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/^When is a backlog of 15 web items done\? From 2026-06-01T00:00:00\+02:00 \(time 0\); 40 replications, seed 7\./);
    expect(r.stdout).toMatch(/^Small test model\s+2026-06-\d\d\s+2026-06-\d\d\s+2026-\d\d-\d\d\s+\d+% \(\d+%-\d+%\)$/m);
    const json = await vsm(["forecast", SMALL, SMALL, "--backlog", "15", "--stream", "web", "--start", START, "-r", "40", "--json"]);
    const doc = JSON.parse(json.stdout);
    // The same model twice is paired exactly: no difference in any replication.
    expect(doc.paired[0].difference).toEqual({ mean: 0, ci95: 0, n: 40 });
    expect(doc.base.p85).toEqual(doc.scenarios[0].p85);
  });

});
