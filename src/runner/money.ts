import { Moments } from "../stats/moments.js";
import { type Estimate, deltaEstimate } from "../stats/estimate.js";
import type { Model } from "../model/types.js";
import { BY_STREAM_FIGURES, STAGE_FIGURES, STREAM_FIGURES, type ReplicationResult } from "../flow/results.js";
import { type FlowAverages, STAGE_MONEY, STREAM_MONEY, replicationMoney } from "../economics/money.js";

/** A replication's time averages as the money figures read them (economics/money.ts). */
export function flowAverages(r: ReplicationResult, nStages: number): FlowAverages {
  const G = STAGE_FIGURES.length;
  const S = STREAM_FIGURES.length;
  const queue = STAGE_FIGURES.indexOf("queueLength");
  const util = STAGE_FIGURES.indexOf("utilization");
  const wip = STREAM_FIGURES.indexOf("wip");
  const B = BY_STREAM_FIGURES.length;
  const waiting = BY_STREAM_FIGURES.indexOf("waiting");
  return {
    queueLength: (g) => r.stages[g * G + queue],
    utilization: (g) => r.stages[g * G + util],
    wip: (s) => r.streams[s * S + wip],
    waiting: (s, g) => r.byStream[(s * nStages + g) * B + waiting],
    reworkBusy: (cause, g) => r.reworkBusy[cause * nStages + g],
  };
}

/** Money figures a replication gives, in a fixed order: per stage, per stream, then the totals.
 * Computed once per model and replication; the summary and every pair read the same vector. */
export function moneyVector(model: Model, r: ReplicationResult): Float64Array {
  const nG = Object.keys(model.stages).length;
  const m = replicationMoney(model, flowAverages(r, nG));
  const out = new Float64Array(m.stages.length + m.streams.length + 3);
  out.set(m.stages, 0);
  out.set(m.streams, m.stages.length);
  let payroll = 0;
  let delay = 0;
  const K = STAGE_MONEY.length;
  for (let g = 0; g < nG; g++) {
    payroll += m.stages[g * K] + m.stages[g * K + 2];
    delay += m.stages[g * K + 1];
  }
  const t = m.stages.length + m.streams.length;
  out[t] = payroll + delay;
  out[t + 1] = payroll;
  out[t + 2] = delay;
  return out;
}

/** What one replication's flow costs a year (payroll and delay): the economics total. */
export function replicationTotal(model: Model, r: ReplicationResult): number {
  const v = moneyVector(model, r);
  return v[v.length - 3];
}

const K = STAGE_MONEY.length;
const KS = STREAM_MONEY.length;

/** Index of a stage money figure, "payroll", "delay" and "total" included (sums of the parts). */
function stageTerms(g: number, name: string): number[] {
  const at = (f: string) => g * K + STAGE_MONEY.indexOf(f as never);
  if (name === "payroll") return [at("waitingPayroll"), at("reworkPayroll")];
  if (name === "delay") return [at("delayCost")];
  if (name === "total") return [at("waitingPayroll"), at("reworkPayroll"), at("delayCost")];
  return [at(name)];
}

/**
 * The money figures of one model across replications (the stable ones, as every other figure):
 * each is a linear function of a replication's time averages, so its estimate is the mean over
 * replications and its interval Student's t on them.
 */
export class MoneySummary {
  private readonly m: Moments;
  private readonly nG: number;
  private readonly nS: number;
  private width: number;

  constructor(model: Model) {
    this.nG = Object.keys(model.stages).length;
    this.nS = Object.keys(model.streams).length;
    this.width = this.nG * K + this.nS * KS + 3;
    this.m = new Moments(this.width);
  }

  add(r: ReplicationResult, v: Float64Array): void {
    if (!r.unstable) this.m.add(v);
  }

  private of(terms: number[]): Estimate {
    const grad = new Float64Array(this.width);
    for (const t of terms) grad[t] += 1;
    let value = 0;
    for (const t of terms) value += this.m.mean[t];
    return deltaEstimate(this.m.count ? value : NaN, grad, this.m, undefined, this.m.count);
  }

  stage(g: number, name: (typeof STAGE_MONEY)[number] | "payroll" | "delay" | "total"): Estimate {
    return this.of(stageTerms(g, name));
  }

  stream(s: number, name: (typeof STREAM_MONEY)[number]): Estimate {
    return this.of([this.nG * K + s * KS + STREAM_MONEY.indexOf(name)]);
  }

  total(name: "total" | "payroll" | "delay"): Estimate {
    return this.of([this.nG * K + this.nS * KS + ["total", "payroll", "delay"].indexOf(name)]);
  }
}

/**
 * Paired changes in money, future state minus base: the total, payroll and delay, and each stage's
 * total (stages matched by id). Like every paired figure, under common random numbers.
 */
export class PairedMoney {
  private readonly m: Moments;
  private readonly wBase: number;
  private readonly wScen: number;
  private readonly stagePairs: [number, number][];

  constructor(base: Model, scenario: Model) {
    const width = (m: Model) => Object.keys(m.stages).length * K + Object.keys(m.streams).length * KS + 3;
    this.wBase = width(base);
    this.wScen = width(scenario);
    const ids = Object.keys(scenario.stages);
    this.stagePairs = Object.keys(base.stages).flatMap((id, i) => (ids.includes(id) ? [[i, ids.indexOf(id)] as [number, number]] : []));
    this.m = new Moments(this.wScen + this.wBase);
  }

  add(base: ReplicationResult, scenario: ReplicationResult, vBase: Float64Array, vScen: Float64Array): void {
    if (base.unstable || scenario.unstable) return;
    const v = new Float64Array(this.wScen + this.wBase);
    v.set(vScen, 0);
    v.set(vBase, this.wScen);
    this.m.add(v);
  }

  private diff(scenTerms: number[], baseTerms: number[]): Estimate {
    const grad = new Float64Array(this.wScen + this.wBase);
    let value = 0;
    for (const t of scenTerms) {
      grad[t] += 1;
      value += this.m.mean[t];
    }
    for (const t of baseTerms) {
      grad[this.wScen + t] -= 1;
      value -= this.m.mean[this.wScen + t];
    }
    return deltaEstimate(this.m.count ? value : NaN, grad, this.m, undefined, this.m.count);
  }

  total(name: "total" | "payroll" | "delay"): Estimate {
    const k = ["total", "payroll", "delay"].indexOf(name);
    return this.diff([this.wScen - 3 + k], [this.wBase - 3 + k]);
  }

  /** The change in the base's stage g's total; null for a stage the future state does not have. */
  stage(g: number): Estimate | null {
    const pair = this.stagePairs.find(([i]) => i === g);
    return pair ? this.diff(stageTerms(pair[1], "total"), stageTerms(g, "total")) : null;
  }
}
