import { createReadStream, statSync } from "node:fs";
import { parse } from "fast-csv";
import { ModelError } from "../model/errors.js";
import type { StatusMap, StatusRole } from "./map.js";

/**
 * Reads a tracker's status-transition export (one row per item per status entered) as a stream,
 * and turns each item's rows into a clean, time-ordered list of segments. Messy data is normal:
 * each flaw is counted as a warning with up to five example line numbers (line 1 = the header) and
 * repaired the way the warning says, never dropped in silence. A record is taken to be one line:
 * a quoted field spanning lines shifts the line numbers that follow it.
 */

export interface LogWarning {
  kind: string;
  count: number;
  /** Up to five line numbers of the file. */
  lines: number[];
  message: string;
}

export interface Segment {
  role: Exclude<StatusRole, { kind: "done" }>;
  status: string;
  /** Milliseconds since the epoch. */
  entered: number;
  /** null: still in that status at export. */
  left: number | null;
  line: number;
}

export interface LogItem {
  key: string;
  stream: string;
  /** Entered of the item's first row. */
  arrival: number;
  /** Entered of its terminal status; null while still open. */
  done: number | null;
  /** Mapped work and wait statuses, ordered by entered time. */
  segments: Segment[];
}

/** What a read of the log says besides its items. */
export interface LogSummary {
  file: string;
  /** Items read (of streams the map names). */
  items: number;
  rows: number;
  /** Earliest and latest time of the export, ms. */
  first: number;
  last: number;
  /** Offset (minutes east of UTC) of the first timestamp: the log's own time zone. */
  offsetMinutes: number;
  warnings: LogWarning[];
  /** Whether each item's rows were together in the file, so each was handed on as its rows ended. */
  grouped: boolean;
  /** The most items whose rows were held at once: 1 for a grouped file, every item otherwise. */
  maxHeld: number;
}

export interface TrackerLog extends Omit<LogSummary, "items"> {
  items: LogItem[];
}

const WARNINGS = {
  malformed: "malformed lines (wrong number of fields, no item key, or a time that is not ISO 8601): skipped",
  noOffset: "times without a UTC offset: read as UTC",
  mixedOffsets: "times with a different UTC offset from the first row's: compared as instants",
  unknownStream: "rows of items whose stream value the map does not name: the items are left out",
  unknownStatus: "rows in statuses the map does not name: their time goes to the status before them (or after, for an item's first status)",
  duplicate: "duplicate rows (same item, status and Entered): the repeat is ignored",
  outOfOrder: "rows out of time order within their item: sorted by Entered",
  missingLeft: "rows with no Left that are not an item's last: Left taken from the item's next row",
  skew: "rows whose Entered is after their Left (clock skew): Left taken as the next row's Entered, or as Entered",
  open: "items still open at export (no terminal status): their finished work is used, their lead time is not",
  afterDone: "rows after an item reached a terminal status (reopened work): the item is taken as still open",
  notGrouped: "rows of an item are not together: memory grows with the log; sort the export by item",
} as const;
type Kind = keyof typeof WARNINGS;

const TIME = /^(\d{4}-\d{2}-\d{2})[T ](\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?)\s*(Z|[+-]\d{2}:?\d{2})?$/i;

const digits = (s: string, at: number, n: number) => {
  let v = 0;
  for (let i = at; i < at + n; i++) {
    const d = s.charCodeAt(i) - 48;
    if (d < 0 || d > 9) return NaN;
    v = v * 10 + d;
  }
  return v;
};

