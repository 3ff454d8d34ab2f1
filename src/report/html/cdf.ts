import { scaleLinear } from "d3-scale";
import { curveStepAfter, line } from "d3-shape";
import { num } from "../format.js";
import { escapeHtml } from "./escape.js";

export const COLORS = ["#4a5d73", "#1a7f4b", "#7c3aed", "#b54708", "#0e7490", "#be185d", "#4d7c0f"];

export interface Curve {
  label: string;
  /** Percentiles 0..100 (RunDocument leadTime.distribution). */
  distribution: number[];
}

const W = 560;
const H = 260;
const M = { top: 12, right: 16, bottom: 38, left: 44 };

/**
 * The lead-time distribution of one stream, base and future states overlaid as cumulative curves
 * (share of items done within x), with each curve's p50, p85 and p95 marked on it.
 */
export function cdfChart(stream: string, curves: Curve[], unit: string): string {
  const drawn = curves.filter((c) => c.distribution.length === 101);
  const xmax = Math.max(1e-9, ...drawn.map((c) => c.distribution[100]));
  const x = scaleLinear().domain([0, xmax]).nice().range([M.left, W - M.right]);
  const y = scaleLinear().domain([0, 1]).range([H - M.bottom, M.top]);
  const path = line<[number, number]>()
    .x((d) => x(d[0]))
    .y((d) => y(d[1]))
    .curve(curveStepAfter);
  const out: string[] = [];
  out.push(`<svg role="img" viewBox="0 0 ${W} ${H}" xmlns="http://www.w3.org/2000/svg" data-chart="lead-time-cdf" data-stream="${escapeHtml(stream)}">`);
  out.push(`<title>Lead-time distribution: share of items done within a lead time</title>`);
  for (const t of x.ticks(6)) {
    out.push(`<line x1="${x(t)}" x2="${x(t)}" y1="${M.top}" y2="${H - M.bottom}" stroke="#e5e9ee"/>`);
    out.push(`<text x="${x(t)}" y="${H - M.bottom + 14}" font-size="10" text-anchor="middle">${num(t)}</text>`);
  }
  for (const q of [0, 0.25, 0.5, 0.85, 0.95, 1]) {
    out.push(`<line x1="${M.left}" x2="${W - M.right}" y1="${y(q)}" y2="${y(q)}" stroke="${[0.5, 0.85, 0.95].includes(q) ? "#c9d1d9" : "#eef1f4"}"${[0.5, 0.85, 0.95].includes(q) ? ' stroke-dasharray="4 3"' : ""}/>`);
    out.push(`<text x="${M.left - 4}" y="${y(q) + 3}" font-size="10" text-anchor="end">${[0.5, 0.85, 0.95].includes(q) ? `p${q * 100}` : `${q * 100}%`}</text>`);
  }
  out.push(`<text x="${(M.left + W - M.right) / 2}" y="${H - 6}" font-size="11" text-anchor="middle" class="muted">lead time (${escapeHtml(unit)}s)</text>`);
  curves.forEach((c, i) => {
    if (c.distribution.length !== 101) return;
    const color = COLORS[i % COLORS.length];
    const pts: [number, number][] = [[0, 0], ...c.distribution.map((v, k) => [v, k / 100] as [number, number])];
    out.push(`<path d="${path(pts)}" fill="none" stroke="${color}" stroke-width="${i === 0 ? 2.5 : 2}"><title>${escapeHtml(c.label)}</title></path>`);
    for (const k of [50, 85, 95]) {
      out.push(`<circle cx="${x(c.distribution[k])}" cy="${y(k / 100)}" r="3.5" fill="${color}"><title>${escapeHtml(c.label)}: p${k} ${num(c.distribution[k])} ${escapeHtml(unit)}s</title></circle>`);
    }
  });
  out.push(`</svg>`);
  return out.join("\n");
}

/** The legend as HTML text (searchable, readable in print), with each curve's p50/p85/p95. */
export function legend(curves: Curve[], unit: string): string {
  const items = curves.map((c, i) => {
    const d = c.distribution;
    const q = d.length === 101 ? ` p50 ${num(d[50])}, p85 ${num(d[85])}, p95 ${num(d[95])} ${escapeHtml(unit)}s` : " no item completed";
    return `<li><span style="background:${COLORS[i % COLORS.length]}"></span>${escapeHtml(c.label)}:${q}</li>`;
  });
  return `<ul class="legend">${items.join("")}</ul>`;
}
