#!/usr/bin/env node
import { readFileSync } from "node:fs";
import { Command, CommanderError, InvalidArgumentError } from "commander";
import { loadModel, loadModels } from "../model/load.js";
import { ModelError, formatProblem } from "../model/errors.js";
import { modelJsonSchema } from "../model/schema.js";
import { offeredLoads, stabilityWarnings } from "../model/analysis.js";
import type { Model } from "../model/types.js";
import { type RunOptions, type RunOutcome, simulateModels } from "../runner/run.js";
import { type RunDocument, runDocument } from "../report/document.js";
import { RUN_TABLES, RunTables, checkTableFolder } from "../report/tidy.js";
import { byStreamTable, runTable } from "../report/table.js";
import { calendarLines } from "../report/calendar.js";
import { compareDocument, compareTable } from "../report/compare.js";
import { safeText } from "../report/format.js";
import { OutputError, checkOutput, writeReport } from "../report/write.js";
import { traceMap, traceMapPath, writeTrace } from "../report/trace.js";
import { compile } from "../model/compile.js";
import { sizeWarnings } from "../model/analysis.js";
import type { TimeUnit } from "../model/units.js";
import { progressBar } from "./progress.js";
import { setLines } from "./sets.js";
import { registerFitCommands } from "./fit.js";
import { registerExperimentCommands } from "./experiments.js";
import { start as startSchema } from "../model/schema.js";
import { now } from "../model/clock.js";
import { FORECAST_REPLICATIONS, forecastDocument } from "../runner/forecast.js";
import { forecastTable } from "../report/forecast.js";
import { closeQueues, registerWorkerCommand, remoteFor } from "./queue.js";
import { QueueAddressError } from "../queue/address.js";
import { defaultWorkers } from "../runner/executor.js";
import { whole, collect, QUEUE_HELP, type PrecisionOptions, withPrecisionOptions, precisionRunOptions } from "./parse.js";

/** Exit statuses: 2 for bad input (a model, a scenario or an option), 1 for anything else. */
const BAD_INPUT = 2;
const FAILURE = 1;
const INTERRUPTED = 130;

const effect = (v: string) => {
  const n = Number(v);
  if (!(n >= 0 && n < 1) || v.trim() === "") throw new InvalidArgumentError(`--min-effect must be a number from 0 up to 1, e.g. 0.05 for 5% (got ${JSON.stringify(v)})`);
  return n;
};
interface CommonOptions extends PrecisionOptions {
  set: string[];
  replications?: number;
  seed?: number;
  workers?: number;
  maxWip?: number;
  json?: boolean;
  out?: string;
  html?: string;
  csv?: string;
  quiet?: boolean;
  queue?: string;
}

function withRunOptions(cmd: Command): Command {
  return withPrecisionOptions(cmd
    .option("--set <field=value>", "change a field, e.g. stages.security.servers=3 (repeatable)", collect, [])
    .option("-r, --replications <n>", "replications (default: the model's)", whole("--replications", 1))
    .option("-s, --seed <n>", "root seed (default: the model's)", whole("--seed", 0))
    .option("-w, --workers <n>", "worker threads (default: available parallelism)", whole("--workers", 1)))
    .option("--max-wip <n>", "stop a replication when this many items are in flight: the system is unstable", whole("--max-wip", 1))
    .option("--json", "print the results as JSON on stdout")
    .option("-o, --out <file>", "also write the results to a file: .json, .csv, .html, or text for any other extension")
    .option("--html <file>", "also write a self-contained HTML report: maps, charts and tables")
    .option("--csv <dir>", "also write tidy CSV tables into this folder (made if missing): per replication and stream, per replication and stage, the summary, the lead-time distributions")
    .option("-q, --quiet", "nothing on stderr but errors")
    .option("--queue <url>", QUEUE_HELP);
}

function runOptions(o: CommonOptions, signal: AbortSignal, timeUnit: TimeUnit, tables?: RunTables): RunOptions {
  const show = !o.quiet && process.stderr.isTTY === true;
  return {
    onReplication: tables?.onReplication,
    replications: o.replications,
    seed: o.seed,
    workers: o.workers,
    ...precisionRunOptions(o, timeUnit),
    maxWip: o.maxWip,
    signal,
    onProgress: show ? progressBar(process.stderr) : undefined,
    remote: remoteFor(o.queue, o.quiet),
  };
}

