import YAML from "yaml";
import type { Model } from "../model/types.js";
import type { RunOptions } from "../runner/run.js";
import { type SweepDocument, type SweepPoint, overallLeadTime } from "../report/experiments/documents.js";
import { evaluate, headcountPayroll } from "./evaluate.js";
import { paretoFront } from "./pareto.js";

export type { SweepDocument, SweepPoint };


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
  return { base: ev.doc.base, vary, replications: ev.outcome.replications, precision: ev.doc.base.precision ?? null, points: rows };
}
