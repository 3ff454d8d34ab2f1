import { scaleBand, scaleLinear } from "d3-scale";
import { meanOf } from "../../model/analysis.js";
import type { Model, RouteStep } from "../../model/types.js";
import type { RunDocument } from "../document.js";
import { num } from "../format.js";
import { escapeHtml, nameOf } from "./escape.js";
import { gateText } from "./words.js";

/** Every stage a route list names, in route order (parallel branches in turn). */
export function stagesOf(route: RouteStep[], out: string[] = []): string[] {
  for (const step of route) {
    if (step.kind === "stage") {
      if (!out.includes(step.stage)) out.push(step.stage);
    } else for (const b of step.branches) stagesOf(b, out);
  }
  return out;
}

/** Depth of each stage: the longest chain of steps before it in any stream's route. */
function depths(model: Model): Map<string, number> {
  const edges: [string, string][] = [];
  const walk = (route: RouteStep[], before: string[]): string[] => {
    let last = before;
    for (const step of route) {
      if (step.kind === "stage") {
        for (const b of last) edges.push([b, step.stage]);
        last = [step.stage];
      } else last = step.branches.flatMap((b) => walk(b, last));
    }
    return last;
  };
  for (const s of Object.values(model.streams)) walk(s.route, []);
  const depth = new Map(Object.keys(model.stages).map((id) => [id, 0]));
  // Longest path by relaxation; bounded by the number of stages, so streams that cross the same
  // stages in opposite orders (a cycle) still end.
  for (let k = 0; k < depth.size; k++) {
    let moved = false;
    for (const [a, b] of edges) if (depth.get(b)! < depth.get(a)! + 1 && depth.get(a)! + 1 < depth.size) (depth.set(b, depth.get(a)! + 1), (moved = true));
    if (!moved) break;
  }
  return depth;
}

const BOX = 150;
const GAP = 26;
const LANE = 96;
const HEAD = 150;

/**
 * The organization map: each stream a swimlane, each shared service drawn once across the lanes
 * of the streams that cross it, so the page shows which constraint every product line crosses.
 */
