import type { Model } from "../../model/types.js";
import type { CompareDocument } from "../compare.js";
import type { RunDocument } from "../document.js";
import { num } from "../format.js";
import { amount, moneyHeadline } from "../money.js";
import { precisionLine } from "../table.js";
import { cdfChart, legend } from "./cdf.js";
import { escapeHtml, nameOf } from "./escape.js";
import { orgMap } from "./orgmap.js";
import { page } from "./page.js";
import { paretoChart } from "./pareto.js";
import { streamMap } from "./streammap.js";
import { comparisonTable, runTables } from "./tables.js";

/** What --precision asked and whether it was met, as the text says it; a warning when it was not. */
function precisionHtml(base: RunDocument): string {
  const p = base.precision;
  if (!p) return "";
  const sentence = precisionLine(p, base.replications, base.timeUnit);
  return `<p class="${p.reached ? "meta" : "warn"}" data-precision="${p.reached ? "reached" : "not reached"}">${escapeHtml(sentence)}</p>`;
}

/**
 * One self-contained HTML page of a run or a comparison: the answer first, then the organization
 * map, a value stream map per stream (base and future states side by side), the lead-time
 * distributions, the comparison tables and the money. `models[0]` is the base, then each
 * scenario's model in the document's order: the maps need routes, gates and rework, which the
 * figures alone do not hold.
 */
