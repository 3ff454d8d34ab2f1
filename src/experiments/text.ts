import { amount } from "../report/money.js";
import { num, safeText, table } from "../report/format.js";
import { label } from "../report/table.js";
import type { Figure } from "../stats/interval.js";
import type { PlaceDocument } from "./place.js";
import { overallLeadTime } from "./evaluate.js";
import type { PortfolioDocument } from "./portfolio.js";

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
  out.push(`Where ${doc.hires} hire${doc.hires === 1 ? "" : "s"} do the most good in ${safeText(doc.base.model)} (a hire is one server; seed ${doc.base.seed}):`);
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
