import type { Model, RouteStep } from "../model/types.js";
import type { RunOptions } from "../runner/run.js";
import { simulateModels } from "../runner/run.js";
import { type RunDocument, runDocument } from "../report/document.js";

/**
 * Which value stream to map and improve first. Each stream's severity is what its lead time costs:
 * its cost of delay a year (items in progress x cost of delay x a year) where the model prices
 * time, else the items it holds in progress (Little's law: throughput x lead time), weighted by
 * its strategic weight and its readiness (the authority to change its constraint).
 */
export interface PortfolioStream {
  stream: string;
  name: string;
  strategicWeight: number;
  readiness: number;
  /** What the ranking weighs: cost of delay a year, or items in progress without economics. */
  severity: number;
  weightedSeverity: number;
  costOfDelay: number | null;
  leadTimeP85: number;
  /** p95 over p50 of lead time: how unpredictable it is. */
  spread: number;
  /** Share of mean lead time spent waiting at shared stages (stages two or more streams cross). */
  sharedWaitShare: number;
  /** The stage where its items spend the most time waiting per item, and that time. */
  holdUp: { stage: string; name: string; waitPerItem: number } | null;
}

export interface PortfolioDocument {
  base: RunDocument;
  severity: "cost of delay a year" | "items in progress";
  /** Stages two or more streams cross. */
  sharedStages: string[];
  /** Streams ranked by weighted severity, most severe first. */
  streams: PortfolioStream[];
  /** Streams whose routes pass the same sequence of shared stages: one current-state map covers them. */
  families: { sharedStages: string[]; streams: string[] }[];
}

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
