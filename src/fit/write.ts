import type { ProcessTimeFit } from "./distributions.js";
import { ALWAYS, type FitResult, type StageFit, type StreamFit } from "./estimate.js";

/**
 * Writes a fitted model as an ordinary model file: each number with its evidence in a comment
 * beside or above it, so the file can be read, argued with and edited like a hand-written one.
 */

/** Four significant digits: more than the evidence supports, few enough to read. */
const n4 = (x: number) => Number(x.toPrecision(4));
const f2 = (x: number) => (Number.isFinite(x) ? x.toFixed(2) : "-");
const f3 = (x: number) => (Number.isFinite(x) ? x.toFixed(3) : "-");
const q = (s: string) => JSON.stringify(s);
/** Text from the log or map inside a comment: one line, no control characters. */
const c = (s: string) => s.replace(/[\u0000-\u001f\u007f-\u009f\u2028\u2029]/g, " ");

const DAYS = ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"];

/** "Thursday 10:00" for an offset in days from a Monday 00:00; "10:00" for a daily one. */
export function whenOf(offset: number, every: number): string {
  const minutes = Math.round((offset % 1) * 1440);
  const hhmm = `${String(Math.floor(minutes / 60)).padStart(2, "0")}:${String(minutes % 60).padStart(2, "0")}`;
  return every === 7 ? `${DAYS[Math.floor(offset) % 7]} ${hhmm}` : `daily ${hhmm}`;
}

function distText(fit: StageFit["processTime"] | ProcessTimeFit): string {
  const d = fit!.chosen;
  if (d.dist === "fixed") return String(n4(d.value));
  if (d.dist === "empirical") return `{ dist: empirical, values: [${d.values.map(n4).join(", ")}] }`;
  return `{ dist: ${d.dist}, mean: ${n4(d.mean)}, cv: ${n4(Math.min(100, Math.max(1e-6, d.cv)))} }`;
}

function fitEvidence(fit: StageFit["processTime"] | ProcessTimeFit, what: string): string {
  if (!fit) return `no finished ${what} observed`;
  if (!("gamma" in fit)) return `${fit.n} ${what}, all about the same length (cv under 0.01): a fixed time`;
  const pick = fit.chosen.dist === "empirical" ? `neither fits: the sample's ${fit.chosen.values.length} quantiles` : `${fit.chosen.dist} fits better`;
  const n = fit.observed ? `${fit.observed} ${what}, a uniform sample of ${fit.n} fitted (reservoir, fixed seed)` : `${fit.n} ${what}`;
  return `${n}; KS distance lognormal ${f3(fit.lognormal.ks)}, gamma ${f3(fit.gamma.ks)} (5% critical ${f3(fit.critical)}): ${pick}`;
}

export function modelText(fit: FitResult): string {
  const out: string[] = [];
  const push = (...lines: string[]) => out.push(...lines);
  const routes = new Map(fit.streams.map((s) => [s.id, s.route.map((r) => r.stage)]));
  const forks = new Map(fit.streams.map((s) => [s.id, s.parallel.map((g) => g.stages)]));
  const used = new Set(fit.streams.flatMap((s) => s.route.map((r) => r.stage)));
  push(
    `# Fitted by vsm fit from ${c(fit.source)} (${fit.rows} rows, ${fit.items} items) with the map ${c(fit.map)}.`,
    "# Every number is an estimate from that log; the comment beside it says on what evidence.",
    "# Read docs/calibration.md for how each is estimated and its known biases.",
  );
  if (fit.warnings.length) {
    push("# Data repaired while reading (see vsm fit's warnings for example lines):");
    for (const w of fit.warnings) push(`#   ${w.count} ${c(w.message)}`);
  }
  const longestP95 = Math.max(...fit.streams.map((s) => s.leadTime.p95).filter(Number.isFinite), 0);
  push(
    "",
    `name: ${q(fit.name)}`,
    `start: ${fit.start}   # a Monday 00:00 on or before the first timestamp: time 0; gate offsets count from it`,
    "timeUnit: day",
    `warmup: ${fit.warmup}   # the log's first arrival plus the longest stream's p95 lead time (${f2(longestP95)} d), at most half the window: the system fills up`,
    `horizon: ${fit.horizon}   # the rest of the log's window, to its last timestamp`,
    "replications: 30",
    "seed: 1",
    "",
    "stages:",
  );
  for (const st of fit.stages) {
    if (!used.has(st.id)) {
      push(`  # ${st.id}: no stream's route visits it in the log; left out`);
      continue;
    }
    push(`  ${st.id}:`);
    push(`    # process time: ${fitEvidence(st.processTime, "work passes")}`);
    const { first, repeat, z, differs } = st.passes;
    if (repeat.n > 0) {
      const verdict = !Number.isFinite(z) ? "too few to compare" : differs ? "a repeat pass differs (the format draws a full time on every pass)" : "no evidence a repeat pass differs";
      push(`    # effort of a pass: first ${f2(first.mean)} d (${first.n}), repeat ${f2(repeat.mean)} d (${repeat.n}), ratio ${f2(repeat.mean / first.mean)}, z ${f2(z)}: ${verdict}`);
    }
    push(
      `    # servers: at least ${st.servers.estimate} at work for 2% of the time any were (max ${st.servers.max}, mean ${f2(st.servers.meanBusy)} while busy);`,
      "    # an estimate: a team that also does unmapped work has more people than this shows",
      `    servers: ${st.servers.estimate}`,
      `    processTime: ${st.processTime ? distText(st.processTime) : 0}`,
    );
    if (st.gate) {
      push(
        `    # gate: ${Math.round(st.gate.share * 100)}% of ${st.gate.departures} departures from the wait fall within three hours of ${whenOf(st.gate.offset, st.gate.every)}`,
        `    batch: { every: ${st.gate.every}, offset: ${Number(st.gate.offset.toPrecision(6))} }`,
      );
    }
    if (st.strayReturns) push(`    # ${st.strayReturns} stray return(s) to an earlier status: too few to call rework, not modelled`);
    if (st.rework) {
      const r = st.rework;
      const dest = Object.entries(r.destinations).map(([k, v]) => `${k} ${v}`).join(", ");
      const perPass = r.byPass.slice(0, 3).map((b) => `pass ${b.pass}: ${b.returns}/${b.passes}`).join(", ");
      push(`    # rework: ${r.returns} of ${r.passes} finished passes went back (${dest}); ${perPass}`);
      const to = reworkTarget(st.id, r.to!, routes, forks);
      if (to.note) push(`    # ${to.note}`);
      const p = Math.min(0.99, n4(r.probability));
      push(`    rework: { probability: ${p}${to.to ? `, to: ${to.to}` : ""} }`);
    }
  }
  push("", "streams:");
  for (const s of fit.streams) streamText(s, push);
  return `${out.join("\n")}\n`;
}

