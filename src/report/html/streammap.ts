import { reworkAt } from "../../model/routes.js";
import type { Model, RouteStep } from "../../model/types.js";
import type { ByStreamFigures, RunDocument } from "../document.js";
import { num } from "../format.js";
import { escapeHtml, nameOf } from "./escape.js";
import { clip } from "./orgmap.js";
import { gateText } from "./words.js";

const CELL = 150; // a wait triangle and a process box
const ROW = 104;
const LADDER = 64;

interface Block {
  width: number;
  height: number;
  /** Time per item on this block's longest path: waiting and touch (the ladder's two rungs). */
  wait: number;
  touch: number;
  draw(x: number, y: number, out: string[]): void;
}

/**
 * A value stream map of one stream in the notation practitioners know: wait triangles with the
 * mean wait per item before each process box, boxes with touch time per item, rework arrows with
 * their rate, optional steps dashed with their share, parallel branches stacked between a fork and
 * a join, and the timeline ladder beneath (wait above, touch below) ending in the measured lead
 * time, touch time and flow efficiency.
 */
export function streamMap(model: Model, doc: RunDocument, stream: string, label: string): string {
  const spec = model.streams[stream];
  const figures = doc.byStream[stream] ?? {};
  const u = escapeHtml(doc.timeUnit);
  const route = sequence(spec.route, model, figures, u);
  const summaryW = 170;
  const width = route.width + summaryW + 16;
  const height = route.height + LADDER + 30;
  const out: string[] = [];
  out.push(`<svg class="vsm" role="img" viewBox="0 0 ${width} ${height}" xmlns="http://www.w3.org/2000/svg" data-chart="value-stream-map" data-stream="${escapeHtml(stream)}">`);
  out.push(`<title>Value stream map: ${nameOf(stream, spec.name)} (${escapeHtml(label)})</title>`);
  out.push(`<defs><marker id="arrow" viewBox="0 0 10 10" refX="9" refY="5" markerWidth="6" markerHeight="6" orient="auto"><path d="M0,0L10,5L0,10z" fill="#b54708"/></marker></defs>`);
  route.draw(8, 8, out);
  // The ladder: wait on the upper rung over the triangles, touch on the lower one under the boxes.
  const ly = route.height + 18;
  ladder(spec.route, model, figures, 8, ly, out, u);
  const s = doc.streams[stream];
  const sx = route.width + 24;
  out.push(`<rect x="${sx}" y="${ly - 6}" width="${summaryW - 8}" height="${LADDER + 6}" rx="4" fill="#f5f7f9" stroke="#c9d1d9"/>`);
  if (s) {
    out.push(`<text x="${sx + 8}" y="${ly + 12}" font-size="12" font-weight="600">Lead time ${num(s.leadTime.mean.mean)} ${u}s</text>`);
    out.push(`<text x="${sx + 8}" y="${ly + 30}" font-size="11">Touch time ${num(s.leadTime.mean.mean * s.flowEfficiency.mean)} ${u}s</text>`);
    out.push(`<text x="${sx + 8}" y="${ly + 48}" font-size="11" font-weight="600">Flow efficiency ${num(s.flowEfficiency.mean * 100)}%</text>`);
  }
  out.push(`</svg>`);
  return out.join("\n");
}

function sequence(steps: RouteStep[], model: Model, f: Record<string, ByStreamFigures>, u: string): Block {
  const blocks = steps.map((s) => (s.kind === "stage" ? stageBlock(s, model, f, u) : parallelBlock(s.branches, model, f, u)));
  return {
    width: blocks.reduce((a, b) => a + b.width, 0),
    height: Math.max(ROW, ...blocks.map((b) => b.height)),
    wait: blocks.reduce((a, b) => a + b.wait, 0),
    touch: blocks.reduce((a, b) => a + b.touch, 0),
    draw(x, y, out) {
      const h = this.height;
      for (const b of blocks) {
        b.draw(x, y + (h - b.height) / 2, out);
        x += b.width;
      }
    },
  };
}

function parallelBlock(branches: RouteStep[][], model: Model, f: Record<string, ByStreamFigures>, u: string): Block {
  const bs = branches.map((b) => sequence(b, model, f, u));
  const longest = bs.reduce((a, b) => (b.wait + b.touch > a.wait + a.touch ? b : a), bs[0]);
  return {
    width: Math.max(...bs.map((b) => b.width)) + 24,
    height: bs.reduce((a, b) => a + b.height, 0),
    wait: longest.wait,
    touch: longest.touch,
    draw(x, y, out) {
      out.push(`<rect x="${x + 2}" y="${y + 4}" width="4" height="${this.height - 8}" fill="#4a5d73"><title>fork: parallel work</title></rect>`);
      out.push(`<rect x="${x + this.width - 6}" y="${y + 4}" width="4" height="${this.height - 8}" fill="#4a5d73"><title>join: all branches done</title></rect>`);
      let by = y;
      for (const b of bs) {
        b.draw(x + 12, by, out);
        by += b.height;
      }
    },
  };
}