// Loaded when an output asks for them, not with every command: the HTML charts' d3 modules, the CSV
// writer, the tracker-export reader (bench/startup: the command line's start-up).
const csvOf = async (doc: Parameters<typeof import("../report/csv.js").runCsv>[0]) => (await import("../report/csv.js")).runCsv(doc);
const compareCsvOf = async (doc: Parameters<typeof import("../report/csv.js").compareCsv>[0]) => (await import("../report/csv.js")).compareCsv(doc);
const htmlOf = async (...args: Parameters<typeof import("../report/html/report.js").htmlReport>) => (await import("../report/html/report.js")).htmlReport(...args);

function warn(o: CommonOptions, lines: string[]): void {
  if (!o.quiet) for (const l of lines) process.stderr.write(`warning: ${safeText(l)}\n`);
}

/** Writes --out in the format its extension names, whole or not at all. */
async function output(o: CommonOptions, inputs: string[], render: { json: () => string; csv: () => Promise<string>; text: () => string; html: () => Promise<string> }) {
  if (o.out) {
    const out = o.out;
    const content = out.endsWith(".json") ? render.json() : out.endsWith(".csv") ? await render.csv() : /\.html?$/.test(out) ? await render.html() : render.text();
    writeReport(out, content, inputs);
    if (!o.quiet) process.stderr.write(`wrote ${safeText(out)}\n`);
  }
  if (o.html) {
    writeReport(o.html, await render.html(), inputs);
    if (!o.quiet) process.stderr.write(`wrote ${safeText(o.html)}\n`);
  }
}

/** Every output checked before a run, so a bad path never costs the run. */
function checkOutputs(o: CommonOptions, inputs: string[]): void {
  if (o.out) checkOutput(o.out, inputs);
  if (o.html) checkOutput(o.html, inputs);
  if (o.csv) checkTableFolder(o.csv, RUN_TABLES, inputs);
}

/** Runs with the --csv tables written as replications finish; a run that fails leaves none. */
async function simulateWithTables(models: Model[], o: CommonOptions, inputs: string[], signal: AbortSignal): Promise<{ outcome: RunOutcome; tables: RunTables | null }> {
  const tables = o.csv ? new RunTables(o.csv, models, inputs) : null;
  try {
    return { outcome: await simulateModels(models, runOptions(o, signal, models[0].timeUnit, tables ?? undefined)), tables };
  } catch (e) {
    tables?.abort();
    throw e;
  }
}

async function writeTables(o: CommonOptions, tables: RunTables | null, summary: () => Promise<string>, runs: { name: string; run: RunDocument }[]): Promise<void> {
  if (!tables) return;
  const written = tables.finish(await summary(), runs);
  if (!o.quiet) process.stderr.write(`wrote ${written.length} tables in ${safeText(o.csv!)}\n`);
}

/** The installed package's version, read beside this module (src/cli or dist/cli) at run time. */
function packageVersion(): string {
  try {
    return String(JSON.parse(readFileSync(new URL("../../package.json", import.meta.url), "utf8")).version);
  } catch {
    return "unknown (package.json not found)";
  }
}

/** Time 0 for dates: --start, else the model's start, else now, in UTC. */
function startOf(model: Model, start: string | undefined): string {
  if (start !== undefined && !startSchema.safeParse(start).success) {
    throw new ModelError([{ file: "--start", path: "", message: `must be an ISO 8601 date-time with a UTC offset, e.g. 2026-01-05T00:00:00+01:00 (got ${JSON.stringify(start)})` }]);
  }
  return start ?? model.start ?? now();
}

/** --wip: today's work from a file replaces the model's own wip list. */
async function withWip(model: Model, wip: string | undefined, start: string | undefined): Promise<Model> {
  if (wip === undefined) return model;
  const s = startOf(model, start);
  const { readWipFile } = await import("../fit/wipfile.js");
  return { ...model, start: s, wip: readWipFile(wip, model, s) };
}

/** Which figures describe a transient: said whenever a run starts from work in progress. */
function transientNote(model: Model): string {
  const n = (model.wip ?? []).reduce((k, w) => k + w.count, 0);
  if (n === 0) return "";
  if (model.warmup === 0) {
    return `\nTransient: the run starts from ${n} items in progress and has no warm-up, so every figure above (utilization, wait, queue, WIP, lead times, flow efficiency) covers the way from today's state, not a steady state. Lead times include the items in progress, with their age at time 0; their touch time counts only their current stage.\n`;
  }
  return `\nThe run starts from ${n} items in progress; the figures above are measured after a warm-up of ${model.warmup} ${model.timeUnit}s, so they describe the state it settles into, not today's.\n`;
}

