/**
 * vsm fit in bounded memory (issue #15): a grouped export is read holding one item at a time
 * however long it is; one that is not grouped is read again whole, with a warning, to the same
 * figures; and the bounded summaries (reservoir, counts by time, departures by minute of the
 * week) agree with the plain computations they stand in for.
 */
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { findGate, gateIn } from "../../src/fit/detect.js";
import { fitTally, tallyTrackerLog, weekStart } from "../../src/fit/estimate.js";
import { type LogSummary, scanTrackerLog } from "../../src/fit/log.js";
import { statusMapFrom } from "../../src/fit/map.js";
import { Reservoir, TimeCounts, WeekClock } from "../../src/fit/sample.js";

const dir = mkdtempSync(join(tmpdir(), "vsm-fit-memory-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const map = statusMapFrom(
  { streams: { Story: "story" }, stages: { "In Progress": "dev", "In QA": "qa" }, waits: { "To Do": "dev" }, done: ["Done"] },
  "map.yaml",
);
const DAY = 86_400_000;
const T0 = Date.parse("2026-01-05T00:00:00Z");
const iso = (ms: number) => new Date(ms).toISOString().replace(".000Z", "+00:00");

/** Rows of `n` items (a fifth go back from QA once), grouped by item or sorted by Entered. */
function log(name: string, n: number, grouped: boolean): string {
  let seed = 7;
  const rnd = () => (seed = (Math.imul(seed, 1103515245) + 12345) >>> 0) / 2 ** 32;
  const rows: [number, string][] = [];
  for (let i = 0; i < n; i++) {
    let t = T0 + Math.round((i * 0.3 + rnd() * 0.2) * DAY);
    const step = (status: string, days: number) => {
      const e = t;
      t += Math.round(days * DAY);
      rows.push([e, `ACME-${i},Story,${status},${iso(e)},${iso(t)}`]);
    };
    step("To Do", rnd());
    for (let p = rnd() < 0.2 ? 2 : 1; p > 0; p--) {
      step("In Progress", 0.2 + rnd());
      step("In QA", 0.1 + rnd() * 0.3);
    }
    rows.push([t, `ACME-${i},Story,Done,${iso(t)},`]);
  }
  if (!grouped) rows.sort((a, b) => a[0] - b[0]);
  const file = join(dir, name);
  writeFileSync(file, `Issue key,Issue Type,Status,Entered,Left\n${rows.map((r) => r[1]).join("\n")}\n`);
  return file;
}

async function scan(file: string): Promise<{ summary: LogSummary; handed: number; restarts: number }> {
  let handed = 0;
  let restarts = 0;
  const summary = await scanTrackerLog(file, map, { item: () => handed++, restart: () => ((handed = 0), restarts++) });
  return { summary, handed, restarts };
}

describe("reading a log in bounded memory", () => {
  it("a grouped export: one item held at a time, for a short log and one four times as long", async () => {
    for (const n of [300, 1200]) {
      const { summary, handed, restarts } = await scan(log(`grouped-${n}.csv`, n, true));
      expect(summary).toMatchObject({ grouped: true, maxHeld: 1, items: n });
      expect(handed).toBe(n);
      expect(restarts).toBe(0);
      expect(summary.warnings).toEqual([]);
    }
  });

  it("rows of items not together: read again holding them, with the warning, to the same figures", async () => {
    const sorted = log("by-time.csv", 300, false);
    const { summary, handed, restarts } = await scan(sorted);
    expect(restarts).toBe(1);
    expect(handed).toBe(300);
    expect(summary.grouped).toBe(false);
    expect(summary.maxHeld).toBeGreaterThan(1);
    expect(summary.warnings.map((w) => w.message)).toEqual(["rows of an item are not together: memory grows with the log; sort the export by item"]);
    const a = await tallyTrackerLog(log("grouped.csv", 300, true), map);
    const b = await tallyTrackerLog(sorted, map);
    const fa = fitTally(a.tally, a.log);
    const fb = fitTally(b.tally, b.log);
    expect(fb.streams).toEqual(fa.streams);
    expect(fb.stages).toEqual(fa.stages);
    expect(fa.stages.find((s) => s.id === "qa")!.rework!.returns).toBeGreaterThan(30);
  });
});

describe("bounded summaries", () => {
  it("a reservoir keeps at most its size, the same sample for the same name, fair to early and late values", () => {
    const fill = (name: string) => {
      const r = new Reservoir(name, 200);
      for (let i = 0; i < 20_000; i++) r.add(i);
      return r;
    };
    const r = fill("x");
    expect(r.values).toHaveLength(200);
    expect(r.seen).toBe(20_000);
    expect(fill("x").values).toEqual(r.values);
    expect(fill("y").values).not.toEqual(r.values);
    // Uniform on 0..19999: mean 9999.5, sd 5773.5; four standard errors of a mean of 200.
    const mean = r.values.reduce((s, x) => s + x, 0) / 200;
    expect(Math.abs(mean - 9999.5)).toBeLessThan((4 * 5773.5) / Math.sqrt(200));
    expect(new Set(r.values).size).toBe(200);
  });

  it("counts by time: exact to the millisecond, then bins that double until they fit", () => {
    const exact = new TimeCounts(8);
    for (const [t, v] of [[5, 1], [3, 1], [5, -1], [9, 2]]) exact.add(t, v);
    expect(exact.sorted()).toEqual({ times: [3, 5, 9], values: [1, 0, 2] });
    const coarse = new TimeCounts(8);
    for (let i = 0; i < 5000; i++) coarse.add((i * 37) % 100); // every ms of 0..99, 50 times each
    expect(coarse.width).toBe(16);
    expect(coarse.sorted()).toEqual({ times: [0, 16, 32, 48, 64, 80, 96], values: [800, 800, 800, 800, 800, 800, 200] });
  });

  it("departures by minute of the week find the same gate as the departures themselves, in any UTC offset", () => {
    let seed = 3;
    const rnd = () => (seed = (Math.imul(seed, 1103515245) + 12345) >>> 0) / 2 ** 32;
    for (const offset of [60, -330, 0]) {
      const start = weekStart(T0, offset).ms;
      const ms: number[] = [];
      for (let w = 0; w < 30; w++) {
        // Tuesday 14:00 local, a few minutes either side, one a fraction of a second before 14:00
        // (the finder's second of slack), and noise over the week.
        const tuesday = start + w * 7 * DAY + DAY + 14 * 3_600_000;
        ms.push(tuesday + Math.round(rnd() * 600_000), tuesday - 500, tuesday - 3_600_000 - 400);
        ms.push(start + w * 7 * DAY + Math.round(rnd() * 7 * DAY));
      }
      const clock = new WeekClock();
      for (const t of ms) clock.add(t);
      const expected = findGate(ms.map((t) => (t - start) / DAY));
      expect(expected).not.toBeNull();
      const got = gateIn(clock.n, (every) => clock.hours(every, offset));
      expect(got).toEqual({ ...expected, offset: expect.closeTo(expected!.offset, 9) });
      expect(got!.every).toBe(7);
    }
  });
});
