import { ModelError } from "../model/errors.js";
import type { Model } from "../model/types.js";
import { toTimeUnit } from "../model/units.js";
import { simulateModels, type RunOptions } from "../runner/run.js";
import { runDocument } from "../report/document.js";
import type { Figure } from "../stats/interval.js";
import type { BacktestDocument, Banded } from "../report/backtest/documents.js";

export type { BacktestDocument, Banded };
import { ksCritical, ksDistance, quantile } from "./distributions.js";
import { weekStart } from "./estimate.js";
import type { TrackerLog } from "./log.js";

/**
 * Backtest: simulate a model over a log's window and set what happened beside what the model
 * says, per stream (lead-time percentiles and distribution) and per stage (wait and work in
 * progress). A figure is off when the observed value lies outside the band one run of the log's
 * length would fall in: the replications' mean plus or minus a 95% prediction interval for one
 * more replication, mean ± t·s·sqrt(1 + 1/n) = mean ± ci95·sqrt(n + 1).
 */

export interface BacktestOptions extends RunOptions {
  /** Replications traced for the simulated lead-time distribution (KS); default 10. */
}

export function bandOf(f: Figure): Banded {
  if (f.ci95 === null || !Number.isFinite(f.mean)) return { ...f, band: null };
  const w = f.ci95 * Math.sqrt(f.n + 1);
  // Every figure compared is a time or a count: never below zero.
  return { ...f, band: [Math.max(0, f.mean - w), f.mean + w] };
}

const inBand = (x: number, b: Banded | null) => !b || !b.band || !Number.isFinite(x) || (x >= b.band[0] && x <= b.band[1]);

export async function backtest(model: Model, log: TrackerLog, options: BacktestOptions = {}): Promise<BacktestDocument> {
  const unitMs = 86_400_000 / (toTimeUnit("1d", model.timeUnit) as number);
  const startMs = model.start ? Date.parse(model.start) : weekStart(log.first, log.offsetMinutes).ms;
  const t = (ms: number) => (ms - startMs) / unitMs;
  const end = t(log.last);
  if (!(end > model.warmup)) {
    throw new ModelError([{ file: log.file, path: "", message: `ends at ${end.toFixed(2)} ${model.timeUnit}s after the model's start, before the warm-up of ${model.source} (${model.warmup}) is over: nothing to compare` }]);
  }
  const window: Model = { ...model, horizon: end - model.warmup };
  const seed = options.seed ?? model.seed;
  const outcome = await simulateModels([window], options);
  const doc = runDocument(outcome);
  // The simulated distribution for the KS distance: every replication's lead times, pooled.
  const pooled = outcome.summaries[0].leadTimes;
  const flags: string[] = [];
  const inWindow = (x: number) => x >= model.warmup && x <= end;

  const streams: BacktestDocument["streams"] = {};
  for (const id of Object.keys(model.streams)) {
    const leads = log.items.filter((i) => i.stream === id && i.done !== null && inWindow(t(i.done))).map((i) => t(i.done!) - t(i.arrival));
    leads.sort((a, b) => a - b);
    const observed = { n: leads.length, p50: quantile(leads, 0.5), p85: quantile(leads, 0.85), p95: quantile(leads, 0.95) };
    const lt = doc.streams[id].leadTime;
    const simulated = { p50: bandOf(lt.p50), p85: bandOf(lt.p85), p95: bandOf(lt.p95) };
    const inside = { p50: inBand(observed.p50, simulated.p50), p85: inBand(observed.p85, simulated.p85), p95: inBand(observed.p95, simulated.p95) };
    const s = pooled[Object.keys(model.streams).indexOf(id)].pooled;
    const distance = leads.length && s.count ? ksDistance(leads, (x) => s.cdf(x)) : NaN;
    const critical = leads.length && s.count ? ksCritical(leads.length, s.count) : NaN;
    const ksInside = !(distance > critical);
    for (const p of ["p50", "p85", "p95"] as const) {
      if (!inside[p]) {
        const b = simulated[p].band!;
        flags.push(`${id}: observed ${p} lead time ${fmt(observed[p])} ${model.timeUnit}s, outside the simulated band ${fmt(b[0])}-${fmt(b[1])}: see the stages flagged`);
      }
    }
    if (!ksInside) flags.push(`${id}: lead-time distributions differ (KS distance ${distance.toFixed(3)}, 5% critical ${critical.toFixed(3)})`);
    const distribution = {
      observed: leads.length ? Array.from({ length: 101 }, (_, k) => quantile(leads, k / 100)) : [],
      simulated: doc.streams[id].leadTime.distribution ?? [],
    };
    streams[id] = { leadTime: { observed, simulated, inside, ks: distance, ksCritical: critical, ksInside, simulatedItems: s.count, distribution } };
  }

  const stages: BacktestDocument["stages"] = {};
  const from = model.warmup;
  Object.entries(model.stages).forEach(([id, st]) => {
    const waits: number[] = [];
    let area = 0;
    for (const item of log.items) {
      for (const s of item.segments) {
        if (s.role.stage !== id) continue;
        const a = t(s.entered);
        const b = s.left === null ? end : t(s.left);
        area += Math.max(0, Math.min(b, end) - Math.max(a, from));
        if (s.role.kind === "wait" && s.left !== null && inWindow(b)) waits.push(b - a);
      }
    }
    const observedWait = { n: waits.length, mean: waits.length ? waits.reduce((x, y) => x + y, 0) / waits.length : NaN };
    const f = doc.stages[id];
    const wait = bandOf(f.wait);
    const waitInside = inBand(observedWait.mean, wait);
    const wipObserved = area / (end - from);
    let wip: Banded | null = null;
    if (f.utilization) {
      const m = f.queueLength.mean + f.utilization.mean * st.servers;
      // The two figures are correlated across replications; adding half-widths is conservative.
      const ci = f.queueLength.ci95 === null || f.utilization.ci95 === null ? null : f.queueLength.ci95 + f.utilization.ci95 * st.servers;
      wip = bandOf({ mean: m, ci95: ci, n: Math.min(f.queueLength.n, f.utilization.n) });
    }
    const wipInside = wip ? inBand(wipObserved, wip) : null;
    if (!waitInside && observedWait.n > 0) {
      const cause = observedWait.mean > wait.mean ? "capacity or batching missed" : "capacity understated (servers or process times), or a gate the work does not wait for";
      flags.push(`${id}: simulated wait ${fmt(wait.mean)} ${model.timeUnit}s, observed ${fmt(observedWait.mean)}: ${cause}`);
    }
    if (wipInside === false) {
      const cause = wipObserved > wip!.mean ? "items parked in its statuses (blocked, or waiting on work the map does not show)" : "fewer servers or shorter process times than the model says";
      flags.push(`${id}: simulated work in progress ${fmt(wip!.mean)}, observed ${fmt(wipObserved)}: ${cause}`);
    }
    stages[id] = { wait: { observed: observedWait.mean, visits: observedWait.n, simulated: wait, inside: waitInside }, wip: { observed: wipObserved, simulated: wip, inside: wipInside } };
  });

  return {
    model: model.name,
    log: log.file,
    timeUnit: model.timeUnit,
    start: model.start ?? weekStart(log.first, log.offsetMinutes).iso,
    warmup: model.warmup,
    horizon: window.horizon,
    replications: outcome.replications,
    seed,
    streams,
    stages,
    flags,
  };
}

const fmt = (x: number) => (Number.isFinite(x) ? (Math.abs(x) >= 10 ? x.toFixed(1) : x.toFixed(2)) : "-");
