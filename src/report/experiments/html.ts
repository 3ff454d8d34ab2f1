import { scaleBand, scaleLinear } from "d3-scale";
import { curveStepAfter, line } from "d3-shape";
import type { RunDocument } from "../document.js";
import { num } from "../format.js";
import { amount } from "../money.js";
import { escapeHtml, nameOf } from "../html/escape.js";
import { clip } from "../html/orgmap.js";
import { page } from "../html/page.js";
import type { Figure } from "../../stats/interval.js";
import { type PlaceDocument, type PrecisionOutcome, type SweepDocument, type SweepPoint, overallLeadTime } from "./documents.js";
import { experimentPrecision } from "./text.js";

/**
 * `--html FILE` on `vsm sweep` and `vsm place`: one self-contained page each, built like the run
 * report (src/report/html/page.ts: inline CSS and SVG, no script, every model string escaped). The
 * sweep's answer is the Pareto front, drawn as annual cost against lead time; the placement's, the
 * ranked placements with their 95% intervals.
 */

const BASE_COLOR = "#4a5d73";
const FRONT_COLOR = "#1a7f4b";
const OTHER_COLOR = "#9aa5b1";

const show = (v: unknown) => (v === null ? "none" : typeof v === "string" ? v : JSON.stringify(v));
/** "security servers 3, qa servers 5": the point's changes as a facilitator reads them. */
function changesText(doc: SweepDocument, p: SweepPoint): string {
  return doc.vary.map((path) => `${path.replace(/^(stages|streams)\./, "").replace(/\./g, " ")} ${show(p.changes[path])}`).join(", ");
}
const withCi = (f: Figure, c: string) => (f.ci95 === null ? amount(f.mean, c) : `${amount(f.mean, c)} ± ${amount(f.ci95, c).replace(/^-?\S+ /, "")}`);
const interval = (f: Figure, c: string) => (f.ci95 === null ? "" : ` (95% CI ${amount(f.mean - f.ci95, c)} to ${amount(f.mean + f.ci95, c)})`);

function meta(base: RunDocument, what: string): string {
  const u = escapeHtml(base.timeUnit);
  return `<p class="meta">${what}; seed ${base.seed}, generator ${escapeHtml(base.generator)}; ${num(base.horizon)} ${u}s measured after ${num(base.warmup)} ${u}s of warm-up; times in ${u}s. Source: ${escapeHtml(base.source)}</p>`;
}

/** The --precision sentence of the text output, under the header; a warning when it was not met. */
function precisionHtml(p: PrecisionOutcome | null, sentence: string): string {
  if (!p) return "";
  return `<p class="${p.reached ? "meta" : "warn"}" data-precision="${p.reached ? "reached" : "not reached"}">${escapeHtml(sentence)}</p>`;
}

