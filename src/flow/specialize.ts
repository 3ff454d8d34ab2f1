import { calendarSource } from "../engine/calendar.js";
import { DIST, type Distribution, sample } from "../engine/distributions.js";
import { standardExponential } from "../engine/exponential.js";
import { GOLDEN, keyedDrawSource } from "../engine/keyed.js";
import { type CompiledModel, GATE_NONE, STEP_OPTIONAL, STEP_PARALLEL, STEP_STAGE } from "../model/compile.js";
import { BF, B_TOUCH_SUM, B_VISITS, B_WAIT_SUM, BUSY, BUSY_AREA, COMPLETED, LEAD_SUM, RF, SF, TOUCH_SUM, VISITS, WAIT_SUM } from "./measure.js";
import { ARRIVE, COMPLETE, LEAD_BATCH, R_ARRIVE, R_COMPLETE, Simulation, TWO_TO_MINUS_32 } from "./simulation.js";

/**
 * The event loop written out for one model: a subclass of Simulation whose run() is generated
 * JavaScript, with the model's numbers in it as constants and the steps it does not use left out.
 *
 * Why: the general loop reads every stage's parameters from arrays and tests for every kind of
 * step on every event (is there a gate, a priority queue, rework, an optional step, a parallel
 * branch, a warm-up), and V8 cannot inline its handlers into one loop. Each of those costs little;
 * together they were half the engine's time on M/M/2 (bench/COSTS.md). Here each stage and each
 * stream gets its own case with its constants folded in: the process-time mean, the servers, its
 * queue, its rework probability. PERF: against the general loop, same build, 5 alternating fresh
 * processes, medians: M/M/2 +51% cold, +45% warm; Jackson +37% cold, +29% warm; the example model
 * 6-10% a replication, and a longer warm-up (flow/replication.ts says when it pays).
 *
 * What it is not: a second implementation of the flow rules. Only the common path of each event
 * is written here (an arrival, a service start, a completion, the next plain step, an item
 * leaving), statement for statement as in simulation.ts; everything else (gates, parallel
 * branches and their join, optional steps, rework targets, warm-up and gate events, running out
 * of capacity, the end of the run) calls the general methods it inherits. Same draws in the same
 * order, same calendar entries in the same order: every figure is identical to the last digit,
 * which test/flow/specialize.test.ts checks against the general loop on every model in the
 * repository and on random models.
 *
 * Only numbers reach the generated source: the model's doubles through `num()`, and indices read
 * from its integer arrays through `int()`, which refuse anything else (next to loop counters and
 * our own constants). Ids and names never do. A model that skipped validation can make them throw
 * a TypeError; runReplication only ever gets validated models.
 */

type SimulationClass = typeof Simulation;

/** A run() longer than this falls back to the general loop: V8 does not optimize a function whose
 * bytecode exceeds 60 KB, and an unoptimized loop would be far slower. run()'s bytecode is about 0.6
 * bytes per character of its source (40 stages: 28,000 characters, 16,765 bytes), so this keeps it
 * under 48 KB: about 110 stages. The beginService methods are small, each optimized on its own. */
const MAX_RUN_SOURCE = 80_000;

const byModel = new WeakMap<CompiledModel, SimulationClass | null>();

// Classes by their source, the most recently used kept. PERF: a worker thread compiles its own copy
// of the model for every task it runs; a new class per copy would be new functions, and V8 would
// optimize each one again from cold (the example model: 15-35 ms a class). The source reads
// everything it does not fold in from this.m, so equal source is equal behaviour. A run holds at
// most a few dozen models (a base and its scenarios); a process that runs thousands of distinct
// models one after another (a calibration search) keeps only the latest.
const bySource = new Map<string, SimulationClass>();
const KEEP = 64;

/** The specialized simulation class for a model, built once per model and thread; null when the
 * general loop must run it (the model is too large or on working calendars, or this process
 * forbids generated code). */
export function specializedSimulation(m: CompiledModel): SimulationClass | null {
  // Today's work is placed by the general loop's begin(); it runs such models (the placement is
  // per replication, not per event, but the written-out loop need not know of it).
  if (m.wip.stream.length > 0) return null;
  let made = byModel.get(m);
  if (made === undefined) {
    // A model on working calendars runs the general loop: the conversions, calendar gates and
    // shifts live there only, so no model without them pays for them here (docs/calendars.md).
    const run = m.onCalendar ? "" : runSource(m);
    made = m.onCalendar || run.length > MAX_RUN_SOURCE ? null : build(classSource(m, run));
    byModel.set(m, made);
  }
  return made;
}

