import { scaleBand, scaleLinear } from "d3-scale";
import type { EconomicsDocument } from "../money.js";
import { amount } from "../money.js";
import { num } from "../format.js";
import { escapeHtml } from "./escape.js";
import { clip } from "./orgmap.js";

const W = 760;
const M = { top: 24, right: 190, bottom: 28, left: 190 };
const BAR = 26;

/** What each stage costs a year, largest first: payroll and delay stacked, the running share on top. */
export function paretoChart(e: EconomicsDocument, names: Record<string, string>): string {
  const rows = Object.entries(e.stages)
    .filter(([, s]) => s.total.mean > 0)
    .sort((a, b) => b[1].total.mean - a[1].total.mean);
  const H = M.top + M.bottom + rows.length * BAR;
  const y = scaleBand<string>()
    .domain(rows.map(([id]) => id))
    .range([M.top, H - M.bottom])
    .padding(0.2);
  const x = scaleLinear()
    .domain([0, Math.max(1, ...rows.map(([, s]) => s.total.mean))])
    .nice()
    .range([M.left, W - M.right]);
  const share = scaleLinear().domain([0, 1]).range([M.left, W - M.right]);
  const c = e.currency;
  const out: string[] = [];
  out.push(`<svg role="img" viewBox="0 0 ${W} ${H}" xmlns="http://www.w3.org/2000/svg" data-chart="cost-pareto">`);
  out.push(`<title>What the flow costs a year, by stage</title>`);
  for (const t of x.ticks(5)) {
    out.push(`<line x1="${x(t)}" x2="${x(t)}" y1="${M.top}" y2="${H - M.bottom}" stroke="#eef1f4"/>`);
    out.push(`<text x="${x(t)}" y="${H - M.bottom + 14}" font-size="10" text-anchor="middle">${escapeHtml(amount(t, c))}</text>`);
  }
  let running = 0;
  const cumulative: [number, number][] = [];
  for (const [id, s] of rows) {
    const top = y(id)!;
    const h = y.bandwidth();
    const pay = Number.isFinite(s.payroll.mean) ? s.payroll.mean : 0;
    const name = names[id] ?? id;
    out.push(`<g data-stage="${escapeHtml(id)}"><title>${escapeHtml(name)}: ${escapeHtml(amount(s.total.mean, c))} a year</title>`);
    out.push(`<text x="${M.left - 6}" y="${top + h / 2 + 4}" font-size="11" text-anchor="end">${clip(escapeHtml(name), name, 28)}</text>`);
    out.push(`<rect x="${x(0)}" y="${top}" width="${Math.max(0, x(pay) - x(0))}" height="${h}" fill="#4a5d73"/>`);
    out.push(`<rect x="${x(pay)}" y="${top}" width="${Math.max(0, x(s.total.mean) - x(pay))}" height="${h}" fill="#b54708"/>`);
    out.push(`<text x="${x(s.total.mean) + 4}" y="${top + h / 2 + 4}" font-size="10">${escapeHtml(amount(s.total.mean, c))}</text>`);
    out.push(`</g>`);
    running += s.share;
    cumulative.push([running, top + h / 2]);
  }
  // The running share as text in its own column: a second axis over the bars would mislead.
  out.push(`<text x="${W - M.right + 100}" y="${M.top - 6}" font-size="10" text-anchor="end" class="muted">share</text><text x="${W - 4}" y="${M.top - 6}" font-size="10" text-anchor="end" class="muted">running share</text>`);
  rows.forEach(([id, s], k) => {
    const cy = y(id)! + y.bandwidth() / 2 + 4;
    out.push(`<text x="${W - M.right + 100}" y="${cy}" font-size="10" text-anchor="end">${num(s.share * 100)}%</text><text x="${W - 4}" y="${cy}" font-size="10" text-anchor="end" fill="#7c3aed">${num(cumulative[k][0] * 100)}%</text>`);
  });
  out.push(`<text x="${M.left}" y="14" font-size="10.5"><tspan fill="#4a5d73">■ payroll (waiting, rework)</tspan> <tspan fill="#b54708" dx="10">■ delay (revenue forgone)</tspan></text>`);
  out.push(`</svg>`);
  return out.join("\n");
}
