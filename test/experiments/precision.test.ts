/**
 * --precision, --precision-abs and --max-replications on `vsm sweep` and `vsm place` (issue #16):
 * compare's rule over every point (sweep) or every verified placement (place) against the base.
 * What the document says about the rule is checked against the document's own figures, recomputed
 * here: the widest 95% half-width of each change in each stream's mean and p85 lead time (and in
 * the economics total), as a share of the base value or in the base's time unit.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { validateModel } from "../../src/index.js";
import type { DiffDocument, RunDocument } from "../../src/report/document.js";
import { sweep } from "../../src/experiments/sweep.js";
import { SCREEN_REPLICATIONS, place, withHires } from "../../src/experiments/place.js";
import { PRECISION_MIN_REPLICATIONS } from "../../src/runner/run.js";
import type { PlaceDocument, SweepDocument } from "../../src/report/experiments/documents.js";
import { placeText, sweepTable } from "../../src/report/experiments/text.js";
import { placeHtml, sweepHtml } from "../../src/report/experiments/html.js";
import { precisionRunOptions } from "../../src/cli/parse.js";
import { num } from "../../src/report/format.js";
import { ensureBuilt, hasStackTrace, scratch, vsm, withoutPerformance } from "../fixtures/cli.js";

beforeAll(() => ensureBuilt());
const tmp = scratch("vsm-precision-");
afterAll(() => tmp.remove());

/** The rule, written again from its description in docs/statistics.md, over a document's figures. */
function worstOf(base: RunDocument, diffs: DiffDocument[], absolute: boolean): number {
  let worst = 0;
  const watch = (hw: number | null, n: number, of: number) => {
    if (n === 0 || !(Math.abs(of) > 0)) return;
    worst = Math.max(worst, hw === null ? Infinity : absolute ? hw : hw / Math.abs(of));
  };
  for (const d of diffs) {
    for (const [id, s] of Object.entries(d.streams)) {
      for (const k of ["mean", "p85"] as const) watch(s.leadTime[k].ci95, s.leadTime[k].n, base.streams[id].leadTime[k].mean);
    }
    if (!absolute && d.economics && base.economics) watch(d.economics.total.ci95, d.economics.total.n, base.economics.total.mean);
  }
  return worst;
}

