/**
 * `--html` and `--csv` on sweep and place, on the model of hostile names (test/report/hostile.ts):
 * the page as a string (the chart's geometry against the figures, the front, the answer, every
 * name escaped), the tidy tables (units in column names, the base as point 0, totals that add up,
 * formulas neutralized), and the CLI (files written; a --csv that names a file refused, exit 2).
 */
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parse } from "fast-csv";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { loadModel } from "../../src/model/load.js";
import { parseVary, pointModels } from "../../src/experiments/vary.js";
import { type SweepDocument, sweep } from "../../src/experiments/sweep.js";
import { type PlaceDocument, place } from "../../src/experiments/place.js";
import { placeHtml, sweepHtml } from "../../src/report/experiments/html.js";
import { placeTables, sweepTables } from "../../src/report/experiments/csv.js";
import { overallLeadTime } from "../../src/report/experiments/documents.js";
import { HOSTILE, HOSTILE_MODEL } from "../report/hostile.js";
import { ensureBuilt, vsm } from "../fixtures/cli.js";

const dir = mkdtempSync(join(tmpdir(), "vsm-exp-report-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const file = join(dir, "hostile.yaml");
writeFileSync(file, HOSTILE_MODEL);

let sw: SweepDocument;
let pl: PlaceDocument;
beforeAll(async () => {
  const base = loadModel(file);
  // A slower review costs delay and no people: each (dev, slow review) point is dominated.
  const vary = [parseVary("stages.dev.servers=2,5"), parseVary('stages.review.processTime={"dist":"exponential","mean":0.45},{"dist":"exponential","mean":0.55}'), parseVary("stages.dev.name==1+2")];
  const { changes, models } = pointModels(file, vary, []);
  sw = await sweep(base, models, changes, vary.map((v) => v.path), { replications: 3, workers: 1 });
  pl = await place(base, { hires: 1, replications: 3, workers: 1 });
});

const rows = (text: string) =>
  new Promise<string[][]>((done, fail) => {
    const out: string[][] = [];
    parse({ headers: false })
      .on("data", (r: string[]) => out.push(r))
      .on("end", () => done(out))
      .on("error", fail)
      .end(text);
  });

/** Each <g data-point> of the chart: its number and its circle's (or diamond's) position. */
function plotted(html: string): Map<string, { x: number; y: number; front: boolean }> {
  const out = new Map<string, { x: number; y: number; front: boolean }>();
  for (const m of html.matchAll(/<g data-point="(\w+)"( data-front="true")?><title>[^<]*<\/title>\s*(?:<circle cx="([\d.]+)" cy="([\d.]+)"|<path d="M([\d.]+) ([\d.]+))/g)) {
    out.set(m[1], { x: Number(m[3] ?? m[5]), y: Number(m[4] ?? Number(m[6]) + 8), front: m[2] !== undefined });
  }
  return out;
}

describe("the sweep's page", () => {
  it("plots every point where its lead time and annual cost put it: faster left, cheaper lower", () => {
    const html = sweepHtml(sw);
    const pts = plotted(html);
    expect([...pts.keys()].sort()).toEqual(["1", "2", "3", "4", "base"]);
    const figures = [
      ...sw.points.map((p, i) => ({ key: String(i + 1), lead: p.leadTime, cost: p.annualCost! })),
      { key: "base", lead: overallLeadTime(sw.base), cost: sw.base.economics!.total.mean + sw.base.economics!.peoplePayroll },
    ];
    // Linear scales: pixel differences proportional to figure differences, x rising and y falling.
    const [a, b] = [figures[0], figures[2]];
    const sx = (pts.get(b.key)!.x - pts.get(a.key)!.x) / (b.lead - a.lead);
    const sy = (pts.get(b.key)!.y - pts.get(a.key)!.y) / (b.cost - a.cost);
    expect(sx).toBeGreaterThan(0);
    expect(sy).toBeLessThan(0);
    for (const f of figures) {
      expect(pts.get(f.key)!.x - pts.get(a.key)!.x).toBeCloseTo(sx * (f.lead - a.lead), 1);
      expect(pts.get(f.key)!.y - pts.get(a.key)!.y).toBeCloseTo(sy * (f.cost - a.cost), 1);
    }
  });

  it("marks the front: exactly the points no other beats on both cost and lead time", () => {
    const pts = plotted(sweepHtml(sw));
    const dominated = (i: number) => sw.points.some((q, j) => j !== i && q.annualCost! <= sw.points[i].annualCost! && q.leadTime <= sw.points[i].leadTime && (q.annualCost! < sw.points[i].annualCost! || q.leadTime < sw.points[i].leadTime));
    sw.points.forEach((_, i) => expect(pts.get(String(i + 1))!.front, `#${i + 1}`).toBe(!dominated(i)));
    expect(sw.points.some((_, i) => dominated(i))).toBe(true);
  });

  it("answers with the point worth most, and escapes every name and value", () => {
    const html = sweepHtml(sw);
    const best = sw.points.map((p, i) => [p.netValue!.mean, i + 1] as const).sort((x, y) => y[0] - x[0])[0][1];
    expect(html).toMatch(new RegExp(`<p class="lead"><b>#${best} dev servers \\d, review processTime \\{[^<]*\\}, dev name =1\\+2</b>`));
    expect(html).toContain("&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; &#39;q&#39;");
    expect(html).toContain("&lt;b&gt;EUR&lt;/b&gt;");
    expect(html).not.toMatch(/<(script|iframe|img|b>EUR)/);
    expect(html).not.toMatch(/<[a-z]+[^>]*\s(src|href)=/);
  });
});

describe("the placement's page", () => {
  it("ranks the placements with bars as long as their net value and whiskers at the 95% interval", () => {
    const html = placeHtml(pl);
    const bars = [...html.matchAll(/<g data-row="(\d+)">[\s\S]*?<rect x="([\d.]+)" y="[\d.]+" width="([\d.]+)"[\s\S]*?<path d="M([\d.]+) [\d.]+H([\d.]+)/g)].map((m) => ({
      x: Number(m[2]),
      w: Number(m[3]),
      lo: Number(m[4]),
      hi: Number(m[5]),
    }));
    expect(bars).toHaveLength(pl.placements.length);
    // Every net value here is a loss (the model's hires cost more than its delay): bars run left from zero.
    const zero = bars[0].x + bars[0].w;
    const scale = bars[0].w / -pl.placements[0].netValue.mean;
    pl.placements.forEach((p, i) => {
      expect(bars[i].x + bars[i].w).toBeCloseTo(zero, 6);
      expect(bars[i].w).toBeCloseTo(-p.netValue.mean * scale, 1);
      expect(bars[i].hi - bars[i].lo).toBeCloseTo(2 * p.netValue.ci95! * scale, 1);
    });
    expect(html).toContain("<b>No placement pays for itself.</b>");
    const names: Record<string, string> = { intake: "&lt;img src=x onerror=alert(1)&gt;", dev: "Dev &amp; &quot;friends&quot;", review: "Review &lt;/svg&gt;&lt;script&gt;bad()&lt;/script&gt;", env: "Environments" };
    expect(html).toContain(`The best, <b>${names[Object.keys(pl.placements[0].hires)[0]]} +1</b>, <span class="money">loses`);
    expect(html).not.toMatch(/<(script|iframe|img)/);
  });
});

describe("tidy CSV", () => {
  it("sweep: points and point-streams, the base as point 0, units in the column names, formulas neutralized", async () => {
    const [points, streams] = await sweepTables(sw);
    expect([points.name, streams.name]).toEqual(["points.csv", "point-streams.csv"]);
    const p = await rows(points.text);
    expect(p[0]).toEqual(["point", "change.stages.dev.servers", "change.stages.review.processTime", "change.stages.dev.name", "leadTimeMean_days", "headcount_people", "headcountPayroll_b_EUR_b_per_year", "flowCost_b_EUR_b_per_year", "annualCost_b_EUR_b_per_year", "netValue_b_EUR_b_per_year", "netValueCi95_b_EUR_b_per_year", "pareto", "steadyState"]);
    expect(p.map((r) => r[0])).toEqual(["point", "0", "1", "2", "3", "4"]);
    expect(p.slice(2).map((r) => r[3])).toEqual(["'=1+2", "'=1+2", "'=1+2", "'=1+2"]);
    expect(p[2][2]).toBe('{"dist":"exponential","mean":0.45}');
    for (const r of p.slice(1)) expect(Number(r[8])).toBeCloseTo(Number(r[6]) + Number(r[7]), 6);
    expect(p.slice(2).map((r) => Number(r[5]))).toEqual([5, 5, 8, 8]);
    const s = await rows(streams.text);
    expect(s[0].slice(0, 3)).toEqual(["point", "stream", "leadTimeMean_days"]);
    expect(s.slice(1).map((r) => `${r[0]}/${r[1]}`)).toEqual(["0/web", "0/ops", "1/web", "1/ops", "2/web", "2/ops", "3/web", "3/ops", "4/web", "4/ops"]);
    expect(Number(s[3][2])).toBe(sw.points[0].run.streams.web.leadTime.mean.mean);
  });

  it("place: placements best first after the base, and the hires one row per stage", async () => {
    const [placements, hires] = await placeTables(pl);
    const p = await rows(placements.text);
    expect(p[0]).toEqual(["rank", "placement", "addedPeople_people", "addedPayroll_b_EUR_b_per_year", "netValue_b_EUR_b_per_year", "netValueCi95_b_EUR_b_per_year", "valuePerPerson_b_EUR_b_per_year", "leadTimeMean_days"]);
    expect(p.slice(1).map((r) => r[1])).toEqual(["base", ...pl.placements.map((x) => Object.entries(x.hires).map(([id, k]) => `${id} +${k}`).join(", "))]);
    const nets = p.slice(2).map((r) => Number(r[4]));
    expect(nets).toEqual([...nets].sort((a, b) => b - a));
    expect((await rows(hires.text)).slice(1)).toEqual(pl.placements.map((x, i) => [String(i + 1), Object.keys(x.hires)[0], "1"]));
  });
});

describe("the CLI", () => {
  beforeAll(() => ensureBuilt());
  it("writes --html and --csv for sweep and place; a --csv naming a file is refused before the run", async () => {
    const csv = join(dir, "tables");
    const [a, b, c] = await Promise.all([
      vsm(["sweep", file, "-r", "2", "-w", "1", "-q", "--vary", "stages.dev.servers=2,3", "--html", join(dir, "sweep.html"), "--csv", csv]),
      vsm(["place", file, "-r", "2", "-w", "1", "-q", "--hires", "1", "--at", "dev,env", "--html", join(dir, "place.html"), "--csv", csv]),
      vsm(["sweep", file, "-r", "2", "--vary", "stages.dev.servers=2,3", "--csv", file]),
    ]);
    expect([a.status, a.stderr, b.status, b.stderr]).toEqual([0, "", 0, ""]);
    for (const f of ["sweep.html", "place.html", "tables/points.csv", "tables/point-streams.csv", "tables/placements.csv", "tables/placement-hires.csv"]) expect(existsSync(join(dir, f)), f).toBe(true);
    expect(readFileSync(join(dir, "sweep.html"), "utf8")).toContain(`<h1>Sweep of ${"&lt;script&gt;"}`);
    expect([c.status, c.lines]).toEqual([2, [`${file}: --csv names a file, not a folder; give a folder for the tables`]]);
    expect(HOSTILE).toContain("<script>");
  }, 20_000);
});
