import type { Model, WorkingCalendar } from "../model/types.js";
import { type TimeUnit, minutesIn } from "../model/units.js";
import { num, safeText } from "./format.js";

const DAYS = ["mon", "tue", "wed", "thu", "fri", "sat", "sun"];

function describe(c: WorkingCalendar, unit: TimeUnit): string {
  const holidays = c.holidays.length ? `, ${c.holidays.length} holiday${c.holidays.length === 1 ? "" : "s"}` : "";
  return `${c.zone}, ${c.days.map((d) => DAYS[d - 1]).join(" ")} ${c.hours.join(", ")} (${num((c.day * minutesIn(unit)) / 60)} h a working day)${holidays}`;
}

/**
 * What `vsm validate` read a model's calendars as (docs/calendars.md), so a typo in a zone or a
 * rule shows before a run: the calendars, the working-time stages, the gates on the calendar and
 * the shifts. Nothing for a model without them.
 */
export function calendarLines(model: Model): string[] {
  const out: string[] = [];
  const unit = model.timeUnit;
  if (model.calendar) out.push(`  calendar: ${safeText(describe(model.calendar, unit))}`);
  for (const [id, s] of Object.entries(model.stages)) {
    if (s.workingTime) {
      const own = s.workingTime !== model.calendar && JSON.stringify(s.workingTime) !== JSON.stringify(model.calendar);
      out.push(`  ${safeText(id)}: process times in working time${own ? ` on its own calendar: ${safeText(describe(s.workingTime, unit))}` : ""}`);
    }
    if (s.batch?.kind === "schedule" && s.batch.times) {
      const t = s.batch.times;
      const what = s.batch.on !== undefined ? `gate on ${JSON.stringify(s.batch.on)}` : "gate with freeze windows";
      out.push(`  ${safeText(id)}: ${safeText(what)}, ${t.length} opening${t.length === 1 ? "" : "s"} in the run${t.length ? `, the first at ${num(t[0])} ${unit}s` : ""}`);
    }
    for (const sh of s.shifts ?? []) out.push(`  ${safeText(id)}: ${sh.servers} server${sh.servers === 1 ? "" : "s"} from ${num(sh.from)} to ${num(sh.to)} ${unit}s`);
  }
  return out;
}
