import type { Figure } from "../stats/interval.js";
import type { RunOutcome } from "../runner/run.js";
import { type DiffDocument, type RunDocument, diffDocument, runDocument } from "./document.js";
import { num, safeText, table } from "./format.js";
import { label } from "./table.js";

/** The JSON document of `vsm compare --json`; this shape is relied on (add freely). */
export interface CompareDocument {
  base: RunDocument;
  scenarios: { name: string; file: string; run: RunDocument; diff: DiffDocument }[];
}

export function compareDocument(outcome: RunOutcome): CompareDocument {
  const base = outcome.models[0];
  return {
    base: runDocument(outcome, 0),
    scenarios: outcome.models.slice(1).map((m, i) => ({
      name: m.name,
      file: m.source,
      run: runDocument(outcome, i + 1),
      diff: diffDocument(base, m, outcome.diffs[i]),
    })),
  };
}

/** A change and its interval as shares of the base value (the base mean taken as fixed). */
function relative(base: Figure, d: Figure): { pct: number; lo: number; hi: number } | null {
  if (!Number.isFinite(base.mean) || base.mean === 0 || !Number.isFinite(d.mean)) return null;
  const hw = d.ci95 ?? NaN;
  return { pct: d.mean / base.mean, lo: (d.mean - hw) / base.mean, hi: (d.mean + hw) / base.mean };
}

const signed = (x: number) => `${x > 0 ? "+" : ""}${num(x * 100)}%`;
/** The interval excludes zero: the change is real at 95% confidence. */
const sure = (d: Figure) => d.ci95 !== null && Math.abs(d.mean) > d.ci95;

function changeRow(name: string, base: Figure, scen: Figure, d: Figure, percent = false): string[] {
  // A difference at rounding level (a figure the change cannot touch) prints as zero.
  if (Math.abs(d.mean) <= 1e-12 * Math.abs(base.mean)) d = { ...d, mean: 0 };
  const r = relative(base, d);
  const v = (x: number) => (percent ? `${num(x * 100)}%` : num(x));
  return [
    name,
    v(base.mean),
    v(scen.mean),
    d.ci95 === null ? v(d.mean) : `${v(d.mean)} ± ${v(d.ci95)}`,
    r ? signed(r.pct) : "-",
    sure(d) ? "*" : "",
  ];
}

/** The headline: each stream's p85 lead time, base -> scenario, with the change's interval. */
export function headlines(doc: CompareDocument): string[] {
  const u = `${doc.base.timeUnit}s`;
  const out: string[] = [];
  for (const s of doc.scenarios) {
    for (const [id, d] of Object.entries(s.diff.streams)) {
      const b = doc.base.streams[id].leadTime.p85;
      const after = s.run.streams[id].leadTime.p85;
      const r = relative(b, d.leadTime.p85);
      const ci = r && Number.isFinite(r.lo) ? `, 95% CI ${signed(r.lo)} to ${signed(r.hi)}` : "";
      out.push(`${safeText(s.name)}: ${label(id, doc.base.streams[id].name)} p85 lead time ${num(b.mean)} -> ${num(after.mean)} ${u} (${r ? signed(r.pct) : "-"}${ci})`);
    }
  }
  return out;
}

export function compareTable(doc: CompareDocument): string {
  const out: string[] = [];
  const base = doc.base;
  out.push(
    `${safeText(base.model)} against ${doc.scenarios.length} future state${doc.scenarios.length === 1 ? "" : "s"}: ${base.replications} paired replications (common random numbers), seed ${base.seed}; times in ${base.timeUnit}s`,
  );
  out.push("");
  out.push(...headlines(doc));
  for (const s of doc.scenarios) {
    out.push("");
    out.push(`== ${safeText(s.name)} (${safeText(s.file)}) ==`);
    const rows: string[][] = [];
    for (const [id, d] of Object.entries(s.diff.streams)) {
      const b = base.streams[id];
      const a = s.run.streams[id];
      const n = label(id, b.name);
      rows.push(changeRow(`${n} lead time mean`, b.leadTime.mean, a.leadTime.mean, d.leadTime.mean));
      for (const q of ["p50", "p85", "p95"] as const) rows.push(changeRow(`${n} lead time ${q}`, b.leadTime[q], a.leadTime[q], d.leadTime[q]));
      rows.push(changeRow(`${n} throughput`, b.throughput, a.throughput, d.throughput));
      rows.push(changeRow(`${n} WIP`, b.wip, a.wip, d.wip));
    }
    for (const [id, d] of Object.entries(s.diff.stages)) {
      const b = base.stages[id];
      const a = s.run.stages[id];
      rows.push(changeRow(`${label(id, b.name)} wait`, b.wait, a.wait, d.wait));
      if (d.utilization && b.utilization && a.utilization) rows.push(changeRow(`${label(id, b.name)} utilization`, b.utilization, a.utilization, d.utilization, true));
    }
    out.push(table(["Figure", "Base", "Scenario", "Difference ± 95%", "Change", ""], rows));
    const added = Object.keys(s.run.stages).filter((id) => !Object.hasOwn(base.stages, id));
    if (added.length) out.push(`New in this future state: ${added.map((id) => label(id, s.run.stages[id].name)).join(", ")}.`);
    for (const w of s.run.warnings) out.push(`warning: ${safeText(w)}`);
    for (const u of s.run.unstable) out.push(`UNSTABLE: ${u.replications} of ${s.run.replications} replications hit the work-in-progress cap at ${safeText(u.stage)}; their figures cover a shorter window.`);
  }
  out.push("");
  out.push("* the 95% confidence interval of the paired difference excludes zero");
  for (const w of base.warnings) out.push(`warning (base): ${safeText(w)}`);
  for (const u of base.unstable) out.push(`UNSTABLE (base): ${u.replications} of ${base.replications} replications hit the work-in-progress cap at ${safeText(u.stage)}; their figures cover a shorter window.`);
  return out.join("\n");
}