function build(body: string): SimulationClass | null {
  const known = bySource.get(body);
  if (known) {
    bySource.delete(body); // and back in at the newest end
    bySource.set(body, known);
    return known;
  }
  let made: SimulationClass;
  try {
    const make = new Function("Simulation", "sample", "standardExponential", `"use strict";\nreturn class SpecializedSimulation extends Simulation {\n${body}\n};`);
    made = make(Simulation, sample, standardExponential) as SimulationClass;
  } catch (e) {
    // node --disallow-code-generation-from-strings: the general loop gives the same figures.
    if (e instanceof EvalError) return null;
    throw e;
  }
  if (bySource.size >= KEEP) bySource.delete(bySource.keys().next().value!);
  bySource.set(body, made);
  return made;
}

/** An index as JavaScript source. */
function int(x: number): string {
  if (!Number.isInteger(x)) throw new TypeError(`specialize: not an integer: ${String(x)}`);
  return String(x);
}

/** A number as JavaScript source that reads back as exactly the same double. */
function num(x: number): string {
  if (typeof x !== "number") throw new TypeError(`specialize: not a number: ${String(x)}`);
  if (Number.isNaN(x)) return "NaN";
  if (x === Infinity) return "Infinity";
  if (x === -Infinity) return "-Infinity";
  if (Object.is(x, -0)) return "-0";
  return x < 0 ? `(${String(x)})` : String(x);
}

/** The methods of the specialized class for model m (exported for the tests, and for reading
 * what runs): run(), and beginService<k>(id) for each stage k. */
export function classSource(m: CompiledModel, run = runSource(m)): string {
  const starts = m.stageIds.map((_, k) => `beginService${k}(id, u) {\n${beginServiceSource(m, k)}\n}`);
  return ["drawWhenQueued = true;", `run() {\n${run}\n}`, ...starts].join("\n");
}

/**
 * beginService(id) for stage k: the wait and the process time, then the completion event.
 * PERF: a method, not written into run() wherever a service starts: V8 optimizes it on its own,
 * with the draw inlined, where run() has no inlining budget left for it (bench/peers child.mjs,
 * paired against the same base: M/M/2 +6% cold and warm, Jackson no change). Starting the freed
 * server's next item in run() itself instead measured M/M/2 +1-3%, Jackson -5% cold: not kept.
 */
function beginServiceSource(m: CompiledModel, k: number): string {
  // A stream's own process time at some step of k: the general method reads the step's.
  if (m.serviceByStep[k]) return `this.beginService(id, ${int(k)});`;
  const ifMeasuring = m.warmup > 0 ? "if (this.measuring) " : "";
  // The item's keyed draw at its step, as the general loop's beginService (always the first
  // pass in a model without rework).
  const d = m.service[k];
  const sampled = d.kind === DIST.exponential ? `${num(d.p1)} * standardExponential(u)` : `this.sampleKeyed(m.service[${int(k)}], u)`;
  return `const t = this.now;
const it = this.items;
const m = this.m;
${m.anyRework ? "let" : "const"} d = ${sampled};
${m.anyRework ? "if (it.cause[id] >= 0) d = this.repeatPass(id, " + String(k) + ", d);" : ""}
${ifMeasuring}{
  const st = this.st;
  const wait = t - it.entered[id];
  st[${k * SF + WAIT_SUM}] += wait;
  st[${k * SF + VISITS}]++;
  st[${k * SF + BUSY_AREA}] += d;
  const b = ${byStreamRow(m, k)};
  const ss = this.ss;
  ss[b + ${B_VISITS}]++;
  ss[b + ${B_WAIT_SUM}] += wait;
  ss[b + ${B_TOUCH_SUM}] += d;
}
it.touch[id] += d;
const cal = this.cal;
${calendarSource.add("cal", "t + d", String(R_COMPLETE), String(COMPLETE), "id")}`;
}

/** A draw from `d` with stream `rng`: the same number the general loop draws. */
function draw(d: Distribution, rng: string, dist: string): string {
  return d.kind === DIST.exponential ? `(${rng}.drawExponential(), ${num(d.p1)} * ${rng}.exponential)` : `sample(${dist}, ${rng})`;
}