async function compareCommand(baseFile: string, files: string[], o: CommonOptions & { minEffect?: number }, signal: AbortSignal, print = true): Promise<void> {
  const { models, sets } = loadModels([baseFile, ...files], { set: o.set });
  if (!o.quiet) for (const l of setLines(sets, models.map((m) => m.source))) process.stderr.write(`${l}\n`);
  const inputs = models.flatMap((m) => m.files ?? []);
  checkOutputs(o, inputs);
  for (const m of models) warn(o, sizeWarnings(m, o.replications ?? models[0].replications));
  const { outcome, tables } = await simulateWithTables(models, o, inputs, signal);
  const doc = compareDocument(outcome, { minEffect: o.minEffect });
  const text = () => `${compareTable(doc)}\n`;
  const json = () => `${JSON.stringify(doc, null, 2)}\n`;
  await output(o, inputs, { json, csv: () => compareCsvOf(doc), text, html: () => htmlOf(doc, models) });
  await writeTables(o, tables, () => compareCsvOf(doc), [{ name: doc.base.model, run: doc.base }, ...doc.scenarios.map((x) => ({ name: x.name, run: x.run }))]);
  if (print || o.json) process.stdout.write(o.json ? json() : text());
  if (o.json) warn(o, [...doc.base.warnings, ...doc.scenarios.flatMap((s) => s.run.warnings)]);
}