export function orgMap(model: Model, doc: RunDocument): string {
  const streams = Object.keys(model.streams);
  const lanesOf = new Map<string, number[]>();
  streams.forEach((id, lane) => {
    for (const st of stagesOf(model.streams[id].route)) lanesOf.set(st, [...(lanesOf.get(st) ?? []), lane]);
  });
  const depth = depths(model);
  const order = Object.keys(model.stages)
    .filter((id) => lanesOf.has(id))
    .sort((a, b) => depth.get(a)! - depth.get(b)!);
  // Columns: stages of one depth share a column where their lanes do not overlap.
  const columns: { depth: number; spans: [number, number][] }[] = [];
  const column = new Map<string, number>();
  for (const id of order) {
    const lanes = lanesOf.get(id)!;
    const span: [number, number] = [Math.min(...lanes), Math.max(...lanes)];
    let c = columns.findIndex((col) => col.depth === depth.get(id) && col.spans.every(([a, b]) => span[1] < a || span[0] > b));
    if (c < 0) c = columns.push({ depth: depth.get(id)!, spans: [] }) - 1;
    columns[c].spans.push(span);
    column.set(id, c);
  }
  const width = HEAD + columns.length * (BOX + GAP) + GAP;
  const height = streams.length * LANE + 8;
  const x = scaleBand<number>()
    .domain(columns.map((_, i) => i))
    .range([HEAD + GAP / 2, width - GAP / 2])
    .paddingInner(GAP / (BOX + GAP));
  const y = scaleLinear().domain([0, streams.length]).range([4, height - 4]);
  const out: string[] = [];
  out.push(`<svg class="wide" role="img" aria-labelledby="orgmap-title" viewBox="0 0 ${width} ${height}" xmlns="http://www.w3.org/2000/svg" data-chart="organization-map">`);
  out.push(`<title id="orgmap-title">Organization map: streams as swimlanes, shared services across them</title>`);
  streams.forEach((id, lane) => {
    const top = y(lane);
    const mid = top + LANE / 2;
    out.push(`<rect x="0" y="${top}" width="${width}" height="${LANE}" fill="${lane % 2 ? "#f5f7f9" : "#ffffff"}"/>`);
    out.push(`<text x="8" y="${mid - 4}" font-weight="600" font-size="13">${clip(nameOf(id, model.streams[id].name), model.streams[id].name || id, 18)}<title>${nameOf(id, model.streams[id].name)}</title></text>`);
    const s = doc.streams[id];
    if (s) out.push(`<text x="8" y="${mid + 14}" font-size="11" class="muted">p85 ${num(s.leadTime.p85.mean)} ${escapeHtml(doc.timeUnit)}s</text>`);
    const cols = stagesOf(model.streams[id].route).map((st) => column.get(st)!);
    const x0 = x(Math.min(...cols))! + BOX / 2;
    const x1 = x(Math.max(...cols))! + BOX / 2;
    out.push(`<line x1="${x0}" y1="${mid}" x2="${x1}" y2="${mid}" stroke="#4a5d73" stroke-width="3"/>`);
    for (const c of cols) out.push(`<circle cx="${x(c)! + BOX / 2}" cy="${mid}" r="4" fill="#4a5d73"/>`);
  });
  for (const id of order) {
    const st = model.stages[id];
    const lanes = lanesOf.get(id)!;
    const top = y(Math.min(...lanes)) + 8;
    const bottom = y(Math.max(...lanes) + 1) - 8;
    const left = x(column.get(id)!)!;
    const f = doc.stages[id];
    const isConstraint = doc.constraint?.stage === id;
    const isBusiest = doc.busiest?.stage === id;
    const lines = [
      `${st.servers === Infinity ? "unlimited" : `${st.servers} server${st.servers === 1 ? "" : "s"}`} · ${num(meanOf(st.processTime))} ${escapeHtml(doc.timeUnit)}s`,
      f?.utilization ? `utilization ${num(f.utilization.mean * 100)}%` : null,
      f ? `wait ${num(f.wait.mean)} ${escapeHtml(doc.timeUnit)}s` : null,
      st.rework ? `rework ${num(st.rework.probability * 100)}%` : null,
      st.batch ? gateText(st.batch, doc.timeUnit) : null,
    ].filter((l): l is string => l !== null);
    const stroke = isConstraint ? "#b42318" : isBusiest ? "#b54708" : "#4a5d73";
    out.push(`<g data-stage="${escapeHtml(id)}"${isConstraint ? ' data-constraint="true"' : ""}>`);
    out.push(`<title>${nameOf(id, st.name)}</title>`);
    out.push(
      `<rect x="${left}" y="${top}" width="${BOX}" height="${bottom - top}" rx="6" fill="${isConstraint ? "#fef3f2" : "#ffffff"}" stroke="${stroke}" stroke-width="${isConstraint ? 4 : isBusiest ? 3 : 1.5}"/>`,
    );
    let ty = top + 15;
    out.push(`<text x="${left + 6}" y="${ty}" font-size="11.5" font-weight="600">${clip(nameOf(id, st.name), st.name || id, 22)}</text>`);
    for (const l of lines) out.push(`<text x="${left + 6}" y="${(ty += 13)}" font-size="10.5">${l}</text>`);
    if (isConstraint) out.push(`<text x="${left + 6}" y="${bottom - 6}" font-size="10.5" font-weight="700" fill="#b42318">FLOW CONSTRAINT</text>`);
    else if (isBusiest) out.push(`<text x="${left + 6}" y="${bottom - 6}" font-size="10.5" font-weight="700" fill="#b54708">BUSIEST</text>`);
    else if (lanes.length > 1) out.push(`<text x="${left + 6}" y="${bottom - 6}" font-size="10" class="muted">shared by ${lanes.length} streams</text>`);
    out.push(`</g>`);
  }
  out.push(`</svg>`);
  return out.join("\n");
}

/** A long name is cut to fit the box (the whole name stays in the box's title and the tables). */
export function clip(escaped: string, raw: string, max = 24): string {
  return raw.length <= max ? escaped : `${escapeHtml(raw.slice(0, max - 1))}…`;
}
