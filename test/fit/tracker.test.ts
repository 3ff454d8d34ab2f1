/**
 * The realistic messy export (test/fixtures/tracker/export.csv), in-process: what the fit finds in
 * it against the model that made it (test/fixtures/tracker/model.yaml), and a backtest whose
 * model is deliberately wrong flagging the right stage with the likely cause.
 */
import { readFileSync } from "node:fs";
import { beforeAll, describe, expect, it } from "vitest";
import { parseText } from "../../src/model/read.js";
import { validateModel } from "../../src/model/validate.js";
import { backtest } from "../../src/fit/backtest.js";
import { type FitResult, fitLog } from "../../src/fit/estimate.js";
import { type TrackerLog, readTrackerLog } from "../../src/fit/log.js";
import { readStatusMap } from "../../src/fit/map.js";
import { backtestText } from "../../src/report/backtest/text.js";

const map = readStatusMap("test/fixtures/tracker/map.yaml");
let log: TrackerLog;
let fit: FitResult;
beforeAll(async () => {
  log = await readTrackerLog("test/fixtures/tracker/export.csv", map);
  fit = fitLog(log, map);
});

describe("fit of the realistic export", () => {
  it("the bugs' regular arrivals are not taken for Poisson; the stories' are", () => {
    const bug = fit.streams.find((s) => s.id === "bug")!;
    expect(fit.streams.find((s) => s.id === "story")!.dispersion.poisson).toBe(true);
    expect(bug.dispersion.poisson).toBe(false);
    // The source draws gamma interarrivals, mean 1.25, cv 0.4: four standard errors at n gaps.
    const ia = bug.interarrival!;
    const chosen = ia.chosen as { dist: string; mean: number; cv: number };
    expect(chosen.dist).toMatch(/gamma|lognormal/);
    expect(Math.abs(chosen.mean - 1.25)).toBeLessThan((4 * 1.25 * 0.4) / Math.sqrt(ia.n));
    expect(Math.abs(chosen.cv - 0.4)).toBeLessThan((8 * 0.4 * Math.sqrt(1.32 / 2)) / Math.sqrt(ia.n));
  });

  it("the Tuesday 14:00 release gate, qa's rework to dev, the optional security review", () => {
    expect(fit.stages.find((s) => s.id === "release")!.gate).toMatchObject({ every: 7, offset: expect.closeTo(1 + 14 / 24, 6) });
    const qa = fit.stages.find((s) => s.id === "qa")!.rework!;
    expect(qa.to).toBe("dev");
    expect(Math.abs(qa.probability - 0.2)).toBeLessThan(4 * Math.sqrt(0.16 / qa.passes));
    const security = fit.streams.find((s) => s.id === "story")!.route.find((r) => r.stage === "security")!;
    expect(Math.abs(security.share - 0.3)).toBeLessThan(4 * Math.sqrt(0.21 / security.of));
    // "Blocked" splits an "In Progress" in two; that is not rework.
    expect(fit.stages.find((s) => s.id === "dev")!.rework).toBeNull();
  });
});

describe("backtest of a wrong model", () => {
  it("one QA engineer instead of two: qa's wait flagged, with the likely cause", async () => {
    const text = readFileSync("models/fitted-tracker.yaml", "utf8").replace(/servers: 2\n(\s+processTime: \{ dist: gamma, mean: 0\.49)/, "servers: 1\n$1");
    const model = validateModel(parseText(text, "slow.yaml"), "slow.yaml");
    expect(model.stages.qa.servers).toBe(1);
    const doc = await backtest(model, log, { replications: 5, workers: 1 });
    expect(doc.stages.qa.wait.inside).toBe(false);
    expect(doc.stages.dev.wait.inside).toBe(true);
    expect(doc.flags).toContainEqual(expect.stringMatching(/^qa: simulated wait [\d.]+ days, observed 0\.10: capacity understated \(servers or process times\), or a gate the work does not wait for$/));
    expect(backtestText(doc)).toMatch(/\nqa wait +0\.10 +[\d.]+ \([\d.]+ to [\d.]+\) +OFF\n/);
  });
});