describe("vsm sweep --precision", () => {
  it("adds paired replications until every point's changes are known within the target, the same on one thread and on two", async () => {
    // Review at 1 server (load 0.89) against 2: the p85 change is wide, so 0.04 needs ~290 pairs
    // over a long horizon, in rounds from 60 that at most double (60, 120, 240, ...): the later
    // rounds are worth a pool of two, and heavy enough that its helpers get to work before the main
    // thread has done it all.
    const args = ["sweep", "test/fixtures/small.yaml", "--set", "horizon=2000", "--vary", "stages.review.servers=1,2", "--precision", "0.04", "-r", "60", "--json", "-q"];
    const one = await vsm([...args, "-w", "1"]);
    const two = await vsm([...args, "-w", "2"]);
    expect(one.status, one.stderr).toBe(0);
    expect(two.status, two.stderr).toBe(0);
    const a = withoutPerformance<SweepDocument>(one.stdout);
    const b = withoutPerformance<SweepDocument>(two.stdout);
    expect(a.workers, "-w 1 runs in-process").toBe(0);
    expect(b.workers, "-w 2 must really use a pool here (make the run heavier if not)").toBe(2);
    expect(JSON.stringify(b.doc)).toBe(JSON.stringify(a.doc));

    const doc = a.doc;
    expect(doc.precision).toMatchObject({ target: 0.04, absolute: false, rule: "paired change in mean and p85 lead time" });
    expect(doc.replications).toBeGreaterThan(PRECISION_MIN_REPLICATIONS);
    expect(doc.base.replications).toBe(doc.replications);
    for (const p of doc.points) expect(p.run.replications).toBe(doc.replications);
    const worst = worstOf(doc.base, doc.points.map((p) => p.diff), false);
    expect(worst).toBeCloseTo(doc.precision!.achieved, 12);
    expect(worst).toBeLessThanOrEqual(0.04);
    expect(doc.precision!.reached).toBe(true);

    expect(sweepTable(doc)).toContain(
      `Precision: every point's change in every stream's mean and p85 lead time (as a share of the base value) is known within ±${num(worst * 100)}% (target ±4%) after ${doc.replications} replications.`,
    );
    expect(sweepHtml(doc)).toMatch(/<p class="meta" data-precision="reached">Precision: every point(&#39;|&#x27;|')s change/);
  });

  it("stops at --max-replications and says the target was not reached", async () => {
    const base = validateModel({
      name: "review", timeUnit: "day", warmup: 20, horizon: 200, replications: 3, seed: 7,
      economics: { costPerPerson: 100000, year: "365d" },
      stages: { review: { servers: 1, processTime: { dist: "exponential", mean: 0.8 } } },
      streams: { web: { arrivals: { rate: 1 }, route: ["review"], costOfDelay: { amount: 1000 } } },
    }, "review.yaml");
    const point = withHires(base, { review: 1 });
    const doc = await sweep(base, [point], [["stages.review.servers=2"]], ["stages.review.servers"], { precision: 0.001, maxReplications: 12, workers: 1 });
    expect(doc.replications).toBe(12);
    const worst = worstOf(doc.base, doc.points.map((p) => p.diff), false);
    expect(doc.points[0].diff.economics, "the economics total is watched too").toBeDefined();
    expect(worst).toBeCloseTo(doc.precision!.achieved, 12);
    expect(worst).toBeGreaterThan(0.001);
    expect(doc.precision!.reached).toBe(false);
    const text = sweepTable(doc);
    expect(text).toContain("Sweep of review: 1 points, 12 replications each");
    expect(text).toContain("Precision NOT reached: every point's change in every stream's mean and p85 lead time and in the economics total (as a share of the base value) is known only within");
    // The one point is the widest's model; which of its figures is widest is recomputed here.
    expect(text).toMatch(/after 12 replications \(target ±0\.100%; the widest: [^;]+: (web, (mean|p85) lead time|the economics total)\); raise --max-replications\./);
    expect(sweepHtml(doc)).toContain('<p class="warn" data-precision="not reached">Precision NOT reached:');
    // Without the option: no rule, the model's replications.
    const plain = await sweep(base, [point], [["stages.review.servers=2"]], ["stages.review.servers"], { workers: 1 });
    expect([plain.precision, plain.replications]).toEqual([null, 3]);
    expect(sweepTable(plain)).not.toContain("Precision");
    expect(sweepHtml(plain)).not.toContain("data-precision");
  });

  it("--precision-abs is read in the base model's time unit: 0.5d is 12 in a model in hours", async () => {
    expect(precisionRunOptions({ precisionAbs: "0.5d" }, "hour").precisionAbs).toBe(12);
    expect(precisionRunOptions({ precisionAbs: "3" }, "hour").precisionAbs).toBe(3);
    expect(precisionRunOptions({ precisionAbs: "4h" }, "day").precisionAbs).toBeCloseTo(1 / 6, 12);
    const file = tmp.write("hours.yaml", "name: hours\ntimeUnit: hour\nwarmup: 20\nhorizon: 200\nreplications: 3\nseed: 7\n" +
      "stages:\n  review: { servers: 1, processTime: { dist: exponential, mean: 0.8 } }\n" +
      "streams:\n  web: { arrivals: { rate: 1 }, route: [review] }\n");
    const r = await vsm(["sweep", file, "--vary", "stages.review.servers=2", "--precision-abs", "0.5d", "--json", "-q", "-w", "1"]);
    expect(r.status, r.stderr).toBe(0);
    const doc = JSON.parse(r.stdout) as SweepDocument;
    expect(doc.precision).toMatchObject({ target: 12, absolute: true });
    const worst = worstOf(doc.base, doc.points.map((p) => p.diff), true);
    expect(worst).toBeCloseTo(doc.precision!.achieved, 12);
    expect(doc.precision!.reached).toBe(worst <= 12);
    expect(sweepTable(doc)).toMatch(/Precision: every point's change in every stream's mean and p85 lead time is known within ±[\d.]+ hours \(target ±12 hours\) after \d+ replications\./);
  });
});

describe("vsm place --precision", () => {
  // build is the constraint (M/M/1 at 0.9); three hires over three stages: ten placements, so
  // the screen runs (more than VERIFIED) before the best eight are verified.
  const model = validateModel(
    {
      name: "constraint", timeUnit: "day", warmup: 100, horizon: 400, replications: 4, seed: 11,
      economics: { costPerPerson: 100000, year: "365d" },
      stages: {
        build: { servers: 1, processTime: { dist: "exponential", mean: 1 } },
        test: { servers: 2, processTime: { dist: "exponential", mean: 0.8 / 0.9 } },
        ship: { servers: 1, processTime: { dist: "exponential", mean: 0.3 / 0.9 } },
      },
      streams: { work: { arrivals: { rate: 0.9 }, route: ["build", "test", "ship"], costOfDelay: { amount: 2000 } } },
    },
    "constraint.yaml",
  );

  /** Place, counting the replications each evaluation ran (one call per replication of all its models). */
  async function counted(options: Parameters<typeof place>[1]): Promise<{ doc: PlaceDocument; replications: number }> {
    let replications = 0;
    const doc = await place(model, { ...options, onReplication: () => replications++ });
    return { doc, replications };
  }

  /** What the document shows of the rule: every shown placement's net value has the interval of its
   * change in the economics total, so none may be wider than the worst the rule saw. */
  function checkShown(doc: PlaceDocument): void {
    const total = Math.abs(doc.base.economics!.total.mean);
    for (const p of doc.placements) expect(p.netValue.ci95! / total).toBeLessThanOrEqual(doc.precision!.achieved * (1 + 1e-12));
    if (doc.precision!.reached) for (const p of doc.placements) expect(p.netValue.ci95! / total).toBeLessThanOrEqual(doc.precision!.target);
  }

  it("verifies the best placements under the rule while the screen keeps its fixed replications", async () => {
    const fixed = Math.min(model.replications, SCREEN_REPLICATIONS);
    const { doc, replications } = await counted({ hires: 3, workers: 1, precision: 0.3 });
    expect(doc.screened).toBe(10);
    expect(doc.screenReplications).toBe(fixed);
    expect(replications, "screen + verification, each replication counted once").toBe(fixed + doc.replications);
    expect(doc.replications).toBeGreaterThan(PRECISION_MIN_REPLICATIONS);
    expect(doc.precision).toMatchObject({ target: 0.3, absolute: false, reached: true });
    expect(doc.precision!.achieved).toBeLessThanOrEqual(0.3);
    checkShown(doc);
    expect(placeText(doc)).toContain(
      `Precision: every placement's change in every stream's mean and p85 lead time and in the economics total (as a share of the base value) is known within ±${num(doc.precision!.achieved * 100)}% (target ±30%) after ${doc.replications} replications. The screen's ${fixed} replications a placement are fixed: the rule applies to the verified placements.`,
    );
    expect(placeHtml(doc)).toContain('data-precision="reached">Precision: every placement');

    // --precision-abs too leaves the screen alone.
    const abs = await counted({ hires: 3, workers: 1, precisionAbs: 0.05, maxReplications: 30 });
    expect(abs.doc.precision).toMatchObject({ target: 0.05, absolute: true });
    expect(abs.replications).toBe(fixed + abs.doc.replications);
    expect(abs.doc.replications).toBeGreaterThan(PRECISION_MIN_REPLICATIONS);

    const plain = await counted({ hires: 3, workers: 1 });
    expect([plain.doc.precision, plain.doc.replications, plain.replications]).toEqual([null, model.replications, fixed + model.replications]);
    expect(placeText(plain.doc)).not.toContain("Precision");
  });
});

describe("bad precision options on sweep and place exit 2, naming the option", () => {
  it("refuses a bad share, a bad time, both targets at once and a bad bound (the parsers are compare's: test/cli/cli.test.ts has the rest)", async () => {
    const sweepArgs = ["sweep", "test/fixtures/small.yaml", "--vary", "stages.review.servers=1,2"];
    const placeArgs = ["place", "models/acme-saas.yaml", "--hires", "1"];
    const cases: [string[], RegExp][] = [
      [[...sweepArgs, "--precision", "2"], /--precision must be a number between 0 and 1.*\(got "2"\)/],
      [[...placeArgs, "--precision-abs", "0.2x"], /--precision-abs must be a time greater than zero: .*\(got "0\.2x"\)/],
      [[...placeArgs, "--precision-abs", "1d", "--precision", "0.01"], /option '--precision-abs <time>' cannot be used with option '--precision <share>'/],
      [[...sweepArgs, "--max-replications", "0"], /--max-replications must be a whole number >= 1 \(got "0"\)/],
    ];
    const results = await Promise.all(cases.map(([args]) => vsm(args)));
    results.forEach((r, i) => {
      expect(r.status, cases[i][0].join(" ")).toBe(2);
      expect(r.stdout).toBe("");
      expect(r.stderr).not.toSatisfy(hasStackTrace);
      expect(r.stderr).toMatch(cases[i][1]);
    });
  });
});
