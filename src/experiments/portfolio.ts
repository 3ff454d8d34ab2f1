import type { Model, RouteStep } from "../model/types.js";
import type { RunOptions } from "../runner/run.js";
import { simulateModels } from "../runner/run.js";
import { type RunDocument, runDocument } from "../report/document.js";
import type { PortfolioDocument, PortfolioStream } from "../report/experiments/documents.js";

export type { PortfolioDocument, PortfolioStream };


/** The stages a route names, in the order it first names them (branches in order). */
function routeOrder(route: RouteStep[], out: string[] = []): string[] {
  for (const step of route) {
    if (step.kind === "stage") {
      if (!out.includes(step.stage)) out.push(step.stage);
    } else for (const b of step.branches) routeOrder(b, out);
  }
  return out;
}

export function sharedStages(model: Model): string[] {
  const crossing = new Map<string, number>();
  for (const s of Object.values(model.streams)) for (const g of routeOrder(s.route)) crossing.set(g, (crossing.get(g) ?? 0) + 1);
  return Object.keys(model.stages).filter((g) => (crossing.get(g) ?? 0) >= 2);
}

/** Product families: streams grouped by the sequence of shared stages their routes pass. */
export function families(model: Model): PortfolioDocument["families"] {
  const shared = new Set(sharedStages(model));
  const groups = new Map<string, { sharedStages: string[]; streams: string[] }>();
  for (const [id, s] of Object.entries(model.streams)) {
    const seq = routeOrder(s.route).filter((g) => shared.has(g));
    const key = seq.join(">");
    if (!groups.has(key)) groups.set(key, { sharedStages: seq, streams: [] });
    groups.get(key)!.streams.push(id);
  }
  return [...groups.values()];
}

export function portfolioDocument(model: Model, run: RunDocument): PortfolioDocument {
  const shared = sharedStages(model);
  const priced = run.economics !== undefined;
  const streams = Object.entries(model.streams).map(([id, spec]): PortfolioStream => {
    const f = run.streams[id];
    const by = run.byStream[id];
    let sharedWait = 0;
    let holdUp: PortfolioStream["holdUp"] = null;
    for (const [g, x] of Object.entries(by)) {
      // Per item: visits per item x mean wait per visit.
      const w = x.visits.mean * x.wait.mean;
      if (!Number.isFinite(w)) continue;
      if (shared.includes(g)) sharedWait += w;
      if (w > 0 && (!holdUp || w > holdUp.waitPerItem)) holdUp = { stage: g, name: model.stages[g].name, waitPerItem: w };
    }
    const costOfDelay = priced ? run.economics!.streams[id].delayCost.mean : null;
    const severity = costOfDelay ?? f.wip.mean;
    const lead = f.leadTime.mean.mean;
    return {
      stream: id,
      name: spec.name,
      strategicWeight: spec.strategicWeight,
      readiness: spec.readiness,
      severity,
      weightedSeverity: severity * spec.strategicWeight * spec.readiness,
      costOfDelay,
      leadTimeP85: f.leadTime.p85.mean,
      spread: f.leadTime.p95.mean / f.leadTime.p50.mean,
      sharedWaitShare: lead > 0 ? sharedWait / lead : NaN,
      holdUp,
    };
  });
  const key = (s: PortfolioStream) => (Number.isFinite(s.weightedSeverity) ? s.weightedSeverity : -Infinity);
  streams.sort((a, b) => key(b) - key(a));
  return { base: run, severity: priced ? "cost of delay a year" : "items in progress", sharedStages: shared, streams, families: families(model) };
}

export async function portfolio(model: Model, options: RunOptions = {}): Promise<PortfolioDocument> {
  const outcome = await simulateModels([model], options);
  return portfolioDocument(outcome.models[0], runDocument(outcome));
}