export function htmlReport(doc: RunDocument | CompareDocument, models: Model[]): string {
  const cmp = "scenarios" in doc ? doc : null;
  const base = cmp ? cmp.base : (doc as RunDocument);
  const runs: { label: string; run: RunDocument; model: Model }[] = [
    { label: cmp ? "Base" : base.model, run: base, model: models[0] },
    ...(cmp?.scenarios.map((s, i) => ({ label: s.name, run: s.run, model: models[i + 1] })) ?? []),
  ];
  const u = escapeHtml(base.timeUnit);
  const body: string[] = [];
  body.push(`<header><h1>${escapeHtml(base.model)}</h1>`);
  body.push(
    `<p class="meta">${cmp ? `Against ${cmp.scenarios.length} future state${cmp.scenarios.length === 1 ? "" : "s"}, ${base.replications} paired replications (common random numbers)` : `${base.replications} replications`}, seed ${base.seed}, generator ${escapeHtml(base.generator)}; ${num(base.horizon)} ${u}s measured after ${num(base.warmup)} ${u}s of warm-up; times in ${u}s. Source: ${escapeHtml(base.source)}</p>${precisionHtml(base)}</header>`,
  );
  body.push(`<section class="answer" data-section="answer"><h2>The answer</h2>${cmp ? answerTable(cmp) : `<ul>${answer(doc).map((l) => `<li>${l}</li>`).join("")}</ul>`}</section>`);

  body.push(`<section data-section="organization-map"><h2>Organization map</h2>`);
  body.push(`<p class="caption">Each stream is a swimlane; a shared service is drawn once, across every stream that crosses it. Red: the flow constraint (where work waits most); orange: the busiest stage.</p>`);
  body.push(`<div class="figure">${orgMap(models[0], base)}</div>`);
  if (cmp) {
    for (const r of runs.slice(1)) {
      if (r.run.constraint && r.run.constraint.stage !== base.constraint?.stage) {
        body.push(`<p>In <b>${escapeHtml(r.label)}</b> the flow constraint moves to ${nameOf(r.run.constraint.stage, r.run.constraint.name)}.</p>`);
      }
    }
  }
  body.push(`</section>`);

  body.push(`<section data-section="value-stream-maps"><h2>Value stream maps</h2>`);
  body.push(
    `<p class="caption">Triangles: mean wait per item before a step; boxes: touch time per item; dashed boxes: optional steps; bars: fork and join of parallel work; orange arrows: rework with its rate. The ladder beneath adds wait (above) and touch time (below).</p>`,
  );
  for (const id of Object.keys(models[0].streams)) {
    body.push(`<h3>${nameOf(id, models[0].streams[id].name)}</h3><div class="grid">`);
    for (const r of runs) {
      if (!r.model?.streams[id]) continue;
      body.push(`<div><p class="caption"><b>${escapeHtml(r.label)}</b></p><div class="figure">${streamMap(r.model, r.run, id, r.label)}</div></div>`);
    }
    body.push(`</div>`);
  }
  body.push(`</section>`);

  body.push(`<section data-section="lead-time"><h2>Lead-time distribution</h2><p class="caption">Share of items done within a lead time; dots mark p50, p85 and p95. Further left is faster.</p><div class="grid">`);
  for (const id of Object.keys(base.streams)) {
    const curves = runs.filter((r) => r.run.streams[id]).map((r) => ({ label: r.label, distribution: r.run.streams[id].leadTime.distribution ?? [] }));
    body.push(`<div><h3>${nameOf(id, base.streams[id].name)}</h3><div class="figure">${cdfChart(id, curves, base.timeUnit)}</div>${legend(curves, base.timeUnit)}</div>`);
  }
  body.push(`</div></section>`);

  if (cmp) {
    body.push(`<section data-section="comparison"><h2>Comparison</h2><p class="caption">Paired differences, future state minus base, with 95% intervals. ✱: significant at ${num(cmp.marks.alpha * 100)}% after Holm's correction and at least ${num(cmp.marks.minEffect * 100)}% of the base value; green helps, red hurts. "!": grows with the length of the run (no steady state).</p>`);
    cmp.scenarios.forEach((s, k) => {
      body.push(`<h3>${escapeHtml(s.name)}</h3>`);
      for (const n of s.notes) body.push(`<p class="warn">note: ${escapeHtml(n)}</p>`);
      body.push(comparisonTable(cmp, k));
    });
    body.push(`</section>`);
  } else {
    body.push(`<section data-section="figures"><h2>Figures</h2>${runTables(base)}</section>`);
  }

  if (base.economics) {
    const names = Object.fromEntries(Object.entries(base.stages).map(([id, s]) => [id, s.name || id]));
    const e = base.economics;
    body.push(`<section data-section="money"><h2>What the flow costs a year</h2>`);
    body.push(
      `<p>${escapeHtml(amount(e.total.mean, e.currency))} a year${cmp ? " in the base" : ""}: ${escapeHtml(amount(e.payroll.mean, e.currency))} of payroll lost to waiting and rework, ${escapeHtml(amount(e.delay.mean, e.currency))} of revenue delayed.${e.constraint ? ` The constraint in money: ${nameOf(e.constraint.stage, e.constraint.name)}.` : ""}</p>`,
    );
    body.push(`<div class="figure">${paretoChart(e, names)}</div></section>`);
  }
  const warnings = [...base.warnings, ...(cmp?.scenarios.flatMap((s) => s.run.warnings.map((w) => `${s.name}: ${w}`)) ?? [])];
  if (warnings.length) body.push(`<section><h2>Warnings</h2><ul>${warnings.map((w) => `<li class="warn">${escapeHtml(w)}</li>`).join("")}</ul></section>`);
  return page(`${base.model}: vsm-sim report`, body);
}

/** The run's headline: the constraint, each stream's p85 lead time, the money. */
function answer(doc: RunDocument | CompareDocument): string[] {
  const run = doc as RunDocument;
  const u = escapeHtml(run.timeUnit);
  const out: string[] = [];
  if (run.constraint) out.push(`The flow constraint is <b>${nameOf(run.constraint.stage, run.constraint.name)}</b>: about ${num(run.constraint.waitingItems.mean)} items wait there on average.`);
  if (run.busiest) out.push(`The busiest stage is ${nameOf(run.busiest.stage, run.busiest.name)} (${num(run.busiest.utilization.mean * 100)}% utilized).`);
  for (const [id, s] of Object.entries(run.streams)) out.push(`${nameOf(id, s.name)}: 85% of items done within ${num(s.leadTime.p85.mean)} ${u}s; flow efficiency ${num(s.flowEfficiency.mean * 100)}%.`);
  if (run.economics) out.push(`<span class="money">The flow costs ${escapeHtml(amount(run.economics.total.mean, run.economics.currency))} a year.</span>`);
  return out;
}

/**
 * A future state in one sentence, as `compare` says it (money first, then each stream's p85 lead
 * time with its change and 95% interval), so five scenarios read as five lines.
 */
