import type { Figure } from "../stats/interval.js";
import type { RunOutcome } from "../runner/run.js";
import { DEFAULT_MIN_EFFECT, type DiffDocument, type DiffFigure, type DiffOptions, type RunDocument, type RunFigure, diffDocument, runDocument } from "./document.js";
import { num, safeText, table } from "./format.js";
import { label, precisionLine } from "./table.js";
import { type EconomicsDiff, type EconomicsDocument, amount, economicsDiff, moneyHeadline } from "./money.js";

/** The JSON document of `vsm compare --json`; this shape is relied on (add freely). */
export interface CompareDocument {
  base: RunDocument;
  scenarios: { name: string; file: string; run: RunDocument; diff: DiffDocument; notes: string[] }[];
  /** The rule behind the marks: Holm's correction within each scenario, and the minimum effect. */
  marks: { alpha: number; correction: "holm"; minEffect: number };
}

export function compareDocument(outcome: RunOutcome, options: DiffOptions = {}): CompareDocument {
  const base = outcome.models[0];
  const baseDoc = runDocument(outcome, 0);
  return {
    base: baseDoc,
    scenarios: outcome.models.slice(1).map((m, i) => {
      const run = runDocument(outcome, i + 1);
      const diff = diffDocument(base, m, outcome.diffs[i], baseDoc, run, options);
      const money = outcome.pairedMoney[i];
      if (money) diff.economics = economicsDiff(base, m, money);
      return { name: m.name, file: m.source, run, diff, notes: differences(baseDoc, run, m.convertedFrom) };
    }),
    marks: { alpha: options.alpha ?? 0.05, correction: "holm", minEffect: options.minEffect ?? DEFAULT_MIN_EFFECT },
  };
}

/** What a reader must know before subtracting: a restated unit, another window. */
function differences(base: RunDocument, run: RunDocument, convertedFrom: string | undefined): string[] {
  const out: string[] = [];
  const u = `${base.timeUnit}s`;
  if (convertedFrom) out.push(`this future state is written in ${convertedFrom}s; it was converted to ${u} to be compared`);
  if (run.warmup !== base.warmup) out.push(`warm-up differs from the base: ${num(run.warmup)} against ${num(base.warmup)} ${u}`);
  if (run.horizon !== base.horizon) out.push(`horizon differs from the base: ${num(run.horizon)} against ${num(base.horizon)} ${u}; time averages cover windows of different lengths`);
  return out;
}

const signed = (x: number) => `${x > 0 ? "+" : ""}${num(x * 100)}%`;
/** Rounding-level numbers (a change the scenario cannot make) print as exact zeros. */
const tiny = (x: number, scale: number) => Math.abs(x) <= 1e-9 * Math.abs(scale);

function relativeText(d: DiffFigure, base: Figure): string {
  const r = d.relative;
  if (!r || !Number.isFinite(r.mean)) return "-";
  if (tiny(d.mean, base.mean)) return "0%";
  if (r.ci95 === null) return signed(r.mean);
  return `${signed(r.mean)} (${signed(r.mean - r.ci95)} to ${signed(r.mean + r.ci95)})`;
}

/** A figure's cell: the value, and "!" where it grows with the run length. */
const cell = (f: RunFigure | undefined, v: (x: number) => string) => (!f || !Number.isFinite(f.mean) ? "-" : `${v(f.mean)}${f.unstable ? " !" : ""}`);

function changeRow(name: string, base: RunFigure, scen: RunFigure, d: DiffFigure, points = false): string[] {
  const v = (x: number) => (points ? `${num(x * 100)}%` : num(x));
  const dv = (x: number) => (points ? `${x > 0 ? "+" : ""}${num(x * 100)} pts` : num(x));
  let diff: string;
  if (!Number.isFinite(d.mean)) diff = "-";
  else if (tiny(d.mean, base.mean)) diff = points ? "0 pts" : "0";
  else diff = d.ci95 === null ? dv(d.mean) : `${dv(d.mean)} ± ${points ? `${num(d.ci95 * 100)}` : num(d.ci95)}`;
  return [name, cell(base, v), cell(scen, v), `${diff}${d.unstable ? " !" : ""}`, points ? "" : relativeText(d, base), d.significant ? "*" : ""];
}

