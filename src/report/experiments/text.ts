import type { RunDocument } from "../document.js";
import { amount } from "../money.js";
import { num, safeText, table } from "../format.js";
import { label, precisionLine } from "../table.js";
import type { Figure } from "../../stats/interval.js";
import { type PlaceDocument, type PortfolioDocument, type PrecisionOutcome, type SweepDocument, overallLeadTime } from "./documents.js";

/**
 * What --precision asked of an experiment and whether it was met, in compare's words; for place,
 * said of the verification run, since the screen keeps its fixed replications. Empty without it.
 */
export function experimentPrecision(p: PrecisionOutcome | null, replications: number, base: RunDocument, of: "point" | "placement", screenReplications = 0): string {
  if (!p) return "";
  const line = precisionLine(p, replications, base.timeUnit, of);
  return screenReplications > 0 ? `${line} The screen's ${screenReplications} replications a placement are fixed: the rule applies to the verified placements.` : line;
}

const withCi = (f: Figure, c: string) => (f.ci95 === null ? amount(f.mean, c) : `${amount(f.mean, c)} ± ${amount(f.ci95, c).replace(/^-?\S+ /, "")}`);

export function placeText(doc: PlaceDocument): string {
  const c = doc.base.economics?.currency ?? "";
  const u = `${doc.base.timeUnit}s`;
  const out: string[] = [];
  const how =
    doc.search === "every placement"
      ? doc.screened
        ? `all ${doc.screened} placements screened at ${doc.screenReplications} replications, the best ${Math.min(doc.screened, 8)} run again at ${doc.replications}`
        : `every placement run at ${doc.replications} replications`
      : `greedy, one hire at a time (${doc.screened} placements screened at ${doc.screenReplications} replications), the best run again at ${doc.replications}`;
  out.push(`Where ${doc.hires} hire${doc.hires === 1 ? " does" : "s do"} the most good in ${safeText(doc.base.model)} (a hire is one server; seed ${doc.base.seed}):`);
  out.push(`Candidates: ${doc.candidates.map(safeText).join(", ")}; ${how}, under common random numbers with the base.`);
  out.push(
    table(
      ["Hires, best first", "People", "Net value a year", "Per person", `Lead time (${u})`],
      doc.placements.map((p, i) => [
        `${i + 1}. ${safeText(Object.entries(p.hires).map(([g, k]) => `${g} +${k}`).join(", "))}`,
        num(p.addedPeople),
        withCi(p.netValue, c),
        amount(p.valuePerPerson, c),
        num(p.leadTime),
      ]),
    ),
  );
  out.push(`Base: mean lead time ${num(overallLeadTime(doc.base))} ${u} over all items. Net value: the fall in what the flow costs a year less the added payroll, 95% paired interval.`);
  const precision = experimentPrecision(doc.precision, doc.replications, doc.base, "placement", doc.screenReplications);
  if (precision) out.push(precision);
  if (doc.bestVsSecond) {
    const d = doc.bestVsSecond.difference;
    out.push(
      doc.bestVsSecond.distinguishable
        ? `The best is distinguishable from the second: ${withCi(d, c)} a year more (95% paired interval excludes zero).`
        : `The best is not distinguishable from the second: the difference, ${withCi(d, c)} a year, has a 95% paired interval that includes zero; run more replications (-r) to separate them.`,
    );
  }
  return `${out.join("\n")}\n`;
}

export function portfolioText(doc: PortfolioDocument): string {
  const c = doc.base.economics?.currency ?? "";
  const u = `${doc.base.timeUnit}s`;
  const out: string[] = [];
  out.push(`Which value stream to map first in ${safeText(doc.base.model)}: ranked by ${doc.severity}, weighted by strategic weight and readiness.`);
  out.push(
    table(
      ["Stream, most severe first", "Weight", "Readiness", doc.severity === "cost of delay a year" ? "Cost of delay a year" : "Items in progress", "Weighted", `p85 (${u})`, "p95/p50", "Waiting at shared", "Held up most at"],
      doc.streams.map((s, i) => [
        `${i + 1}. ${label(s.stream, s.name)}`,
        num(s.strategicWeight),
        num(s.readiness),
        s.costOfDelay === null ? num(s.severity) : amount(s.severity, c),
        s.costOfDelay === null ? num(s.weightedSeverity) : amount(s.weightedSeverity, c),
        num(s.leadTimeP85),
        num(s.spread),
        Number.isFinite(s.sharedWaitShare) ? `${num(s.sharedWaitShare * 100)}%` : "-",
        s.holdUp ? `${safeText(s.holdUp.stage)} (${num(s.holdUp.waitPerItem)} ${u} an item)` : "-",
      ]),
    ),
  );
  out.push(`Shared stages (two or more streams cross them): ${doc.sharedStages.length ? doc.sharedStages.map(safeText).join(", ") : "none"}.`);
  out.push("Product families (the same sequence of shared stages; one current-state map covers each):");
  for (const f of doc.families) out.push(`  ${f.streams.map(safeText).join(", ")}: ${f.sharedStages.length ? f.sharedStages.map(safeText).join(" -> ") : "no shared stage"}`);
  return `${out.join("\n")}\n`;
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
    `Sweep of ${safeText(doc.base.model)}: ${doc.points.length} points, ${doc.replications} replications each, seed ${doc.base.seed}, under common random numbers with the base.`,
    `Lead times in ${u}; money a year; net value against the base with its 95% paired interval.`,
    table(header, [baseRow, ...rows]),
    `* on the Pareto front: no other point has both a lower annual cost (economics total plus the payroll of its headcount) and a shorter mean lead time over all items.`,
  ];
  const precision = experimentPrecision(doc.precision, doc.replications, doc.base, "point");
  if (precision) lines.push(precision);
  if (doc.points.some((p) => !p.pareto && p.run.unstable.length)) lines.push("unstable: a stage of the point has no steady state (its figures grow with the run); it is on no front.");
  return `${lines.join("\n")}\n`;
}
