import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { ModelError, STREAM_FIGURES, type TraceRow, compile, runReplication, validateModel } from "../../src/index.js";
import { specializedSimulation } from "../../src/flow/specialize.js";
import { serverTime } from "../../src/flow/measure.js";
import { inTimeUnit } from "../../src/model/convert.js";
import { scheduledGateWait } from "../theory/formulas.js";
import { expectTheory, exponential, run } from "../theory/tolerance.js";
import { ensureBuilt, scratch, vsm } from "../fixtures/cli.js";

// Working calendars (issue #17, docs/calendars.md): hand-computed cases, checked exactly.
// Times are hours from the model's start unless a test says otherwise.

/** Each traced item's finish time, by item number. */
const finishes = (rows: TraceRow[]) => new Map(rows.filter((r) => r.what === "finish").map((r) => [r.item, r.time]));

/** A one-stage model whose items arrive every hour from an hour after `start`, served with no queue. */
function hourly(start: string, calendar: object, processTime: unknown, extra: object = {}) {
  return validateModel(
    {
      start,
      timeUnit: "hour",
      horizon: 200,
      calendar,
      stages: { dev: { servers: "unlimited", processTime, ...extra } },
      streams: { work: { arrivals: { interarrival: 1 }, route: ["dev"] } },
    },
    "test/workcal.yaml",
  );
}

function firstFinish(model: ReturnType<typeof validateModel>): number {
  const r = runReplication(compile(model), 1, 0, { trace: true });
  return finishes(r.trace!).get(0)!;
}