/** The headline: each stream's p85 lead time, base -> scenario, with the change's interval. */
export function headlines(doc: CompareDocument): string[] {
  const u = `${doc.base.timeUnit}s`;
  const out: string[] = [];
  for (const s of doc.scenarios) {
    if (s.diff.economics && doc.base.economics) out.push(`${safeText(s.name)}: ${moneyHeadline(s.diff.economics, doc.base.economics.currency)}`);
    for (const [id, d] of Object.entries(s.diff.streams)) {
      const b = doc.base.streams[id].leadTime.p85;
      const after = s.run.streams[id].leadTime.p85;
      const change = d.leadTime.p85;
      const r = change.relative;
      let what: string;
      if (change.unstable) what = "grows with the run length: no steady state";
      else if (!r) what = "-";
      else if (tiny(change.mean, b.mean)) what = "no change";
      else what = `${signed(r.mean)}${r.ci95 === null ? "" : `, 95% CI ${signed(r.mean - r.ci95)} to ${signed(r.mean + r.ci95)}`}`;
      out.push(`${safeText(s.name)}: ${label(id, s.run.streams[id].name)} p85 lead time ${num(b.mean)} -> ${num(after.mean)} ${u} (${what})`);
    }
  }
  return out;
}

/** What the change is worth a year: the cost of the flow before and after, headcount, net value. */
function moneyRows(d: EconomicsDiff, base: EconomicsDocument, run: EconomicsDocument): string[] {
  const c = base.currency;
  const diff = (f: Figure) => (f.ci95 === null ? amount(f.mean, c) : `${amount(f.mean, c)} ± ${amount(f.ci95, c).replace(/^\S+ /, "")}`);
  const rows = [
    ["Cost of the flow a year", amount(base.total.mean, c), amount(run.total.mean, c), diff(d.total)],
    ["  payroll (waiting, rework)", amount(base.payroll.mean, c), amount(run.payroll.mean, c), diff(d.payroll)],
    ["  delay (revenue forgone)", amount(base.delay.mean, c), amount(run.delay.mean, c), diff(d.delay)],
    ["People priced", num(base.people), num(run.people), `${d.addedPeople > 0 ? "+" : ""}${num(d.addedPeople)} (${amount(d.addedPayroll, c)} a year)`],
    ["Net value a year", "", "", diff(d.netValue)],
  ];
  return [table(["Money", "Base", "Scenario", "Difference ± 95%"], rows), "Net value: the fall in the cost of the flow less the payroll of added people."];
}

function constraintMove(base: RunDocument, run: RunDocument): string[] {
  const out: string[] = [];
  const name = (doc: RunDocument, id: string) => label(id, doc.stages[id]?.name ?? id);
  const b = base.constraint?.stage;
  const a = run.constraint?.stage;
  if (b && a && a !== b) out.push(`The flow constraint (where work waits most) moves from ${name(base, b)} to ${name(run, a)}.`);
  const bb = base.busiest?.stage;
  const ab = run.busiest?.stage;
  if (bb && ab && ab !== bb) out.push(`The busiest resource moves from ${name(base, bb)} to ${name(run, ab)}.`);
  return out;
}

