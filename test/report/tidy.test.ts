/**
 * `--csv DIR` on run and compare: the tidy tables an analyst loads. Each per-replication table is
 * checked against the run's own summary by recomputing the summary's estimators from the rows
 * (pooled ratios, means over replications), so a row that is wrong, missing or in another unit
 * shows; and the folder is all or nothing.
 */
import { existsSync, readFileSync, readdirSync } from "node:fs";
import { join } from "node:path";
import { parseString } from "fast-csv";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ensureBuilt, hasStackTrace, interrupted, scratch, vsm } from "../fixtures/cli.js";

type Row = Record<string, string>;
const read = (file: string): Promise<Row[]> =>
  new Promise((done, fail) => {
    const rows: Row[] = [];
    parseString(readFileSync(file, "utf8"), { headers: true })
      .on("data", (r: Row) => rows.push(r))
      .on("end", () => done(rows))
      .on("error", fail);
  });
const sum = (xs: number[]) => xs.reduce((a, b) => a + b, 0);
const close = (a: number, b: number) => expect(Math.abs(a - b)).toBeLessThanOrEqual(1e-9 * Math.max(1, Math.abs(b)));

describe("vsm compare --csv DIR", () => {
  const dir = scratch("vsm-tidy-");
  beforeAll(ensureBuilt);
  afterAll(() => dir.remove());

  it("writes per-replication tables that reproduce the summary's figures", async () => {
    const out = join(dir.dir, "tables");
    const r = await vsm(["compare", "models/acme-saas.yaml", "scenarios/daily-arch-review.yaml", "-r", "4", "--csv", out, "--json", "-q"]);
    expect(r.status, r.stderr).toBe(0);
    expect(readdirSync(out).sort()).toEqual(["distribution.csv", "replication-stages.csv", "replication-streams.csv", "replications.csv", "summary.csv"]);
    const doc = JSON.parse(r.stdout);
    const runs = [
      { name: doc.base.model, run: doc.base },
      ...doc.scenarios.map((s: { name: string; run: unknown }) => ({ name: s.name, run: s.run })),
    ];

    const reps = await read(join(out, "replications.csv"));
    const streams = await read(join(out, "replication-streams.csv"));
    const stages = await read(join(out, "replication-stages.csv"));
    const dist = await read(join(out, "distribution.csv"));
    expect(reps).toHaveLength(2 * 4);
    for (const { name, run } of runs) {
      const mine = reps.filter((x) => x.model === name);
      expect(mine.map((x) => Number(x.replication))).toEqual([1, 2, 3, 4]);
      // Money: the mean over replications of each one's flow cost.
      close(sum(mine.map((x) => Number(x["flowCost_USD_per_year"]))) / 4, run.economics.total.mean);
      for (const [id, s] of Object.entries<any>(run.streams)) {
        const rows = streams.filter((x) => x.model === name && x.stream === id);
        expect(rows).toHaveLength(4);
        const completed = rows.map((x) => Number(x.completed_items));
        // Mean lead time pools the items of every replication: sum of lead times over items.
        close(sum(rows.map((x, k) => Number(x.leadTimeMean_days) * completed[k])) / sum(completed), s.leadTime.mean.mean);
        close(sum(rows.map((x) => Number(x.throughput_per_day))) / 4, s.throughput.mean);
        const d = dist.filter((x) => x.model === name && x.stream === id);
        expect(d.map((x) => Number(x.percentile))).toEqual(Array.from({ length: 101 }, (_, k) => k));
        expect(d.map((x) => Number(x.leadTime_days))).toEqual(s.leadTime.distribution);
      }
      for (const [id, g] of Object.entries<any>(run.stages)) {
        const rows = stages.filter((x) => x.model === name && x.stage === id);
        expect(rows).toHaveLength(4);
        const visits = rows.map((x) => Number(x.visits));
        close(sum(rows.map((x, k) => Number(x.wait_days) * visits[k])) / sum(visits), g.wait.mean);
      }
    }
    // The summary is the table --out x.csv writes.
    const one = join(dir.dir, "one.csv");
    const again = await vsm(["compare", "models/acme-saas.yaml", "scenarios/daily-arch-review.yaml", "-r", "4", "--out", one, "-q"]);
    expect(again.status, again.stderr).toBe(0);
    expect(readFileSync(join(out, "summary.csv"), "utf8")).toBe(readFileSync(one, "utf8"));
  }, 60_000);

  it("neutralizes a model name a spreadsheet would run, and refuses a file as the folder before running", async () => {
    const out = join(dir.dir, "hostile");
    const r = await vsm(["run", "test/fixtures/small.yaml", "-r", "2", "--set", "name==1+2,x", "--csv", out, "-q"]);
    expect(r.status, r.stderr).toBe(0);
    const text = readFileSync(join(out, "replication-streams.csv"), "utf8");
    expect(text.split("\n")[1]).toMatch(/^"'=1\+2,x",1,web,/);
    const file = dir.write("not-a-folder", "keep me");
    const bad = await vsm(["run", "test/fixtures/small.yaml", "-r", "2", "--csv", file]);
    expect(bad.status).toBe(2);
    expect(bad.stderr).toMatch(/--csv names a file, not a folder/);
    expect(hasStackTrace(bad.stderr)).toBe(false);
    expect(readFileSync(file, "utf8")).toBe("keep me");
  }, 30_000);

  it("leaves no table, whole or partial, when the run is interrupted", async () => {
    const out = join(dir.dir, "stopped");
    const long = dir.write("long.yaml", "horizon: 2000000\nstages:\n  dev: { servers: 1, processTime: { dist: exponential, mean: 0.5 } }\nstreams:\n  web: { arrivals: { rate: 1 }, route: [dev] }\n");
    const r = await interrupted(["run", long, "-r", "40", "-w", "1", "--csv", out], 2000);
    expect(r.status).toBe(130);
    expect(existsSync(out) ? readdirSync(out) : []).toEqual([]);
  }, 30_000);
});
