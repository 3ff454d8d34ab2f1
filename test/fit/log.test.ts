/**
 * Reading messy tracker exports: each kind of flaw is counted, reported with its line numbers and
 * repaired the way its warning says; a file or map that cannot be used is refused with the file,
 * the line or field and what is wrong.
 */
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { ModelError, formatProblem } from "../../src/model/errors.js";
import { readTrackerLog, parseTime } from "../../src/fit/log.js";
import { readStatusMap, statusMapFrom } from "../../src/fit/map.js";

const dir = mkdtempSync(join(tmpdir(), "vsm-log-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const csv = (name: string, text: string) => {
  const f = join(dir, name);
  writeFileSync(f, text);
  return f;
};
const map = statusMapFrom(
  { streams: { Story: "story" }, stages: { "In Progress": "dev", "In QA": "qa" }, waits: { "Ready for QA": "qa" }, done: ["Done"] },
  "map.yaml",
);
const H = "Issue key,Issue Type,Status,Entered,Left\n";
const problems = async (p: Promise<unknown>) => {
  try {
    await p;
  } catch (e) {
    if (e instanceof ModelError) return e.problems.map(formatProblem);
    throw e;
  }
  return [];
};

describe("repairs", () => {
  it("an unmapped status's time goes to the status before it; a split status is one stretch", async () => {
    const f = csv("blocked.csv", `${H}A-1,Story,In Progress,2026-01-05T09:00:00Z,2026-01-05T12:00:00Z\nA-1,Story,Blocked,2026-01-05T12:00:00Z,2026-01-06T09:00:00Z\nA-1,Story,In Progress,2026-01-06T09:00:00Z,2026-01-06T10:00:00Z\nA-1,Story,Done,2026-01-06T10:00:00Z,\n`);
    const log = await readTrackerLog(f, map);
    expect(log.items[0].segments.map((s) => [s.status, s.entered, s.left])).toEqual([["In Progress", Date.parse("2026-01-05T09:00:00Z"), Date.parse("2026-01-06T10:00:00Z")]]);
    expect(log.warnings).toEqual([{ kind: "unknownStatus", count: 1, lines: [3], message: expect.stringContaining('"Blocked": 1') }]);
  });

  it("missing Left from the next row, clock skew, other offsets as the same instant, out of order, duplicates, open items", async () => {
    const f = csv(
      "messy.csv",
      H +
        "A-1,Story,Ready for QA,2026-01-05T12:00:00+01:00,\n" + // line 2: missing Left
        "A-1,Story,In Progress,2026-01-05T09:00:00+01:00,2026-01-05T11:00:00+01:00\n" + // 3: out of order
        "A-1,Story,In QA,2026-01-05T08:30:00-05:00,2026-01-05T14:00:00+01:00\n" + // 4: 14:30+01:00 entered, after Left: skew
        "A-1,Story,In QA,2026-01-05T08:30:00-05:00,2026-01-05T14:00:00+01:00\n" + // 5: duplicate
        "A-1,Story,Done,2026-01-05T16:00:00+01:00,\n" +
        "B-2,Story,In Progress,2026-01-06T09:00:00+01:00,\n", // 7: open at export
    );
    const log = await readTrackerLog(f, map);
    const a = log.items[0];
    const t = (s: string) => Date.parse(s);
    expect(a.segments.map((s) => [s.status, s.entered, s.left])).toEqual([
      ["In Progress", t("2026-01-05T09:00:00+01:00"), t("2026-01-05T11:00:00+01:00")],
      ["Ready for QA", t("2026-01-05T12:00:00+01:00"), t("2026-01-05T14:30:00+01:00")],
      ["In QA", t("2026-01-05T14:30:00+01:00"), t("2026-01-05T16:00:00+01:00")],
    ]);
    expect(a.done).toBe(t("2026-01-05T16:00:00+01:00"));
    expect(log.items[1].done).toBeNull();
    expect(Object.fromEntries(log.warnings.map((w) => [w.kind, w.lines]))).toEqual({
      mixedOffsets: [4, 5],
      duplicate: [5],
      outOfOrder: [3],
      missingLeft: [2],
      skew: [4],
      open: [7],
    });
  });

  it("times: ISO 8601 with or without colon in the offset, Z, a space for T; anything else is malformed", () => {
    expect(parseTime("2026-01-05T10:00:00+0100").ms).toBe(Date.parse("2026-01-05T09:00:00Z"));
    expect(parseTime("2026-01-05 10:00+01:00")).toEqual({ ms: Date.parse("2026-01-05T09:00:00Z"), offset: 60 });
    expect(parseTime("2026-01-05T10:00:00Z").offset).toBe(0);
    expect(parseTime("2026-01-05T10:00:00").offset).toBeNull();
    expect(parseTime("yesterday").ms).toBeNaN();
  });
});

describe("the realistic export (test/fixtures/tracker/export.csv)", () => {
  it("counts every planted flaw with the lines it was planted at", async () => {
    const log = await readTrackerLog("test/fixtures/tracker/export.csv", readStatusMap("test/fixtures/tracker/map.yaml"));
    const w = Object.fromEntries(log.warnings.map((x) => [x.kind, x]));
    expect(Object.keys(w).sort()).toEqual(["duplicate", "missingLeft", "malformed", "mixedOffsets", "open", "outOfOrder", "skew", "unknownStatus", "unknownStream"].sort());
    expect(w.malformed.lines).toEqual([704, 1005]);
    expect(w.unknownStream.lines).toEqual([503]);
    expect(w.duplicate.lines).toEqual([203, 906, 1808]);
    expect(w.mixedOffsets.count).toBe(30);
    expect(w.unknownStatus.message).toContain('"Blocked": 18');
    expect(w.skew.count).toBe(2);
    for (const x of log.warnings) expect(x.lines.length).toBe(Math.min(5, x.count));
  });
});

describe("refused input", () => {
  it("a column the map names is missing: the file, line 1, the column and the map field", async () => {
    const f = csv("nocol.csv", "Issue key,Issue Type,Status,Entered\nA-1,Story,Done,2026-01-05T09:00:00Z\n");
    expect(await problems(readTrackerLog(f, map))).toEqual([
      `${f}: line 1 has no column "Left" (the left column; set columns.left in map.yaml if it has another name); the header has: "Issue key", "Issue Type", "Status", "Entered"`,
    ]);
  });

  it("a byte order mark before the header is no part of the first column's name", async () => {
    const f = csv("bom.csv", `\ufeff${H}A-1,Story,In Progress,2026-01-05T09:00:00Z,\n`);
    expect((await readTrackerLog(f, map)).items).toHaveLength(1);
  });

  it("a missing file, an empty file, a file with no usable row", async () => {
    expect(await problems(readTrackerLog(join(dir, "nope.csv"), map))).toEqual([`${join(dir, "nope.csv")}: does not exist`]);
    const empty = csv("empty.csv", "");
    expect((await problems(readTrackerLog(empty, map)))[0]).toContain("is empty");
    const epic = csv("epic.csv", `${H}E-1,Epic,In Progress,2026-01-05T09:00:00Z,\n`);
    expect((await problems(readTrackerLog(epic, map)))[0]).toContain('has no rows the map can use (map.yaml names streams "Story")');
  });

  it("map mistakes are reported with their field paths, all at once", () => {
    const bad = { streams: { Story: "st ory" }, stages: { "In QA": "qa" }, waits: { "In QA": "qa", "Ready": "dev" }, done: ["Done"], colums: {} };
    expect(() => statusMapFrom(bad, "m.yaml")).toThrowError(/m\.yaml: colums is not a known field \(did you mean "columns"\?\)/);
    const twice = { streams: { Story: "story" }, stages: { "In QA": "qa" }, waits: { "In QA": "qa", Ready: "dev" }, done: ["Done"] };
    expect(() => statusMapFrom(twice, "m.yaml")).toThrowError(
      'm.yaml: waits."In QA" names status "In QA" again (already stages."In QA"): a status has one meaning\nm.yaml: waits."Ready" names stage "dev", which no work status in stages maps to',
    );
  });
});

describe("the fast path for times", () => {
  it("agrees with Date.parse on the usual shape, and refuses what is not a date", () => {
    for (const t of ["2026-01-05T09:00:00+01:00", "2024-02-29T23:59:59-05:30", "2026-12-31T00:00:01+00:00", "1999-07-04T12:34:56+14:00"]) {
      expect(parseTime(t).ms).toBe(Date.parse(t));
    }
    expect(parseTime("2026-02-30T09:00:00+01:00").ms).toBeNaN();
    expect(parseTime("2026-01-05T25:00:00+01:00").ms).toBeNaN();
    expect(parseTime("2026-01-05T0a:00:00+01:00").ms).toBeNaN();
  });
});

describe("a map that names none of the log's statuses", () => {
  it("is refused against the map's stages, listing the statuses the log has", async () => {
    const { fitLog } = await import("../../src/fit/estimate.js");
    const f = csv("other.csv", `${H}A-1,Story,Doing,2026-01-05T09:00:00Z,2026-01-05T10:00:00Z\nA-1,Story,Done,2026-01-05T10:00:00Z,\n`);
    const log = await readTrackerLog(f, map);
    expect(() => fitLog(log, map)).toThrowError(`map.yaml: stages names none of the work or wait statuses of ${f}; statuses found there that it does not name: "Doing": 1`);
  });
});
