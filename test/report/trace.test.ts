/**
 * `vsm run --trace`: one replication as an issue tracker's changelog export. A small model's trace
 * asserted whole, by hand; what the writer holds bounded by the items in flight (a run four times as
 * long holds about as much); and the round trip: the trace of a known model read back by `vsm fit`
 * recovers its parameters, and `vsm backtest` of the fitted model against the trace stays inside
 * every band.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { compile } from "../../src/model/compile.js";
import { loadModel } from "../../src/model/load.js";
import { parseText } from "../../src/model/read.js";
import { validateModel } from "../../src/model/validate.js";
import { runReplication } from "../../src/flow/replication.js";
import { backtest } from "../../src/fit/backtest.js";
import { readTrackerLog } from "../../src/fit/log.js";
import { readStatusMap } from "../../src/fit/map.js";
import { ChangelogTrace, isoAt, traceMapPath } from "../../src/report/trace.js";
import { backtestHtml } from "../../src/report/backtest/html.js";
import { quantile } from "../../src/fit/distributions.js";
import type { Model } from "../../src/model/types.js";
import { ensureBuilt, vsm } from "../fixtures/cli.js";

const dir = mkdtempSync(join(tmpdir(), "vsm-trace-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function traced(model: Model, seed = model.seed): { text: string; stats: ChangelogTrace["stats"]; writes: number } {
  const m = compile(model);
  let text = "";
  let writes = 0;
  const trace = new ChangelogTrace(m, (t) => {
    text += t;
    writes++;
  });
  runReplication(m, seed, 0, { observer: trace });
  trace.end();
  return { text, stats: trace.stats, writes };
}

describe("the trace as a changelog export", () => {
  it("a hand-checked model: a wait and a work row per stage, Done, items grouped, the open one last", () => {
    // Items every hour from 1h; a takes 1.5h on one server, so waits grow by half an hour an
    // item; b is a gate opening at 4h and 8h. The run ends at 6h.
    const file = join(dir, "tiny.yaml");
    writeFileSync(
      file,
      [
        "name: tiny",
        "start: 2026-03-02T09:00:00+01:00",
        "timeUnit: hour",
        "horizon: 6",
        "stages:",
        "  a: { servers: 1, processTime: 1.5 }",
        "  b: { servers: 1, processTime: 0.25, batch: { every: 4, offset: 4 } }",
        "streams:",
        "  story: { arrivals: { interarrival: 1 }, route: [a, b] }",
      ].join("\n"),
    );
    const { text } = traced(loadModel(file));
    const at = (h: number, m = 0) => `2026-03-02T${String(9 + h).padStart(2, "0")}:${String(m).padStart(2, "0")}:00+01:00`;
    expect(text.split("\n")).toEqual([
      "Issue key,Issue Type,Status,Entered,Left",
      // Item 1: a from 1h to 2.5h, the gate at 4h, b to 4.25h.
      `story-1,story,Ready for a,${at(1)},${at(1)}`,
      `story-1,story,In a,${at(1)},${at(2, 30)}`,
      `story-1,story,Ready for b,${at(2, 30)},${at(4)}`,
      `story-1,story,In b,${at(4)},${at(4, 15)}`,
      `story-1,story,Done,${at(4, 15)},`,
      // Item 2: waits for a until 2.5h, works to 4h, reaches the gate as it opens (completions first).
      `story-2,story,Ready for a,${at(2)},${at(2, 30)}`,
      `story-2,story,In a,${at(2, 30)},${at(4)}`,
      `story-2,story,Ready for b,${at(4)},${at(4, 15)}`,
      `story-2,story,In b,${at(4, 15)},${at(4, 30)}`,
      `story-2,story,Done,${at(4, 30)},`,
      // Items in flight at 6h, in order of arrival: item 3 waits at the gate, 4 is in a, 5 waits.
      `story-3,story,Ready for a,${at(3)},${at(4)}`,
      `story-3,story,In a,${at(4)},${at(5, 30)}`,
      `story-3,story,Ready for b,${at(5, 30)},`,
      `story-4,story,Ready for a,${at(4)},${at(5, 30)}`,
      `story-4,story,In a,${at(5, 30)},`,
      `story-5,story,Ready for a,${at(5)},`,
      `story-6,story,Ready for a,${at(6)},`,
      "",
    ]);
  });

  it("timestamps to the second in the start's own offset", () => {
    expect(isoAt(Date.parse("2025-01-06T00:00:00Z") + 1499, 0)).toBe("2025-01-06T00:00:01+00:00");
    expect(isoAt(Date.parse("2025-01-06T00:00:00Z"), -330)).toBe("2025-01-05T18:30:00-05:30");
  });

  it("holds only the items in flight: four times the run, about the same rows held, in chunks", () => {
    const known = loadModel("test/fixtures/fit-known.yaml");
    const short = traced({ ...known, horizon: 100 });
    const long = traced({ ...known, horizon: 400 });
    expect(long.stats.rows).toBeGreaterThan(3.5 * short.stats.rows);
    // About 8 items in flight of ~9 rows each; a run's peak grows slowly (an extreme of more time).
    expect(long.stats.maxHeldRows).toBeLessThan(1.6 * short.stats.maxHeldRows);
    expect(long.stats.maxHeldRows).toBeLessThan(long.stats.rows / 20);
    // The text reaches the file in chunks of about 64 KiB, never the whole log at once.
    expect(long.stats.maxBuffered).toBeLessThan(70_000);
    expect(long.writes).toBeGreaterThan(long.text.length / 70_000);
    expect(long.stats.rows).toBe(long.text.split("\n").length - 2);
  });
});

describe("round trip: vsm run --trace -> vsm fit -> vsm backtest", () => {
  const csv = join(dir, "known trace.csv");
  const fittedFile = join(dir, "fitted.yaml");
  let fitted: Model;
  beforeAll(async () => {
    ensureBuilt();
    const run = await vsm(["run", "test/fixtures/fit-known.yaml", "-r", "2", "-w", "1", "--trace", csv]);
    expect(run.status, run.stderr).toBe(0);
    expect(run.lines.at(-1)).toMatch(/^wrote .*known trace\.csv \(\d+ rows, \d+ items\) and .*known trace\.map\.yaml$/);
    const fit = await vsm(["fit", csv, "--map", traceMapPath(csv), "--out", fittedFile]);
    expect(fit.status, fit.stderr).toBe(0);
    fitted = validateModel(parseText(readFileSync(fittedFile, "utf8"), fittedFile), fittedFile);
  }, 30_000);

  it("the trace is replication 1 of the run, as the general loop traces it", () => {
    const known = loadModel("test/fixtures/fit-known.yaml");
    expect(readFileSync(csv, "utf8")).toBe(traced(known).text);
    expect(readFileSync(traceMapPath(csv), "utf8")).toContain('waits: { "Ready for dev": "dev"');
  });

  it("vsm fit recovers the model: rates, process times, servers, rework, routes and the gate", () => {
    // Tolerances: four standard errors at the sample sizes of one 300-day replication (about 620
    // passes at dev and qa, 180 at review, 290 features).
    expect(fitted.start).toBe("2025-01-06T00:00:00+00:00");
    const window = fitted.warmup + fitted.horizon;
    for (const [id, rate] of [["feature", 1.0], ["bug", 0.6]] as const) {
      const a = fitted.streams[id].arrivals as { kind: string; rate: number };
      expect(a.kind).toBe("poisson");
      expect(Math.abs(a.rate - rate)).toBeLessThan(4 * Math.sqrt(rate / window));
    }
    for (const [id, mean, cv, n] of [["dev", 1.5, 0.7, 620], ["qa", 0.6, 0.5, 620], ["review", 0.3, 0.5, 180]] as const) {
      const pt = fitted.stages[id].processTime as { mean: number; cv: number };
      expect(Math.abs(pt.mean - mean)).toBeLessThan((4 * mean * cv) / Math.sqrt(n));
      expect(Math.abs(pt.cv - cv)).toBeLessThan((8 * cv * Math.sqrt((1 + 2 * cv * cv) / 2)) / Math.sqrt(n));
    }
    expect(Object.fromEntries(Object.entries(fitted.stages).map(([id, s]) => [id, s.servers]))).toEqual({ dev: 5, review: 1, qa: 2, release: 1 });
    const rework = fitted.stages.qa.rework!;
    expect(rework.to).toBe("dev");
    expect(Math.abs(rework.probability - 0.25)).toBeLessThan(4 * Math.sqrt((0.25 * 0.75) / 600));
    expect(fitted.stages.release.batch).toEqual({ kind: "schedule", every: 7, offset: expect.closeTo(3 + 10 / 24, 3), max: null });
    expect(fitted.streams.bug.route.map((s) => (s.kind === "stage" ? s.stage : s.kind))).toEqual(["dev", "qa", "release"]);
    const review = fitted.streams.feature.route[1] as { stage: string; probability: number };
    expect(review.stage).toBe("review");
    expect(Math.abs(review.probability - 0.5)).toBeLessThan(4 * Math.sqrt(0.25 / 280));
  });

  it("vsm backtest: the fitted model reproduces its trace, every figure inside its band", async () => {
    const log = await readTrackerLog(csv, readStatusMap(traceMapPath(csv)));
    expect(log.grouped).toBe(true);
    expect(log.warnings.map((w) => w.kind)).toEqual(["open"]);
    const doc = await backtest(fitted, log, { replications: 10, workers: 1 });
    expect(doc.flags).toEqual([]);
    for (const s of Object.values(doc.streams)) expect(s.leadTime.observed.n).toBeGreaterThan(100);
    // The page: the log's and the model's distributions overlaid per stream, the answer first.
    const html = backtestHtml(doc);
    expect(html).toContain("<b>The model reproduces the log:</b>");
    expect(html.match(/data-chart="lead-time-cdf"/g)).toHaveLength(2);
    for (const [id, s] of Object.entries(doc.streams)) {
      const d = s.leadTime.distribution;
      expect([d.observed.length, d.simulated.length]).toEqual([101, 101]);
      expect([d.observed[50], d.observed[85], d.observed[95]]).toEqual([s.leadTime.observed.p50, s.leadTime.observed.p85, s.leadTime.observed.p95]);
      // Observed: the lead times of the items the log finished in the window, read here independently.
      const t = (ms: number) => (ms - Date.parse(doc.start)) / 86_400_000;
      const leads = log.items.filter((i) => i.stream === id && i.done !== null && t(i.done) >= doc.warmup).map((i) => t(i.done!) - t(i.arrival)).sort((a, b) => a - b);
      expect(d.observed[100]).toBeCloseTo(leads[leads.length - 1], 9);
      expect(d.observed[25]).toBeCloseTo(quantile(leads, 0.25), 9);
      expect(html).toContain(`observed (${leads.length} items in the log)`);
    }
  });

  it("vsm backtest --html: a model without the gate misses figures, and the page says which", async () => {
    const file = join(dir, "no-gate.yaml");
    writeFileSync(file, readFileSync(fittedFile, "utf8").replace(/^\s*batch: .*$/m, ""));
    const page = join(dir, "backtest.html");
    const r = await vsm(["backtest", file, csv, "--map", traceMapPath(csv), "-r", "3", "-w", "1", "-q", "--html", page]);
    expect(r.status, r.stderr).toBe(0);
    const html = readFileSync(page, "utf8");
    expect(html).toMatch(/<b>The model misses \d+ figures? of the log\.<\/b>/);
    expect(html).toMatch(/<li>release: simulated wait [\d.]+ days, observed [\d.]+: capacity or batching missed<\/li>/);
    expect(loadModel(file).stages.release.batch).toBeNull();
  }, 20_000);

  it("a replication the run does not have, or --trace-replication alone: exit 2 with what to do", async () => {
    const [r, alone] = await Promise.all([
      vsm(["run", "test/fixtures/fit-known.yaml", "-r", "2", "--trace", join(dir, "x.csv"), "--trace-replication", "3"]),
      vsm(["run", "test/fixtures/fit-known.yaml", "-r", "2", "--trace-replication", "2"]),
    ]);
    expect([r.status, r.lines]).toEqual([2, ["--trace-replication 3: the run has 2 replications; choose one from 1 to 2"]]);
    expect([alone.status, alone.lines]).toEqual([2, ["--trace-replication needs --trace FILE.csv: which file to write the replication's items to"]]);
  });
});
