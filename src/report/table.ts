import type { Figure } from "../stats/interval.js";
import type { RunDocument, RunFigure } from "./document.js";
import { fig, num, pct, safeText, table } from "./format.js";
import { paretoTable } from "./money.js";

/** The terminal report of `vsm run`. */
export function runTable(doc: RunDocument): string {
  const u = `${doc.timeUnit}s`;
  // A figure some replications could not measure says on how many it rests.
  let partial = false;
  let growing = false;
  // "!" where a figure grows with the run length (no steady state): its interval means little.
  const bang = (x: RunFigure | undefined) => (x?.unstable ? ((growing = true), " !") : "");
  const f = (x: RunFigure | undefined) => {
    if (!x || x.n === 0 || x.n >= doc.included) return fig(x) + bang(x);
    partial = true;
    return `${fig(x)} [n=${x.n}]${bang(x)}`;
  };
  const p = (x: RunFigure | undefined) => (x && x.n > 0 && x.n < doc.included ? ((partial = true), `${pct(x)} [n=${x.n}]`) : pct(x)) + bang(x);
  const out: string[] = [];
  out.push(
    `${safeText(doc.model)}: ${doc.replications} replication${doc.replications === 1 ? "" : "s"}, seed ${doc.seed}; ` +
      `times in ${u}, measured over ${num(doc.horizon)} ${u} after a warm-up of ${num(doc.warmup)}; ` +
      (doc.replications > 1 ? "every figure is mean ± 95% half-width" : "one replication: no confidence intervals"),
  );
  out.push("");
  out.push(
    table(
      ["Stream", `Throughput/${doc.timeUnit}`, "Lead time mean", "p50", "p85", "p95", "Flow efficiency", "WIP"],
      Object.entries(doc.streams).map(([id, s]) => [
        label(id, s.name),
        f(s.throughput),
        f(s.leadTime.mean),
        f(s.leadTime.p50),
        f(s.leadTime.p85),
        f(s.leadTime.p95),
        p(s.flowEfficiency),
        f(s.wip),
      ]),
    ),
  );
  // On a working calendar (docs/calendars.md): the same lead times counted in working days.
  const working = Object.entries(doc.streams).filter(([, s]) => s.leadTime.workingDays);
  if (working.length > 0) {
    out.push("");
    out.push(table(["Stream", "Lead time mean (working days)"], working.map(([id, s]) => [label(id, s.name), f(s.leadTime.workingDays)])));
  }
  out.push("");
  out.push(
    table(
      ["Stage", "Utilization", `Wait (${u})`, "Queue length", "Visits"],
      Object.entries(doc.stages).map(([id, s]) => [label(id, s.name), s.utilization ? p(s.utilization) : "unlimited", f(s.wait), f(s.queueLength), f(s.visits)]),
    ),
  );
  out.push("");
  out.push(...constraintLines(doc));
  if (doc.economics) {
    out.push("");
    out.push(...paretoTable(doc.economics, Object.fromEntries(Object.entries(doc.stages).map(([id, s]) => [id, s.name])), label));
    out.push("");
  } else out.push("Money: this model has no economics section; add one (docs/economics.md) to see what each constraint costs a year.");
  for (const u of doc.unstable) {
    if (u.replications > 0) {
      out.push(
        `UNSTABLE: ${u.replications} of ${doc.replications} replications stopped when work in progress hit the cap; work piled up at ${safeText(u.stage)}. ` +
          `They are left out: the figures rest on the other ${doc.included}.`,
      );
    } else out.push(`UNSTABLE: ${safeText(u.stage)} has no steady state (${safeText(u.cause)}).`);
  }
  if (doc.precision) out.push(precisionLine(doc.precision, doc.replications, doc.timeUnit));
  if (growing) out.push("! grows with the length of the run: a stage it crosses is overloaded, so there is no steady state and the interval describes this run length only.");
  if (partial) out.push("[n=K]: only K replications measured this figure (no item completed there).");
  for (const w of doc.warnings) out.push(`warning: ${safeText(w)}`);
  const perf = doc.performance;
  out.push(
    `${num(perf.events)} events in ${perf.wallSeconds.toFixed(2)} s (${num(perf.eventsPerSecond / 1e6)}M events/s, ` +
      `${perf.remote ? `on the ${safeText(perf.remote)}` : perf.workers ? `${perf.workers} worker thread${perf.workers === 1 ? "" : "s"}` : "in-process"}); generator ${doc.generator}`,
  );
  return out.join("\n");
}

