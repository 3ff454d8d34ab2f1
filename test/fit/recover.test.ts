/**
 * Fit -> parameters recovered, and fit -> backtest -> inside the band, on a log generated from a
 * known model (test/fixtures/fit-known.yaml: two streams, a weekly gate, rework from qa back to
 * dev, an optional review). Tolerances are four standard errors of each estimate at the sample
 * sizes the log gives, so a wrong estimator fails and a right one passes whatever the seed.
 */
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { loadModel } from "../../src/model/load.js";
import { parseText } from "../../src/model/read.js";
import { validateModel } from "../../src/model/validate.js";
import { backtest } from "../../src/fit/backtest.js";
import { type FitResult, fitLog } from "../../src/fit/estimate.js";
import { type TrackerLog, readTrackerLog } from "../../src/fit/log.js";
import { readStatusMap } from "../../src/fit/map.js";
import { modelText } from "../../src/fit/write.js";
import type { Model } from "../../src/model/types.js";
import { trackerLog } from "../fixtures/tracker-log.js";

const known = loadModel("test/fixtures/fit-known.yaml");
const map = readStatusMap("test/fixtures/fit-known.map.yaml");
const dir = mkdtempSync(join(tmpdir(), "vsm-fit-"));
let log: TrackerLog;
let fit: FitResult;
let fitted: Model;

