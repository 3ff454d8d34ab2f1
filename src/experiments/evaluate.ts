import type { Model } from "../model/types.js";
import { headcountOf } from "../economics/money.js";
import { replicationTotal } from "../runner/money.js";
import { type RunOptions, type RunOutcome, simulateModels } from "../runner/run.js";
import { type CompareDocument, compareDocument } from "../report/compare.js";
import { type Figure, figure } from "../stats/interval.js";

/**
 * Many future states run against one base in one call: every replication runs every model with the
 * same seeds (common random numbers), so each is paired with the base and with each other. Each
 * replication's economics total is kept per model (one number per replication per model), so that
 * the difference of two future states can be paired too.
 */
export interface Evaluation {
  outcome: RunOutcome;
  doc: CompareDocument;
  /** totals[i][r]: model i's economics total in replication r; NaN where it is unstable. */
  totals: Float64Array[];
}

export async function evaluate(base: Model, points: Model[], options: RunOptions = {}): Promise<Evaluation> {
  const models = [base, ...points];
  const kept: number[][] = models.map(() => []);
  const priced = models.map((m) => m.economics !== null && base.economics !== null);
  const outcome = await simulateModels(models, {
    ...options,
    onReplication: (results) => {
      // Money figures are time averages (items waiting) times a year: the same in any time unit.
      results.forEach((r, i) => kept[i].push(priced[i] && !r.unstable ? replicationTotal(models[i], r) : NaN));
      options.onReplication?.(results);
    },
  });
  return { outcome, doc: compareDocument(outcome), totals: kept.map((k) => Float64Array.from(k)) };
}

/** Payroll a year of a model's headcount (0 without economics). */
export function headcountPayroll(model: Model): number {
  return model.economics ? headcountOf(model) * model.economics.costPerPerson : 0;
}


/**
 * Net value of point a minus net value of point b (indices into the evaluation's models, 0 the
 * base), paired by replication: -(total_a - total_b) - (payroll of a's headcount - b's). Only the
 * replications where both are stable count.
 */
export function netValueDifference(ev: Evaluation, a: number, b: number): Figure {
  const ta = ev.totals[a];
  const tb = ev.totals[b];
  const payroll = headcountPayroll(ev.outcome.models[a]) - headcountPayroll(ev.outcome.models[b]);
  const d: number[] = [];
  for (let r = 0; r < ta.length; r++) if (Number.isFinite(ta[r]) && Number.isFinite(tb[r])) d.push(-(ta[r] - tb[r]) - payroll);
  return figure(d);
}
