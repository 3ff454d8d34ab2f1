import { safeText } from "../report/format.js";
import type { LogWarning } from "./log.js";

/** The text form of a log's warnings, for a terminal (a backtest's: report/backtest/text.ts). */

export function warningLines(file: string, warnings: LogWarning[]): string[] {
  return warnings.map((w) => `${safeText(file)}: ${w.count} ${safeText(w.message)} (line${w.lines.length > 1 ? "s" : ""} ${w.lines.join(", ")}${w.count > w.lines.length ? ", ..." : ""})`);
}
