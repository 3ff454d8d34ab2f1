import { writeToString } from "fast-csv";
import YAML from "yaml";
import type { Model } from "../model/types.js";
import type { RunOptions } from "../runner/run.js";
import type { DiffDocument, RunDocument } from "../report/document.js";
import { amount } from "../report/money.js";
import { num, safeText, table } from "../report/format.js";
import type { Figure } from "../stats/interval.js";
import { evaluate, headcountPayroll, overallLeadTime } from "./evaluate.js";
import { paretoFront } from "./pareto.js";

/** The JSON document of `vsm sweep --json` (add freely, never rename). */
export interface SweepDocument {
  base: RunDocument;
  /** What was varied, in the order of the columns. */
  vary: string[];
  points: SweepPoint[];
}

export interface SweepPoint {
  /** Each varied field and the value it took at this point (null: removed). */
  changes: Record<string, unknown>;
  run: RunDocument;
  diff: DiffDocument;
  /** People the point's model prices, and their payroll a year. */
  headcount: number;
  headcountPayroll: number;
  /** The economics total (payroll lost and delay) plus the headcount's payroll, a year; null
   * without economics. */
  annualCost: number | null;
  /** Mean lead time over all items (completed-weighted over streams). */
  leadTime: number;
  /** Net value a year against the base (economics diff), null without economics. */
  netValue: Figure | null;
  /** On the Pareto front of annual cost and lead time: no other point beats it on both. */
  pareto: boolean;
}

/** `a=b` assignments to `{ a: value }`, each value read as YAML as --set reads it. */
export function changeRecord(assignments: readonly string[]): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const a of assignments) {
    const eq = a.indexOf("=");
    out[a.slice(0, eq)] = YAML.parse(a.slice(eq + 1)) ?? null;
  }
  return out;
}

export async function sweep(base: Model, points: Model[], changes: string[][], vary: string[], options: RunOptions = {}): Promise<SweepDocument> {
  const ev = await evaluate(base, points, options);
  const rows = ev.doc.scenarios.map((s, i) => {
    const model = ev.outcome.models[i + 1];
    const e = s.run.economics;
    const payroll = headcountPayroll(model);
    return {
      changes: changeRecord(changes[i]),
      run: s.run,
      diff: s.diff,
      headcount: e?.people ?? 0,
      headcountPayroll: payroll,
      annualCost: e ? e.total.mean + payroll : null,
      leadTime: overallLeadTime(s.run),
      netValue: s.diff.economics?.netValue ?? null,
      pareto: false,
    };
  });
  // A point with no steady state has figures that grow with the run: it is on no front.
  const front = paretoFront(rows.map((r) => (r.run.unstable.length ? { cost: NaN, leadTime: NaN } : { cost: r.annualCost ?? NaN, leadTime: r.leadTime })));
  rows.forEach((r, i) => (r.pareto = front[i]));
  return { base: ev.doc.base, vary, points: rows };
}

const show = (v: unknown) => (v === null ? "none" : typeof v === "string" ? v : JSON.stringify(v));

/** One row per point: its changes, each stream's mean and p85 lead time, the money, the front. */
export function sweepTable(doc: SweepDocument): string {
  const streams = Object.keys(doc.base.streams);
  const c = doc.base.economics?.currency ?? "";
  const money = (x: number | null | undefined) => (x === null || x === undefined ? "-" : amount(x, c));
  const header = [
    ...doc.vary.map((p) => p.replace(/^stages\.|^streams\./, "")),
    ...streams.flatMap((s) => [`${s} mean`, `${s} p85`]),
    "Economics",
    "People",
    "Payroll",
    "Net value a year",
    "Front",
  ];
  const row = (changes: string[], run: RunDocument, headcount: number, payroll: number, net: Figure | null, front: string) => [
    ...changes,
    ...streams.flatMap((s) => [num(run.streams[s].leadTime.mean.mean), num(run.streams[s].leadTime.p85.mean)]),
    money(run.economics?.total.mean),
    num(headcount),
    money(run.economics ? payroll : null),
    net === null ? "-" : net.ci95 === null ? money(net.mean) : `${money(net.mean)} ± ${amount(net.ci95, c).replace(/^-?\S+ /, "")}`,
    front,
  ];
  const baseRow = row(
    doc.vary.map((_, i) => (i === 0 ? "(base)" : "")),
    doc.base,
    doc.base.economics?.people ?? 0,
    doc.base.economics?.peoplePayroll ?? 0,
    null,
    "",
  );
  const rows = doc.points.map((p) =>
    row(doc.vary.map((v) => safeText(show(p.changes[v]))), p.run, p.headcount, p.headcountPayroll, p.netValue, p.pareto ? "*" : p.run.unstable.length ? "unstable" : ""),
  );
  const u = `${doc.base.timeUnit}s`;
  const lines = [
    `Sweep of ${safeText(doc.base.model)}: ${doc.points.length} points, ${doc.base.replications} replications each, seed ${doc.base.seed}, under common random numbers with the base.`,
    `Lead times in ${u}; money a year; net value against the base with its 95% paired interval.`,
    table(header, [baseRow, ...rows]),
    `* on the Pareto front: no other point has both a lower annual cost (economics total plus the payroll of its headcount) and a shorter mean lead time over all items.`,
  ];
  if (doc.points.some((p) => !p.pareto && p.run.unstable.length)) lines.push("unstable: a stage of the point has no steady state (its figures grow with the run); it is on no front.");
  return `${lines.join("\n")}\n`;
}

// A cell starting with = + - @ is a formula to a spreadsheet: never let a value be one.
const cell = (s: string) => (/^[=+\-@\t\r]/.test(s) ? `'${s}` : s);
const value = (x: number | null | undefined) => (x !== null && x !== undefined && Number.isFinite(x) ? x : null);

/** One row per point, flat, for a spreadsheet: `--out points.csv`. */
export function sweepCsv(doc: SweepDocument): Promise<string> {
  const streams = Object.keys(doc.base.streams);
  const headers = [
    "point",
    ...doc.vary,
    ...streams.flatMap((s) => [`${s}.leadTimeMean`, `${s}.leadTimeP85`]),
    "leadTimeMean",
    "economicsTotal",
    "economicsPayroll",
    "economicsDelay",
    "headcount",
    "headcountPayroll",
    "annualCost",
    "netValue",
    "netValueCi95",
    "pareto",
  ];
  const rows = doc.points.map((p, i) => [
    i + 1,
    ...doc.vary.map((v) => cell(show(p.changes[v]))),
    ...streams.flatMap((s) => [value(p.run.streams[s].leadTime.mean.mean), value(p.run.streams[s].leadTime.p85.mean)]),
    value(p.leadTime),
    value(p.run.economics?.total.mean),
    value(p.run.economics?.payroll.mean),
    value(p.run.economics?.delay.mean),
    p.headcount,
    p.headcountPayroll,
    value(p.annualCost),
    value(p.netValue?.mean),
    value(p.netValue?.ci95),
    p.pareto ? "true" : "false",
  ]);
  return writeToString([headers, ...rows]);
}