/** ISO 8601 instant: ms and offset minutes (null when the text gives none); NaN for bad text. */
export function parseTime(text: string): { ms: number; offset: number | null } {
  // PERF: the shape trackers export (2026-01-05T09:00:00+01:00) read by hand; half the cost of
  // the regular expression and Date.parse below on bench/fit.mjs.
  if (text.length === 25 && text[10] === "T" && (text[19] === "+" || text[19] === "-") && text[22] === ":") {
    const offset = (text[19] === "-" ? -1 : 1) * (digits(text, 20, 2) * 60 + digits(text, 23, 2));
    const ms = Date.UTC(digits(text, 0, 4), digits(text, 5, 2) - 1, digits(text, 8, 2), digits(text, 11, 2), digits(text, 14, 2), digits(text, 17, 2)) - offset * 60_000;
    if (Number.isFinite(ms) && text[4] === "-" && text[7] === "-" && text[13] === ":" && text[16] === ":") {
      const back = new Date(ms + offset * 60_000);
      // Date.UTC rolls 2026-02-30 over to March: such a date is not a date.
      if (back.getUTCDate() === digits(text, 8, 2) && back.getUTCHours() === digits(text, 11, 2)) return { ms, offset };
      return { ms: NaN, offset: null };
    }
  }
  const m = TIME.exec(text.trim());
  if (!m) return { ms: NaN, offset: null };
  let off = m[3];
  let offset: number | null = null;
  if (off && off.toUpperCase() !== "Z") {
    if (!off.includes(":")) off = `${off.slice(0, 3)}:${off.slice(3)}`;
    offset = (off[0] === "-" ? -1 : 1) * (Number(off.slice(1, 3)) * 60 + Number(off.slice(4, 6)));
  } else if (off) offset = 0;
  const ms = Date.parse(`${m[1]}T${m[2]}${off ? (off.toUpperCase() === "Z" ? "Z" : off) : "Z"}`);
  return { ms, offset };
}

class Warnings {
  private readonly byKind = new Map<Kind, { count: number; lines: number[] }>();
  private readonly statuses = new Map<string, number>();
  add(kind: Kind, line: number): void {
    let w = this.byKind.get(kind);
    if (!w) this.byKind.set(kind, (w = { count: 0, lines: [] }));
    w.count++;
    if (w.lines.length < 5) w.lines.push(line);
  }
  unknownStatus(status: string, line: number): void {
    this.statuses.set(status, (this.statuses.get(status) ?? 0) + 1);
    this.add("unknownStatus", line);
  }
  list(): LogWarning[] {
    const out: LogWarning[] = [];
    for (const kind of Object.keys(WARNINGS) as Kind[]) {
      const w = this.byKind.get(kind);
      if (!w) continue;
      let message: string = WARNINGS[kind];
      if (kind === "unknownStatus") message += ` (${[...this.statuses].map(([s, n]) => `${JSON.stringify(s)}: ${n}`).join(", ")})`;
      out.push({ kind, count: w.count, lines: w.lines, message });
    }
    return out;
  }
}

/** An item's rows while reading: [statusIndex, entered, left (NaN if empty), line] repeated. */
interface Raw {
  stream: string;
  rows: number[];
  lastEntered: number;
}

/** The whole log in memory, items in order of arrival: for the tests and the backtest. */
export async function readTrackerLog(file: string, map: StatusMap): Promise<TrackerLog> {
  const items: LogItem[] = [];
  const summary = await scanTrackerLog(file, map, {
    item: (item) => items.push(item),
    restart: () => (items.length = 0),
  });
  items.sort((a, b) => a.arrival - b.arrival || (a.key < b.key ? -1 : 1));
  const { items: _, ...rest } = summary;
  return { ...rest, items };
}

/** Where the reader hands each clean item; restart: forget them, the file is read again. */
export interface ItemSink {
  item(item: LogItem): void;
  restart(): void;
}

/** Thrown inside a grouped read when an item's rows turn up again after another item's. */
class NotGrouped extends Error {}

/**
 * Reads the log and hands each item on, cleaned, as soon as its rows are all read. Tracker
 * exports list an item's rows together: then an item ends where the next begins, and only one is
 * held at a time. When an item's rows turn up again after another's, the items handed on so far
 * are incomplete: the sink is told to restart and the file is read again holding every item to
 * the end (the way of a log sorted by time), with a warning.
 */
export async function scanTrackerLog(file: string, map: StatusMap, sink: ItemSink): Promise<LogSummary> {
  try {
    if (statSync(file).isDirectory()) fail(file, "", "is a directory, not a CSV file");
  } catch (e) {
    if (e instanceof ModelError) throw e;
    const code = (e as NodeJS.ErrnoException).code;
    fail(file, "", code === "ENOENT" ? "does not exist" : `cannot be read (${code ?? (e as Error).message})`);
  }
  try {
    return await scan(file, map, sink, true);
  } catch (e) {
    if (!(e instanceof NotGrouped)) throw e;
    sink.restart();
    return scan(file, map, sink, false, e.message);
  }
}

