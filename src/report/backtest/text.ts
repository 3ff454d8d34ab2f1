import { safeText, table } from "../format.js";
import type { BacktestDocument, Banded } from "./documents.js";

/** A backtest for a terminal: each figure beside its band, and the flags. */

const v = (x: number) => (!Number.isFinite(x) ? "-" : Math.abs(x) >= 10 ? x.toFixed(1) : x.toFixed(2));
const sim = (b: Banded | null) => (!b || !Number.isFinite(b.mean) ? "-" : b.band ? `${v(b.mean)} (${v(b.band[0])} to ${v(b.band[1])})` : v(b.mean));
const ok = (x: boolean | null) => (x === null ? "" : x ? "ok" : "OFF");

export function backtestText(d: BacktestDocument): string {
  const unit = `${d.timeUnit}s`;
  const head = [
    `Backtest of ${safeText(d.model)} against ${safeText(d.log)}`,
    `window ${v(d.warmup)} to ${v(d.warmup + d.horizon)} ${unit} from ${d.start}; ${d.replications} replications, seed ${d.seed}`,
    `simulated: mean over replications (band: where one run of the log's length falls, 95%)`,
    "",
  ];
  const rows: string[][] = [];
  for (const [id, s] of Object.entries(d.streams)) {
    const lt = s.leadTime;
    for (const p of ["p50", "p85", "p95"] as const) rows.push([`${safeText(id)} ${p}`, v(lt.observed[p]), sim(lt.simulated[p]), ok(lt.inside[p])]);
    rows.push([`${safeText(id)} KS distance`, `${lt.ks.toFixed(3)} (${lt.observed.n} items)`, `5% critical ${lt.ksCritical.toFixed(3)}`, ok(lt.ksInside)]);
  }
  const stageRows: string[][] = [];
  for (const [id, s] of Object.entries(d.stages)) {
    stageRows.push([`${safeText(id)} wait`, v(s.wait.observed), sim(s.wait.simulated), s.wait.visits ? ok(s.wait.inside) : "no wait status"]);
    stageRows.push([`${safeText(id)} work in progress`, v(s.wip.observed), sim(s.wip.simulated), ok(s.wip.inside)]);
  }
  const flags = d.flags.length ? ["", "Off by more than their band:", ...d.flags.map((f) => `  ${safeText(f)}`)] : ["", "Every figure lies inside its band."];
  return [
    ...head,
    table([`Lead time (${unit})`, "observed", "simulated (band)", ""], rows),
    "",
    table([`Stage (${unit}, items)`, "observed", "simulated (band)", ""], stageRows),
    ...flags,
    "",
  ].join("\n");
}
