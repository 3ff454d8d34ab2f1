import type { CompiledModel } from "../model/compile.js";
import type { QuantileSketch } from "../stats/sketch.js";
import { BY_STREAM_FIGURES, STAGE_FIGURES, STREAM_FIGURES } from "./results.js";

/**
 * What a replication measures, and how its figures are read off at the end. The simulation keeps
 * its running state in the rows laid out here; `figures` turns them into the per-replication
 * figures named in results.ts.
 */
// Time-weighted averages (servers busy, items waiting, WIP) are areas under counts over the
// measured window [W, E], and each area is a sum of durations (Little's law bookkeeping):
//  - WIP: the lead times of the items that finished in the window, plus, for items in the
//    system at either end, the part of their stay outside the window taken off (a scan at W and
//    at E: -(W - arrived) for each item there at W, +(E - arrived) for each one still there at E);
//  - items waiting: the waits of the services started in the window, corrected the same way
//    from the items waiting at W and at E;
//  - servers busy: the process times of the services started in the window, plus the rest of
//    the services running at W, less what runs past E (a scan of the pending completions).
// The per-event cost is the sums the other figures need anyway, plus one addition per service
// started. PERF: counting each step of each count instead (a running sum of signed step times per
// count) cost two more additions per step, ~4% of M/M/2 time (bench/COSTS.md). Sums of positive
// durations also keep their precision over long horizons, where n(E)E - n(W)W - sum(+-t_i)
// cancels large terms.

// A stage's state is one row of SF doubles in `st`.
export const BUSY = 0; // servers busy now
export const SERVERS = 1; // Infinity for unlimited
export const BUSY_AREA = 2; // busy server-time in the window (see above)
export const WAIT_SUM = 3; // waits of the services started in the window, and their number
export const VISITS = 4;
export const WAITING_CORRECTION = 5; // items-waiting area = WAIT_SUM + this
export const SF = 6;

// A stream's state: one row of RF doubles in `sr`.
export const COMPLETED = 0; // items done in the measured window, their lead times and touch times
export const LEAD_SUM = 1;
export const TOUCH_SUM = 2;
export const WIP_CORRECTION = 3; // WIP area = LEAD_SUM + this
export const LEAD_WORK_SUM = 4; // lead times of the items done, in working days of the model's calendar
export const RF = 5;

// Each stream's use of each stage: one row of BF doubles in `ss`, at (stream * stages + stage) * BF.
// Kept as the stage's row is (the services of the stream's items started in the window, their
// waits and process times; the waiting area corrected at both ends of the window from that
// stream's items waiting there), so a stage's rows sum to its own figures.
export const B_VISITS = 0;
export const B_WAIT_SUM = 1;
export const B_TOUCH_SUM = 2;
export const B_WAITING_CORRECTION = 3;
export const BF = 4;

/** Figures of the measured window (warm-up end to now), from the state rows (with both ends'
 * corrections made) and sketches. */
export function figures(m: CompiledModel, st: Float64Array, sr: Float64Array, ss: Float64Array, rb: Float64Array, leadTimes: QuantileSketch[], now: number) {
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
    streams[o + 2] = (leadSum + sr[i * RF + WIP_CORRECTION]) / span;
    // Touch time never exceeds lead time, but a process time below the clock's resolution
    // (1e-300 days, say) is lost in the sum of times and not in the touch time: cap at 1.
    streams[o + 3] = leadSum > 0 ? Math.min(1, sr[i * RF + TOUCH_SUM] / leadSum) : NaN;
    streams[o + 4] = n > 0 ? leadSum / n : NaN;
    streams[o + 5] = q.quantile(0.5);
    streams[o + 6] = q.quantile(0.85);
    streams[o + 7] = q.quantile(0.95);
    streams[o + 8] = leadSum;
    streams[o + 9] = sr[i * RF + TOUCH_SUM];
    streams[o + 10] = m.leadCalendar !== null ? sr[i * RF + LEAD_WORK_SUM] : NaN;
  }
  const stages = new Float64Array(nStages * STAGE_FIGURES.length);
  for (let s = 0; s < nStages; s++) {
    const o = s * STAGE_FIGURES.length;
    const visits = st[s * SF + VISITS];
    const waitSum = st[s * SF + WAIT_SUM];
    const changes = m.shiftChanges[s];
    const capacity = changes === null ? m.servers[s] * span : serverTime(m.servers[s], changes, m.warmup, now);
    stages[o] = m.servers[s] === Infinity ? NaN : st[s * SF + BUSY_AREA] / capacity;
    stages[o + 1] = visits > 0 ? waitSum / visits : NaN;
    stages[o + 2] = (waitSum + st[s * SF + WAITING_CORRECTION]) / span;
    stages[o + 3] = visits;
    stages[o + 4] = waitSum;
  }
  // Servers busy on repeat passes, time-averaged, by the stage whose rework started them and the stage.
  const reworkBusy = Float64Array.from(rb, (x) => x / span);
  return { streams, stages, sketches: leadTimes.map((q) => q.state()), byStream: byStreamFigures(m, sr, ss, span), reworkBusy };
}

/** Server-time from a to b of a stage whose servers change: [time, servers, ...] in time order. */
export function serverTime(servers: number, changes: Float64Array, a: number, b: number): number {
  let area = 0;
  let at = a;
  let n = servers;
  for (let k = 0; k < changes.length && changes[k] < b; k += 2) {
    if (changes[k] > at) {
      area += n * (changes[k] - at);
      at = changes[k];
    }
    n = changes[k + 1];
  }
  return area + n * (b - at);
}

function byStreamFigures(m: CompiledModel, sr: Float64Array, ss: Float64Array, span: number): Float64Array {
  const nStages = m.stageIds.length;
  const K = BY_STREAM_FIGURES.length;
  const out = new Float64Array(m.streamIds.length * nStages * K);
  for (let i = 0; i < m.streamIds.length; i++) {
    const completed = sr[i * RF + COMPLETED];
    for (let s = 0; s < nStages; s++) {
      const b = (i * nStages + s) * BF;
      const o = (i * nStages + s) * K;
      out[o] = ss[b + B_VISITS];
      out[o + 1] = completed;
      out[o + 2] = ss[b + B_WAIT_SUM];
      out[o + 3] = ss[b + B_TOUCH_SUM];
      out[o + 4] = (ss[b + B_WAIT_SUM] + ss[b + B_WAITING_CORRECTION]) / span;
    }
  }
  return out;
}