async function scan(file: string, map: StatusMap, sink: ItemSink, grouped: boolean, regroupLine?: string): Promise<LogSummary> {
  const warnings = new Warnings();
  if (regroupLine !== undefined) warnings.add("notGrouped", Number(regroupLine));
  const statusNames: string[] = [];
  const statusIndex = new Map<string, number>();
  const items = new Map<string, Raw>();
  // Items of streams the map does not name: few (epics and the like), and their rows need not
  // be together.
  const skipped = new Set<string>();
  // Keys of items already handed on: a key seen again means the file is not grouped by item.
  const ended = new Set<string>();
  let current: string | null = null;
  let count = 0;
  let maxHeld = 0;
  let line = 0;
  let col: Record<keyof StatusMap["columns"], number> | null = null;
  let width = 0;
  let first = Infinity;
  let last = -Infinity;
  let offsetMinutes: number | null = null;

  const handOn = (key: string): void => {
    const item = clean(key, items.get(key)!, statusNames, map, warnings);
    items.delete(key);
    count++;
    sink.item(item);
  };
  const onRow = (row: string[]): void => {
    line++;
    if (col === null) {
      // Spreadsheet exports often begin with a UTF-8 byte order mark.
      if (row.length && row[0].charCodeAt(0) === 0xfeff) row[0] = row[0].slice(1).trim();
      col = header(row, file, map);
      width = row.length;
      return;
    }
    if (row.length !== width) {
      warnings.add("malformed", line);
      return;
    }
    const key = row[col.item];
    const entered = parseTime(row[col.entered]);
    const leftText = row[col.left];
    const left = leftText === "" ? { ms: NaN, offset: null } : parseTime(leftText);
    if (!key || Number.isNaN(entered.ms) || (leftText !== "" && Number.isNaN(left.ms)) || !row[col.status]) {
      warnings.add("malformed", line);
      return;
    }
    for (const t of leftText === "" ? [entered] : [entered, left]) {
      if (t.offset === null) warnings.add("noOffset", line);
      else if (offsetMinutes === null) offsetMinutes = t.offset;
      else if (t.offset !== offsetMinutes) {
        warnings.add("mixedOffsets", line);
        break;
      }
    }
    first = Math.min(first, entered.ms);
    last = Math.max(last, entered.ms, Number.isNaN(left.ms) ? -Infinity : left.ms);
    if (skipped.has(key)) {
      warnings.add("unknownStream", line);
      return;
    }
    let item = items.get(key);
    if (!item) {
      const streamId = map.streams.get(row[col.stream]);
      if (streamId === undefined) {
        skipped.add(key);
        warnings.add("unknownStream", line);
        return;
      }
      if (grouped) {
        if (ended.has(key)) throw new NotGrouped(String(line));
        if (current !== null) {
          handOn(current);
          ended.add(current);
        }
        current = key;
      }
      items.set(key, (item = { stream: streamId, rows: [], lastEntered: -Infinity }));
      maxHeld = Math.max(maxHeld, items.size);
    }
    const status = row[col.status];
    let s = statusIndex.get(status);
    if (s === undefined) {
      statusIndex.set(status, (s = statusNames.length));
      statusNames.push(status);
    }
    if (entered.ms < item.lastEntered) warnings.add("outOfOrder", line);
    item.lastEntered = Math.max(item.lastEntered, entered.ms);
    item.rows.push(s, entered.ms, left.ms, line);
  };
  // PERF: rows are taken from 'data' events, not for-await (a promise per row; bench/fit.mjs).
  try {
    await new Promise<void>((resolve, reject) => {
      const source = createReadStream(file);
      const parser = parse({ headers: false, ignoreEmpty: false, trim: true });
      source.on("error", reject);
      parser
        .on("error", reject)
        .on("data", (row: string[]) => {
          try {
            onRow(row);
          } catch (e) {
            source.destroy();
            parser.destroy();
            reject(e);
          }
        })
        .on("end", () => resolve());
      source.pipe(parser);
    });
  } catch (e) {
    if (e instanceof ModelError || e instanceof NotGrouped) throw e;
    fail(file, `line ${line + 1}`, `cannot be read as CSV: ${(e as Error).message}`);
  }
  if (col === null) fail(file, "", "is empty: it needs a header line and at least one row");
  if (items.size === 0 && count === 0) fail(file, "", `has no rows the map can use (${map.file} names streams ${[...map.streams.keys()].map((s) => JSON.stringify(s)).join(", ")})`);
  for (const key of [...items.keys()]) handOn(key);
  return { file, items: count, rows: line - 1, first, last, offsetMinutes: offsetMinutes ?? 0, warnings: warnings.list(), grouped, maxHeld };
}

