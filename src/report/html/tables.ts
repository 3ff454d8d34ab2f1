import type { CompareDocument } from "../compare.js";
import type { DiffFigure, RunDocument, RunFigure } from "../document.js";
import { num } from "../format.js";
import { escapeHtml, nameOf } from "./escape.js";

const val = (f: RunFigure | undefined, scale = 1) => (!f || !Number.isFinite(f.mean) ? "-" : `${num(f.mean * scale)}${f.unstable ? " !" : ""}`);
const ci = (f: RunFigure | undefined, scale = 1) => (!f || f.ci95 === null || !Number.isFinite(f.mean) ? "" : ` ± ${num(f.ci95 * scale)}`);

/**
 * One row of the comparison: base, future state, the paired difference with its 95% half-width,
 * and the relative change. A mark where the interval excludes zero after Holm's correction; green
 * where the change helps (shorter lead time, more throughput), red where it hurts.
 */
function row(name: string, b: RunFigure, a: RunFigure, d: DiffFigure, lowerIsBetter: boolean, scale = 1): string {
  const rel = d.relative && Number.isFinite(d.relative.mean) ? `${d.relative.mean > 0 ? "+" : ""}${num(d.relative.mean * 100)}%` : "-";
  const good = d.significant && (lowerIsBetter ? d.mean < 0 : d.mean > 0);
  const cls = d.significant ? (good ? "better sig" : "worse sig") : "";
  return `<tr><td>${name}</td><td>${val(b, scale)}</td><td>${val(a, scale)}</td><td class="${cls}">${Number.isFinite(d.mean) ? `${d.mean > 0 ? "+" : ""}${num(d.mean * scale)}${ci(d, scale)}` : "-"}</td><td class="${cls}">${rel}</td><td class="${cls}">${d.significant ? "✱ significant" : ""}</td></tr>`;
}

export function comparisonTable(doc: CompareDocument, k: number): string {
  const s = doc.scenarios[k];
  const u = escapeHtml(doc.base.timeUnit);
  const rows: string[] = [];
  for (const [id, d] of Object.entries(s.diff.streams)) {
    const b = doc.base.streams[id];
    const a = s.run.streams[id];
    const n = nameOf(id, a.name);
    for (const q of ["mean", "p50", "p85", "p95"] as const) rows.push(row(`${n} lead time ${q} (${u}s)`, b.leadTime[q], a.leadTime[q], d.leadTime[q], true));
    rows.push(row(`${n} throughput (per ${u})`, b.throughput, a.throughput, d.throughput, false));
    rows.push(row(`${n} work in progress (items)`, b.wip, a.wip, d.wip, true));
  }
  for (const [id, d] of Object.entries(s.diff.stages)) {
    const b = doc.base.stages[id];
    const a = s.run.stages[id];
    const n = nameOf(id, a.name);
    rows.push(row(`${n} wait (${u}s)`, b.wait, a.wait, d.wait, true));
    if (d.utilization && b.utilization && a.utilization) rows.push(row(`${n} utilization (%)`, b.utilization, a.utilization, d.utilization, true, 100));
  }
  return `<div class="figure"><table data-table="comparison"><thead><tr><th>Figure</th><th>Base</th><th>${escapeHtml(s.name)}</th><th>Difference ± 95%</th><th>Change</th><th>Mark</th></tr></thead><tbody>${rows.join("")}</tbody></table></div>`;
}

/** The run's figures per stream and per stage, for a report of one model. */
export function runTables(doc: RunDocument): string {
  const u = escapeHtml(doc.timeUnit);
  const streams = Object.entries(doc.streams).map(
    ([id, s]) =>
      `<tr><td>${nameOf(id, s.name)}</td><td>${val(s.throughput)}${ci(s.throughput)}</td><td>${val(s.leadTime.mean)}${ci(s.leadTime.mean)}</td><td>${val(s.leadTime.p50)}</td><td>${val(s.leadTime.p85)}</td><td>${val(s.leadTime.p95)}</td><td>${val(s.flowEfficiency, 100)}%</td><td>${val(s.wip)}</td></tr>`,
  );
  const stages = Object.entries(doc.stages).map(
    ([id, s]) =>
      `<tr${doc.constraint?.stage === id ? ' class="worse"' : ""}><td>${nameOf(id, s.name)}${doc.constraint?.stage === id ? " (flow constraint)" : ""}</td><td>${s.utilization ? `${val(s.utilization, 100)}%` : "unlimited"}</td><td>${val(s.wait)}${ci(s.wait)}</td><td>${val(s.queueLength)}</td><td>${val(s.visits)}</td></tr>`,
  );
  return [
    `<div class="figure"><table data-table="streams"><thead><tr><th>Stream</th><th>Throughput (per ${u})</th><th>Lead time mean (${u}s)</th><th>p50</th><th>p85</th><th>p95</th><th>Flow efficiency</th><th>WIP (items)</th></tr></thead><tbody>${streams.join("")}</tbody></table></div>`,
    `<div class="figure"><table data-table="stages"><thead><tr><th>Stage</th><th>Utilization</th><th>Wait (${u}s)</th><th>Items waiting</th><th>Visits</th></tr></thead><tbody>${stages.join("")}</tbody></table></div>`,
  ].join("\n");
}