describe("working time: work pauses out of hours and resumes", () => {
  // Start Friday 14:00, so the first item arrives Friday 15:00 (time 1).
  it("3 working hours from Friday 15:00 on a 9-17 calendar end Monday 10:00", () => {
    // Friday 15:00 to Monday 10:00 is 67 hours: 2 worked on Friday, 1 on Monday.
    const m = hourly("2026-01-09T14:00:00Z", { zone: "UTC", hours: "09:00-17:00" }, "3wh");
    expect(firstFinish(m)).toBe(1 + 67);
  });

  it("a holiday on the Monday moves it to Tuesday 10:00", () => {
    const m = hourly("2026-01-09T14:00:00Z", { zone: "UTC", hours: "09:00-17:00", holidays: ["2026-01-12"] }, "3wh");
    expect(firstFinish(m)).toBe(1 + 67 + 24);
  });

  it("keeps wall-clock hours across a change of the clocks (Europe/Berlin, spring forward 29 March 2026)", () => {
    // Friday 27 March 15:00 +01:00 to Monday 30 March 10:00 +02:00: 67 hours less the hour lost.
    const m = hourly("2026-03-27T14:00:00+01:00", { zone: "Europe/Berlin" }, "3wh");
    expect(firstFinish(m)).toBe(1 + 66);
  });

  it("today's work in service at a working-time stage finishes its rest in working hours", () => {
    // Start Friday 15:00: 4 working hours of work, 1 already done, leaves 3: Monday 10:00 (67 h).
    const m = validateModel(
      {
        start: "2026-01-09T15:00:00Z",
        timeUnit: "hour",
        horizon: 200,
        calendar: { zone: "UTC", hours: "09:00-17:00" },
        stages: { dev: { servers: 1, processTime: "4wh" } },
        streams: { work: { arrivals: { interarrival: 1000 }, route: ["dev"] } },
        wip: [{ stream: "work", stage: "dev", state: "work", elapsed: 1 }],
      },
      "test/workcal.yaml",
    );
    expect(firstFinish(m)).toBe(67);
  });

  it("and the other way (America/New_York, fall back 1 November 2026)", () => {
    const m = hourly("2026-10-30T14:00:00-04:00", { zone: "America/New_York" }, "3wh");
    expect(firstFinish(m)).toBe(1 + 68);
  });

  it("moves working hours that fall in the hour the clocks skip to the next valid time", () => {
    // Berlin, Sunday 29 March 2026: 02:00 does not exist; "02:00-04:00" works 03:00-04:00 (+02:00),
    // 01:00-02:00 UTC, 14 and 15 hours after Saturday 12:00 +01:00.
    const m = hourly("2026-03-28T12:00:00+01:00", { zone: "Europe/Berlin", days: ["sun"], hours: "02:00-04:00" }, "1wh");
    expect([m.calendar!.from[0], m.calendar!.to[0]]).toEqual([14, 15]);
    // A week later, in summer time: 02:00-04:00 +02:00 is 00:00-02:00 UTC, 13 hours after Saturday 11:00 UTC.
    expect([m.calendar!.from[1], m.calendar!.to[1]]).toEqual([13 + 7 * 24, 15 + 7 * 24]);
  });

  it('reads "3wd", and numbers on a workingTime stage, in the calendar\'s working days', () => {
    // 24 working hours from Friday 15:00: 2 on Friday, 8 on Monday and Tuesday, 6 on Wednesday: Wednesday 15:00.
    const wed15 = 1 + 5 * 24;
    expect(firstFinish(hourly("2026-01-09T14:00:00Z", { zone: "UTC" }, "3wd"))).toBe(wed15);
    expect(firstFinish(hourly("2026-01-09T14:00:00Z", { zone: "UTC" }, 24, { workingTime: true }))).toBe(wed15);
    // In a model counted in days, 3 on a workingTime stage is three working days too.
    const days = validateModel(
      {
        start: "2026-01-09T14:00:00Z",
        timeUnit: "day",
        horizon: 20,
        calendar: { zone: "UTC" },
        stages: { dev: { servers: "unlimited", processTime: 3, workingTime: true } },
        streams: { work: { arrivals: { interarrival: "1h" }, route: ["dev"] } },
      },
      "test/workcal.yaml",
    );
    expect(firstFinish(days) * 24).toBeCloseTo(wed15, 9);
    // A stream's own process time at a working-time stage is working time too.
    const step = validateModel(
      {
        start: "2026-01-09T14:00:00Z",
        timeUnit: "hour",
        horizon: 100,
        calendar: { zone: "UTC" },
        stages: { dev: { servers: "unlimited", processTime: 1, workingTime: true } },
        streams: { work: { arrivals: { interarrival: 1 }, route: [{ stage: "dev", processTime: "3wh" }] } },
      },
      "test/workcal.yaml",
    );
    expect(firstFinish(step)).toBe(1 + 67);
  });

  it("keeps its calendar when a comparison restates the model in another time unit", () => {
    const hours = hourly("2026-01-09T14:00:00Z", { zone: "UTC" }, "3wh", { servers: 5, shifts: [{ from: "2026-01-12", to: "2026-01-12", servers: 0 }] });
    const days = inTimeUnit(hours, "day");
    expect(days.calendar!.day).toBeCloseTo(8 / 24, 12);
    // Monday 12 January, 00:00 to 24:00, is 58 to 82 hours after Friday 14:00.
    const [from, off, to, back] = compile(days).shiftChanges[0]!;
    expect([from * 24, off, to * 24, back]).toEqual([58, 0, 82, 5].map((x, i) => (i % 2 ? x : expect.closeTo(x, 9))));
    expect(firstFinish(days) * 24).toBeCloseTo(1 + 67, 9);
  });

  it("a stage on its own calendar: an offshore team in another zone", () => {
    // Bangalore (UTC+05:30) works 09:00-17:00 local, 03:30-11:30 UTC. From Friday 15:00 UTC
    // (20:30 local, after hours), 3 hours end Monday 12:00 local, 06:30 UTC: 63.5 hours later.
    const m = hourly("2026-01-09T14:00:00Z", { zone: "UTC" }, "3wh", { calendar: { zone: "Asia/Kolkata" } });
    expect(firstFinish(m)).toBe(1 + 63.5);
  });

  it("reports lead times in working days of the model's calendar too", () => {
    const m = hourly("2026-01-09T14:00:00Z", { zone: "UTC" }, "3wh");
    const r = runReplication(compile(m), 1, 0);
    const at = (f: string) => r.streams[STREAM_FIGURES.indexOf(f as (typeof STREAM_FIGURES)[number])];
    // Every item is in the system for exactly 3 working hours: 3/8 of a working day.
    expect(at("completed")).toBeGreaterThan(50);
    expect(at("leadWorkSum") / at("completed")).toBeCloseTo(3 / 8, 12);
  });

  it("crosses to a worker thread as plain data: a copy gives the same figures to the last digit", () => {
    // Worker threads get the model by structured clone and compile their own copy (runner/task.ts).
    const m = validateModel(
      {
        ...rawGate({}),
        stages: {
          dev: { servers: 2, processTime: { dist: "gamma", mean: "5wh", cv: 0.5 }, shifts: [{ from: "2026-03-01", to: "2026-03-20", servers: 1 }], calendar: { zone: "Asia/Kolkata" } },
          board: { servers: "unlimited", processTime: exponential(1), batch: { on: "weekdays 16:00", freeze: [{ from: "2026-02-01", to: "2026-02-14" }] } },
        },
        streams: { designs: { arrivals: { rate: 1.2 }, route: ["dev", "board"] } },
      },
      "test/clone.yaml",
    );
    const a = runReplication(compile(m), 5, 2);
    const b = runReplication(compile(structuredClone(m)), 5, 2);
    expect(Array.from(b.streams)).toEqual(Array.from(a.streams));
    expect(Array.from(b.stages)).toEqual(Array.from(a.stages));
    expect(a.streams[STREAM_FIGURES.indexOf("completed")]).toBeGreaterThan(100);
  });

  it("runs in the general loop: the loop written out for a model declines a calendar model", () => {
    const m = compile(hourly("2026-01-09T14:00:00Z", { zone: "UTC" }, "3wh"));
    expect(m.onCalendar).toBe(true);
    expect(specializedSimulation(m)).toBeNull();
    const plain = compile(validateModel({ horizon: 10, stages: { a: { servers: 1, processTime: 1 } }, streams: { s: { arrivals: { rate: 0.5 }, route: ["a"] } } }, "plain.yaml"));
    expect(plain.onCalendar).toBe(false);
  });
});

