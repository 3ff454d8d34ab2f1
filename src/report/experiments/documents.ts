import type { DiffDocument, RunDocument } from "../document.js";
import type { Figure } from "../../stats/interval.js";

/*
 * The documents of the experiments over many models of one base (src/experiments: sweep, place,
 * portfolio): what `--json` prints, and what the text, CSV and HTML beside this file are made
 * from. The experiments compute them; this room only shows them.
 */

/**
 * What --precision or --precision-abs asked and whether the run met it, as a run's and a
 * comparison's documents say it (RunDocument.precision): `target` and `achieved` (the widest 95%
 * half-width watched) are shares of the base value, or with `absolute`, times in the base's time
 * unit. The rule is compare's (docs/statistics.md).
 */
export type PrecisionOutcome = NonNullable<RunDocument["precision"]>;

/** The JSON document of `vsm sweep --json` (add freely, never rename). */
export interface SweepDocument {
  base: RunDocument;
  /** What was varied, in the order of the columns. */
  vary: string[];
  /** Replications of the base and of every point (the same ones, paired): what --precision took. */
  replications: number;
  /** The early-stopping rule over every point against the base; null without --precision. */
  precision: PrecisionOutcome | null;
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

export interface Placement {
  /** Servers added at each stage (stages with none left out). */
  hires: Record<string, number>;
  /** Net value a year against the base: the fall in the economics total less the added payroll. */
  netValue: Figure;
  addedPeople: number;
  addedPayroll: number;
  /** Net value per added person a year. */
  valuePerPerson: number;
  /** Mean lead time over all items, and the base's for comparison. */
  leadTime: number;
  run: RunDocument;
}

/** The JSON document of `vsm place --json` (add freely, never rename). */
export interface PlaceDocument {
  base: RunDocument;
  hires: number;
  candidates: string[];
  /** "every placement" when all were tried, "greedy" (one hire at a time) when there were too many. */
  search: "every placement" | "greedy";
  /** Placements simulated in the screen, and with how many replications each. */
  screened: number;
  screenReplications: number;
  /** Replications of the verified placements (the figures below): what --precision took. */
  replications: number;
  /** The early-stopping rule over the verification run (the screen never uses it); null without
   * --precision. */
  precision: PrecisionOutcome | null;
  /** The verified placements, best net value first (at most five). */
  placements: Placement[];
  /** The best net value minus the second's, paired by replication; distinguishable when its 95%
   * interval excludes zero. Null with fewer than two placements. */
  bestVsSecond: { difference: Figure; distinguishable: boolean } | null;
}

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

/** Mean lead time over all items: the streams' means weighted by the items each completed. */
export function overallLeadTime(run: RunDocument): number {
  let items = 0;
  let sum = 0;
  for (const s of Object.values(run.streams)) {
    if (Number.isFinite(s.leadTime.mean.mean) && s.completed.mean > 0) {
      items += s.completed.mean;
      sum += s.completed.mean * s.leadTime.mean.mean;
    }
  }
  return items > 0 ? sum / items : NaN;
}
