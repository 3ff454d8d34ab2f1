/**
 * The HTML report as a string: every stage and stream named, the constraint marked, every chart
 * there, hostile model text shown as text, nothing fetched from the network; the lead-time
 * distribution behind the charts against an independent quantile; its CSV rows.
 */
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { loadModels, simulateModels } from "../../src/index.js";
import type { Model } from "../../src/model/types.js";
import { type CompareDocument, compareDocument, compareTable } from "../../src/report/compare.js";
import { runCsv } from "../../src/report/csv.js";
import { percentiles, runDocument } from "../../src/report/document.js";
import { escapeHtml } from "../../src/report/html/escape.js";
import { htmlReport } from "../../src/report/html/report.js";
import { QuantileSketch } from "../../src/stats/sketch.js";
import { HOSTILE, HOSTILE_MODEL } from "./hostile.js";

const SCENARIO = `name: "Two reviewers <u>now</u>"
base: base.yaml
changes:
  stages:
    review: { servers: 2 }
`;

let dir: string;
let models: Model[];
let doc: CompareDocument;
let html: string;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), "vsm-html-"));
  writeFileSync(join(dir, "base.yaml"), HOSTILE_MODEL);
  writeFileSync(join(dir, "scen.yaml"), SCENARIO);
  models = loadModels([join(dir, "base.yaml"), join(dir, "scen.yaml")]).models;
  doc = compareDocument(await simulateModels(models, { workers: 1 }));
  html = htmlReport(doc, models);
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** An independent reading of the five entities escapeHtml writes. */
const unescape = (s: string) => s.replace(/&lt;/g, "<").replace(/&gt;/g, ">").replace(/&quot;/g, '"').replace(/&#39;/g, "'").replace(/&amp;/g, "&");

describe("escapeHtml", () => {
  it("leaves no markup character, quote or control character, and reads back as the text", () => {
    for (const s of [HOSTILE, "a & b", `"double" 'single'`, "</svg><svg onload=x>", "&amp; already", "tab\tand\u0000nul\u001b[31m\u0085\u2028"]) {
      const e = escapeHtml(s);
      expect(e).not.toMatch(/[<>"'\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f-\u009f\u2028]/);
      expect(e.replace(/&(lt|gt|quot|#39|amp);/g, "")).not.toContain("&");
      expect(unescape(e)).toBe(s.replace(/[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f-\u009f\u2028\u2029]/g, "\uFFFD"));
    }
  });
});

describe("lead-time distribution", () => {
  it("percentiles of a sketch agree with sorted values within the sketch's relative error; 0 and 100 are min and max", () => {
    const q = new QuantileSketch();
    const values: number[] = [];
    let x = 12345;
    for (let i = 0; i < 5000; i++) {
      x = (x * 48271) % 2147483647; // Lehmer: a fixed sequence, no Math.random
      const v = -Math.log(x / 2147483647) * 3;
      values.push(v);
      q.add(v);
    }
    values.sort((a, b) => a - b);
    const d = percentiles(q);
    expect(d).toHaveLength(101);
    expect(d[0]).toBe(values[0]);
    expect(d[100]).toBe(values[values.length - 1]);
    for (let k = 1; k < 100; k++) {
      // Rank floor(p (n - 1)), the lower nearest rank as the sketch documents it.
      const exact = values[Math.floor((k / 100) * (values.length - 1))];
      expect(Math.abs(d[k] - exact) / exact, `p${k}`).toBeLessThanOrEqual(0.0051);
      expect(d[k]).toBeGreaterThanOrEqual(d[k - 1]);
    }
    expect(percentiles(new QuantileSketch())).toEqual([]);
  });

  it("the run document's distribution is the one its p50, p85 and p95 come from", () => {
    for (const run of [doc.base, doc.scenarios[0].run]) {
      for (const s of Object.values(run.streams)) {
        expect(s.leadTime.distribution).toHaveLength(101);
        expect(s.leadTime.distribution[50]).toBeCloseTo(s.leadTime.p50.mean, 9);
        expect(s.leadTime.distribution[85]).toBeCloseTo(s.leadTime.p85.mean, 9);
        expect(s.leadTime.distribution[95]).toBeCloseTo(s.leadTime.p95.mean, 9);
      }
    }
  });

  it("CSV gives one row per percentile and stream, min to max, non-decreasing", async () => {
    const csv = await runCsv(doc.base);
    const rows = csv.split("\n").filter((l) => l.includes(",stream-distribution,web,"));
    expect(rows).toHaveLength(101);
    expect(rows[0]).toMatch(/,min,/);
    expect(rows[1]).toMatch(/,p01,/);
    expect(rows[100]).toMatch(/,max,/);
    // model,kind,id,name,figure,mean,...: no field before the mean holds a comma here.
    const values = rows.map((r) => Number(r.split(",")[5]));
    expect(values).toEqual(doc.base.streams.web.leadTime.distribution);
    expect(values.every((v, i) => i === 0 || v >= values[i - 1])).toBe(true);
  });
});

describe("HTML report", () => {
  it("names every stage and stream, escaped, and marks the flow constraint", () => {
    for (const m of models) {
      for (const [id, s] of Object.entries(m.stages)) expect(html, id).toContain(escapeHtml(s.name));
      for (const [id, s] of Object.entries(m.streams)) expect(html, id).toContain(escapeHtml(s.name));
    }
    const c = doc.base.constraint!.stage;
    expect(html).toMatch(new RegExp(`<g data-stage="${c}" data-constraint="true">`));
    expect(html.match(/data-constraint="true"/g)).toHaveLength(1);
    expect(html).toContain("FLOW CONSTRAINT");
  });

  it("has every chart: the organization map, a value stream map per stream and model, a CDF per stream, the comparison and the Pareto", () => {
    const count = (chart: string) => html.split(`data-chart="${chart}"`).length - 1;
    expect(count("organization-map")).toBe(1);
    expect(count("value-stream-map")).toBe(2 * 2);
    expect(count("lead-time-cdf")).toBe(2);
    expect(count("cost-pareto")).toBe(1);
    expect(count("ladder")).toBe(4);
    expect(html).toContain('data-table="comparison"');
    expect(html).toContain('data-table="answer"');
    // Rework with its rate, the gate's schedule, the optional step's share.
    expect(html).toContain("rework 20%");
    expect(html).toContain("gate every 2 days");
    expect(html).toContain("50% of items");
  });

  it("draws a shared service once across the streams that cross it, and each ladder rung from the per-stream figures", () => {
    const map = html.slice(html.indexOf('data-chart="organization-map"'), html.indexOf("</svg>", html.indexOf('data-chart="organization-map"')));
    for (const id of Object.keys(models[0].stages)) expect(map.split(`data-stage="${id}"`).length - 1, id).toBe(1);
    // The ops stream's ladder (base): wait above and touch below per item = visits x per-visit figure.
    const start = html.indexOf('data-chart="value-stream-map" data-stream="ops"');
    const svg = html.slice(start, html.indexOf("</svg>", start));
    const ladder = svg.slice(svg.lastIndexOf("</g>"));
    const labels = [...ladder.matchAll(/text-anchor="middle">([^<]+)<\/text>/g)].map((m) => m[1]);
    const f = doc.base.byStream.ops;
    const expected = ["intake", "review"].flatMap((st) => [f[st].visits.mean * f[st].wait.mean, f[st].visits.mean * f[st].touch.mean]);
    expect(labels.map(Number)).toHaveLength(4);
    // Labels carry three significant digits (format.ts num): within half a unit of the third.
    labels.map(Number).forEach((v, k) => expect(Math.abs(v - expected[k]), `rung ${k}`).toBeLessThanOrEqual(0.006 * Math.abs(expected[k]) + 1e-3));
  });

  it("injects no element: hostile names appear only as text", () => {
    expect(html).not.toMatch(/<script/i);
    expect(html).not.toMatch(/<img|<iframe|<u>|<b>EUR/i);
    expect(html).not.toMatch(/\u0007/);
    expect(html).toContain("&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; &#39;q&#39;");
    expect(html).toContain("&lt;/svg&gt;&lt;script&gt;bad()");
    // Every tag in the page is one the report writes.
    const tags = new Set([...html.matchAll(/<([a-zA-Z][a-zA-Z0-9]*)/g)].map((m) => m[1].toLowerCase()));
    const allowed = "html head meta title style body main header section details summary h1 h2 h3 p ul li b span div table thead tbody tr th td svg defs marker path g rect text line circle tspan".split(" ");
    expect([...tags].filter((t) => !allowed.includes(t))).toEqual([]);
  });

  it("loads nothing from the network", () => {
    // Escaped text holds no "<", so every match here is a tag the report wrote.
    const tags = [...html.matchAll(/<[^>]*>/g)].map((m) => m[0]);
    expect(tags.filter((t) => /\s(src|href|xlink:href|action|srcset)\s*=/i.test(t))).toEqual([]);
    expect(html.replace(/url\(#[a-z]+\)/g, "")).not.toMatch(/url\(|@import/i);
    // The only URL is the SVG namespace, which is a name, never fetched.
    expect([...html.matchAll(/https?:\/\/[^\s"'<]+/g)].map((m) => m[0]).every((u) => u === "http://www.w3.org/2000/svg" || u.startsWith("https://evil.example"))).toBe(true);
    expect(html).toContain("default-src 'none'");
  });

  it("a report of one run has the map, the stream maps, the CDFs and the figures", async () => {
    const one = htmlReport(runDocument(await simulateModels([models[0]], { workers: 1, replications: 2 })), [models[0]]);
    expect(one.split('data-chart="value-stream-map"').length - 1).toBe(2);
    expect(one).toContain('data-table="stages"');
    expect(one).toContain("The flow constraint is");
  });

  it("says what --precision asked and whether it was met, as the text does (the economics total watched too)", async () => {
    expect(html).not.toContain("data-precision");
    const loose = compareDocument(await simulateModels(models, { workers: 1, replications: 2, precision: 0.5 }));
    const tight = compareDocument(await simulateModels(models, { workers: 1, replications: 2, precision: 1e-6, maxReplications: 10 }));
    for (const [d, state, klass] of [[loose, "reached", "meta"], [tight, "not reached", "warn"]] as const) {
      expect(d.base.precision!.reached).toBe(state === "reached");
      const sentence = compareTable(d).split("\n").find((l) => l.startsWith("Precision"))!;
      expect(sentence).toContain("every scenario's change in every stream's mean and p85 lead time and in the economics total");
      expect(htmlReport(d, models)).toContain(`<p class="${klass}" data-precision="${state}">${escapeHtml(sentence)}</p>`);
    }
  });
});