export function compareTable(doc: CompareDocument): string {
  const out: string[] = [];
  const base = doc.base;
  const u = `${base.timeUnit}s`;
  out.push(
    `${safeText(base.model)} against ${doc.scenarios.length} future state${doc.scenarios.length === 1 ? "" : "s"}: ${base.replications} paired replications (common random numbers), seed ${base.seed}; times in ${u}`,
  );
  out.push("");
  out.push(...headlines(doc));
  let growing = false;
  for (const s of doc.scenarios) {
    out.push("");
    out.push(`== ${safeText(s.name)} (${safeText(s.file)}) ==`);
    for (const n of s.notes) out.push(`note: ${n}`);
    const rows: string[][] = [];
    for (const [id, d] of Object.entries(s.diff.streams)) {
      const b = base.streams[id];
      const a = s.run.streams[id];
      const n = label(id, a.name);
      rows.push(changeRow(`${n} lead time mean`, b.leadTime.mean, a.leadTime.mean, d.leadTime.mean));
      for (const q of ["p50", "p85", "p95"] as const) rows.push(changeRow(`${n} lead time ${q}`, b.leadTime[q], a.leadTime[q], d.leadTime[q]));
      rows.push(changeRow(`${n} throughput`, b.throughput, a.throughput, d.throughput));
      rows.push(changeRow(`${n} WIP`, b.wip, a.wip, d.wip));
    }
    for (const [id, d] of Object.entries(s.diff.stages)) {
      const b = base.stages[id];
      const a = s.run.stages[id];
      const n = label(id, a.name);
      rows.push(changeRow(`${n} wait`, b.wait, a.wait, d.wait));
      if (d.utilization && b.utilization && a.utilization) rows.push(changeRow(`${n} utilization`, b.utilization, a.utilization, d.utilization, true));
    }
    // A stage only the future state has: its figures, with nothing to subtract.
    for (const [id, a] of Object.entries(s.run.stages)) {
      if (Object.hasOwn(base.stages, id)) continue;
      const n = `${label(id, a.name)} (new)`;
      rows.push([`${n} wait`, "-", cell(a.wait, num), "-", "-", ""]);
      if (a.utilization) rows.push([`${n} utilization`, "-", cell(a.utilization, (x) => `${num(x * 100)}%`), "-", "-", ""]);
    }
    growing ||= rows.some((r) => r.some((c) => c.endsWith(" !")));
    out.push(table(["Figure", "Base", "Scenario", "Difference ± 95%", "Change (95% CI)", ""], rows));
    if (s.diff.economics && base.economics && s.run.economics) out.push(...moneyRows(s.diff.economics, base.economics, s.run.economics));
    const gone = Object.keys(base.stages).filter((id) => !Object.hasOwn(s.run.stages, id));
    if (gone.length) out.push(`Not in this future state: ${gone.map((id) => label(id, base.stages[id].name)).join(", ")}.`);
    out.push(...constraintMove(base, s.run));
    if (s.diff.included < s.run.replications) {
      out.push(`${s.run.replications - s.diff.included} of ${s.run.replications} pairs are left out: a twin hit the work-in-progress cap.`);
    }
    for (const w of s.run.warnings) out.push(`warning: ${safeText(w)}`);
    for (const x of s.run.unstable) if (x.replications > 0) out.push(`UNSTABLE: ${x.replications} of ${s.run.replications} replications hit the work-in-progress cap at ${safeText(x.stage)}; they are left out of the figures.`);
  }
  out.push("");
  const m = doc.marks;
  out.push(
    `* the change is significant at ${num(m.alpha * 100)}% after Holm's correction over every figure of its future state, and at least ${num(m.minEffect * 100)}% ` +
      `of the base value (a stage's wait: of the base's mean lead time over all items; utilization: ${num(m.minEffect * 100)} point${m.minEffect === 0.01 ? "" : "s"}).`,
  );
  out.push("Change: relative to the base, with a 95% interval that counts the base's own uncertainty (delta method). Utilization changes are in percentage points.");
  if (growing) out.push("! grows with the length of the run: a stage it crosses is overloaded, so there is no steady state and the interval describes this run length only.");
  for (const w of base.warnings) out.push(`warning (base): ${safeText(w)}`);
  for (const x of base.unstable) if (x.replications > 0) out.push(`UNSTABLE (base): ${x.replications} of ${base.replications} replications hit the work-in-progress cap at ${safeText(x.stage)}; they are left out of the figures.`);
  if (base.precision) out.push(precisionLine(base.precision, base.replications, base.timeUnit));
  return out.join("\n");
}
