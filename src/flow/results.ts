import type { SketchState } from "../stats/sketch.js";

/**
 * What one replication returns: flat arrays of figures, by stream and by stage, in the order
 * named below. Compact, so worker threads send little; merged across replications in runner/.
 */
export const STREAM_FIGURES = [
  "throughput", // items completed per time unit in the measured window
  "completed",
  "wip", // time-average items in the system
  "flowEfficiency", // total touch time over total lead time of completed items
  "leadTimeMean",
  "leadTimeP50",
  "leadTimeP85",
  "leadTimeP95",
  "leadSum", // sum of the lead times of the items completed: run figures pool items across replications
  "touchSum", // sum of their touch times
  "leadWorkSum", // sum of their lead times in working days of the model's calendar; NaN: it has none
] as const;

export const STAGE_FIGURES = [
  "utilization", // busy servers over servers, time-averaged; NaN for unlimited stages
  "wait", // mean wait per visit (gate and queue) before service starts
  "queueLength", // time-average items waiting (gate and queue)
  "visits", // services started in the window
  "waitSum", // sum of those waits: the wait per visit is pooled over replications as waitSum / visits
] as const;

/**
 * Each stream's use of each stage (the timeline ladder), per replication, for the services that
 * start in the measured window: byStream[(stream * stages + stage) * BY_STREAM_FIGURES.length + f].
 */
export const BY_STREAM_FIGURES = [
  "visits", // services of the stream's items started at the stage (rework and branches included)
  "completed", // the stream's items completed in the window (visits per item = visits / completed)
  "waitSum", // sum of the waits (gate and queue) of those visits
  "touchSum", // sum of their process times
  "waiting", // time-average number of the stream's items waiting at the stage (gate and queue)
] as const;

export type ByStreamFigure = (typeof BY_STREAM_FIGURES)[number];

export type StreamFigure = (typeof STREAM_FIGURES)[number];
export type StageFigure = (typeof STAGE_FIGURES)[number];

export interface TraceRow {
  time: number;
  item: number;
  stream: string;
  stage: string | null;
  what: "arrive" | "enter" | "start" | "finish" | "rework" | "done";
}

/**
 * Told every step of every item as the replication runs (`SimulationOptions.observer`): the time,
 * the item's number in order of arrival (a parallel branch is its item), the stream's and the
 * stage's index in the compiled model (-1: no stage, for arrive and done), and what happened.
 */
export interface TraceObserver {
  step(time: number, item: number, stream: number, stage: number, what: TraceRow["what"]): void;
}

export interface ReplicationResult {
  events: number;
  /** streams[i * STREAM_FIGURES.length + f] */
  streams: Float64Array;
  /** stages[s * STAGE_FIGURES.length + f] */
  stages: Float64Array;
  /** Each stream's lead times in the measured window, as a sketch's plain data: merged across
   * replications for pooled percentiles. */
  sketches: SketchState[];
  /** byStream[(stream * stages + stage) * BY_STREAM_FIGURES.length + f] */
  byStream: Float64Array;
  /** reworkBusy[cause * stages + stage]: servers of `stage` busy on repeat passes that a rework
   * decision at `cause` started, time-averaged over the window (money's reworkPayroll). */
  reworkBusy: Float64Array;
  /** Items in the system when the replication ended (the simulation's own count). */
  inFlight: number;
  /** Set when work in progress hit the cap: the system is unstable at `stage`. */
  unstable: { stage: string; time: number; wip: number; waiting: number } | null;
  trace: TraceRow[] | null;
}
