/**
 * vsm-sim as a library: load a model (or a scenario on a model), run replications, compare
 * futures. The CLI is one consumer of exactly this.
 */
export { loadModel, loadModels, type LoadOptions, type SetApplied } from "./model/load.js";
export { validateModel } from "./model/validate.js";
export { parseText } from "./model/read.js";
export { mergePatch } from "./model/patch.js";
export { ModelError, formatProblem, type Problem } from "./model/errors.js";
export { modelJsonSchema } from "./model/schema.js";
export { offeredLoads, stabilityWarnings, streamVisits, type StageLoad } from "./model/analysis.js";
export { compile, type CompiledModel } from "./model/compile.js";
export type { Model, StageSpec, StreamSpec, RouteStep, DistSpec, GateSpec, WorkingCalendar } from "./model/types.js";
export { WorkingTime } from "./engine/worktime.js";
export { Simulation, DEFAULT_MAX_WIP, type SimulationOptions } from "./flow/simulation.js";
export { runReplication } from "./flow/replication.js";
export { STREAM_FIGURES, STAGE_FIGURES, BY_STREAM_FIGURES, type ReplicationResult, type TraceRow, type TraceObserver } from "./flow/results.js";
export { ChangelogTrace, writeTrace, traceMap, type TraceStats } from "./report/trace.js";
export { simulateModels, type RunOptions, type RunOutcome } from "./runner/run.js";
export type { RemoteExecutor, RunSpec } from "./runner/protocol.js";
export type { QueueExecutor, QueueRunOptions } from "./queue/client.js";
export type { WorkerOptions } from "./queue/worker.js";
export { parseQueueAddress, QueueAddressError, QueueError, PASSWORD_VARIABLES, type QueueAddress } from "./queue/address.js";
export { runDocument, diffDocument, type RunDocument, type DiffDocument, type ByStreamFigures } from "./report/document.js";
export { compareDocument, type CompareDocument } from "./report/compare.js";
export type { Figure } from "./stats/interval.js";
export { readStatusMap, statusMapFrom, type StatusMap } from "./fit/map.js";
export { readTrackerLog, scanTrackerLog, type TrackerLog, type LogItem, type LogSummary, type LogWarning, type ItemSink } from "./fit/log.js";
export { fitLog, fitTally, tallyTrackerLog, type FitResult } from "./fit/estimate.js";
export { modelText as fittedModelText } from "./fit/write.js";
export { backtest, type BacktestDocument, type BacktestOptions } from "./fit/backtest.js";
export { parseVary, pointModels, type Variation } from "./experiments/vary.js";
export { sweep, type SweepDocument, type SweepPoint } from "./experiments/sweep.js";
export { place, type PlaceDocument, type PlaceOptions, type Placement } from "./experiments/place.js";
export { forecastDocument, forecastModel, FORECAST_REPLICATIONS, type ForecastDocument, type ForecastOptions, type ForecastFigures, type ForecastPair } from "./runner/forecast.js";
export { readWipFile, wipFromText } from "./fit/wipfile.js";
export { dateAt, timeAt } from "./model/clock.js";
export type { WipItem } from "./model/types.js";
export { portfolio, type PortfolioDocument, type PortfolioStream } from "./experiments/portfolio.js";
export { sweepHtml, placeHtml } from "./report/experiments/html.js";
export { sweepTables, placeTables, type CsvTable } from "./report/experiments/csv.js";
export { backtestHtml } from "./report/backtest/html.js";

import type { Model } from "./model/types.js";
import { simulateModels, type RunOptions } from "./runner/run.js";
import { runDocument, type RunDocument } from "./report/document.js";
import { compareDocument, type CompareDocument } from "./report/compare.js";
import type { QueueAddress } from "./queue/address.js";
import type { QueueExecutor, QueueRunOptions } from "./queue/client.js";
import type { WorkerOptions } from "./queue/worker.js";

/** Run one model and return the document `vsm run --json` prints. */
export async function simulate(model: Model, options: RunOptions = {}): Promise<RunDocument> {
  return runDocument(await simulateModels([model], options));
}

/** Run a base and scenarios under common random numbers; the document `vsm compare --json` prints. */
export async function compare(base: Model, scenarios: Model[], options: RunOptions = {}): Promise<CompareDocument> {
  return compareDocument(await simulateModels([base, ...scenarios], options));
}

/** A job queue to run replications on (RunOptions.remote): connects now. BullMQ is loaded on use. */
export async function openQueue(address: QueueAddress, options: QueueRunOptions = {}): Promise<QueueExecutor> {
  const { QueueExecutor } = await import("./queue/client.js");
  return QueueExecutor.open(address, options);
}

/** A `vsm worker` in this process: takes chunks from the queue until closed. */
export async function startQueueWorker(address: QueueAddress, options: WorkerOptions): Promise<{ name: string; close(): Promise<void> }> {
  const { startWorker } = await import("./queue/worker.js");
  return startWorker(address, options);
}