describe("gates on the calendar", () => {
  const gateModel = (batch: object, zone = "UTC") =>
    validateModel(
      {
        start: "2026-01-05T00:00:00Z", // a Monday
        calendar: { zone },
        warmup: 70,
        horizon: 700,
        stages: { board: { servers: "unlimited", processTime: exponential(1), batch } },
        streams: { designs: { arrivals: { rate: 2 }, route: ["board"] } },
      },
      "test/gate.yaml",
    );

  it("turns phrases into openings at those local times", () => {
    const times = (on: string, zone = "UTC") => (gateModel({ on }, zone).stages.board.batch as { times: number[] }).times;
    expect(times("tuesday 10:00").slice(0, 3)).toEqual([1 + 10 / 24, 8 + 10 / 24, 15 + 10 / 24]);
    expect(times("weekdays 16:00").slice(0, 6).map((t) => Math.round(t * 24))).toEqual([16, 40, 64, 88, 112, 184]);
    // January 2026's last Friday is the 30th, February's the 27th.
    expect(times("last friday of month 14:00").slice(0, 2)).toEqual([25 + 14 / 24, 53 + 14 / 24]);
    expect(times("FREQ=WEEKLY;INTERVAL=2;BYDAY=TU;BYHOUR=10;BYMINUTE=0;BYSECOND=0").slice(0, 2)).toEqual([1 + 10 / 24, 15 + 10 / 24]);
    // A Berlin board at 10:00 is at 09:00 UTC in winter and 08:00 UTC in summer.
    const berlin = times("tuesday 10:00", "Europe/Berlin");
    expect(berlin[0] * 24).toBeCloseTo(24 + 9, 9);
    expect(berlin[12] * 24).toBeCloseTo((12 * 7 + 1) * 24 + 8, 9); // Tuesday 31 March
  });

  it("skips the openings in a freeze window", () => {
    const g = gateModel({ on: "tuesday 10:00", freeze: [{ from: "2026-01-12", to: "2026-01-18" }] }).stages.board.batch as { times: number[] };
    expect(g.times.slice(0, 3)).toEqual([1 + 10 / 24, 15 + 10 / 24, 22 + 10 / 24]);
    const every = gateModel({ every: 7, offset: 1, freeze: [{ from: "2026-01-06T00:00", to: "2026-01-06T12:00" }] }).stages.board.batch as { times: number[] };
    expect(every.times.slice(0, 2)).toEqual([8, 15]);
  });

  it("a weekly gate on the calendar reproduces a periodic gate with the same period", async () => {
    // In UTC, Tuesdays 10:00 from a Monday 00:00 start are every 7 days from 1 + 10/24: the same
    // openings, so the same waits from the same draws.
    const onCalendar = await run("calendar-gate", { ...rawGate({ on: "tuesday 10:00" }) }, 10, 1701);
    const periodic = await run("periodic-gate", { ...rawGate({ every: 7, offset: 1 + 10 / 24 }) }, 10, 1701);
    expect(onCalendar.stages.board.wait.mean).toBeCloseTo(periodic.stages.board.wait.mean, 9);
    expect(onCalendar.stages.board.wait.ci95!).toBeCloseTo(periodic.stages.board.wait.ci95!, 9);
    // Both wait half the period; in Berlin too, where the board moves an hour against UTC twice a year.
    expectTheory("weekly gate on the calendar", onCalendar.stages.board.wait, scheduledGateWait(7));
    const berlin = await run("berlin-gate", { ...rawGate({ on: "tuesday 10:00" }), calendar: { zone: "Europe/Berlin" } }, 10, 1702);
    expectTheory("weekly gate on the Berlin calendar", berlin.stages.board.wait, scheduledGateWait(7));
  });
});

