import { readFileSync, statSync } from "node:fs";
import { parseTime } from "./log.js";
import { ModelError, type Problem, show } from "../model/errors.js";
import { timeAt } from "../model/clock.js";
import type { Model, WipItem } from "../model/types.js";
import { wipProblems } from "../model/wip.js";

/**
 * `--wip file.csv`: today's work in progress, one row per item, as a tracker can export it.
 * Columns (header names, any order, any case): `item`, `stream`, `stage`, `entered` (when the item
 * entered the stage: ISO 8601 with a UTC offset), optional `state` (`wait` or `work`; default
 * wait) and `arrived` (when it entered the system; default: entered). Stream and stage are the
 * model's ids. Every problem is collected, each with the file, the row (the header is row 1) and
 * the column.
 */

const REQUIRED = ["item", "stream", "stage", "entered"] as const;
const OPTIONAL = ["state", "arrived"] as const;
/** One row per item in progress: a file past this is not a snapshot of today's work. */
const MAX_BYTES = 64 * 1024 * 1024;

export function readWipFile(file: string, model: Pick<Model, "stages" | "streams" | "timeUnit">, start: string): WipItem[] {
  const stat = statSync(file, { throwIfNoEntry: false });
  if (!stat?.isFile()) throw new ModelError([{ file, path: "", message: "is not a regular file that can be read" }]);
  if (stat.size > MAX_BYTES) throw new ModelError([{ file, path: "", message: `is ${stat.size} bytes: a work-in-progress file has one row per item in progress (at most 64 MiB)` }]);
  return wipFromText(readFileSync(file, "utf8"), file, model, start);
}

export function wipFromText(text: string, file: string, model: Pick<Model, "stages" | "streams" | "timeUnit">, start: string): WipItem[] {
  const rows = csvRows(text.replace(/^\uFEFF/, ""));
  const problems: Problem[] = [];
  const at = (row: number, column: string | null) => (column ? `row ${row}, column ${column}` : `row ${row}`);
  const header = (rows[0] ?? []).map((h) => h.trim().toLowerCase());
  const missing = REQUIRED.filter((c) => !header.includes(c));
  if (missing.length) {
    throw new ModelError([{ file, path: "row 1", message: `lacks the column${missing.length > 1 ? "s" : ""} ${missing.join(", ")}: the header must name item, stream, stage, entered (and optionally state, arrived)` }]);
  }
  const col = Object.fromEntries([...REQUIRED, ...OPTIONAL].map((c) => [c, header.indexOf(c)])) as Record<(typeof REQUIRED)[number] | (typeof OPTIONAL)[number], number>;
  const items: WipItem[] = [];
  const rowOf: number[] = [];
  const seen = new Map<string, number>();
  const t0 = Date.parse(start);
  for (let r = 1; r < rows.length; r++) {
    const cells = rows[r];
    const row = r + 1;
    if (cells.length === 1 && cells[0].trim() === "") continue; // a blank line
    if (cells.length !== header.length) {
      problems.push({ file, path: at(row, null), message: `has ${cells.length} fields; the header has ${header.length}` });
      continue;
    }
    const cell = (c: keyof typeof col) => (col[c] >= 0 ? cells[col[c]].trim() : "");
    let bad = false;
    const fail = (c: string, message: string) => {
      problems.push({ file, path: at(row, c), message });
      bad = true;
    };
    const key = cell("item");
    if (key === "") fail("item", "is empty: each row is one item, named by its key");
    else if (seen.has(key)) fail("item", `repeats item ${show(key)} (first on row ${seen.get(key)}): one row per item`);
    else seen.set(key, row);
    const when = (c: "entered" | "arrived") => {
      const v = cell(c);
      const { ms, offset } = parseTime(v);
      if (Number.isNaN(ms) || offset === null) {
        fail(c, `must be an ISO 8601 date-time with a UTC offset, e.g. 2026-03-02T09:15:00+01:00 (got ${show(v)})`);
        return NaN;
      }
      if (ms > t0) fail(c, `is ${show(v)}, after time 0 (${start}): the snapshot is of work in progress at time 0`);
      return timeAt(start, model.timeUnit, t0) - timeAt(start, model.timeUnit, ms);
    };
    const elapsed = when("entered");
    const age = col.arrived >= 0 && cell("arrived") !== "" ? when("arrived") : elapsed;
    const state = cell("state") || "wait";
    if (state !== "wait" && state !== "work") fail("state", `must be wait or work (got ${show(state)})`);
    if (bad) continue;
    items.push({ stream: cell("stream"), stage: cell("stage"), count: 1, state: state as WipItem["state"], elapsed, age, at: at(row, null) });
    rowOf.push(row);
  }
  const column = { stream: "stream", stage: "stage", age: "arrived", state: "state" } as const;
  problems.push(...wipProblems(model, items, (i, f) => ({ file, path: at(rowOf[i], f ? column[f] : null) })));
  if (problems.length) throw new ModelError(problems);
  return items;
}

/** RFC 4180 records: quoted fields may hold commas, doubled quotes and line breaks. */
function csvRows(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let field = "";
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (quoted) {
      if (c === '"' && text[i + 1] === '"') (field += '"'), i++;
      else if (c === '"') quoted = false;
      else field += c;
    } else if (c === '"') quoted = true;
    else if (c === ",") row.push(field), (field = "");
    else if (c === "\n" || c === "\r") {
      if (c === "\r" && text[i + 1] === "\n") i++;
      row.push(field);
      rows.push(row);
      row = [];
      field = "";
    } else field += c;
  }
  if (field !== "" || row.length) rows.push([...row, field]);
  return rows;
}
