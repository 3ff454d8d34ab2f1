import type { GateSpec } from "../../model/types.js";
import { num } from "../format.js";
import { escapeHtml } from "./escape.js";

/** A gate's schedule as a facilitator says it: "gate every 7 days", "batch of 5". */
export function gateText(g: GateSpec, unit: string): string {
  const u = escapeHtml(unit);
  if (g.kind === "schedule") return `gate every ${num(g.every)} ${u}s${g.max ? `, ${g.max} a time` : ""}`;
  return `batch of ${num(g.size)}${g.timeout !== null ? ` or ${num(g.timeout)} ${u}s` : ""}`;
}