function rawGate(batch: object) {
  return {
    start: "2026-01-05T00:00:00Z",
    calendar: { zone: "UTC" },
    warmup: 70,
    horizon: 700,
    stages: { board: { servers: "unlimited", processTime: exponential(1), batch } },
    streams: { designs: { arrivals: { rate: 2 }, route: ["board"] } },
  };
}

describe("shifts: servers that change on dates", () => {
  it("holds work while a team is away and takes it up when it is back", () => {
    // Days from Monday 5 January. One item a day at noon, one day of work each, one server;
    // no servers from Wednesday 7 to Thursday 8 January (both days included).
    const m = validateModel(
      {
        start: "2026-01-05T12:00:00Z",
        horizon: 12,
        calendar: { zone: "UTC" },
        stages: { dev: { servers: 1, processTime: 1, shifts: [{ from: "2026-01-07", to: "2026-01-08", servers: 0 }] } },
        streams: { work: { arrivals: { interarrival: 1 }, route: ["dev"] } },
      },
      "test/shifts.yaml",
    );
    const c = compile(m);
    expect(Array.from(c.shiftChanges[0]!)).toEqual([1.5, 0, 3.5, 1]);
    const r = runReplication(c, 1, 0, { trace: true });
    const starts = r.trace!.filter((x) => x.what === "start").map((x) => x.time);
    // Item 0 arrives at 1 (Tuesday noon) and holds its server past the shift start (1.5) to 2;
    // items 1 and 2 wait for Friday 00:00 (3.5), then run one after another.
    expect(starts.slice(0, 4)).toEqual([1, 3.5, 4.5, 5.5]);
    // Utilization is busy time over the server-time the shifts give: 1.5 + 0 + 8.5 over the run.
    expect(serverTime(1, c.shiftChanges[0]!, 0, 12)).toBe(10);
    expect(serverTime(2, Float64Array.from([1, 5, 2, 0]), 0, 3)).toBe(2 * 1 + 5 * 1 + 0);
  });
});