/** The body of run(). */
function runSource(m: CompiledModel): string {
  const nStages = m.stageIds.length;
  const nStreams = m.streamIds.length;
  const ranks = m.ranks;
  const anyParallel = m.stepKind.some((k) => k === STEP_PARALLEL);
  const anyOptional = m.stepKind.some((k) => k === STEP_OPTIONAL);
  // With no warm-up the general loop measures from the start and never tests the flag again.
  const ifMeasuring = m.warmup > 0 ? "if (this.measuring) " : "";

  /** beginService(id, k) at stage k: a method per stage (see beginServiceSource), given the item's
   * keyed draw: made here for an item a server takes as it arrives, kept from when it joined the
   * queue for one taken from there (ItemTable.draw). PERF: the draw's hash is then off the path
   * from one event to the next (its result feeds the calendar): against the random streams it
   * replaced, M/M/2 -6.5% -> -1 to -4%, Jackson -7% -> -3 to -5% (bench/example-pair.mjs,
   * VSM_BENCH_CPU=1, medians of 31 rounds on a loaded machine). */
  const drawNow = (k: number, out = "u") => keyedDrawSource(out, `this.serviceKey[${stepOf(m, k)}]`, "it.key[id]", m.anyRework ? "it.pass[id]" : "0");
  const beginService = (id: string, k: number) => (id === "id" ? `${drawNow(k)}\n          this.beginService${k}(id, u);` : `this.beginService${k}(${id}, it.draw[${id}]);`);

  // An item leaving at the end of its route, as finish() does for an item (not a branch).
  const measured = `${ifMeasuring}{
            const lead = t - it.arrived[id];
            const o = stream * ${RF};
            sr[o + ${COMPLETED}]++;
            sr[o + ${LEAD_SUM}] += lead;
            sr[o + ${TOUCH_SUM}] += it.touch[id];
            const k = leadN[stream]++;
            leadBatch[stream * ${LEAD_BATCH} + k] = lead;
            if (k + 1 === ${LEAD_BATCH}) this.flushLeadTimes(stream);
          }`;
  const leave = `{
          const stream = it.stream[id];
          ${measured}
          this.inSystem--;
          it.release(id);
        }`;
  const enterStepAtPos = anyOptional || anyParallel ? `{
          const step = routeStart[route] + pos;
          if (stepKind[step] === ${STEP_STAGE}) s = stepStage[step];
          else this.advance(id);
        }` : `s = stepStage[routeStart[route] + pos];`;


  // Where an item goes after stage k, when k is on one step of one route only: every item there
  // is at that position, so its next step is known here. Else (and after rework) it is looked up
  // (`walk`, below the switch): a plain stage is entered below, the end of a route leaves, anything
  // else goes through the general route walk.
  const mainRoutes = new Set(m.mainRoute);
  const afterStage = (k: number): string | null => {
    const steps: number[] = [];
    m.stepStage.forEach((stage, j) => {
      if (stage === k) steps.push(j); // a parallel step's stage is -1
    });
    if (steps.length !== 1) return null;
    const j = steps[0];
    let r = 0;
    while (!(m.routeStart[r] <= j && j < m.routeStart[r] + m.routeLength[r])) r++;
    const pos = j - m.routeStart[r] + 1;
    const set = `it.pos[id] = ${int(pos)};`;
    if (pos >= m.routeLength[r]) return mainRoutes.has(r) ? `${set}\n        ${leave}` : `${set}\n        this.finish(id);`;
    const step = m.routeStart[r] + pos;
    return m.stepKind[step] === STEP_STAGE ? `${set}\n        s = ${int(m.stepStage[step])};` : `${set}\n        this.advance(id);`;
  };

  // A completion at stage k: the freed server takes the next waiting item (highest rank first),
  // else goes idle; then the item's rework draw and its next position.
  const completions: string[] = [];
  for (let k = 0; k < nStages; k++) {
    const queued = m.priorityPolicy[k] ? Array.from({ length: ranks }, (_, r) => r) : [0];
    let free = `st[${k * SF + BUSY}]--;`;
    // Dedicated servers: the general rules for parts (a rare path).
    if (m.partCount[k] > 1) free = `this.freeInPart(${int(k)}, it.part[id]);`;
    else for (let i = queued.length - 1; i >= 0; i--) {
      const q = `queue${k * ranks + queued[i]}`;
      free = `if (${q}.length > 0) {
          const taken = ${q}.shift();
          ${beginService("taken", k)}
        } else ${free}`;
    }
    // The rework probability of the step the item is at: folded in when all of the stage's
    // steps share one (the stage's own, usually), else read from the step table.
    const ps = reworkProbabilities(m, k);
    // On a repeat pass, completing the step that sent the item back ends the pass (before the
    // item's position moves on).
    const endRepeat = m.anyRework ? "if (it.cause[id] >= 0) this.endRepeat(id);\n        " : "";
    const next = endRepeat + (afterStage(k) ?? "it.pos[id]++;\n        walk = true;");
    const p = ps.length === 1 ? num(ps[0]) : "p";
    const readP = ps.length === 1 ? "" : `const p = m.stepReworkProbability[routeStart[it.route[id]] + it.pos[id]];\n        `;
    const reworked = `${readP}${keyedDrawSource("r", `keys.rework[${stepOf(m, k)}]`, "it.key[id]", "it.pass[id]")}
        if (${ps.length === 1 ? "" : "p > 0 && "}(r >>> 0) * ${num(TWO_TO_MINUS_32)} < ${p}) {
          this.rework(id);
        } else {
          ${next}
        }`;
    completions.push(`case ${k}: {
        ${free}
        ${ps.some((x) => x > 0) ? reworked : next}
        break;
      }`);
  }

  // An arrival of stream i: the next arrival, a new item with its optional steps drawn, and its
  // first step.
  const arrivals: string[] = [];
  for (let i = 0; i < nStreams; i++) {
    const n = m.optionalCount[i];
    let needs = "it.needs[id] = 0;";
    if (n > 0) {
      const bits: string[] = [];
      for (let b = 0; b < n; b++) {
        const j = m.optionalStart[i] + b;
        bits.push(`{
          ${keyedDrawSource("r", `keys.route[${int(j)}]`, "key", "0")}
          if ((r >>> 0) * ${num(TWO_TO_MINUS_32)} < ${num(m.optionalProbability[j])}) needs |= ${1 << b};
        }`);
      }
      needs = `let needs = 0;\n        ${bits.join("\n        ")}\n        it.needs[id] = needs;`;
    }
    const route = m.mainRoute[i];
    const step = m.routeStart[route];
    const first = m.routeLength[route] > 0 && m.stepKind[step] === STEP_STAGE ? `s = ${int(m.stepStage[step])};` : "this.advance(id);";
    arrivals.push(`case ${i}: {
        ${calendarSource.add("cal", `t + ${draw(m.interarrival[i], `arrivals${i}`, `m.interarrival[${i}]`)}`, String(R_ARRIVE), String(ARRIVE), String(i))}
        id = it.alloc();
        it.stream[id] = ${i};
        it.route[id] = ${int(route)};
        it.pos[id] = 0;
        it.parent[id] = -1;
        it.arrived[id] = t;
        it.touch[id] = 0;${m.anyRework ? "\n        it.cause[id] = -1;\n        it.outerCause[id] = -1;" : ""}
        const key = nextItemKey[${i}];
        nextItemKey[${i}] = (key + ${GOLDEN}) | 0;
        it.key[id] = key;${m.anyRework ? "\n        it.pass[id] = 0;" : ""}
        ${needs}
        if (++this.inSystem > maxWip) {
          this.declareUnstable();
          stop = true;
        }
        ${first}
        break;
      }`);
  }

  // Entering stage k: through its gate, else to a free server, else to its queue.
  const entries: string[] = [];
  for (let k = 0; k < nStages; k++) {
    let enter: string;
    if (m.gateKind[k] !== GATE_NONE) enter = `this.enterGate(id, ${k});`;
    else if (m.partCount[k] > 1) enter = `this.enterParts(id, ${int(k)});`;
    else {
      const queue = m.priorityPolicy[k] ? `this.queues[${k * ranks} + priorityRank[it.stream[id]]]` : `queue${k * ranks}`;
      enter = `if (st[${k * SF + BUSY}] < ${num(m.servers[k])}) {
          st[${k * SF + BUSY}]++;
          ${beginService("id", k)}
        } else {
          ${drawNow(k, "q")}
          it.draw[id] = q;
          ${queue}.push(id);
        }`;
    }
    entries.push(`case ${k}: {
        ${enter}
        break;
      }`);
  }

  const locals: string[] = [];
  for (let i = 0; i < nStreams; i++) {
    locals.push(`const arrivals${i} = this.arrivalRng[${i}];`);
  }
  for (let k = 0; k < nStages; k++) {
    const used = m.priorityPolicy[k] ? ranks : 1;
    for (let r = 0; r < used; r++) locals.push(`const queue${k * ranks + r} = this.queues[${k * ranks + r}];`);
  }

  return `this.begin();
const m = this.m;
const cal = this.cal;
const it = this.items;
const st = this.st;
const sr = this.sr;
const leadBatch = this.leadBatch;
const leadN = this.leadN;
const routeStart = m.routeStart;
const routeLength = m.routeLength;
const stepKind = m.stepKind;
const stepStage = m.stepStage;
const priorityRank = m.priorityRank;
const keys = this.keys;
const nextItemKey = this.nextItemKey;
${locals.join("\n")}
const maxWip = this.maxWip;
const end = ${num(m.end)};
let events = 0;
for (;;) {
  events++;
  ${calendarSource.peek("cal", "t", "{\n    this.now = end;\n    return this.result(events);\n  }")}
  if (t > end) {
    this.now = end; // the event stays pending: a service running past the end is counted to it
    return this.result(events);
  }
  ${calendarSource.take("cal", "t", "kind", "id")}
  this.now = t;
  let s = -1; // the stage item id enters next, if a plain one
  let stop = false; // out of capacity (only an arrival can be)
  if (kind === ${COMPLETE}) {
    let walk = false;
    switch (it.stage[id]) {
      ${completions.join("\n      ")}
    }
    if (walk) {
      const route = it.route[id];
      const pos = it.pos[id];
      if (pos < routeLength[route]) ${enterStepAtPos}
      else ${anyParallel ? `if (it.parent[id] >= 0) this.finish(id);\n      else ` : ""}${leave}
    }
  } else if (kind === ${ARRIVE}) {
    switch (id) {
      ${arrivals.join("\n      ")}
    }
  } else {
    this.control(kind, id);
    continue;
  }
  if (s >= 0) {
    it.stage[id] = s;
    it.entered[id] = t;
    switch (s) {
      ${entries.join("\n      ")}
    }
  }
  if (stop) return this.result(events);
}`;
}

