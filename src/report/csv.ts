import { writeToString } from "fast-csv";
import type { CompareDocument } from "./compare.js";
import type { DiffFigure, RunDocument, RunFigure } from "./document.js";
import type { Figure } from "../stats/interval.js";
import { unformula } from "./format.js";

/**
 * Figures as CSV rows, one figure a row, so a spreadsheet can pivot them: the model (or future
 * state), whether it is a stream or a stage, its id and name, the figure, mean, 95% half-width and
 * the number of replications that measured it.
 */
// Paired differences add the relative change and its half-width, the p-value of "no change" and
// the mark (see compare.ts); `unstable` is true for a figure that grows with the run length.
const HEADERS = ["model", "kind", "id", "name", "figure", "mean", "ci95", "n", "unstable", "change", "changeCi95", "p", "significant"];

type Row = (string | number | null)[];

const value = (x: number) => (Number.isFinite(x) ? x : null);

const moneyCells = (f: Figure): Row => [value(f.mean), f.ci95 === null ? null : value(f.ci95), f.n, null, null, null, null, null];
const figureCells = (f: RunFigure): Row => [value(f.mean), f.ci95 === null ? null : value(f.ci95), f.n, f.unstable ? "true" : null];
const diffCells = (f: DiffFigure): Row => [
  ...figureCells(f),
  f.relative ? value(f.relative.mean) : null,
  f.relative?.ci95 == null ? null : value(f.relative.ci95),
  f.p,
  f.significant ? "true" : "false",
];

function rows(doc: RunDocument, model: string, out: Row[]): void {
  const push = (kind: string, id: string, name: string, figure: string, f: RunFigure | undefined) => {
    if (f) out.push([unformula(model), kind, id, unformula(name), figure, ...figureCells(f), null, null, null, null]);
  };
  for (const [id, s] of Object.entries(doc.streams)) {
    push("stream", id, s.name, "throughput", s.throughput);
    push("stream", id, s.name, "completed", s.completed);
    push("stream", id, s.name, "wip", s.wip);
    push("stream", id, s.name, "flowEfficiency", s.flowEfficiency);
    for (const q of ["mean", "p50", "p85", "p95"] as const) push("stream", id, s.name, `leadTime.${q}`, s.leadTime[q]);
    if (s.leadTime.workingDays) push("stream", id, s.name, "leadTime.workingDays", s.leadTime.workingDays);
  }
  // The lead-time distribution, one percentile a row (figure min, p01..p99, max), to plot a CDF.
  for (const [id, s] of Object.entries(doc.streams)) {
    const d = s.leadTime.distribution ?? [];
    d.forEach((v, k) => {
      const figure = k === 0 ? "min" : k === 100 ? "max" : `p${String(k).padStart(2, "0")}`;
      push("stream-distribution", id, s.name, figure, { mean: v, ci95: null, n: s.leadTime.p50.n });
    });
  }
  for (const [id, s] of Object.entries(doc.stages)) {
    push("stage", id, s.name, "utilization", s.utilization);
    push("stage", id, s.name, "wait", s.wait);
    push("stage", id, s.name, "queueLength", s.queueLength);
    push("stage", id, s.name, "visits", s.visits);
  }
  // Each stream at each stage it visits: id "stream/stage" (ids never contain a slash).
  for (const [stream, stages] of Object.entries(doc.byStream ?? {})) {
    for (const [stage, f] of Object.entries(stages)) {
      const name = `${doc.streams[stream].name} / ${doc.stages[stage].name}`;
      for (const figure of ["visits", "wait", "touch", "waiting"] as const) push("stream-stage", `${stream}/${stage}`, name, figure, f[figure]);
    }
  }
  // Money, a year in the model's currency: kind "economics" for the whole flow, "stage-money" and
  // "stream-money" per stage and stream.
  const e = doc.economics;
  if (e) {
    for (const f of ["total", "payroll", "delay"] as const) push("economics", "", e.currency, f, e[f]);
    for (const [id, m] of Object.entries(e.stages)) {
      const name = doc.stages[id].name;
      for (const f of ["waitingPayroll", "delayCost", "reworkPayroll", "payroll", "delay", "total"] as const) push("stage-money", id, name, f, m[f]);
      if (m.idleCapacity) push("stage-money", id, name, "idleCapacity", m.idleCapacity);
    }
    for (const [id, m] of Object.entries(e.streams)) {
      const name = doc.streams[id].name;
      push("stream-money", id, name, "delayCost", m.delayCost);
      push("stream-money", id, name, "waitingDelayCost", m.waitingDelayCost);
    }
  }
}

export function runCsv(doc: RunDocument): Promise<string> {
  const out: Row[] = [];
  rows(doc, doc.model, out);
  return writeToString(out, { headers: HEADERS });
}

/** Base and future states as in runCsv, then the paired differences as kind "stream-diff"/"stage-diff". */
export function compareCsv(doc: CompareDocument): Promise<string> {
  const out: Row[] = [];
  rows(doc.base, doc.base.model, out);
  for (const s of doc.scenarios) {
    rows(s.run, s.name, out);
    for (const [id, d] of Object.entries(s.diff.streams)) {
      const name = doc.base.streams[id].name;
      const add = (figure: string, f: DiffFigure) => out.push([unformula(s.name), "stream-diff", id, unformula(name), figure, ...diffCells(f)]);
      add("throughput", d.throughput);
      add("wip", d.wip);
      for (const q of ["mean", "p50", "p85", "p95"] as const) add(`leadTime.${q}`, d.leadTime[q]);
    }
    for (const [id, d] of Object.entries(s.diff.stages)) {
      const name = doc.base.stages[id].name;
      out.push([unformula(s.name), "stage-diff", id, unformula(name), "wait", ...diffCells(d.wait)]);
      if (d.utilization) out.push([unformula(s.name), "stage-diff", id, unformula(name), "utilization", ...diffCells(d.utilization)]);
    }
    const e = s.diff.economics;
    if (e) {
      const money = (id: string, name: string, figure: string, f: Figure) => out.push([unformula(s.name), "economics-diff", id, unformula(name), figure, ...moneyCells(f)]);
      for (const f of ["total", "payroll", "delay", "netValue"] as const) money("", doc.base.economics!.currency, f, e[f]);
      money("", doc.base.economics!.currency, "addedPeople", { mean: e.addedPeople, ci95: null, n: e.total.n });
      money("", doc.base.economics!.currency, "addedPayroll", { mean: e.addedPayroll, ci95: null, n: e.total.n });
      for (const [id, st] of Object.entries(e.stages)) money(id, doc.base.stages[id].name, "total", st.total);
    }
  }
  return writeToString(out, { headers: HEADERS });
}