describe("bad calendar inputs name the file and the field", () => {
  const problems = (raw: object) => {
    try {
      validateModel(raw, "models/acme.yaml");
    } catch (e) {
      if (e instanceof ModelError) return e.problems.map((p) => `${p.file}: ${p.path} ${p.message}`);
      throw e;
    }
    return [];
  };
  const base = {
    start: "2026-01-05T09:00:00+01:00",
    horizon: 10,
    stages: { dev: { servers: 1, processTime: "1wd" } },
    streams: { work: { arrivals: { rate: 0.5 }, route: ["dev"] } },
  };

  it("an unknown zone", () => {
    expect(problems({ ...base, calendar: { zone: "Europe/Atlantis" } })).toEqual([
      'models/acme.yaml: calendar.zone is "Europe/Atlantis", not an IANA time zone name such as "Europe/Berlin", "America/New_York" or "UTC"',
    ]);
    expect(problems({ ...base, calendar: {}, stages: { dev: { servers: 1, processTime: 1, calendar: { zone: "Mars/Olympus" } } } })).toEqual([
      'models/acme.yaml: stages.dev.calendar.zone is "Mars/Olympus", not an IANA time zone name such as "Europe/Berlin", "America/New_York" or "UTC"',
    ]);
  });

  it("a rule that is not one", () => {
    const gate = (on: string) => problems({ ...base, calendar: {}, stages: { dev: { servers: 1, processTime: 1, batch: { on } } } });
    expect(gate("tuesdy 10:00")[0]).toMatch(/^models\/acme\.yaml: stages\.dev\.batch\.on names "tuesdy", not a day of the week \(did you mean "tuesday"\?\)/);
    expect(gate("tuesday 25:00")[0]).toBe("models/acme.yaml: stages.dev.batch.on has the time 25:00, not a time of day (00:00 to 23:59)");
    expect(gate("FREQ=SOMETIMES")[0]).toMatch(/^models\/acme\.yaml: stages\.dev\.batch\.on is an RRULE with no valid FREQ/);
    expect(gate("FREQ=WEEKLY;FOO=1")[0]).toMatch(/^models\/acme\.yaml: stages\.dev\.batch\.on is not an RRULE we can read \(Unknown RRULE property 'FOO'\)/);
    expect(gate("when the board feels like it")[0]).toMatch(/^models\/acme\.yaml: stages\.dev\.batch\.on is "when the board feels like it": it must be a time on the calendar/);
  });

  it("a date that is not one", () => {
    expect(problems({ ...base, calendar: { holidays: ["2026-02-30"] } })).toEqual(['models/acme.yaml: calendar.holidays[0] is "2026-02-30", not a real date: write it as "2026-12-25"']);
    expect(problems({ ...base, calendar: {}, stages: { dev: { servers: 2, processTime: 1, shifts: [{ from: "2026-13-01", to: "2026-08-31", servers: 1 }] } } })).toEqual([
      'models/acme.yaml: stages.dev.shifts[0].from is "2026-13-01", not a real date',
    ]);
    expect(problems({ ...base, calendar: {}, stages: { dev: { servers: 2, processTime: 1, batch: { every: 7, freeze: [{ from: "2026-12-20", to: "christmas" }] } } } })).toEqual([
      'models/acme.yaml: stages.dev.batch.freeze[0].to is "christmas": write a date such as "2026-08-01" or a date-time such as "2026-08-01T14:00"',
    ]);
  });

  it("days, hours and working time where they cannot be", () => {
    expect(problems({ ...base, calendar: { days: ["mon", "fryday"], hours: "17:00-09:00" } })).toEqual([
      'models/acme.yaml: calendar.days[1] is "fryday", not a day of the week (did you mean "friday"?): use mon, tue, wed, thu, fri, sat or sun (or the full name)',
      'models/acme.yaml: calendar.hours is "17:00-09:00": working hours are "HH:MM-HH:MM" within one day, the end after the start, e.g. "09:00-17:00"',
    ]);
    expect(problems(base)).toEqual(["models/acme.yaml: stages.dev.processTime is working time, but neither the stage nor the model has a calendar: add calendar: { days, hours, zone } to either"]);
    expect(problems({ ...base, start: undefined, calendar: {} })).toEqual([
      "models/acme.yaml: start is required by calendar: the date and time of time 0, e.g. start: 2026-01-05T09:00:00+01:00",
    ]);
    expect(problems({ ...base, calendar: {}, horizon: "10wd" })).toEqual([
      'models/acme.yaml: horizon is "10wd", working time: only a process time may be counted in working time (wd, wh, wm)',
    ]);
    expect(problems({ ...base, calendar: {}, stages: { dev: { servers: 1, processTime: 1 } }, streams: { work: { arrivals: { rate: 0.5 }, route: [{ stage: "dev", processTime: "2wh" }] } } })).toEqual([
      'models/acme.yaml: streams.work.route[0].processTime is working time, but stage "dev" counts clock time: set workingTime: true on the stage',
    ]);
    expect(problems({ ...base, calendar: {}, stages: { dev: { servers: 1, processTime: { dist: "uniform", min: "1wd", max: "2d" } } } })).toEqual([
      "models/acme.yaml: stages.dev.processTime mixes working time (1wd) and clock time (2d): write them all in wd/wh, or set workingTime: true to read every one as working time",
    ]);
  });
});

