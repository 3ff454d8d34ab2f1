import type { CompiledModel } from "../model/compile.js";
import type { Model } from "../model/types.js";
import { toTimeUnit } from "../model/units.js";
import { runReplication } from "../flow/replication.js";
import type { TraceObserver, TraceRow } from "../flow/results.js";
import { csvField } from "./format.js";
import { PendingFile, checkOutput } from "./write.js";

/**
 * `vsm run --trace FILE.csv`: one replication's items as an issue tracker's changelog export
 * (`Issue key`, `Issue Type`, `Status`, `Entered`, `Left`), so `vsm fit` and `vsm backtest` read a
 * simulated log as they read a real one. Each visit to a stage is two statuses: "Ready for <stage>"
 * from reaching the stage (its gate and queue) to the start of work, "In <stage>" from there to the
 * end of work; "Done" when the item leaves. An item's rows are written together (the way trackers
 * export, which lets `vsm fit` read in one pass) as soon as it is done, so what is held grows with
 * the items in flight, not with the run; items still in flight at the end are written last, their
 * open status with an empty Left.
 */

export const TRACE_HEADER = ["Issue key", "Issue Type", "Status", "Entered", "Left"];
/** The start of time 0 when the model gives none: a Monday, so a weekly gate's offset names a weekday. */
export const DEFAULT_START = "2025-01-06T00:00:00Z";
/** Text is handed to the file in chunks of about this many characters. */
const CHUNK = 1 << 16;

export const waitStatus = (stage: string) => `Ready for ${stage}`;
export const workStatus = (stage: string) => `In ${stage}`;
export const DONE_STATUS = "Done";


/** ISO 8601 to the second, in the offset of the model's start (as a tracker exports local time). */
export function isoAt(ms: number, offsetMinutes: number): string {
  const local = new Date(Math.round(ms / 1000) * 1000 + offsetMinutes * 60_000).toISOString().slice(0, 19);
  const a = Math.abs(offsetMinutes);
  return `${local}${offsetMinutes < 0 ? "-" : "+"}${String(Math.floor(a / 60)).padStart(2, "0")}:${String(a % 60).padStart(2, "0")}`;
}

/** Minutes east of UTC of an ISO 8601 date-time with an offset (Z: 0). */
export function offsetOf(iso: string): number {
  const m = /([+-])(\d{2}):(\d{2})$/.exec(iso);
  return m ? (m[1] === "-" ? -1 : 1) * (Number(m[2]) * 60 + Number(m[3])) : 0;
}

interface Row {
  status: string;
  stage: number;
  entered: number;
  left: number; // NaN: still in it
}

/** What a trace wrote and the most it held at once (the bound the tests check). */
export interface TraceStats {
  items: number;
  rows: number;
  /** The most rows held at once: those of the items in flight. */
  maxHeldRows: number;
  /** The most characters waiting to be handed to the file. */
  maxBuffered: number;
}

export class ChangelogTrace implements TraceObserver {
  private readonly m: CompiledModel;
  private readonly write: (text: string) => void;
  private readonly startMs: number;
  private readonly unitMs: number;
  private readonly offset: number;
  private readonly keys: string[];
  // The rows of each item in flight, by item number.
  private readonly open = new Map<number, { stream: number; rows: Row[] }>();
  private buffer = "";
  private held = 0;
  readonly stats: TraceStats = { items: 0, rows: 0, maxHeldRows: 0, maxBuffered: 0 };

  constructor(m: CompiledModel, write: (text: string) => void) {
    this.m = m;
    this.write = write;
    const start = m.model.start ?? DEFAULT_START;
    this.startMs = Date.parse(start);
    this.offset = offsetOf(start);
    this.unitMs = 86_400_000 / (toTimeUnit("1d", m.model.timeUnit) as number);
    this.keys = m.streamIds;
    this.buffer = `${TRACE_HEADER.map(csvField).join(",")}\n`;
  }

