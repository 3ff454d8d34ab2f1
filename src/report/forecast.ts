import type { ForecastDocument, ForecastFigures } from "../runner/forecast.js";
import { safeText } from "./format.js";

const pct = (x: number) => `${Math.round(x * 100)}%`;

/** `vsm forecast`'s printed answer: one line per model, then each scenario against the base. */
export function forecastTable(doc: ForecastDocument): string {
  const rows: ForecastFigures[] = [doc.base, ...doc.scenarios];
  const what = [doc.backlog ? `a backlog of ${doc.backlog.count} ${doc.backlog.stream} items` : null, rows[0].items - (doc.backlog?.count ?? 0) > 0 ? `${rows[0].items - (doc.backlog?.count ?? 0)} items in progress` : null].filter(Boolean).join(" and ");
  const lines = [
    safeText(`When is ${what} done? From ${doc.start} (time 0); ${doc.replications} replications, seed ${doc.seed}.`),
    "Dates by which the work is done in 50%, 85% and 95% of the simulated futures:",
  ];
  const header = ["model", "p50", "p85", "p95", ...(doc.base.by ? [`by ${doc.base.by.date}`] : [])];
  const body = rows.map((f) => [
    f.model,
    ...[f.p50, f.p85, f.p95].map((q) => q.date ?? "after horizon"),
    ...(f.by ? [`${pct(f.by.probability)} (${pct(f.by.low)}-${pct(f.by.high)})`] : []),
  ]);
  const widths = header.map((h, i) => Math.max(h.length, ...body.map((r) => r[i].length)));
  for (const r of [header, ...body]) lines.push(safeText(r.map((c, i) => c.padEnd(widths[i])).join("  ").trimEnd()));
  for (const f of rows) if (f.notDone > 0) lines.push(safeText(`${f.model}: not done within the horizon in ${f.notDone} of ${doc.replications} replications`));
  for (const p of doc.paired) {
    const d = p.difference;
    if (d.n === 0) continue;
    const ci = d.ci95 === null ? "" : ` (95% CI ${Math.abs(d.mean) < (d.ci95 ?? 0) ? "includes no change" : `${(Math.abs(d.mean) - d.ci95).toFixed(1)} to ${(Math.abs(d.mean) + d.ci95).toFixed(1)}`})`;
    const dir = d.mean < 0 ? "earlier" : d.mean > 0 ? "later" : "the same";
    lines.push(safeText(`${p.scenario} vs ${doc.base.model}: done ${Math.abs(d.mean).toFixed(1)} ${doc.timeUnit}s ${dir} on average${ci}; earlier in ${pct(p.earlier)} of paired replications`));
  }
  return `${lines.join("\n")}\n`;
}