/** The distinct rework probabilities of stage k's steps (route steps may override the stage's). */
function reworkProbabilities(m: CompiledModel, k: number): number[] {
  const ps = new Set<number>();
  m.stepStage.forEach((stage, j) => {
    if (stage === k) ps.add(m.stepReworkProbability[j]);
  });
  return [...ps];
}

/** The step an item served at stage k is at, as source: a constant when k is on one step only. */
function stepOf(m: CompiledModel, k: number): string {
  const steps: number[] = [];
  m.stepStage.forEach((stage, j) => {
    if (stage === k) steps.push(j);
  });
  return steps.length === 1 ? int(steps[0]) : "m.routeStart[it.route[id]] + it.pos[id]";
}

/** The one stream whose route visits stage k, else -1. */
function visitor(m: CompiledModel, k: number): number {
  const visitors = new Set<number>();
  const walk = (i: number, r: number) => {
    for (let p = 0; p < m.routeLength[r]; p++) {
      const j = m.routeStart[r] + p;
      if (m.stepKind[j] === STEP_PARALLEL) for (let b = 0; b < m.stepBranchCount[j]; b++) walk(i, m.stepBranchStart[j] + b);
      else if (m.stepStage[j] === k) visitors.add(i);
    }
  };
  m.mainRoute.forEach((r, i) => walk(i, r));
  return visitors.size === 1 ? [...visitors][0] : -1;
}

/** The start of the byStream row of an item served at stage k, as source: a constant when only one
 * stream's route visits k (PERF: one load and multiply fewer per service, as on M/M/2). */
function byStreamRow(m: CompiledModel, k: number): string {
  const only = visitor(m, k);
  const stride = m.stageIds.length * BF;
  return only >= 0 ? int(only * stride + k * BF) : `it.stream[id] * ${int(stride)} + ${int(k * BF)}`;
}