/**
 * Two different constraints, in words that say which is which: where work waits most (often a
 * batch or a gate, cured by releasing more often) and the busiest resource (cured by capacity).
 * A board that is 85% idle can hold the most work waiting: adding people there would not help.
 */
export function constraintLines(doc: RunDocument): string[] {
  const out: string[] = [];
  const c = doc.constraint;
  const b = doc.busiest;
  if (c) {
    const idle = c.utilization && Number.isFinite(c.utilization.mean) ? `; its servers are ${num(c.utilization.mean * 100)}% busy` : "";
    const why = c.utilization && c.utilization.mean < 0.7 ? ", so the wait comes from batching or a gate, not from capacity" : "";
    out.push(`Flow constraint (where work waits most): ${label(c.stage, c.name)}, ${fig(c.waitingItems)} items waiting there on average${idle}${why}.`);
  }
  if (b) out.push(`Capacity constraint (busiest resource): ${label(b.stage, b.name)}, ${pct(b.utilization)} busy.`);
  return out;
}

/**
 * What --precision asked and whether it was met. `of` names what a comparison's models are to the
 * reader (a sweep's points, a placement).
 */
export function precisionLine(p: NonNullable<RunDocument["precision"]>, replications: number, timeUnit: string, of = "scenario"): string {
  const money = p.economics ? " and in the economics total" : "";
  const what =
    p.rule === "lead time mean"
      ? "every stream's mean lead time"
      : `every ${of}'s change in every stream's mean and p85 lead time${money}${p.absolute ? "" : " (as a share of the base value)"}`;
  const amount = (x: number) => (!Number.isFinite(x) ? "-" : p.absolute ? `${num(x)} ${timeUnit}s` : `${num(x * 100)}%`);
  if (p.reached) return `Precision: ${what} is known within ±${amount(p.achieved)} (target ±${amount(p.target)}) after ${replications} replications.`;
  // Which figure holds the run back: often one future state's, whose noise pairing cannot cancel.
  const widest = p.widest ? `; the widest: ${safeText(p.widest)}` : "";
  const line = `Precision NOT reached: ${what} is known only within ±${amount(p.achieved)} after ${replications} replications (target ±${amount(p.target)}${widest}); raise --max-replications.`;
  // Which answers are settled anyway: a workshop can act on those while the rest run longer.
  const met = p.scenarios.filter((x) => x.reached).length;
  if (p.scenarios.length < 2 || met === 0) return line;
  const unmet = p.scenarios.filter((x) => !x.reached).map((x) => `${safeText(x.name)} (±${amount(x.achieved)})`);
  return `${line} ${met} of ${p.scenarios.length} ${of}s are within the target; not yet: ${unmet.join(", ")}.`;
}

/**
 * `vsm run --by-stream`: where each stream's time goes, a table per stream with a row per stage
 * its route visits (in the model's order of stages): the steps of a timeline ladder.
 */
export function byStreamTable(doc: RunDocument): string {
  const u = `${doc.timeUnit}s`;
  const out: string[] = [];
  for (const [id, stages] of Object.entries(doc.byStream)) {
    out.push(`Where ${label(id, doc.streams[id].name)}'s time goes (visits per completed item; wait and touch time per visit):`);
    out.push(
      table(
        ["Stage", "Visits per item", `Wait per visit (${u})`, `Touch per visit (${u})`, "Items waiting"],
        Object.entries(stages).map(([stage, f]) => [label(stage, doc.stages[stage].name), fig(f.visits), fig(f.wait), fig(f.touch), fig(f.waiting)]),
      ),
    );
    out.push("");
  }
  return out.join("\n");
}

export function label(id: string, name: string): string {
  return safeText(name && name !== id ? `${name} (${id})` : id);
}