function scenarioSentence(cmp: CompareDocument, s: CompareDocument["scenarios"][number]): string {
  const u = escapeHtml(cmp.base.timeUnit);
  const parts: string[] = [];
  if (s.diff.economics && cmp.base.economics) parts.push(`<span class="money">${escapeHtml(moneyHeadline(s.diff.economics, cmp.base.economics.currency))}</span>`);
  const streams = Object.entries(s.diff.streams).map(([id, d]) => {
    const b = cmp.base.streams[id].leadTime.p85.mean;
    const a = s.run.streams[id].leadTime.p85.mean;
    const r = d.leadTime.p85.relative;
    const change = d.leadTime.p85.unstable
      ? " (grows with the run: no steady state)"
      : r && Number.isFinite(r.mean)
        ? ` (<span class="${d.leadTime.p85.significant ? (r.mean < 0 ? "better" : "worse") : ""}">${r.mean > 0 ? "+" : ""}${num(r.mean * 100)}%</span>${r.ci95 === null ? "" : `, 95% CI ${num((r.mean - r.ci95) * 100)} to ${num((r.mean + r.ci95) * 100)}%`})`
        : "";
    return `${nameOf(id, s.run.streams[id].name)} ${num(b)} → ${num(a)}${change}`;
  });
  parts.push(`p85 lead time in ${u}s: ${streams.join("; ")}`);
  return `<b>${escapeHtml(s.name)}</b>: ${parts.join(". ")}.`;
}

/**
 * The answer at a glance: the best future state in one sentence, then one row per future state:
 * its net value a year and each stream's change in p85 lead time, green where it helps (the
 * interval excludes zero), red where it hurts; the sentences as `compare` prints them follow.
 */
function answerTable(cmp: CompareDocument): string {
  const ids = Object.keys(cmp.base.streams);
  const money = cmp.base.economics ? cmp.base.economics.currency : null;
  const score = (s: CompareDocument["scenarios"][number]) =>
    s.diff.economics ? s.diff.economics.netValue.mean : -ids.reduce((a, id) => a + (s.diff.streams[id]?.leadTime.p85.relative?.mean ?? 0), 0);
  const best = [...cmp.scenarios].sort((a, b) => score(b) - score(a))[0];
  const rows = cmp.scenarios.map((s) => {
    const net = s.diff.economics && money ? `<td class="${s.diff.economics.netValue.mean >= 0 ? "better" : "worse"}">${escapeHtml(amount(s.diff.economics.netValue.mean, money))}</td>` : "";
    const cells = ids.map((id) => {
      const d = s.diff.streams[id]?.leadTime.p85;
      const r = d?.relative;
      if (!d || !r || !Number.isFinite(r.mean)) return "<td>-</td>";
      const cls = d.significant ? (r.mean < 0 ? "better sig" : "worse sig") : "";
      return `<td class="${cls}">${r.mean > 0 ? "+" : ""}${num(r.mean * 100)}%${d.unstable ? " !" : ""}</td>`;
    });
    return `<tr><td>${escapeHtml(s.name)}</td>${net}${cells.join("")}</tr>`;
  });
  const head = `<tr><th>Future state</th>${money ? "<th>Net value a year</th>" : ""}${ids.map((id) => `<th>${nameOf(id, cmp.base.streams[id].name)} p85</th>`).join("")}</tr>`;
  return [
    `<p class="lead"><b>${escapeHtml(best.name)}</b> ${best.diff.economics && money ? escapeHtml(moneyHeadline(best.diff.economics, money)) : "shortens lead times most"}.</p>`,
    `<div class="figure"><table data-table="answer"><thead>${head}</thead><tbody>${rows.join("")}</tbody></table></div>`,
    `<p class="caption">Change in each stream's p85 lead time (85% of items done within it) against the base; green: shorter, red: longer, where the 95% interval excludes zero; net value: the fall in the cost of the flow less any added payroll.</p>`,
    `<details><summary>In words, with 95% intervals</summary><ul>${cmp.scenarios.map((s) => `<li>${scenarioSentence(cmp, s)}</li>`).join("")}</ul></details>`,
  ].join("");
}