function header(row: string[], file: string, map: StatusMap): Record<keyof StatusMap["columns"], number> {
  const out = {} as Record<keyof StatusMap["columns"], number>;
  const problems = [];
  for (const [field, name] of Object.entries(map.columns) as [keyof StatusMap["columns"], string][]) {
    const i = row.indexOf(name);
    if (i < 0) {
      problems.push({
        file,
        path: "line 1",
        message: `has no column ${JSON.stringify(name)} (the ${field} column; set columns.${field} in ${map.file} if it has another name); the header has: ${row.map((c) => JSON.stringify(c)).join(", ")}`,
      });
    }
    out[field] = i;
  }
  if (problems.length) throw new ModelError(problems);
  return out;
}

function fail(file: string, path: string, message: string): never {
  throw new ModelError([{ file, path, message }]);
}

/** One item's rows, repaired: sorted, deduplicated, every Left known, unmapped time handed on. */
function clean(key: string, raw: Raw, names: string[], map: StatusMap, warnings: Warnings): LogItem {
  const n = raw.rows.length / 4;
  const order = Array.from({ length: n }, (_, i) => i);
  const r = raw.rows;
  order.sort((a, b) => r[a * 4 + 1] - r[b * 4 + 1] || r[a * 4 + 3] - r[b * 4 + 3]);
  const rows: { status: string; entered: number; left: number; line: number }[] = [];
  for (const i of order) {
    const row = { status: names[r[i * 4]], entered: r[i * 4 + 1], left: r[i * 4 + 2], line: r[i * 4 + 3] };
    const prev = rows[rows.length - 1];
    if (prev && prev.status === row.status && prev.entered === row.entered) {
      warnings.add("duplicate", row.line);
      if (Number.isNaN(prev.left)) prev.left = row.left;
      continue;
    }
    rows.push(row);
  }
  const arrival = rows[0].entered;
  // Repair Left from the next row: where it is missing, or before Entered.
  rows.forEach((row, i) => {
    const next = rows[i + 1];
    if (Number.isNaN(row.left)) {
      if (next) {
        warnings.add("missingLeft", row.line);
        row.left = next.entered;
      }
    } else if (row.left < row.entered) {
      warnings.add("skew", row.line);
      row.left = next && next.entered >= row.entered ? next.entered : row.entered;
    }
  });
  let done: number | null = null;
  const doneAt = rows.findIndex((row) => map.statuses.get(row.status)?.kind === "done");
  if (doneAt >= 0) {
    if (doneAt < rows.length - 1) {
      warnings.add("afterDone", rows[doneAt + 1].line);
    } else done = rows[doneAt].entered;
  }
  if (done === null) warnings.add("open", rows[rows.length - 1].line);
  const segments: Segment[] = [];
  let pendingFrom: number | null = null; // an unmapped first status: its time goes to the next
  for (const row of rows) {
    const role = map.statuses.get(row.status);
    if (!role) {
      warnings.unknownStatus(row.status, row.line);
      const prev = segments[segments.length - 1];
      if (prev && prev.left !== null && !Number.isNaN(row.left)) prev.left = Math.max(prev.left, row.left);
      else if (!prev) pendingFrom ??= row.entered;
      continue;
    }
    if (role.kind === "done") continue;
    const prev = segments[segments.length - 1];
    if (prev && prev.status === row.status && prev.left !== null && prev.left >= row.entered) {
      // The same status again right after an unmapped one: one stretch in it, not two.
      prev.left = Number.isNaN(row.left) ? null : Math.max(prev.left, row.left);
      continue;
    }
    segments.push({ role, status: row.status, entered: pendingFrom ?? row.entered, left: Number.isNaN(row.left) ? null : row.left, line: row.line });
    pendingFrom = null;
  }
  return { key, stream: raw.stream, arrival, done, segments };
}