/**
 * `to` only where it is needed (not the previous step) and valid in every route: both in the same
 * list of steps, `to` first. Parallel groups are checked on the whole group: a return into or out
 * of a fork falls back to the previous step.
 */
function reworkTarget(stage: string, to: string, routes: Map<string, string[]>, forks: Map<string, string[][]>): { to: string | null; note?: string } {
  let allPrevious = true;
  for (const [id, route] of routes) {
    const i = route.indexOf(stage);
    if (i < 0) continue;
    if (stage !== to && forks.get(id)?.some((stages) => stages.includes(stage) || stages.includes(to))) {
      return { to: null, note: `most returns go to ${to}; a return into or out of parallel work goes back to the previous step (the whole fork, or the branch's first stage)` };
    }
    const j = route.indexOf(to);
    if (j < 0 || j > i) return { to: null, note: `most returns go to ${to}, which is not before ${stage} in every route: returns go to the previous step` };
    if (!(j === i - 1 || (i === 0 && j === 0))) allPrevious = false;
  }
  return { to: allPrevious ? null : to };
}

function streamText(s: StreamFit, push: (...l: string[]) => void): void {
  push(`  ${s.id}:`, `    name: ${q(s.name)}`);
  const d = s.dispersion;
  const test = Number.isFinite(d.index)
    ? `dispersion index ${f2(d.index)} over ${d.bins} bins of ${f2(d.bin)} d, p ${f3(d.p)}`
    : "too short a window for a dispersion test";
  push(`    # arrivals: ${s.arrivals} items (${s.completed} finished), ${f3(s.rate)} a day; ${test}: ${d.poisson ? "Poisson" : "not Poisson"}`);
  if (s.interarrival) {
    push(`    # interarrival: ${fitEvidence(s.interarrival, "gaps")}`, `    arrivals: { interarrival: ${distText(s.interarrival)} }`);
  } else push(`    arrivals: { rate: ${n4(s.rate)} }`);
  const lt = s.leadTime;
  push(`    # observed lead time: p50 ${f2(lt.p50)}, p85 ${f2(lt.p85)}, p95 ${f2(lt.p95)} d (${lt.n} finished items${lt.sampled ? `; percentiles of a uniform sample of ${lt.sampled}` : ""})`);
  for (const o of s.overlaps) push(`    # ${o.a} and ${o.b}: an item was in both at once for ${o.items} of the ${o.of} items that visited both`);
  push("    route:");
  const step = (r: StreamFit["route"][number], indent: string, first: string) =>
    r.share >= ALWAYS
      ? push(`${indent}${first}${r.stage}   # visited by ${r.visited} of ${r.of} items`)
      : push(`${indent}${first}{ stage: ${r.stage}, probability: ${n4(r.share)} }   # visited by ${r.visited} of ${r.of} items: an optional step`);
  const byStage = new Map(s.route.map((r) => [r.stage, r]));
  for (const r of s.route) {
    const group = s.parallel.find((g) => g.stages.includes(r.stage));
    if (!group) step(r, "      ", "- ");
    else if (group.stages[0] === r.stage) {
      push("      - parallel:   # worked at once: in the statuses of both for most items");
      for (const branch of group.branches) branch.forEach((id, k) => step(byStage.get(id)!, "          ", k === 0 ? "- - " : "  - "));
    }
  }
}