export function buildProgram(signal: AbortSignal): Command {
  const program = new Command("vsm")
    .description("Simulate a value stream: lead times, queues and the constraint, before the organization changes")
    .version(packageVersion(), "-V, --version", "print the version of vsm-sim")
    .exitOverride()
    // Commander echoes options and arguments as typed: shown, never obeyed by the terminal.
    .configureOutput({ outputError: (text, write) => write(text.split("\n").map(safeText).join("\n")) })
    .showHelpAfterError("(run vsm help for usage)");

  withRunOptions(program.command("run").argument("<model>", "a model or scenario file (YAML or JSON)").description("simulate a model and print its figures"))
    .option("--by-stream", "also print where each stream's time goes: visits, wait and touch time at each stage")
    .option("--trace <file.csv>", "also write one replication's items as an issue-tracker changelog export (and its map file beside it, for vsm fit)")
    .option("--trace-replication <k>", "which replication --trace writes (default 1, the first)", whole("--trace-replication", 1))
    .option("--wip <file.csv>", "start from today's work in progress: item, stream, stage, entered (state, arrived)")
    .option("--start <date-time>", "time 0, ISO 8601 with offset (default: the model's start, else now, in UTC)")
    .action(async (file: string, o: CommonOptions & { byStream?: boolean; trace?: string; traceReplication?: number; wip?: string; start?: string }) => {
      const model = await withWip(loadModel(file, { set: o.set }), o.wip, o.start);
      const inputs = [...(model.files ?? [file]), ...(o.wip ? [o.wip] : [])];
      checkOutputs(o, inputs);
      const k = o.traceReplication;
      if (k !== undefined && !o.trace) throw new OutputError("--trace-replication needs --trace FILE.csv: which file to write the replication's items to");
      if (o.trace) {
        checkOutput(o.trace, inputs);
        checkOutput(traceMapPath(o.trace), inputs);
        const most = o.precision ? (o.maxReplications ?? 1000) : (o.replications ?? model.replications);
        if (k !== undefined && k > most) throw new OutputError(`--trace-replication ${k}: the run has ${most} replication${most === 1 ? "" : "s"}; choose one from 1 to ${most}`);
      }
      warn(o, sizeWarnings(model, o.replications ?? model.replications));
      const { outcome, tables } = await simulateWithTables([model], o, inputs, signal);
      if (o.trace) {
        // The same replication the run measured (same seed, same index), on the general loop.
        const stats = writeTrace(compile(model), o.seed ?? model.seed, (k ?? 1) - 1, o.trace, inputs, o.maxWip);
        writeReport(traceMapPath(o.trace), traceMap(model), inputs);
        if (!o.quiet) process.stderr.write(`wrote ${safeText(o.trace)} (${stats.rows} rows, ${stats.items} items) and ${safeText(traceMapPath(o.trace))}\n`);
      }
      const doc = runDocument(outcome);
      const note = transientNote(model);
      const text = () => `${runTable(doc)}\n${o.byStream ? `\n${byStreamTable(doc)}` : ""}${note}`;
      const json = () => `${JSON.stringify(note ? { ...doc, transient: note.trim() } : doc, null, 2)}\n`;
      await output(o, inputs, { json, csv: () => csvOf(doc), text, html: () => htmlOf(doc, [model]) });
      await writeTables(o, tables, () => csvOf(doc), [{ name: doc.model, run: doc }]);
      process.stdout.write(o.json ? json() : text());
      if (o.json) warn(o, doc.warnings);
    });

  withRunOptions(
    program
      .command("compare")
      .argument("<base>", "the current state: a model or scenario file")
      .argument("<scenarios...>", "future states to compare with it")
      .description("compare future states with a base under common random numbers")
      .option("--min-effect <share>", "smallest change marked significant, as a share of the base value (default 0.01; 0 marks every significant change)", effect),
  ).action((baseFile: string, files: string[], o: CommonOptions & { minEffect?: number }) => compareCommand(baseFile, files, o, signal));

  withRunOptions(
    program
      .command("report")
      .argument("<base>", "a model, or the current state to compare future states with")
      .argument("[scenarios...]", "future states to compare with it")
      .description("simulate (or compare) and write a self-contained HTML report: maps, charts and tables")
      .option("--min-effect <share>", "smallest change marked significant, as a share of the base value (default 0.01)", effect),
  ).action(async (baseFile: string, files: string[], o: CommonOptions & { minEffect?: number }) => {
    // The report is the point of this command: --out names the HTML file (report.html by default).
    const html = o.html ?? (o.out && !/\.(json|csv)$/.test(o.out) ? o.out : "report.html");
    const out = o.out && o.out !== html ? o.out : undefined;
    const opts = { ...o, html, out, quiet: o.quiet };
    if (files.length > 0) return compareCommand(baseFile, files, opts, signal, false);
    const model = loadModel(baseFile, { set: o.set });
    checkOutputs(opts, model.files ?? [baseFile]);
    warn(o, sizeWarnings(model, o.replications ?? model.replications));
    const { outcome, tables } = await simulateWithTables([model], opts, model.files ?? [baseFile], signal);
    const doc = runDocument(outcome);
    await output(opts, model.files ?? [baseFile], { json: () => `${JSON.stringify(doc, null, 2)}\n`, csv: () => csvOf(doc), text: () => `${runTable(doc)}\n`, html: () => htmlOf(doc, [model]) });
    await writeTables(opts, tables, () => csvOf(doc), [{ name: doc.model, run: doc }]);
    if (o.json) process.stdout.write(`${JSON.stringify(doc, null, 2)}\n`);
  });

  program
    .command("validate")
    .argument("<model>", "a model or scenario file")
    .option("--set <field=value>", "change a field before checking (repeatable)", collect, [])
    .option("--json", "print the offered load of each stage as JSON")
    .description("check a model without running it; warn where a stage's offered load reaches its capacity")
    .action((file: string, o: { set: string[]; json?: boolean }) => {
      const model = loadModel(file, { set: o.set });
      const loads = offeredLoads(model);
      const warnings = stabilityWarnings(model);
      if (o.json) {
        process.stdout.write(`${JSON.stringify({ model: model.name, valid: true, loads, warnings }, null, 2)}\n`);
        return;
      }
      const count = (n: number, what: string) => `${n} ${what}${n === 1 ? "" : "s"}`;
      process.stdout.write(`${safeText(file)}: valid (${count(Object.keys(model.stages).length, "stage")}, ${count(Object.keys(model.streams).length, "stream")})\n`);
      for (const l of loads) {
        const load = l.servers === Infinity ? "unlimited" : `offered load ${l.load.toFixed(2)}`;
        process.stdout.write(`  ${safeText(l.stage)}: ${l.visitRate.toFixed(3)} visits per ${model.timeUnit}, ${load}\n`);
        for (const p of l.parts ?? []) {
          const who = p.stream === null ? "shared" : `dedicated to ${safeText(p.stream)}`;
          process.stdout.write(`    ${who} (${p.servers} server${p.servers === 1 ? "" : "s"}): offered load ${p.load.toFixed(2)}\n`);
        }
      }
      for (const line of calendarLines(model)) process.stdout.write(`${line}\n`);
      for (const w of warnings) process.stderr.write(`warning: ${safeText(w)}\n`);
    });

  program
    .command("forecast")
    .argument("<base>", "a model or scenario file")
    .argument("[scenarios...]", "future states, forecast paired with the base")
    .description("when will a backlog, or today's work in progress, be done: dates at 50/85/95% and the chance of meeting a date")
    .option("--backlog <n>", "items not started yet, at the start of --stream's route at time 0", whole("--backlog", 1))
    .option("--stream <id>", "the stream of the backlog")
    .option("--wip <file.csv>", "today's work in progress: item, stream, stage, entered (state, arrived)")
    .option("--start <date-time>", "time 0, ISO 8601 with offset (default: the model's start, else now, in UTC)")
    .option("--by <date>", "the probability of being done by the end of this date (2027-03-31) or date-time")
    .option("--set <field=value>", "change a field, e.g. stages.security.servers=3 (repeatable)", collect, [])
    .option("-r, --replications <n>", `replications (default ${FORECAST_REPLICATIONS})`, whole("--replications", 1))
    .option("-s, --seed <n>", "root seed (default: the base model's)", whole("--seed", 0))
    .option("--max-wip <n>", "stop a replication when this many items are in flight: the system is unstable", whole("--max-wip", 1))
    .option("--json", "print the forecast as JSON")
    .action(async (baseFile: string, files: string[], o: { backlog?: number; stream?: string; wip?: string; start?: string; by?: string; set: string[]; replications?: number; seed?: number; maxWip?: number; json?: boolean }) => {
      if ((o.backlog === undefined) !== (o.stream === undefined)) throw new ModelError([{ file: o.backlog === undefined ? "--stream" : "--backlog", path: "", message: "goes with --backlog <n> --stream <id>: give both" }]);
      const { models: loaded } = loadModels([baseFile, ...files], { set: o.set });
      const start = startOf(loaded[0], o.start);
      const models = await Promise.all(loaded.map((m) => withWip({ ...m, start }, o.wip, start)));
      const doc = forecastDocument(models, {
        backlog: o.backlog === undefined ? undefined : { stream: o.stream!, count: o.backlog },
        start,
        by: o.by,
        replications: o.replications ?? FORECAST_REPLICATIONS,
        seed: o.seed ?? loaded[0].seed,
        maxWip: o.maxWip,
      });
      process.stdout.write(o.json ? `${JSON.stringify(doc, null, 2)}\n` : forecastTable(doc));
    });

  program
    .command("schema")
    .description("print the JSON Schema of the model format")
    .action(() => {
      process.stdout.write(`${JSON.stringify(modelJsonSchema(), null, 2)}\n`);
    });

  registerFitCommands(program, signal);
  registerExperimentCommands(program, signal);
  registerWorkerCommand(program, signal, defaultWorkers);
  return program;
}