export function sweepHtml(doc: SweepDocument): string {
  const base = doc.base;
  const u = escapeHtml(base.timeUnit);
  const c = base.economics?.currency ?? null;
  const body: string[] = [];
  body.push(`<header><h1>Sweep of ${escapeHtml(base.model)}</h1>`);
  body.push(
    meta(base, `${doc.points.length} combinations of ${doc.vary.map(escapeHtml).join(", ")}, ${doc.replications} replications each under common random numbers with the base`) +
      precisionHtml(doc.precision, experimentPrecision(doc.precision, doc.replications, base, "point")) +
      "</header>",
  );

  const stable = doc.points.map((p, i) => ({ p, k: i + 1 })).filter(({ p }) => p.run.unstable.length === 0);
  const answer: string[] = [];
  if (c) {
    const best = [...stable].sort((a, b) => (b.p.netValue?.mean ?? -Infinity) - (a.p.netValue?.mean ?? -Infinity))[0];
    if (best?.p.netValue) {
      const net = best.p.netValue;
      const clear = net.ci95 !== null && net.mean - net.ci95 > 0;
      answer.push(
        `<p class="lead"><b>#${best.k} ${escapeHtml(changesText(doc, best.p))}</b> ${net.mean >= 0 ? "is worth most" : "loses least"}: <span class="money">${escapeHtml(amount(net.mean, c))} a year</span> against the base${escapeHtml(interval(net, c))}${clear ? "." : ", an interval that includes zero: not clearly better than the base."}</p>`,
      );
    }
    const front = stable.filter(({ p }) => p.pareto).sort((a, b) => a.p.leadTime - b.p.leadTime);
    if (front.length) {
      const fast = front[0];
      const cheap = front[front.length - 1];
      answer.push(
        `<p>${front.length} of ${doc.points.length} combinations are on the Pareto front (no other is both cheaper a year and faster): the fastest is #${fast.k} (${num(fast.p.leadTime)} ${u}s mean lead time, ${escapeHtml(amount(fast.p.annualCost!, c))} a year)${front.length > 1 ? `, the cheapest #${cheap.k} (${num(cheap.p.leadTime)} ${u}s, ${escapeHtml(amount(cheap.p.annualCost!, c))} a year)` : ""}. The base: ${num(overallLeadTime(base))} ${u}s, ${escapeHtml(amount(baseCost(doc), c))} a year.</p>`,
      );
    }
  } else {
    const fastest = [...stable].sort((a, b) => a.p.leadTime - b.p.leadTime)[0];
    if (fastest) answer.push(`<p class="lead"><b>#${fastest.k} ${escapeHtml(changesText(doc, fastest.p))}</b> has the shortest mean lead time: ${num(fastest.p.leadTime)} ${u}s against the base's ${num(overallLeadTime(base))}.</p>`);
    answer.push(`<p>The model has no economics, so there is no cost to weigh lead time against and no front (docs/economics.md).</p>`);
  }
  const unstable = doc.points.map((p, i) => ({ p, k: i + 1 })).filter(({ p }) => p.run.unstable.length > 0);
  if (unstable.length) answer.push(`<p class="warn">No steady state (work piles up without end), left off the chart: ${unstable.map(({ p, k }) => `#${k} ${escapeHtml(changesText(doc, p))}`).join("; ")}.</p>`);
  body.push(`<section class="answer" data-section="answer"><h2>The answer</h2>${answer.join("")}</section>`);

  if (c) {
    body.push(`<section data-section="cost-lead-time"><h2>Annual cost against lead time</h2>`);
    body.push(`<p class="caption">Each dot is one combination: further left is faster, lower is cheaper. Green dots joined by the line are the Pareto front; the diamond is the base. Annual cost: what waiting and rework cost a year plus the payroll of the people the combination needs.</p>`);
    body.push(`<div class="figure">${frontChart(doc, stable, c)}</div></section>`);
  } else {
    body.push(`<section data-section="lead-time"><h2>Mean lead time by combination</h2><p class="caption">Mean lead time over all items, shortest first; the line is the base.</p>`);
    const rows = stable.map(({ p, k }) => ({ label: `#${k} ${changesText(doc, p)}`, value: { mean: p.leadTime, ci95: null, n: 0 }, good: false })).sort((a, b) => a.value.mean - b.value.mean);
    body.push(`<div class="figure">${barChart(rows, overallLeadTime(base), `mean lead time (${base.timeUnit}s)`, (x) => num(x), "sweep-lead-time")}</div></section>`);
  }

  body.push(`<section data-section="points"><h2>Every combination</h2>${pointsTable(doc)}</section>`);
  return page(`Sweep of ${base.model}: vsm-sim report`, body);
}

function baseCost(doc: SweepDocument): number {
  const e = doc.base.economics!;
  return e.total.mean + e.peoplePayroll;
}

/** Annual cost (y) against mean lead time (x): the front as a step line, the base as a diamond. */
function frontChart(doc: SweepDocument, points: { p: SweepPoint; k: number }[], c: string): string {
  const W = 760;
  const H = 380;
  const M = { top: 16, right: 24, bottom: 44, left: 84 };
  const u = doc.base.timeUnit;
  const bx = overallLeadTime(doc.base);
  const by = baseCost(doc);
  const xs = [bx, ...points.map(({ p }) => p.leadTime)].filter(Number.isFinite);
  const ys = [by, ...points.map(({ p }) => p.annualCost ?? NaN)].filter(Number.isFinite);
  const pad = (lo: number, hi: number) => (hi - lo) * 0.08 || Math.abs(hi) * 0.02 || 1;
  const [x0, x1] = [Math.min(...xs), Math.max(...xs)];
  const [y0, y1] = [Math.min(...ys), Math.max(...ys)];
  const x = scaleLinear().domain([x0 - pad(x0, x1), x1 + pad(x0, x1)]).nice().range([M.left, W - M.right]);
  const y = scaleLinear().domain([y0 - pad(y0, y1), y1 + pad(y0, y1)]).nice().range([H - M.bottom, M.top]);
  const out: string[] = [];
  out.push(`<svg role="img" class="wide" viewBox="0 0 ${W} ${H}" xmlns="http://www.w3.org/2000/svg" data-chart="cost-lead-time">`);
  out.push(`<title>Annual cost against mean lead time, with the Pareto front</title>`);
  for (const t of x.ticks(6)) {
    out.push(`<line x1="${x(t)}" x2="${x(t)}" y1="${M.top}" y2="${H - M.bottom}" stroke="#eef1f4"/><text x="${x(t)}" y="${H - M.bottom + 14}" font-size="10" text-anchor="middle">${num(t)}</text>`);
  }
  for (const t of y.ticks(5)) {
    out.push(`<line x1="${M.left}" x2="${W - M.right}" y1="${y(t)}" y2="${y(t)}" stroke="#eef1f4"/><text x="${M.left - 6}" y="${y(t) + 3}" font-size="10" text-anchor="end">${escapeHtml(amount(t, c))}</text>`);
  }
  out.push(`<text x="${(M.left + W - M.right) / 2}" y="${H - 8}" font-size="11" text-anchor="middle" class="muted">mean lead time over all items (${escapeHtml(u)}s): further left is faster</text>`);
  out.push(`<text transform="translate(14 ${(M.top + H - M.bottom) / 2}) rotate(-90)" font-size="11" text-anchor="middle" class="muted">annual cost (${escapeHtml(c)}): lower is cheaper</text>`);
  const front = points.filter(({ p }) => p.pareto).sort((a, b) => a.p.leadTime - b.p.leadTime);
  if (front.length > 1) {
    // The front as the staircase it is: between two front points nothing beats both.
    const path = line<[number, number]>()
      .x((d) => x(d[0]))
      .y((d) => y(d[1]))
      .curve(curveStepAfter);
    out.push(`<path d="${path(front.map(({ p }) => [p.leadTime, p.annualCost!]))}" fill="none" stroke="${FRONT_COLOR}" stroke-width="1.5" stroke-dasharray="5 3"/>`);
  }
  for (const { p, k } of [...points].sort((a, b) => Number(a.p.pareto) - Number(b.p.pareto))) {
    if (p.annualCost === null || !Number.isFinite(p.leadTime)) continue;
    const cx = x(p.leadTime);
    const cy = y(p.annualCost);
    const tip = `#${k} ${changesText(doc, p)}: ${num(p.leadTime)} ${u}s, ${amount(p.annualCost, c)} a year`;
    out.push(`<g data-point="${k}"${p.pareto ? ' data-front="true"' : ""}><title>${escapeHtml(tip)}</title>`);
    out.push(`<circle cx="${cx}" cy="${cy}" r="${p.pareto ? 6 : 4.5}" fill="${p.pareto ? FRONT_COLOR : OTHER_COLOR}" stroke="#fff" stroke-width="1"/>`);
    out.push(`<text x="${cx + 8}" y="${cy + 4}" font-size="${p.pareto ? 11 : 9.5}"${p.pareto ? ' font-weight="600"' : ' class="muted"'}>#${k}</text></g>`);
  }
  out.push(`<g data-point="base"><title>${escapeHtml(`base: ${num(bx)} ${u}s, ${amount(by, c)} a year`)}</title><path d="M${x(bx)} ${y(by) - 8}l8 8l-8 8l-8 -8z" fill="${BASE_COLOR}"/><text x="${x(bx) - 11}" y="${y(by) + 4}" font-size="11" font-weight="600" text-anchor="end">base</text></g>`);
  out.push(`</svg>`);
  const legend = front.map(({ p, k }) => `<li><b>#${k}</b> ${escapeHtml(changesText(doc, p))}: ${num(p.leadTime)} ${escapeHtml(u)}s, ${escapeHtml(amount(p.annualCost!, c))} a year</li>`);
  return `${out.join("\n")}${legend.length ? `<p class="caption">On the front, fastest first:</p><ul class="front">${legend.join("")}</ul>` : ""}`;
}

function pointsTable(doc: SweepDocument): string {
  const base = doc.base;
  const u = escapeHtml(base.timeUnit);
  const c = base.economics?.currency ?? null;
  const streams = Object.keys(base.streams);
  // The answer's columns first (net value, cost, lead time, the front); each stream's p85 after.
  const head = [
    "#",
    ...doc.vary.map((v) => escapeHtml(v.replace(/^(stages|streams)\./, ""))),
    ...(c ? ["Net value a year ± 95%", "Annual cost", "Front"] : []),
    `Mean lead time (${u}s)`,
    ...streams.map((id) => `${nameOf(id, base.streams[id].name)} p85 (${u}s)`),
  ];
  const row = (k: string, changes: string[], run: RunDocument, lead: number, cost: number | null, net: Figure | null, front: string, netClass: string) => [
    `<td>${k}</td>`,
    ...changes.map((x) => `<td>${x}</td>`),
    ...(c ? [`<td${netClass ? ` class="${netClass}"` : ""}>${net === null ? "-" : escapeHtml(withCi(net, c))}</td>`, `<td>${cost === null ? "-" : escapeHtml(amount(cost, c))}</td>`, `<td>${front}</td>`] : []),
    `<td>${num(lead)}</td>`,
    ...streams.map((id) => `<td>${num(run.streams[id].leadTime.p85.mean)}</td>`),
  ].join("");
  const rows = [
    `<tr class="base">${row("base", doc.vary.map(() => ""), base, overallLeadTime(base), c ? baseCost(doc) : null, null, "", "")}</tr>`,
    ...doc.points.map((p, i) => {
      const net = p.netValue;
      const cls = net && net.ci95 !== null && Math.abs(net.mean) > net.ci95 ? (net.mean > 0 ? "better" : "worse") : "";
      const front = p.pareto ? "✓ front" : p.run.unstable.length ? "no steady state" : "";
      return `<tr${p.pareto ? ' data-front="true"' : ""}>${row(`#${i + 1}`, doc.vary.map((v) => escapeHtml(show(p.changes[v]))), p.run, p.leadTime, p.annualCost, net, front, cls)}</tr>`;
    }),
  ];
  return `<div class="figure"><table data-table="sweep-points"><thead><tr>${head.map((h) => `<th>${h}</th>`).join("")}</tr></thead><tbody>${rows.join("")}</tbody></table></div><p class="caption">Net value: the fall in what the flow costs a year less the added payroll, against the base, with its 95% paired interval; green or red where the interval excludes zero. p85: 85% of the stream's items are done within it.</p>`;
}

/** "Security reviewers +1, QA +1": a placement as names. */
function hiresText(doc: PlaceDocument, hires: Record<string, number>): string {
  return Object.entries(hires)
    .map(([id, k]) => `${doc.base.stages[id]?.name || id} +${k}`)
    .join(", ");
}

export function placeHtml(doc: PlaceDocument): string {
  const base = doc.base;
  const u = escapeHtml(base.timeUnit);
  const c = base.economics?.currency ?? "";
  const n = doc.hires;
  const body: string[] = [];
  const title = `Where ${n === 1 ? "1 hire does" : `${n} hires do`} the most good`;
  body.push(`<header><h1>${title}: ${escapeHtml(base.model)}</h1>`);
  const how =
    doc.search === "every placement"
      ? doc.screened
        ? `all ${doc.screened} placements screened at ${doc.screenReplications} replications, the best run again at ${doc.replications}`
        : `every placement run at ${doc.replications} replications`
      : `greedy, one hire at a time (${doc.screened} placements screened at ${doc.screenReplications} replications), the best run again at ${doc.replications}`;
  body.push(
    meta(base, `A hire is one server; candidates ${doc.candidates.map((id) => nameOf(id, base.stages[id]?.name)).join(", ")}; ${how}, under common random numbers with the base`) +
      precisionHtml(doc.precision, experimentPrecision(doc.precision, doc.replications, base, "placement", doc.screenReplications)) +
      "</header>",
  );

  const answer: string[] = [];
  const best = doc.placements[0];
  if (best) {
    const net = best.netValue;
    const lead = `mean lead time ${num(overallLeadTime(base))} → ${num(best.leadTime)} ${u}s`;
    answer.push(
      net.mean > 0
        ? `<p class="lead">Put ${n === 1 ? "the hire" : `the ${n} hires`} at <b>${escapeHtml(hiresText(doc, best.hires))}</b>: <span class="money">${escapeHtml(amount(net.mean, c))} a year</span> net of their payroll${escapeHtml(interval(net, c))}, ${escapeHtml(amount(best.valuePerPerson, c))} per added person; ${lead}.</p>`
        : `<p class="lead"><b>No placement pays for itself.</b> The best, <b>${escapeHtml(hiresText(doc, best.hires))}</b>, <span class="money">loses ${escapeHtml(amount(-net.mean, c))} a year</span> net of its payroll${escapeHtml(interval(net, c))}; ${lead}.</p>`,
    );
    const d = doc.bestVsSecond;
    if (d) {
      answer.push(
        d.distinguishable
          ? `<p>It beats the second, ${escapeHtml(hiresText(doc, doc.placements[1].hires))}, by ${escapeHtml(withCi(d.difference, c))} a year (a 95% paired interval that excludes zero).</p>`
          : `<p class="warn">It is not clearly better than the second, ${escapeHtml(hiresText(doc, doc.placements[1].hires))}: the difference, ${escapeHtml(withCi(d.difference, c))} a year, has a 95% interval that includes zero. Either is a good choice; run more replications (-r) to separate them.</p>`,
      );
    }
  }
  body.push(`<section class="answer" data-section="answer"><h2>The answer</h2>${answer.join("")}</section>`);

  body.push(`<section data-section="placements"><h2>The best placements, ranked</h2>`);
  body.push(`<p class="caption">Net value a year of each placement against the base: the fall in what the flow costs a year less the payroll of the people added. Bars: the estimate; whiskers: its 95% interval. Bars that overlap a lot are not told apart by this run.</p>`);
  const rows = doc.placements.map((p, i) => ({ label: `${i + 1}. ${hiresText(doc, p.hires)}`, value: p.netValue, good: i === 0 }));
  body.push(`<div class="figure">${barChart(rows, 0, `net value a year (${c})`, (x) => amount(x, c), "placements")}</div>`);
  const trs = doc.placements.map(
    (p, i) =>
      `<tr${i === 0 ? ' class="better"' : ""}><td>${i + 1}. ${escapeHtml(hiresText(doc, p.hires))}</td><td>${num(p.addedPeople)}</td><td>${escapeHtml(amount(p.addedPayroll, c))}</td><td>${escapeHtml(withCi(p.netValue, c))}</td><td>${escapeHtml(amount(p.valuePerPerson, c))}</td><td>${num(p.leadTime)}</td></tr>`,
  );
  body.push(
    `<div class="figure"><table data-table="placements"><thead><tr><th>Hires, best first</th><th>People added</th><th>Payroll added a year</th><th>Net value a year ± 95%</th><th>Per person</th><th>Mean lead time (${u}s)</th></tr></thead><tbody>${trs.join("")}</tbody></table></div>`,
  );
  body.push(`<p class="caption">Base: mean lead time ${num(overallLeadTime(base))} ${u}s over all items${base.economics ? `; the flow costs ${escapeHtml(amount(base.economics.total.mean, c))} a year` : ""}.</p></section>`);
  return page(`${title}: vsm-sim report`, body);
}

/**
 * Horizontal bars, one per row in the order given, with 95% whiskers where a row has them and a
 * reference line (zero, or the base). Labels are SVG text, cut to fit with the whole in a title.
 */
function barChart(rows: { label: string; value: Figure; good: boolean }[], ref: number, axis: string, fmt: (x: number) => string, name: string): string {
  // The label on its own line above each bar: placements and combinations are long names, and a
  // label cut short cannot tell two of them apart.
  const W = 760;
  const ROW = 48;
  const M = { top: 6, right: 96, bottom: 40, left: 12 };
  const H = M.top + M.bottom + Math.max(1, rows.length) * ROW;
  const lo = (f: Figure) => f.mean - (f.ci95 ?? 0);
  const hi = (f: Figure) => f.mean + (f.ci95 ?? 0);
  const vals = [ref, ...rows.flatMap((r) => [lo(r.value), hi(r.value)])].filter(Number.isFinite);
  const x = scaleLinear().domain([Math.min(0, ...vals), Math.max(...vals)]).nice().range([M.left, W - M.right]);
  const y = scaleBand<number>()
    .domain(rows.map((_, i) => i))
    .range([M.top, H - M.bottom])
    .paddingInner(0);
  const out: string[] = [];
  out.push(`<svg role="img" viewBox="0 0 ${W} ${H}" xmlns="http://www.w3.org/2000/svg" data-chart="${name}">`);
  out.push(`<title>${escapeHtml(axis)}</title>`);
  for (const t of x.ticks(5)) {
    out.push(`<line x1="${x(t)}" x2="${x(t)}" y1="${M.top}" y2="${H - M.bottom}" stroke="#eef1f4"/><text x="${x(t)}" y="${H - M.bottom + 14}" font-size="10" text-anchor="middle">${escapeHtml(fmt(t))}</text>`);
  }
  out.push(`<text x="${(M.left + W - M.right) / 2}" y="${H - 8}" font-size="11" text-anchor="middle" class="muted">${escapeHtml(axis)}</text>`);
  rows.forEach((r, i) => {
    const top = y(i)! + 18;
    const h = ROW - 26;
    const v = r.value;
    const a = x(Math.min(ref, v.mean));
    const b = x(Math.max(ref, v.mean));
    out.push(`<g data-row="${i + 1}"><title>${escapeHtml(`${r.label}: ${fmt(v.mean)}${v.ci95 === null ? "" : ` (95% CI ${fmt(lo(v))} to ${fmt(hi(v))})`}`)}</title>`);
    out.push(`<text x="${M.left}" y="${top - 5}" font-size="12"${r.good ? ' font-weight="600"' : ""}>${clip(escapeHtml(r.label), r.label, 100)}</text>`);
    out.push(`<rect x="${a}" y="${top}" width="${Math.max(1, b - a)}" height="${h}" fill="${r.good ? FRONT_COLOR : v.mean < ref ? "#b42318" : BASE_COLOR}" opacity="0.85"/>`);
    if (v.ci95 !== null && Number.isFinite(v.ci95)) {
      const cy = top + h / 2;
      out.push(`<path d="M${x(lo(v))} ${cy}H${x(hi(v))}M${x(lo(v))} ${cy - 6}v12M${x(hi(v))} ${cy - 6}v12" stroke="#1d2630" stroke-width="1.5" fill="none"/>`);
    }
    out.push(`<text x="${Math.max(x(hi(v)), b) + 6}" y="${top + h / 2 + 4}" font-size="11">${escapeHtml(fmt(v.mean))}</text></g>`);
  });
  // The reference line beside each bar only: drawn through the label lines, it strikes the names.
  const refPath = rows.map((_, i) => `M${x(ref)} ${y(i)! + 14}V${y(i)! + ROW - 4}`).join("");
  out.push(`<path d="${refPath}" stroke="#1d2630" stroke-width="1" fill="none"/>`);
  out.push(`</svg>`);
  return out.join("\n");
}
