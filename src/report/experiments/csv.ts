import { writeToString } from "fast-csv";
import { unformula } from "../format.js";
import { type PlaceDocument, type SweepDocument, overallLeadTime } from "./documents.js";

/**
 * `--csv DIR` on `vsm sweep` and `vsm place`: tidy tables, one observation a row, one header row,
 * units in the column names (`_days`, `_USD_per_year`), ids as in the model; the base is point 0
 * (rank 0) so every figure has its reference in the same table. Cells a spreadsheet would run as a
 * formula are neutralized, as in the run's CSV.
 */

export interface CsvTable {
  /** File name inside DIR. */
  name: string;
  text: string;
}

const value = (x: number | null | undefined) => (x !== null && x !== undefined && Number.isFinite(x) ? x : null);
const show = (v: unknown) => (v === null ? "none" : typeof v === "string" ? v : JSON.stringify(v));
// Units go into column names: keep them to letters, digits and _ (a currency is a short code).
const unitName = (s: string) => s.replace(/[^A-Za-z0-9]+/g, "_").replace(/^_|_$/g, "") || "money";

/**
 * points.csv: one row per point (point 0 the base) with its changes, cost and net value;
 * point-streams.csv: one row per point and stream with its lead time and throughput.
 */
export async function sweepTables(doc: SweepDocument): Promise<CsvTable[]> {
  const u = `${doc.base.timeUnit}s`;
  const e = doc.base.economics;
  const money = e ? `${unitName(e.currency)}_per_year` : "per_year";
  const points = [
    ["point", ...doc.vary.map((v) => `change.${v}`), `leadTimeMean_${u}`, "headcount_people", `headcountPayroll_${money}`, `flowCost_${money}`, `annualCost_${money}`, `netValue_${money}`, `netValueCi95_${money}`, "pareto", "steadyState"],
    [0, ...doc.vary.map(() => "base"), value(overallLeadTime(doc.base)), e?.people ?? 0, e?.peoplePayroll ?? 0, value(e?.total.mean), e ? value(e.total.mean + e.peoplePayroll) : null, null, null, null, doc.base.unstable.length ? "false" : "true"],
    ...doc.points.map((p, i) => [
      i + 1,
      ...doc.vary.map((v) => unformula(show(p.changes[v]))),
      value(p.leadTime),
      p.headcount,
      p.headcountPayroll,
      value(p.run.economics?.total.mean),
      value(p.annualCost),
      value(p.netValue?.mean),
      value(p.netValue?.ci95),
      p.pareto ? "true" : "false",
      p.run.unstable.length ? "false" : "true",
    ]),
  ];
  const streams: unknown[][] = [["point", "stream", `leadTimeMean_${u}`, `leadTimeMeanCi95_${u}`, `leadTimeP50_${u}`, `leadTimeP85_${u}`, `leadTimeP95_${u}`, `throughput_per_${doc.base.timeUnit}`, "completed_items"]];
  [doc.base, ...doc.points.map((p) => p.run)].forEach((run, k) => {
    for (const [id, s] of Object.entries(run.streams)) {
      const lt = s.leadTime;
      streams.push([k, id, value(lt.mean.mean), value(lt.mean.ci95), value(lt.p50.mean), value(lt.p85.mean), value(lt.p95.mean), value(s.throughput.mean), value(s.completed.mean)]);
    }
  });
  return [
    { name: "points.csv", text: await writeToString(points) },
    { name: "point-streams.csv", text: await writeToString(streams) },
  ];
}

/**
 * placements.csv: one row per placement, best first (rank 0 the base); placement-hires.csv: one
 * row per placement and stage hired at.
 */
export async function placeTables(doc: PlaceDocument): Promise<CsvTable[]> {
  const u = `${doc.base.timeUnit}s`;
  const money = `${unitName(doc.base.economics?.currency ?? "money")}_per_year`;
  const placements = [
    ["rank", "placement", "addedPeople_people", `addedPayroll_${money}`, `netValue_${money}`, `netValueCi95_${money}`, `valuePerPerson_${money}`, `leadTimeMean_${u}`],
    [0, "base", 0, 0, null, null, null, value(overallLeadTime(doc.base))],
    ...doc.placements.map((p, i) => [
      i + 1,
      unformula(Object.entries(p.hires).map(([id, k]) => `${id} +${k}`).join(", ")),
      p.addedPeople,
      value(p.addedPayroll),
      value(p.netValue.mean),
      value(p.netValue.ci95),
      value(p.valuePerPerson),
      value(p.leadTime),
    ]),
  ];
  const hires: unknown[][] = [["rank", "stage", "hires_servers"]];
  doc.placements.forEach((p, i) => {
    for (const [id, k] of Object.entries(p.hires)) hires.push([i + 1, id, k]);
  });
  return [
    { name: "placements.csv", text: await writeToString(placements) },
    { name: "placement-hires.csv", text: await writeToString(hires) },
  ];
}

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
    ...doc.vary.map((v) => unformula(show(p.changes[v]))),
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