async function main(argv: string[]): Promise<number> {
  const controller = new AbortController();
  let interrupts = 0;
  process.on("SIGINT", () => {
    // First Ctrl-C: stop the workers and leave without results; a second one leaves at once.
    if (++interrupts > 1) process.exit(INTERRUPTED);
    controller.abort();
  });
  try {
    await buildProgram(controller.signal).parseAsync(argv);
    return 0;
  } catch (e) {
    if (controller.signal.aborted) {
      process.stderr.write("interrupted: stopped the run; no results were written\n");
      return INTERRUPTED;
    }
    if (e instanceof ModelError) {
      for (const p of e.problems) process.stderr.write(`${formatProblem(p)}\n`);
      return BAD_INPUT;
    }
    if (e instanceof OutputError || e instanceof QueueAddressError) {
      process.stderr.write(`${safeText(e.message)}\n`);
      return BAD_INPUT;
    }
    if (e instanceof CommanderError) {
      // Commander has printed its message; help and version are not errors.
      return e.exitCode === 0 ? 0 : BAD_INPUT;
    }
    process.stderr.write(`vsm: ${safeText(String((e as Error)?.message ?? e))}\n`);
    return FAILURE;
  } finally {
    await closeQueues();
  }
}

main(process.argv).then((code) => {
  process.exitCode = code;
});