describe("vsm run on a working calendar", () => {
  it("prints lead times in working days, and refuses bad calendar input with exit 2 and every problem", async () => {
    ensureBuilt();
    const ok = await vsm(["run", "models/working-calendar.yaml", "--replications", "3"]);
    expect(ok.status).toBe(0);
    expect(ok.stdout).toMatch(/Lead time mean \(working days\)/);
    const read = await vsm(["validate", "models/working-calendar.yaml"]);
    expect(read.stdout).toContain("  calendar: Europe/Berlin, mon tue wed thu fri 09:00-17:00 (8 h a working day), 4 holidays\n");
    expect(read.stdout).toContain('  architecture: gate on "tuesday 10:00", 29 openings in the run, the first at 1.04 days\n');
    const dir = scratch();
    const bad = dir.write(
      "bad.yaml",
      [
        "start: 2026-06-01T09:00:00",
        "horizon: 10",
        "calendar: { zone: Europe/Atlantis, holidays: [2026-02-30] }",
        "stages:",
        '  dev: { servers: 1, processTime: 3wd, batch: { on: "tusday 10:00" } }',
        "streams:",
        "  s: { arrivals: { rate: 1 }, route: [dev] }",
      ].join("\n"),
    );
    const r = await vsm(["run", bad]);
    dir.remove();
    expect(r.status).toBe(2);
    expect(r.lines.map((l) => l.replace(/^.*bad\.yaml: /, ""))).toEqual([
      'calendar.zone is "Europe/Atlantis", not an IANA time zone name such as "Europe/Berlin", "America/New_York" or "UTC"',
      'calendar.holidays[0] is "2026-02-30", not a real date: write it as "2026-12-25"',
      'stages.dev.batch.on names "tusday", not a day of the week (did you mean "tuesday"?): use mon, tue, wed, thu, fri, sat or sun (or the full name), "weekdays" or "daily"',
    ]);
  });
});

