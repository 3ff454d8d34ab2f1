import { describe, expect, it } from "vitest";
import { ModelError, formatProblem, validateModel } from "../../src/index.js";
import { forecastDocument } from "../../src/runner/forecast.js";
import { wipFromText } from "../../src/fit/wipfile.js";
import { dateAt, dayOf, timeAt } from "../../src/model/clock.js";

const START = "2027-01-04T09:00:00+01:00"; // a Monday, 09:00 in Paris in winter

/** One stage, a fixed day per item: a backlog of n through s servers is done at n / s days. */
function line(servers: number, wip?: unknown[]) {
  return validateModel({
    name: `${servers} builders`,
    start: START,
    horizon: 60,
    stages: { build: { servers, processTime: "1d" } },
    // New work keeps arriving, behind the backlog in the queue: it cannot delay it.
    streams: { payments: { arrivals: { rate: 0.5 }, route: ["build"] } },
    ...(wip ? { wip } : {}),
  }, `line-${servers}.yaml`);
}

const options = { backlog: { stream: "payments", count: 10 }, start: START, replications: 20, seed: 5 };

describe("vsm forecast", () => {
  it("is exact to the date for a fixed backlog through a deterministic stage, paired with a scenario", () => {
    const doc = forecastDocument([line(1), line(2)], { ...options, by: "2027-01-13" });
    // 10 items x 1 day from Monday 4 January 09:00: Thursday 14 January 09:00, in every future.
    for (const q of [doc.base.p50, doc.base.p85, doc.base.p95]) expect(q).toEqual({ time: 10, date: "2027-01-14" });
    expect(doc.scenarios[0].p85).toEqual({ time: 5, date: "2027-01-09" });
    // Done by the end of 13 January: never with one builder, always with two.
    expect(doc.base.by).toMatchObject({ probability: 0 });
    expect(doc.scenarios[0].by).toMatchObject({ probability: 1 });
    expect(doc.paired[0]).toEqual({ scenario: "2 builders", difference: { mean: -5, ci95: 0, n: 20 }, earlier: 1 });
  });

  it("counts today's work: an item 6 hours into a fixed day has 18 hours left, ahead of the backlog", () => {
    const doc = forecastDocument([line(1, [{ stream: "payments", stage: "build", state: "work", elapsed: "6h" }])], options);
    expect(doc.base.p50.time).toBeCloseTo(10.75, 12);
    expect(doc.base.p50.date).toBe("2027-01-15"); // 15 January 03:00 in Paris (02:00 UTC)
    expect(doc.base.items).toBe(11);
  });

  it("converts time and dates through one function pair, in the offset of start", () => {
    expect(dateAt(START, "day", 10.75).toISOString()).toBe("2027-01-15T02:00:00.000Z");
    expect(dayOf(dateAt(START, "hour", 14.5), START)).toBe("2027-01-04"); // 23:30 local, still Monday
    expect(timeAt(START, "week", Date.parse("2027-01-18T09:00:00+01:00"))).toBe(2);
  });
});

describe("--wip file", () => {
  const model = line(2);
  const read = (text: string) => {
    try {
      return { items: wipFromText(text, "wip.csv", model, START), problems: [] };
    } catch (e) {
      if (!(e instanceof ModelError)) throw e;
      return { items: [], problems: e.problems.map(formatProblem) };
    }
  };

  it("reads one row per item: elapsed and age from entered and arrived, in the model's unit", () => {
    const { items, problems } = read("Item,Stream,Stage,Entered,State,Arrived\r\nPAY-1,payments,build,2027-01-03T21:00:00+01:00,work,2026-12-25T09:00:00+01:00\nPAY-2,payments,build,\"2027-01-04T03:00:00+01:00\",,\n");
    expect(problems).toEqual([]);
    expect(items.map(({ elapsed, age, state }) => ({ elapsed, age, state }))).toEqual([{ elapsed: 0.5, age: 10, state: "work" }, { elapsed: 0.25, age: 0.25, state: "wait" }]);
  });

  it("names the file, row and column of every bad row", () => {
    const { problems } = read([
      "item,stream,stage,entered,state",
      "A,payments,build,2027-01-02T10:00:00+01:00,work",
      "A,payments,build,2027-01-02T10:00:00+01:00,",
      "B,paymnts,build,2027-01-02T10:00:00+01:00,",
      "C,payments,biuld,2027-01-02,",
      "D,payments,build,2027-02-01T10:00:00+01:00,busy",
      "E,payments",
    ].join("\n"));
    expect(problems).toEqual([
      'wip.csv: row 3, column item repeats item "A" (first on row 2): one row per item',
      'wip.csv: row 5, column entered must be an ISO 8601 date-time with a UTC offset, e.g. 2026-03-02T09:15:00+01:00 (got "2027-01-02")',
      `wip.csv: row 6, column entered is "2027-02-01T10:00:00+01:00", after time 0 (${START}): the snapshot is of work in progress at time 0`,
      'wip.csv: row 6, column state must be wait or work (got "busy")',
      "wip.csv: row 7 has 2 fields; the header has 5",
      'wip.csv: row 4, column stream names unknown stream "paymnts" (did you mean "payments"?); known streams: payments',
    ]);
    expect(read("item,stream,status\n").problems).toEqual(["wip.csv: row 1 lacks the columns stage, entered: the header must name item, stream, stage, entered (and optionally state, arrived)"]);
  });
});
