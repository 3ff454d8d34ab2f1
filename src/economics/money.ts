import type { Model } from "../model/types.js";

/**
 * What one replication's flow costs a year, as a pure function of its own time averages and the
 * model's economics (docs/economics.md gives every formula and what it leaves out):
 *
 *  - waitingPayroll of a stage: items waiting there (gate and queue, time-averaged) x its blocked
 *    share of a person x the cost of a person a year. The people idled are the requesting teams',
 *    so it is not capped by the stage's own headcount.
 *  - delayCost of a stage: for each stream, its items waiting there x its cost of delay per time
 *    unit x the time units in a year (revenue forgone while work waits).
 *  - reworkPayroll of a stage: the people busy on repeat passes that a rework decision at this
 *    stage caused (servers busy on them x people per server where the time was spent) x the cost
 *    of a person a year.
 *  - idleCapacity of a stage: (1 - utilization) x headcount x the cost of a person a year;
 *    reported, not part of the total (an idle reviewer is what keeps the queue short).
 *  - per stream, delayCost: items in progress x cost of delay x year (the whole lead time), and
 *    waitingDelayCost: the part of it spent waiting at stages.
 */
export const STAGE_MONEY = ["waitingPayroll", "delayCost", "reworkPayroll", "idleCapacity"] as const;
export const STREAM_MONEY = ["delayCost", "waitingDelayCost"] as const;
export type StageMoney = (typeof STAGE_MONEY)[number];
export type StreamMoney = (typeof STREAM_MONEY)[number];

/** The time averages money is computed from, by stage and stream index (the model's order). */
export interface FlowAverages {
  /** Items waiting at a stage (gate and queue). */
  queueLength(stage: number): number;
  /** Busy servers over servers; NaN for an unlimited stage. */
  utilization(stage: number): number;
  /** Items of a stream in the system. */
  wip(stream: number): number;
  /** Items of a stream waiting at a stage. */
  waiting(stream: number, stage: number): number;
  /** Servers busy at `stage` on repeat passes a rework decision at `cause` started. */
  reworkBusy(cause: number, stage: number): number;
}

export function replicationMoney(model: Model, x: FlowAverages): { stages: Float64Array; streams: Float64Array } {
  const e = model.economics!;
  const stageSpecs = Object.values(model.stages);
  const streamSpecs = Object.values(model.streams);
  const nG = stageSpecs.length;
  const nS = streamSpecs.length;
  const G = STAGE_MONEY.length;
  const stages = new Float64Array(nG * G);
  const streams = new Float64Array(nS * STREAM_MONEY.length);
  for (let g = 0; g < nG; g++) {
    const st = stageSpecs[g];
    const blocked = st.blockedFte ?? e.blockedFte;
    let delay = 0;
    for (let s = 0; s < nS; s++) {
      const cod = streamSpecs[s].costOfDelay;
      if (cod > 0) delay += x.waiting(s, g) * cod * e.year;
    }
    let rework = 0;
    for (let h = 0; h < nG; h++) {
      const busy = x.reworkBusy(g, h);
      if (busy > 0) rework += busy * stageSpecs[h].peoplePerServer * e.costPerPerson;
    }
    const u = x.utilization(g);
    stages[g * G] = x.queueLength(g) * blocked * e.costPerPerson;
    stages[g * G + 1] = delay;
    stages[g * G + 2] = rework;
    stages[g * G + 3] = Number.isFinite(u) ? (1 - u) * st.headcount * e.costPerPerson : NaN;
  }
  for (let s = 0; s < nS; s++) {
    const cod = streamSpecs[s].costOfDelay;
    let waiting = 0;
    for (let g = 0; g < nG; g++) waiting += x.waiting(s, g);
    streams[s * 2] = x.wip(s) * cod * e.year;
    streams[s * 2 + 1] = waiting * cod * e.year;
  }
  return { stages, streams };
}

/** People the model prices: every stage's headcount. */
export function headcountOf(model: Model): number {
  let n = 0;
  for (const st of Object.values(model.stages)) n += st.headcount;
  return n;
}
