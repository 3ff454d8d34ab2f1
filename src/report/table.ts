import type { Figure } from "../stats/interval.js";
import type { RunDocument } from "./document.js";
import { fig, num, pct, safeText, table } from "./format.js";

/** The terminal report of `vsm run`. */
export function runTable(doc: RunDocument): string {
  const u = `${doc.timeUnit}s`;
  // A figure some replications could not measure says on how many it rests.
  let partial = false;
  const f = (x: Figure | undefined) => {
    if (!x || x.n === 0 || x.n >= doc.replications) return fig(x);
    partial = true;
    return `${fig(x)} [n=${x.n}]`;
  };
  const p = (x: Figure | undefined) => (x && x.n > 0 && x.n < doc.replications ? ((partial = true), `${pct(x)} [n=${x.n}]`) : pct(x));
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
  out.push("");
  out.push(
    table(
      ["Stage", "Utilization", `Wait (${u})`, "Queue length", "Visits"],
      Object.entries(doc.stages).map(([id, s]) => [label(id, s.name), s.utilization ? p(s.utilization) : "unlimited", f(s.wait), f(s.queueLength), f(s.visits)]),
    ),
  );
  out.push("");
  if (doc.constraint) {
    const c = doc.constraint;
    out.push(`Constraint: work waits most in total at ${label(c.stage, c.name)}: ${fig(c.waitingItems)} items waiting there on average.`);
  }
  for (const u of doc.unstable) {
    out.push(`UNSTABLE: ${u.replications} of ${doc.replications} replications stopped when work in progress hit the cap; work piled up at ${safeText(u.stage)}.`);
  }
  if (doc.precision) {
    const p = doc.precision;
    out.push(
      p.reached
        ? `Precision: every stream's mean lead time is within ±${num(p.achieved * 100)}% (target ${num(p.target * 100)}%) after ${doc.replications} replications.`
        : `Precision NOT reached: the widest half-width is ±${num(p.achieved * 100)}% of the mean after ${doc.replications} replications (target ${num(p.target * 100)}%); raise --max-replications.`,
    );
  }
  if (partial) out.push("[n=K]: only K replications measured this figure (no item completed there, or the run was cut short).");
  for (const w of doc.warnings) out.push(`warning: ${safeText(w)}`);
  const perf = doc.performance;
  out.push(
    `${num(perf.events)} events in ${perf.wallSeconds.toFixed(2)} s (${num(perf.eventsPerSecond / 1e6)}M events/s, ` +
      `${perf.workers ? `${perf.workers} worker thread${perf.workers === 1 ? "" : "s"}` : "in-process"}); generator ${doc.generator}`,
  );
  return out.join("\n");
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
