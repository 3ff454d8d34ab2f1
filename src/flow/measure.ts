import type { CompiledModel } from "../model/compile.js";
import type { QuantileSketch } from "../stats/sketch.js";
import { STAGE_FIGURES, STREAM_FIGURES } from "./results.js";

/**
 * What a replication measures, and how its figures are read off at the end. The simulation keeps
 * its running state in the rows laid out here; `figures` turns them into the per-replication
 * figures named in results.ts.
 */
// A stage's state is one row of SF doubles in `st`: one array to load in each handler, and a
// stage's fields on one cache line.
export const BUSY = 0; // servers busy
export const WAITING = 1; // items at the gate and in the queue
export const BUSY_AREA = 2; // areas under BUSY and WAITING since the warm-up end, up to LAST
export const WAITING_AREA = 3;
export const LAST = 4;
export const WAIT_SUM = 5; // waits of the services started in the measured window, and their number
export const VISITS = 6;
export const SERVERS = 7; // Infinity for unlimited
export const SF = 8;

// A stream's state: one row of RF doubles in `sr`.
export const WIP = 0; // items in the system, and the area under it since the warm-up end, up to WIP_LAST
export const WIP_AREA = 1;
export const WIP_LAST = 2;
export const COMPLETED = 3; // items done in the measured window, their lead times and touch times
export const LEAD_SUM = 4;
export const TOUCH_SUM = 5;
export const RF = 6;


/** Figures of the measured window (warm-up end to now), from the state rows and sketches. */
export function figures(m: CompiledModel, st: Float64Array, sr: Float64Array, leadTimes: QuantileSketch[], now: number) {
  const span = now > m.warmup ? now - m.warmup : NaN;
  const nStreams = m.streamIds.length;
  const nStages = m.stageIds.length;
  const streams = new Float64Array(nStreams * STREAM_FIGURES.length);
  for (let i = 0; i < nStreams; i++) {
    const o = i * STREAM_FIGURES.length;
    const q = leadTimes[i];
    const n = sr[i * RF + COMPLETED];
    const leadSum = sr[i * RF + LEAD_SUM];
    streams[o] = n / span;
    streams[o + 1] = n;
    streams[o + 2] = sr[i * RF + WIP_AREA] / span;
    // Touch time never exceeds lead time, but a process time below the clock's resolution
    // (1e-300 days, say) is lost in the sum of times and not in the touch time: cap at 1.
    streams[o + 3] = leadSum > 0 ? Math.min(1, sr[i * RF + TOUCH_SUM] / leadSum) : NaN;
    streams[o + 4] = n > 0 ? leadSum / n : NaN;
    streams[o + 5] = q.quantile(0.5);
    streams[o + 6] = q.quantile(0.85);
    streams[o + 7] = q.quantile(0.95);
  }
  const stages = new Float64Array(nStages * STAGE_FIGURES.length);
  for (let s = 0; s < nStages; s++) {
    const o = s * STAGE_FIGURES.length;
    const visits = st[s * SF + VISITS];
    const waitSum = st[s * SF + WAIT_SUM];
    stages[o] = m.servers[s] === Infinity ? NaN : st[s * SF + BUSY_AREA] / (m.servers[s] * span);
    stages[o + 1] = visits > 0 ? waitSum / visits : NaN;
    stages[o + 2] = st[s * SF + WAITING_AREA] / span;
    stages[o + 3] = visits;
    stages[o + 4] = waitSum;
  }
  return { streams, stages };
}
