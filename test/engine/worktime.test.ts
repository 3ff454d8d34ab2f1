import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { WorkingTime } from "../../src/engine/worktime.js";

// Working time <-> calendar time on a list of working intervals, against a walk through the
// intervals one by one written here (no binary search, no running sums).

function walkFinish(from: number[], to: number[], t: number, d: number): number {
  if (d === 0) return t;
  let left = d;
  for (let i = 0; i < from.length; i++) {
    const a = Math.max(from[i], t);
    if (a >= to[i]) continue;
    if (to[i] - a >= left) return a + left;
    left -= to[i] - a;
  }
  return NaN; // past the table: not compared
}

/** Intervals from gaps and lengths (integers, so the sums are exact). */
const intervalsArb = fc.array(fc.tuple(fc.integer({ min: 0, max: 20 }), fc.integer({ min: 1, max: 10 })), { minLength: 1, maxLength: 30 }).map((pairs) => {
  const from: number[] = [];
  const to: number[] = [];
  let at = 0;
  for (const [gap, len] of pairs) {
    at += gap;
    from.push(at);
    at += len;
    to.push(at);
  }
  return { from, to };
});

describe("WorkingTime", () => {
  it("finishes work where a walk through the intervals does, whatever the order of the questions", () => {
    // One table asked many times, the times mostly going forward (as a run asks) and sometimes
    // back (an item's arrival, for its lead time): the cursor must never change an answer.
    const questions = fc.array(fc.tuple(fc.integer({ min: 0, max: 400 }), fc.integer({ min: 0, max: 100 }), fc.boolean()), { minLength: 1, maxLength: 40 });
    fc.assert(
      fc.property(intervalsArb, questions, ({ from, to }, qs) => {
        const w = new WorkingTime(from, to);
        let clock = 0;
        for (const [step, d, back] of qs) {
          const t = back ? step : (clock += step % 30);
          const expected = walkFinish(from, to, t, d);
          if (Number.isNaN(expected)) expect(w.finish(t, d)).toBeGreaterThanOrEqual(to[to.length - 1]);
          else expect(w.finish(t, d), `finish(${t}, ${d})`).toBe(expected);
        }
      }),
      { seed: 17, numRuns: 300 },
    );
  });

  it("ends work at the end of an interval, not at the start of the next", () => {
    // 9-17 on two days (hours from midnight of the first): 8 hours from 9:00 end at 17:00.
    const w = new WorkingTime([9, 33], [17, 41]);
    expect(w.finish(9, 8)).toBe(17);
    expect(w.finish(17, 1)).toBe(34);
    expect(w.finish(20, 0)).toBe(20); // no work: no wait for the next morning
    expect(w.worked(12)).toBe(3);
    expect(w.worked(20)).toBe(8);
    expect(w.worked(35)).toBe(10);
  });

  it("goes on at the calendar's average rate past its last interval, and never goes back", () => {
    const w = new WorkingTime([0, 24], [8, 32]); // 16 working in 32: rate 2
    expect(w.finish(32, 4)).toBe(40);
    expect(w.finish(30, 4)).toBe(36); // 2 left on day two, then 2 more at rate 2
    expect(w.finish(5, 1e-300)).toBe(5);
  });

  it("refuses intervals that overlap or are empty", () => {
    expect(() => new WorkingTime([0, 5], [6, 9])).toThrow(/interval 1/);
    expect(() => new WorkingTime([3], [3])).toThrow(/interval 0/);
    expect(() => new WorkingTime([], [])).toThrow(/at least one/);
  });
});
