import { z } from "zod";
import { ModelError } from "../model/errors.js";
import { readDocument } from "../model/read.js";
import { parseWith } from "../model/validate.js";

/**
 * The map file says what a tracker's statuses mean in the model: work at a stage, the wait before
 * a stage, or done; and which column holds the stream and how its values become stream ids. It is
 * checked with the model's schema machinery, so its errors read like a model's (file, field path,
 * what is wrong).
 */

const ID = /^[A-Za-z0-9_][A-Za-z0-9_-]*$/;
const id = (what: string) => z.string({ error: `must be a ${what} id` }).regex(ID, { error: `is not a valid ${what} id: ids may use letters, digits, _ and -` });

export const DEFAULT_COLUMNS = { item: "Issue key", stream: "Issue Type", status: "Status", entered: "Entered", left: "Left" };

const columns = z.strictObject({
  item: z.string({ error: "must be a column name" }).optional(),
  stream: z.string({ error: "must be a column name" }).optional(),
  status: z.string({ error: "must be a column name" }).optional(),
  entered: z.string({ error: "must be a column name" }).optional(),
  left: z.string({ error: "must be a column name" }).optional(),
});

const mapSchema = z.strictObject({
  name: z.string({ error: "must be a string" }).optional(),
  columns: columns.optional(),
  stream: z.string({ error: "must be the name of the column that names the stream" }).optional(),
  streams: z.record(z.string(), id("stream"), { error: "must map the stream column's values to stream ids, e.g. { Feature: feature }" }),
  stages: z.record(z.string(), id("stage"), { error: 'must map work statuses to stage ids, e.g. { "In QA": qa }' }),
  waits: z.record(z.string(), id("stage"), { error: 'must map wait statuses to the stage they wait for, e.g. { "Ready for QA": qa }' }).optional(),
  done: z.array(z.string(), { error: 'must be a list of terminal statuses, e.g. ["Done"]' }).min(1, { error: "must name at least one terminal status" }),
});

export type StatusRole = { kind: "work"; stage: string } | { kind: "wait"; stage: string } | { kind: "done" };

export interface StatusMap {
  file: string;
  name: string | null;
  columns: typeof DEFAULT_COLUMNS;
  /** Tracker value of the stream column -> stream id. */
  streams: Map<string, string>;
  statuses: Map<string, StatusRole>;
  /** Stage ids in the order the map names their work statuses. */
  stages: string[];
}

export function readStatusMap(file: string): StatusMap {
  return statusMapFrom(readDocument(file), file);
}

export function statusMapFrom(raw: unknown, file: string): StatusMap {
  const m = parseWith(mapSchema, raw ?? {}, file);
  const cols = { ...DEFAULT_COLUMNS, ...(m.columns ?? {}) };
  if (m.stream !== undefined) cols.stream = m.stream;
  const problems: { file: string; path: string; message: string }[] = [];
  const statuses = new Map<string, StatusRole>();
  const where = new Map<string, string>();
  const add = (status: string, role: StatusRole, path: string) => {
    const before = where.get(status);
    if (before) problems.push({ file, path, message: `names status ${JSON.stringify(status)} again (already ${before}): a status has one meaning` });
    else {
      statuses.set(status, role);
      where.set(status, path);
    }
  };
  for (const [status, stage] of Object.entries(m.stages)) add(status, { kind: "work", stage }, `stages.${JSON.stringify(status)}`);
  const stages = [...new Set(Object.values(m.stages))];
  for (const [status, stage] of Object.entries(m.waits ?? {})) {
    if (!stages.includes(stage)) problems.push({ file, path: `waits.${JSON.stringify(status)}`, message: `names stage "${stage}", which no work status in stages maps to` });
    add(status, { kind: "wait", stage }, `waits.${JSON.stringify(status)}`);
  }
  m.done.forEach((status, i) => add(status, { kind: "done" }, `done[${i}]`));
  if (stages.length === 0) problems.push({ file, path: "stages", message: "is empty: map at least one work status to a stage" });
  if (Object.keys(m.streams).length === 0) problems.push({ file, path: "streams", message: "is empty: map at least one value of the stream column to a stream id" });
  if (problems.length) throw new ModelError(problems);
  return { file, name: m.name ?? null, columns: cols, streams: new Map(Object.entries(m.streams)), statuses, stages };
}