beforeAll(async () => {
  const file = join(dir, "known.csv");
  writeFileSync(file, trackerLog(known, { start: Date.parse("2026-01-05T00:00:00+01:00"), offsetMinutes: 60 }));
  log = await readTrackerLog(file, map);
  fit = fitLog(log, map);
  fitted = validateModel(parseText(modelText(fit), "fitted.yaml"), "fitted.yaml");
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const stage = (id: string) => fit.stages.find((s) => s.id === id)!;
const stream = (id: string) => fit.streams.find((s) => s.id === id)!;

describe("fit recovers a known model", () => {
  it("reads the generated log with nothing to repair but the items open at its end", () => {
    expect(log.warnings.map((w) => w.kind)).toEqual(["open"]);
    expect(fit.start).toBe("2026-01-05T00:00:00+01:00");
  });

  it("arrival rates within four standard errors, Poisson accepted", () => {
    const window = fit.warmup + fit.horizon - Math.min(...log.items.map((i) => (i.arrival - fit.startMs) / 86_400_000));
    for (const [id, rate] of [["feature", 1.0], ["bug", 0.6]] as const) {
      const s = stream(id);
      expect(Math.abs(s.rate - rate)).toBeLessThan(4 * Math.sqrt(rate / window));
      expect(s.dispersion.poisson).toBe(true);
      expect(fitted.streams[id].arrivals).toEqual({ kind: "poisson", rate: expect.any(Number) });
    }
  });

  it("process times: the right family where the sample can tell, mean and cv within four standard errors", () => {
    // At cv 0.5 a gamma and a lognormal differ by a KS distance of about 0.03: a sample of ~600
    // tells them apart, review's ~190 does not (either family is a fit there; which one the
    // distance picks is the sample's luck), so its family is not asserted.
    for (const [id, dist, mean, cv] of [["dev", "lognormal", 1.5, 0.7], ["qa", "gamma", 0.6, 0.5], ["review", null, 0.3, 0.5]] as const) {
      const pt = stage(id).processTime!;
      const chosen = pt.chosen as { dist: string; mean: number; cv: number };
      if (dist) expect(chosen.dist).toBe(dist);
      else expect(["gamma", "lognormal"]).toContain(chosen.dist);
      expect(Math.abs(chosen.mean - mean)).toBeLessThan((4 * mean * cv)  / Math.sqrt(pt.n));
      // cv's standard error is about cv * sqrt((1 + 2cv^2) / 2n) (delta method, gamma); lognormal's is wider: allow 2x.
      expect(Math.abs(chosen.cv - cv)).toBeLessThan((8 * cv * Math.sqrt((1 + 2 * cv * cv) / 2)) / Math.sqrt(pt.n));
    }
    expect(fitted.stages.release.processTime).toEqual({ dist: "fixed", value: expect.closeTo(10 / 1440, 4) });
  });

  it("servers from concurrency: every team's size exactly", () => {
    expect(Object.fromEntries(fit.stages.map((s) => [s.id, s.servers.estimate]))).toEqual({ dev: 5, review: 1, qa: 2, release: 1 });
  });

  it("rework from qa back to dev, at the true probability within four standard errors", () => {
    const r = stage("qa").rework!;
    expect(r.to).toBe("dev");
    expect(Math.abs(r.probability - 0.25)).toBeLessThan(4 * Math.sqrt((0.25 * 0.75) / r.passes));
    expect(fitted.stages.qa.rework).toEqual({ probability: expect.any(Number), to: "dev", effort: 1 });
    for (const id of ["dev", "review", "release"]) expect(stage(id).rework).toBeNull();
  });

  it("routes in order, review optional for features at about half", () => {
    expect(stream("feature").route.map((r) => r.stage)).toEqual(["dev", "review", "qa", "release"]);
    expect(stream("bug").route.map((r) => r.stage)).toEqual(["dev", "qa", "release"]);
    const review = stream("feature").route[1];
    expect(Math.abs(review.share - 0.5)).toBeLessThan(4 * Math.sqrt(0.25 / review.of));
    expect(fitted.streams.feature.route[1]).toEqual({ kind: "stage", stage: "review", probability: expect.closeTo(review.share, 3) });
    expect(fitted.streams.feature.route.map((r) => (r.kind === "stage" ? r.probability : 0)).filter((p) => p < 1)).toHaveLength(1);
  });

  it("the weekly gate on Thursdays at 10:00, to the minute; no gate elsewhere", () => {
    const g = stage("release").gate!;
    expect(g.every).toBe(7);
    expect(Math.abs(g.offset - (3 + 10 / 24))).toBeLessThan(1 / 1440);
    expect(fitted.stages.release.batch).toEqual({ kind: "schedule", every: 7, offset: expect.closeTo(3 + 10 / 24, 3), max: null });
    for (const id of ["dev", "review", "qa"]) expect(stage(id).gate).toBeNull();
  });
});

describe("backtest", () => {
  it("the fitted model reproduces the log: every figure inside its band", async () => {
    const doc = await backtest(fitted, log, { replications: 10, workers: 1 });
    expect(doc.flags).toEqual([]);
    for (const s of Object.values(doc.streams)) {
      expect(s.leadTime.ksInside).toBe(true);
      expect(s.leadTime.observed.n).toBeGreaterThan(100);
      expect(s.leadTime.simulated.p85.band![0]).toBeLessThan(s.leadTime.observed.p85);
    }
  });

  it("a model that misses the gate is flagged where it is wrong, with the likely cause", async () => {
    const noGate: Model = { ...fitted, stages: { ...fitted.stages, release: { ...fitted.stages.release, batch: null } } };
    const doc = await backtest(noGate, log, { replications: 10, workers: 1 });
    expect(doc.stages.release.wait.inside).toBe(false);
    expect(doc.flags).toContainEqual(expect.stringMatching(/^release: simulated wait [\d.]+ days, observed 3\.\d+: capacity or batching missed$/));
    expect(doc.streams.feature.leadTime.inside.p50).toBe(false);
    expect(doc.streams.feature.leadTime.ksInside).toBe(false);
    expect(doc.stages.dev.wait.inside).toBe(true);
  });
});

describe("parallel work", () => {
  it("statuses of one item overlapping in time become a fork with the sequential stages in one branch", async () => {
    const model = loadModel("test/fixtures/fit-parallel.yaml");
    const pmap = readStatusMap("test/fixtures/fit-parallel.map.yaml");
    const file = join(dir, "parallel.csv");
    writeFileSync(file, trackerLog(model, { start: Date.parse("2026-01-05T00:00:00Z") }));
    const pfit = fitLog(await readTrackerLog(file, pmap), pmap);
    expect(pfit.streams[0].parallel).toEqual([{ stages: ["dev", "env", "security"], branches: [["dev", "security"], ["env"]] }]);
    // One branch's statuses interleave with the other's: none of that is rework.
    expect(pfit.stages.map((s) => [s.id, s.rework, s.strayReturns])).toEqual(["dev", "security", "env", "qa"].map((id) => [id, null, 0]));
    const m = validateModel(parseText(modelText(pfit), "p.yaml"), "p.yaml");
    const route = m.streams.feature.route;
    expect(route.map((s) => s.kind)).toEqual(["parallel", "stage"]);
    const fork = route[0] as Extract<(typeof route)[number], { kind: "parallel" }>;
    expect(fork.branches.map((b) => b.map((s) => (s.kind === "stage" ? s.stage : "?")))).toEqual([["dev", "security"], ["env"]]);
    const env = fork.branches[1][0] as { probability: number };
    const n = pfit.streams[0].route.find((r) => r.stage === "env")!.of;
    expect(Math.abs(env.probability - 0.6)).toBeLessThan(4 * Math.sqrt(0.24 / n));
  });
});
