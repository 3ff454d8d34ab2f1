import type { CompiledModel } from "../model/compile.js";
import type { QuantileSketch } from "../stats/sketch.js";
import { STAGE_FIGURES, STREAM_FIGURES } from "./results.js";

/**
 * What a replication measures, and how its figures are read off at the end. The simulation keeps
 * its running state in the rows laid out here; `figures` turns them into the per-replication
 * figures named in results.ts.
 */
// Time-weighted averages (servers busy, items waiting, WIP) come from integration by parts:
// over the window [W, E] the area under a count n(t) that steps by +-1 at times t_i is
//   n(E) E - n(W) W - sum of (+-1) t_i  (over the steps in the window).
// So each step costs one addition to a running sum of signed times (*_TIMES), instead of a
// multiply-add since the last change (PERF: bench/peers child.mjs, medians of 3: M/M/2 13.2M ->
// 14.0M events/s, Jackson 10.2M -> 11.0M). Same figures to about 1e-13.

// A stage's state is one row of SF doubles in `st`.
export const BUSY = 0; // servers busy
export const WAITING = 1; // items at the gate and in the queue
export const BUSY_TIMES = 2; // signed times of BUSY's steps since the warm-up end
export const WAITING_TIMES = 3;
export const BUSY_AT_WARMUP = 4; // BUSY and WAITING when the warm-up ended
export const WAITING_AT_WARMUP = 5;
export const WAIT_SUM = 6; // waits of the services started in the measured window, and their number
export const VISITS = 7;
export const SERVERS = 8; // Infinity for unlimited
export const SF = 9;

// A stream's state: one row of RF doubles in `sr`.
export const WIP = 0; // items in the system
export const WIP_TIMES = 1;
export const WIP_AT_WARMUP = 2;
export const COMPLETED = 3; // items done in the measured window, their lead times and touch times
export const LEAD_SUM = 4;
export const TOUCH_SUM = 5;
export const RF = 6;

/** Area under a count over [from, to], from its value at both ends and its signed step times. */
const area = (atEnd: number, to: number, atStart: number, from: number, times: number) => atEnd * to - atStart * from - times;

/** Figures of the measured window (warm-up end to now), from the state rows and sketches. */
export function figures(m: CompiledModel, st: Float64Array, sr: Float64Array, leadTimes: QuantileSketch[], now: number) {
  const span = now > m.warmup ? now - m.warmup : NaN;
  const from = m.warmup;
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
    const r = i * RF;
    streams[o + 2] = area(sr[r + WIP], now, sr[r + WIP_AT_WARMUP], from, sr[r + WIP_TIMES]) / span;
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
    const g = s * SF;
    const busyArea = area(st[g + BUSY], now, st[g + BUSY_AT_WARMUP], from, st[g + BUSY_TIMES]);
    stages[o] = m.servers[s] === Infinity ? NaN : busyArea / (m.servers[s] * span);
    stages[o + 1] = visits > 0 ? waitSum / visits : NaN;
    stages[o + 2] = area(st[g + WAITING], now, st[g + WAITING_AT_WARMUP], from, st[g + WAITING_TIMES]) / span;
    stages[o + 3] = visits;
    stages[o + 4] = waitSum;
  }
  return { streams, stages };
}
