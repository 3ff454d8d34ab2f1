import type { Model } from "../model/types.js";
import type { Figure } from "../stats/interval.js";
import { headcountOf } from "../economics/money.js";
import type { MoneySummary, PairedMoney } from "../runner/money.js";
import { num, safeText, table } from "./format.js";

/** The `economics` part of a run document: every figure per year, in the model's currency. */
export interface EconomicsDocument {
  currency: string;
  total: Figure;
  payroll: Figure;
  delay: Figure;
  /** The constraint in money: the stage with the largest total. */
  constraint: { stage: string; name: string; total: Figure } | null;
  /** People the model prices (every stage's headcount) and their payroll a year. */
  people: number;
  peoplePayroll: number;
  stages: Record<string, { waitingPayroll: Figure; delayCost: Figure; reworkPayroll: Figure; idleCapacity: Figure | null; payroll: Figure; delay: Figure; total: Figure; share: number }>;
  streams: Record<string, { delayCost: Figure; waitingDelayCost: Figure }>;
}

export function economicsDocument(model: Model, m: MoneySummary): EconomicsDocument {
  const e = model.economics!;
  const stages: EconomicsDocument["stages"] = {};
  const total = m.total("total").figure;
  let constraint: EconomicsDocument["constraint"] = null;
  Object.entries(model.stages).forEach(([id, st], g) => {
    const idle = m.stage(g, "idleCapacity").figure;
    const t = m.stage(g, "total").figure;
    stages[id] = {
      waitingPayroll: m.stage(g, "waitingPayroll").figure,
      delayCost: m.stage(g, "delayCost").figure,
      reworkPayroll: m.stage(g, "reworkPayroll").figure,
      idleCapacity: Number.isFinite(idle.mean) ? idle : null,
      payroll: m.stage(g, "payroll").figure,
      delay: m.stage(g, "delay").figure,
      total: t,
      share: total.mean > 0 ? t.mean / total.mean : 0,
    };
    if (t.mean > 0 && (!constraint || t.mean > constraint.total.mean)) constraint = { stage: id, name: st.name, total: t };
  });
  const streams: EconomicsDocument["streams"] = {};
  Object.keys(model.streams).forEach((id, s) => {
    streams[id] = { delayCost: m.stream(s, "delayCost").figure, waitingDelayCost: m.stream(s, "waitingDelayCost").figure };
  });
  const people = headcountOf(model);
  return {
    currency: e.currency,
    total,
    payroll: m.total("payroll").figure,
    delay: m.total("delay").figure,
    constraint,
    people,
    peoplePayroll: people * e.costPerPerson,
    stages,
    streams,
  };
}

/** What a future state is worth against the base, a year: `compare --json`'s `diff.economics`. */
export interface EconomicsDiff {
  total: Figure;
  payroll: Figure;
  delay: Figure;
  stages: Record<string, { total: Figure }>;
  /** Headcount the future state adds (negative: removes), and its payroll a year. */
  addedPeople: number;
  addedPayroll: number;
  /** The saving (the fall in the total) less the added payroll, with the total's interval. */
  netValue: Figure;
}

export function economicsDiff(base: Model, scenario: Model, d: PairedMoney): EconomicsDiff {
  const total = d.total("total").figure;
  const stages: EconomicsDiff["stages"] = {};
  Object.keys(base.stages).forEach((id, g) => {
    const e = d.stage(g);
    if (e) stages[id] = { total: e.figure };
  });
  const addedPeople = headcountOf(scenario) - headcountOf(base);
  const addedPayroll = addedPeople * base.economics!.costPerPerson;
  return {
    total,
    payroll: d.total("payroll").figure,
    delay: d.total("delay").figure,
    stages,
    addedPeople,
    addedPayroll,
    netValue: { ...total, mean: -total.mean - addedPayroll },
  };
}

/** An amount a reader takes in at a glance: USD 3.1M, USD 850k. */
export function amount(x: number, currency: string): string {
  if (!Number.isFinite(x)) return "-";
  const a = Math.abs(x);
  const sign = x < 0 ? "-" : "";
  const body = a >= 1e9 ? `${num(a / 1e9)}B` : a >= 1e6 ? `${num(a / 1e6)}M` : a >= 1e3 ? `${num(a / 1e3)}k` : num(a);
  return `${sign}${safeText(currency)} ${body}`;
}

const withCi = (f: Figure, currency: string) => (f.ci95 === null ? amount(f.mean, currency) : `${amount(f.mean, currency)} ± ${amount(f.ci95, currency).replace(/^-?\S+ /, "")}`);

/** The Pareto of what each stage's constraint costs a year, largest first, and one sentence. */
export function paretoTable(doc: EconomicsDocument, names: Record<string, string>, label: (id: string, name: string) => string): string[] {
  const c = doc.currency;
  const rows = Object.entries(doc.stages)
    .filter(([, s]) => s.total.mean > 0)
    .sort((a, b) => b[1].total.mean - a[1].total.mean);
  let running = 0;
  const out: string[] = [];
  out.push(`What the flow costs a year (${safeText(c)}; payroll lost to waiting and rework, and revenue delayed by waiting):`);
  out.push(
    table(
      ["Stage", "Payroll", "Delay", "Total", "Share", "Running share", "Idle capacity"],
      rows.map(([id, s]) => {
        running += s.share;
        return [label(id, names[id]), amount(s.payroll.mean, c), amount(s.delay.mean, c), withCi(s.total, c), `${num(s.share * 100)}%`, `${num(running * 100)}%`, s.idleCapacity ? amount(s.idleCapacity.mean, c) : "-"];
      }),
    ),
  );
  if (doc.constraint) {
    const s = doc.stages[doc.constraint.stage];
    out.push(
      `The constraint in money: ${label(doc.constraint.stage, doc.constraint.name)} costs ${withCi(s.total, c)} a year: ` +
        `${amount(s.payroll.mean, c)} of payroll (people blocked while work waits, and repeat passes it sends back) and ${amount(s.delay.mean, c)} of delayed revenue.`,
    );
  }
  out.push(`In all: ${withCi(doc.total, c)} a year (${amount(doc.payroll.mean, c)} payroll, ${amount(doc.delay.mean, c)} delay); idle capacity is shown apart and not in the total; ${num(doc.people)} people priced (${amount(doc.peoplePayroll, c)} a year).`);
  return out;
}

/** The money headline of a future state: "saves USD 3.1M a year, 95% CI 2.8 to 3.4M, no added headcount". */
export function moneyHeadline(d: EconomicsDiff, currency: string): string {
  const net = d.netValue;
  // Stated as a positive amount saved or cost, its interval in the same direction.
  const sign = net.mean >= 0 ? 1 : -1;
  const ci = net.ci95 === null ? "" : `, 95% CI ${amount(sign * net.mean - net.ci95, currency)} to ${amount(sign * net.mean + net.ci95, currency)}`;
  const verb = sign > 0 ? "saves" : "costs";
  const n = Math.abs(d.addedPeople);
  const persons = `${num(n)} ${n === 1 ? "person" : "people"}`;
  const people =
    d.addedPeople === 0 ? "no added headcount" : d.addedPeople > 0 ? `after paying ${persons} added (${amount(d.addedPayroll, currency)} a year)` : `with ${persons} fewer (${amount(-d.addedPayroll, currency)} a year less payroll)`;
  return `${verb} ${amount(sign * net.mean, currency)} a year net${ci}, ${people}`;
}
