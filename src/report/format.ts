import type { Figure } from "../stats/interval.js";

export { safeText } from "../model/errors.js";

/** A cell a spreadsheet would run as a formula (starting = + - @, a tab or a carriage return)
 * gets a leading ': every CSV vsm-sim writes, whatever writes it, neutralizes model text so. */
export const unformula = (s: string): string => (/^[=+\-@\t\r]/.test(s) ? `'${s}` : s);

/** A CSV field written by hand (without fast-csv): neutralized, and quoted when it holds a comma,
 * a quote or a line break. */
export function csvField(s: string): string {
  const t = unformula(s);
  return /[",\r\n]/.test(t) ? `"${t.replace(/"/g, '""')}"` : t;
}

/** A number with about three significant digits, the way a reader takes in a table. */
export function num(x: number): string {
  if (!Number.isFinite(x)) return "-";
  const a = Math.abs(x);
  if (a === 0) return "0";
  if (a >= 1e6) return x.toExponential(2);
  if (Number.isInteger(x)) return String(x);
  if (a >= 100) return x.toFixed(0);
  if (a >= 10) return x.toFixed(1);
  if (a >= 1) return x.toFixed(2);
  if (a >= 0.01) return x.toFixed(3);
  return x.toPrecision(2);
}

export function fig(f: Figure | undefined, scale = 1): string {
  if (!f || !Number.isFinite(f.mean)) return "-";
  const m = num(f.mean * scale);
  return f.ci95 === null ? m : `${m} ± ${num(f.ci95 * scale)}`;
}

export function pct(f: Figure | undefined): string {
  return f && Number.isFinite(f.mean) ? fig(f, 100).replace(/ ± /, "% ± ") + "%" : "-";
}

/** Left-aligned first column, right-aligned figures. */
export function table(header: string[], rows: string[][]): string {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i].length)));
  const line = (cells: string[]) => cells.map((c, i) => (i === 0 ? c.padEnd(widths[i]) : c.padStart(widths[i]))).join("  ");
  return [line(header), widths.map((w) => "-".repeat(w)).join("  "), ...rows.map(line)].join("\n");
}
