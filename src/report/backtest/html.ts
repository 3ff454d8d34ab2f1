import { cdfChart, legend } from "../html/cdf.js";
import { escapeHtml } from "../html/escape.js";
import { page } from "../html/page.js";
import type { BacktestDocument, Banded } from "./documents.js";

/**
 * `vsm backtest --html FILE`: the backtest as a page, built like the run report (inline CSS and
 * SVG, no script, every name escaped). The answer first (does the model reproduce the log, and
 * where not, with the likely cause), then each stream's observed and simulated lead-time
 * distributions overlaid, then every figure beside its band.
 */

const v = (x: number) => (!Number.isFinite(x) ? "-" : Math.abs(x) >= 10 ? x.toFixed(1) : x.toFixed(2));
const sim = (b: Banded | null) => (!b || !Number.isFinite(b.mean) ? "-" : b.band ? `${v(b.mean)} <span class="meta">(${v(b.band[0])} to ${v(b.band[1])})</span>` : v(b.mean));
const mark = (x: boolean | null) => (x === null ? "<td></td>" : x ? `<td class="better">inside</td>` : `<td class="worse sig">outside</td>`);

export function backtestHtml(d: BacktestDocument): string {
  const u = escapeHtml(d.timeUnit);
  const body: string[] = [];
  body.push(`<header><h1>Backtest of ${escapeHtml(d.model)}</h1>`);
  body.push(
    `<p class="meta">Against the log ${escapeHtml(d.log)}: its window ${v(d.warmup)} to ${v(d.warmup + d.horizon)} ${u}s from ${escapeHtml(d.start)}, simulated ${d.replications} times (seed ${d.seed}). A figure is inside when the log's value falls in the band one simulated run of the log's length falls in 95% of the time.</p></header>`,
  );
  const answer = d.flags.length
    ? `<p class="lead"><b>The model misses ${d.flags.length} figure${d.flags.length === 1 ? "" : "s"} of the log.</b> Where, and the likely cause:</p><ul>${d.flags.map((f) => `<li>${escapeHtml(f)}</li>`).join("")}</ul>`
    : `<p class="lead"><b>The model reproduces the log:</b> every lead time, wait and work in progress lies inside its band, and each stream's lead-time distribution matches the log's (Kolmogorov-Smirnov, 5%).</p>`;
  body.push(`<section class="answer" data-section="answer"><h2>The answer</h2>${answer}</section>`);

  body.push(`<section data-section="lead-time"><h2>Lead-time distribution: the log against the model</h2><p class="caption">Share of items done within a lead time: what the log shows against what the model simulates (every replication pooled); dots mark p50, p85 and p95. Curves that lie together: the model reproduces the log.</p><div class="grid">`);
  for (const [id, s] of Object.entries(d.streams)) {
    const lt = s.leadTime;
    const curves = [
      { label: `observed (${lt.observed.n} items in the log)`, distribution: lt.distribution.observed },
      { label: `simulated (${lt.simulatedItems} items)`, distribution: lt.distribution.simulated },
    ];
    const ks = Number.isFinite(lt.ks) ? `KS distance ${lt.ks.toFixed(3)}, 5% critical ${lt.ksCritical.toFixed(3)}: ${lt.ksInside ? "the distributions agree" : '<span class="worse">the distributions differ</span>'}` : "no finished item to compare";
    body.push(`<div><h3>${escapeHtml(id)}</h3><div class="figure">${cdfChart(id, curves, d.timeUnit)}</div>${legend(curves, d.timeUnit)}<p class="caption">${ks}.</p></div>`);
  }
  body.push(`</div></section>`);

  const rows: string[] = [];
  for (const [id, s] of Object.entries(d.streams)) {
    const lt = s.leadTime;
    for (const p of ["p50", "p85", "p95"] as const) rows.push(`<tr><td>${escapeHtml(id)} lead time ${p} (${u}s)</td><td>${v(lt.observed[p])}</td><td>${sim(lt.simulated[p])}</td>${mark(lt.inside[p])}</tr>`);
  }
  for (const [id, s] of Object.entries(d.stages)) {
    rows.push(`<tr><td>${escapeHtml(id)} wait (${u}s)</td><td>${v(s.wait.observed)}</td><td>${sim(s.wait.simulated)}</td>${s.wait.visits ? mark(s.wait.inside) : "<td>no wait status</td>"}</tr>`);
    rows.push(`<tr><td>${escapeHtml(id)} work in progress (items)</td><td>${v(s.wip.observed)}</td><td>${sim(s.wip.simulated)}</td>${mark(s.wip.inside)}</tr>`);
  }
  body.push(
    `<section data-section="figures"><h2>Every figure beside its band</h2><div class="figure"><table data-table="backtest"><thead><tr><th>Figure</th><th>Log</th><th>Model (band)</th><th></th></tr></thead><tbody>${rows.join("")}</tbody></table></div></section>`,
  );
  return page(`Backtest of ${d.model}: vsm-sim report`, body);
}