describe("calendar models keep the house properties", () => {
  const zones = ["UTC", "Europe/Berlin", "America/New_York", "Asia/Kolkata"];
  const dayNames = ["mon", "tue", "wed", "thu", "fri", "sat", "sun"];
  const hh = (h: number) => `${String(h).padStart(2, "0")}:00`;
  const modelArb = fc.record({
    zone: fc.constantFrom(...zones),
    startDay: fc.integer({ min: 1, max: 300 }),
    days: fc.subarray(dayNames, { minLength: 1 }),
    open: fc.integer({ min: 0, max: 12 }),
    length: fc.integer({ min: 1, max: 12 }),
    servers: fc.integer({ min: 1, max: 3 }),
    shift: fc.option(fc.record({ from: fc.integer({ min: 0, max: 40 }), days: fc.integer({ min: 0, max: 10 }), servers: fc.integer({ min: 0, max: 4 }) })),
    mean: fc.constantFrom("2wh", "6wh", "1wd"),
    on: fc.constantFrom("weekdays 16:00", "tuesday 10:00", "daily 09:30", "FREQ=WEEKLY;BYDAY=MO,TH;BYHOUR=11;BYMINUTE=0"),
    freeze: fc.boolean(),
  });

  it("never turns the clock back, works only in working hours, respects shifts, opens gates only when due, and loses no item", () => {
    fc.assert(
      fc.property(modelArb, (g) => {
        const day0 = new Date(Date.UTC(2026, 0, 1) + g.startDay * 86_400_000).toISOString().slice(0, 10);
        const date = (k: number) => new Date(Date.parse(day0) + k * 86_400_000).toISOString().slice(0, 10);
        const m = validateModel(
          {
            start: `${day0}T06:00:00`,
            horizon: 60,
            calendar: { zone: g.zone, days: g.days, hours: `${hh(g.open)}-${hh(g.open + g.length)}` },
            stages: {
              dev: {
                servers: g.servers,
                processTime: { dist: "exponential", mean: g.mean },
                ...(g.shift ? { shifts: [{ from: date(g.shift.from), to: date(g.shift.from + g.shift.days), servers: g.shift.servers }] } : {}),
              },
              release: { servers: "unlimited", processTime: 0, batch: { on: g.on, ...(g.freeze ? { freeze: [{ from: date(10), to: date(20) }] } : {}) } },
            },
            streams: { work: { arrivals: { rate: 1 }, route: ["dev", "release"] } },
          },
          "test/random-calendar.yaml",
        );
        const c = compile(m);
        const r = runReplication(c, 3, 0, { trace: true });
        const rows = r.trace!;
        for (let i = 1; i < rows.length; i++) expect(rows[i].time).toBeGreaterThanOrEqual(rows[i - 1].time);
        const cal = m.stages.dev.workingTime!;
        const working = (t: number) => cal.from.some((a, i) => a < t && t <= cal.to[i]);
        const shift = m.stages.dev.shifts?.[0];
        const most = Math.max(g.servers, shift?.servers ?? 0);
        const times = new Set((m.stages.release.batch as { times: number[] }).times);
        let busy = 0;
        for (const row of rows) {
          if (row.stage === "dev" && row.what === "start") {
            busy++;
            expect(busy).toBeLessThanOrEqual(most);
            if (shift && shift.servers === 0) expect(row.time > shift.from && row.time < shift.to, `start at ${row.time} in a closed shift`).toBe(false);
          }
          if (row.stage === "dev" && row.what === "finish") {
            busy--;
            expect(working(row.time), `work done at ${row.time}, out of hours`).toBe(true);
          }
          if (row.stage === "release" && row.what === "start") expect(times.has(row.time), `release at ${row.time}, not an opening`).toBe(true);
        }
        const arrived = rows.filter((x) => x.what === "arrive").length;
        const done = rows.filter((x) => x.what === "done").length;
        expect(done + r.inFlight).toBe(arrived);
      }),
      { seed: 1717, numRuns: 25 },
    );
  });
});