function stageBlock(step: RouteStep & { kind: "stage" }, model: Model, f: Record<string, ByStreamFigures>, u: string): Block {
  const st = model.stages[step.stage];
  const fig = f[step.stage];
  const visits = fig?.visits.mean ?? 0;
  const wait = Number.isFinite(fig?.wait.mean) ? fig!.wait.mean * visits : 0;
  const touch = Number.isFinite(fig?.touch.mean) ? fig!.touch.mean * visits : 0;
  const rework = reworkAt(step, st.rework);
  return {
    width: CELL,
    height: ROW,
    wait,
    touch,
    draw(x, y, out) {
      const mid = y + 58;
      const optional = step.probability < 1;
      out.push(`<g data-stage="${escapeHtml(step.stage)}">`);
      // Wait triangle (inventory), the mean wait per item beneath it.
      out.push(`<path d="M${x + 8},${mid + 10}L${x + 24},${mid - 16}L${x + 40},${mid + 10}Z" fill="#fde68a" stroke="#b54708"/>`);
      out.push(`<text x="${x + 24}" y="${mid + 5}" font-size="11" font-weight="700" text-anchor="middle">I</text>`);
      out.push(`<text x="${x + 27}" y="${mid + 26}" font-size="9.5" text-anchor="middle">${num(wait)} ${u}s</text>`);
      if (st.batch) out.push(`<text x="${x + 4}" y="${mid + 40}" font-size="9.5" class="muted">${gateText(st.batch, model.timeUnit)}</text>`);
      const bx = x + 54;
      out.push(
        `<rect x="${bx}" y="${mid - 26}" width="92" height="52" rx="3" fill="#ffffff" stroke="#4a5d73" stroke-width="1.5"${optional ? ' stroke-dasharray="5 3"' : ""}/>`,
      );
      out.push(`<title>${nameOf(step.stage, st.name)}</title>`);
      out.push(`<text x="${bx + 5}" y="${mid - 12}" font-size="10.5" font-weight="600">${clip(nameOf(step.stage, st.name), st.name || step.stage, 15)}</text>`);
      out.push(`<text x="${bx + 5}" y="${mid + 3}" font-size="10">touch ${num(touch)} ${u}s</text>`);
      out.push(`<text x="${bx + 5}" y="${mid + 17}" font-size="10" class="muted">${st.servers === Infinity ? "unlimited" : `${st.servers} server${st.servers === 1 ? "" : "s"}`}${optional ? ` · ${num(step.probability * 100)}% of items` : ""}</text>`);
      if (rework && rework.probability > 0) {
        // Rework goes back from the box's top over its own wait triangle to where work returns.
        out.push(`<path d="M${bx + 64},${mid - 27}C${bx + 56},${y - 2} ${x + 20},${y - 2} ${x + 6},${mid - 22}" fill="none" stroke="#b54708" stroke-width="1.5" marker-end="url(#arrow)"/>`);
        out.push(`<text x="${bx + 44}" y="${y + 14}" font-size="10" fill="#b54708" font-weight="600">rework ${num(rework.probability * 100)}%</text>`);
      }
      out.push(`</g>`);
    },
  };
}

/** The timeline ladder of the top-level steps (a parallel block counts its longest branch). */
function ladder(steps: RouteStep[], model: Model, f: Record<string, ByStreamFigures>, x: number, y: number, out: string[], u: string): void {
  const up = y + 10;
  const down = y + 44;
  let px = x;
  const path: string[] = [];
  for (const step of steps) {
    const b = step.kind === "stage" ? stageBlock(step, model, f, u) : parallelBlock(step.branches, model, f, u);
    const w = b.width;
    const split = px + (step.kind === "stage" ? 52 : w / 2);
    path.push(`M${px},${up}H${split}V${down}H${px + w}V${up}`);
    out.push(`<text x="${(px + split) / 2}" y="${up - 3}" font-size="10" text-anchor="middle">${num(b.wait)}</text>`);
    out.push(`<text x="${(split + px + w) / 2}" y="${down + 13}" font-size="10" text-anchor="middle">${num(b.touch)}</text>`);
    px += w;
  }
  out.push(`<path d="${path.join("")}" fill="none" stroke="#1d2630" stroke-width="1.5" data-chart="ladder"/>`);
  out.push(`<text x="${x}" y="${down + 26}" font-size="9.5" class="muted">wait (above) and touch time (below) per item, ${u}s</text>`);
}