  step(time: number, item: number, stream: number, stage: number, what: TraceRow["what"]): void {
    if (what === "arrive") {
      this.open.set(item, { stream, rows: [] });
      return;
    }
    // Today's work (model.wip) is in flight at time 0 without arriving: its trace starts there.
    let it = this.open.get(item);
    if (!it) this.open.set(item, (it = { stream, rows: [] }));
    if (what === "enter") this.add(it.rows, waitStatus(this.m.stageIds[stage]), stage, time);
    else if (what === "start") {
      this.close(it.rows, stage, time);
      this.add(it.rows, workStatus(this.m.stageIds[stage]), stage, time);
    } else if (what === "finish") this.close(it.rows, stage, time);
    else if (what === "done") {
      this.add(it.rows, DONE_STATUS, -1, time);
      this.emit(item, it);
    }
  }

  /** The items still in flight, their open statuses with an empty Left; then the rest of the text. */
  end(): TraceStats {
    for (const [item, it] of this.open) this.emit(item, it);
    this.write(this.buffer);
    this.buffer = "";
    return this.stats;
  }

  private add(rows: Row[], status: string, stage: number, time: number): void {
    rows.push({ status, stage, entered: time, left: Number.NaN });
    if (++this.held > this.stats.maxHeldRows) this.stats.maxHeldRows = this.held;
  }

  /** The item's open status at the stage ends (the latest: parallel branches may be at others). */
  private close(rows: Row[], stage: number, time: number): void {
    for (let i = rows.length - 1; i >= 0; i--) {
      if (rows[i].stage === stage && rows[i].left !== rows[i].left) {
        rows[i].left = time;
        return;
      }
    }
  }

  private emit(item: number, it: { stream: number; rows: Row[] }): void {
    const key = csvField(`${this.keys[it.stream]}-${item + 1}`);
    const type = csvField(this.keys[it.stream]);
    const at = (t: number) => isoAt(this.startMs + t * this.unitMs, this.offset);
    let text = "";
    for (const r of it.rows) text += `${key},${type},${csvField(r.status)},${at(r.entered)},${r.left === r.left ? at(r.left) : ""}\n`;
    this.buffer += text;
    if (this.buffer.length > this.stats.maxBuffered) this.stats.maxBuffered = this.buffer.length;
    this.stats.items++;
    this.stats.rows += it.rows.length;
    this.held -= it.rows.length;
    this.open.delete(item);
    if (this.buffer.length >= CHUNK) {
      this.write(this.buffer);
      this.buffer = "";
    }
  }
}

/** The map file that reads a trace of this model back (`vsm fit --map`), as YAML. */
export function traceMap(model: Model): string {
  const q = (s: string) => JSON.stringify(s);
  const stages = Object.keys(model.stages);
  return [
    "# Written by vsm run --trace: what the trace's statuses mean, for vsm fit and vsm backtest.",
    `name: ${q(`${model.name}, fitted from a simulated trace`)}`,
    `streams: { ${Object.keys(model.streams).map((id) => `${q(id)}: ${q(id)}`).join(", ")} }`,
    `stages: { ${stages.map((id) => `${q(workStatus(id))}: ${q(id)}`).join(", ")} }`,
    `waits: { ${stages.map((id) => `${q(waitStatus(id))}: ${q(id)}`).join(", ")} }`,
    `done: [${q(DONE_STATUS)}]`,
    "",
  ].join("\n");
}

/** `trace.csv` -> `trace.map.yaml`: where `vsm run --trace` writes the map beside the trace. */
export function traceMapPath(file: string): string {
  return `${file.replace(/\.csv$/i, "")}.map.yaml`;
}

/**
 * Runs replication `replication` (0-based) of a compiled model on the general loop and streams its
 * trace to `file`: to a temporary name beside it, renamed over when whole, so the file is either
 * complete or absent.
 */
export function writeTrace(m: CompiledModel, seed: number, replication: number, file: string, inputs: readonly string[], maxWip?: number): TraceStats {
  checkOutput(file, inputs);
  const out = new PendingFile(file);
  try {
    const trace = new ChangelogTrace(m, (text) => out.write(text));
    runReplication(m, seed, replication, { observer: trace, maxWip });
    const stats = trace.end();
    out.commit();
    return stats;
  } catch (e) {
    out.abort();
    throw e;
  }
}
