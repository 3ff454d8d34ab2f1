import { describe, expect, it } from "vitest";
import { Calendar, calendarSource } from "../../src/engine/calendar.js";
import { RandomStream } from "../../src/engine/random.js";

function drain(cal: Calendar): [number, number, number][] {
  const out: [number, number, number][] = [];
  while (cal.pop()) out.push([cal.time, cal.kind, cal.a]);
  return out;
}

describe("event calendar", () => {
  it("orders by time, then rank, then insertion sequence", () => {
    const cal = new Calendar(2);
    cal.schedule(2, 1, 1, 10);
    cal.schedule(1, 3, 5, 11);
    cal.schedule(2, 0, 0, 12);
    cal.schedule(2, 1, 1, 13);
    cal.schedule(1, 0, 2, 14);
    cal.schedule(2, 0, 0, 15);
    expect(drain(cal)).toEqual([
      [1, 2, 14],
      [1, 5, 11],
      [2, 0, 12],
      [2, 0, 15],
      [2, 1, 10],
      [2, 1, 13],
    ]);
  });

  it("pops in sorted order under random load and grows past its capacity", () => {
    const cal = new Calendar(16);
    const rng = RandomStream.derive(1, 0, "calendar-test");
    const times: number[] = [];
    for (let i = 0; i < 5000; i++) {
      const t = Math.floor(rng.next() * 100); // many ties
      times.push(t);
      cal.schedule(t, i % 3, 1, i);
    }
    const out = drain(cal);
    expect(out).toHaveLength(5000);
    for (let i = 1; i < out.length; i++) {
      const [t0, , a0] = out[i - 1];
      const [t1, , a1] = out[i];
      expect(t1).toBeGreaterThanOrEqual(t0);
      if (t1 === t0 && a0 % 3 === a1 % 3) expect(a1).toBeGreaterThan(a0); // same rank: first in, first out
      if (t1 === t0) expect(a1 % 3).toBeGreaterThanOrEqual(a0 % 3);
    }
    expect(out.map((e) => e[0]).sort((a, b) => a - b)).toEqual(times.sort((a, b) => a - b));
  });

  it("refuses an event before the clock", () => {
    const cal = new Calendar();
    cal.schedule(5, 0, 0, 0);
    cal.pop();
    expect(() => cal.schedule(4, 0, 0, 0)).toThrow(/before the clock/);
    expect(() => cal.schedule(NaN, 0, 0, 0)).toThrow(/before the clock/);
  });

  it("lists every pending event, and unpop() puts back the one just popped", () => {
    const cal = new Calendar(2);
    for (let i = 0; i < 7; i++) cal.schedule(7 - i, 0, i % 4, i);
    const pending = () => {
      const out: [number, number, number][] = [];
      cal.forEach((t, kind, a) => out.push([t, kind, a]));
      return out.sort((x, y) => x[0] - y[0]);
    };
    expect(cal.pop()).toBe(true); // time 1 leaves; its slot is the vacated root until the next add
    expect(pending().map((e) => e[0])).toEqual([2, 3, 4, 5, 6, 7]);
    expect(cal.pop()).toBe(true);
    expect([cal.time, cal.kind, cal.a]).toEqual([2, 1, 5]);
    cal.unpop();
    expect(pending()).toEqual([
      [2, 1, 5],
      [3, 0, 4],
      [4, 3, 3],
      [5, 2, 2],
      [6, 1, 1],
      [7, 0, 0],
    ]);
    expect(drain(cal).map((e) => e[0])).toEqual([2, 3, 4, 5, 6, 7]);
  });

  it("written out inline (calendarSource), keeps the same order as its methods", () => {
    // The templates compiled into two functions, as flow/specialize.ts writes them into its loop.
    const addInline = new Function("cal", "t", "rank", "kind", "a", calendarSource.add("cal", "t", "rank", "kind", "a")) as (cal: Calendar, t: number, rank: number, kind: number, a: number) => void;
    const popInline = new Function(
      "cal",
      "out",
      `${calendarSource.peek("cal", "t", "return false;")}\n${calendarSource.take("cal", "t", "kind", "a")}\nout[0] = t; out[1] = kind; out[2] = a; return true;`,
    ) as (cal: Calendar, out: number[]) => boolean;
    const rng = new RandomStream(5, 6, 7, 8);
    for (let round = 0; round < 20; round++) {
      const byMethods = new Calendar(2);
      const inline = new Calendar(2);
      const mixed = new Calendar(2); // alternates between the two, as a loop and its rare paths do
      const got: number[][][] = [[], [], []];
      let now = 0;
      for (let step = 0; step < 2000; step++) {
        if (rng.next() < 0.55) {
          // Times on a coarse grid, so many events tie and the rank and sequence order them.
          const t = now + Math.floor(rng.next() * 4) * 0.5;
          const rank = Math.floor(rng.next() * 4);
          const kind = Math.floor(rng.next() * 8);
          const a = Math.floor(rng.next() * 1000);
          byMethods.schedule(t, rank, kind, a);
          addInline(inline, t, rank, kind, a);
          if (step % 2) mixed.schedule(t, rank, kind, a);
          else addInline(mixed, t, rank, kind, a);
        } else {
          const out = [0, 0, 0];
          const had = byMethods.pop();
          expect(popInline(inline, out)).toBe(had);
          if (had) {
            got[0].push([byMethods.time, byMethods.kind, byMethods.a]);
            got[1].push([...out]);
            now = byMethods.time;
          }
          const mixedOut = [0, 0, 0];
          if (step % 3 ? mixed.pop() : popInline(mixed, mixedOut)) got[2].push(step % 3 ? [mixed.time, mixed.kind, mixed.a] : mixedOut);
        }
      }
      expect(got[1]).toEqual(got[0]);
      expect(got[2]).toEqual(got[0]);
      expect(got[0].length).toBeGreaterThan(500);
    }
  });
});
