#!/usr/bin/env node
import { readFileSync } from "node:fs";
import { Command, CommanderError, InvalidArgumentError } from "commander";
import { loadModel, loadModels, ModelError, modelJsonSchema, simulateModels, stabilityWarnings, offeredLoads, formatProblem } from "../index.js";
import type { Model, RunOptions } from "../index.js";
import { runDocument } from "../report/document.js";
import { byStreamTable, runTable } from "../report/table.js";
import { calendarLines } from "../report/calendar.js";
import { compareDocument, compareTable } from "../report/compare.js";
import { safeText } from "../report/format.js";
import { compareCsv, runCsv } from "../report/csv.js";
import { OutputError, checkOutput, writeReport } from "../report/write.js";
import { htmlReport } from "../report/html/report.js";
import { sizeWarnings } from "../model/analysis.js";
import { progressBar } from "./progress.js";
import { setLines } from "./sets.js";
import { registerFitCommands } from "./fit.js";
import { registerExperimentCommands } from "./experiments.js";

/** Exit statuses: 2 for bad input (a model, a scenario or an option), 1 for anything else. */
const BAD_INPUT = 2;
const FAILURE = 1;
const INTERRUPTED = 130;

const whole = (name: string, min: number) => (v: string) => {
  const n = Number(v);
  if (!Number.isSafeInteger(n) || n < min) throw new InvalidArgumentError(`${name} must be a whole number >= ${min} (got ${JSON.stringify(v)})`);
  return n;
};
const share = (name: string) => (v: string) => {
  const n = Number(v);
  if (!(n > 0 && n < 1)) throw new InvalidArgumentError(`${name} must be a number between 0 and 1, e.g. 0.02 for 2% (got ${JSON.stringify(v)})`);
  return n;
};
const effect = (v: string) => {
  const n = Number(v);
  if (!(n >= 0 && n < 1) || v.trim() === "") throw new InvalidArgumentError(`--min-effect must be a number from 0 up to 1, e.g. 0.05 for 5% (got ${JSON.stringify(v)})`);
  return n;
};
const collect = (v: string, acc: string[]) => [...acc, v];

interface CommonOptions {
  set: string[];
  replications?: number;
  seed?: number;
  workers?: number;
  precision?: number;
  maxReplications?: number;
  maxWip?: number;
  json?: boolean;
  out?: string;
  html?: string;
  quiet?: boolean;
}

function withRunOptions(cmd: Command): Command {
  return cmd
    .option("--set <field=value>", "change a field, e.g. stages.security.servers=3 (repeatable)", collect, [])
    .option("-r, --replications <n>", "replications (default: the model's)", whole("--replications", 1))
    .option("-s, --seed <n>", "root seed (default: the model's)", whole("--seed", 0))
    .option("-w, --workers <n>", "worker threads (default: available parallelism)", whole("--workers", 1))
    .option("--precision <share>", "add replications until every stream's mean lead time is within this share at 95%", share("--precision"))
    .option("--max-replications <n>", "upper bound for --precision (default 1000)", whole("--max-replications", 1))
    .option("--max-wip <n>", "stop a replication when this many items are in flight: the system is unstable", whole("--max-wip", 1))
    .option("--json", "print the results as JSON on stdout")
    .option("-o, --out <file>", "also write the results to a file: .json, .csv, .html, or text for any other extension")
    .option("--html <file>", "also write a self-contained HTML report: maps, charts and tables")
    .option("-q, --quiet", "nothing on stderr but errors");
}

function runOptions(o: CommonOptions, signal: AbortSignal): RunOptions {
  const show = !o.quiet && process.stderr.isTTY === true;
  return {
    replications: o.replications,
    seed: o.seed,
    workers: o.workers,
    precision: o.precision,
    maxReplications: o.maxReplications,
    maxWip: o.maxWip,
    signal,
    onProgress: show ? progressBar(process.stderr) : undefined,
  };
}

function warn(o: CommonOptions, lines: string[]): void {
  if (!o.quiet) for (const l of lines) process.stderr.write(`warning: ${safeText(l)}\n`);
}

/** Writes --out in the format its extension names, whole or not at all. */
async function output(o: CommonOptions, inputs: string[], render: { json: () => string; csv: () => Promise<string>; text: () => string; html: () => string }) {
  if (o.out) {
    const out = o.out;
    const content = out.endsWith(".json") ? render.json() : out.endsWith(".csv") ? await render.csv() : /\.html?$/.test(out) ? render.html() : render.text();
    writeReport(out, content, inputs);
    if (!o.quiet) process.stderr.write(`wrote ${safeText(out)}\n`);
  }
  if (o.html) {
    writeReport(o.html, render.html(), inputs);
    if (!o.quiet) process.stderr.write(`wrote ${safeText(o.html)}\n`);
  }
}

/** Both outputs checked before a run, so a bad path never costs the run. */
function checkOutputs(o: CommonOptions, inputs: string[]): void {
  if (o.out) checkOutput(o.out, inputs);
  if (o.html) checkOutput(o.html, inputs);
}

/** The installed package's version, read beside this module (src/cli or dist/cli) at run time. */
function packageVersion(): string {
  try {
    return String(JSON.parse(readFileSync(new URL("../../package.json", import.meta.url), "utf8")).version);
  } catch {
    return "unknown (package.json not found)";
  }
}

async function compareCommand(baseFile: string, files: string[], o: CommonOptions & { minEffect?: number }, signal: AbortSignal, print = true): Promise<void> {
  const { models, sets } = loadModels([baseFile, ...files], { set: o.set });
  if (!o.quiet) for (const l of setLines(sets, models.map((m) => m.source))) process.stderr.write(`${l}\n`);
  const inputs = models.flatMap((m) => m.files ?? []);
  checkOutputs(o, inputs);
  for (const m of models) warn(o, sizeWarnings(m, o.replications ?? models[0].replications));
  const outcome = await simulateModels(models, runOptions(o, signal));
  const doc = compareDocument(outcome, { minEffect: o.minEffect });
  const text = () => `${compareTable(doc)}\n`;
  const json = () => `${JSON.stringify(doc, null, 2)}\n`;
  await output(o, inputs, { json, csv: () => compareCsv(doc), text, html: () => htmlReport(doc, models) });
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
    .action(async (file: string, o: CommonOptions & { byStream?: boolean }) => {
      const model = loadModel(file, { set: o.set });
      checkOutputs(o, model.files ?? [file]);
      warn(o, sizeWarnings(model, o.replications ?? model.replications));
      const outcome = await simulateModels([model], runOptions(o, signal));
      const doc = runDocument(outcome);
      const text = () => `${runTable(doc)}\n${o.byStream ? `\n${byStreamTable(doc)}` : ""}`;
      const json = () => `${JSON.stringify(doc, null, 2)}\n`;
      await output(o, model.files ?? [file], { json, csv: () => runCsv(doc), text, html: () => htmlReport(doc, [model]) });
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
    const outcome = await simulateModels([model], runOptions(o, signal));
    const doc = runDocument(outcome);
    await output(opts, model.files ?? [baseFile], { json: () => `${JSON.stringify(doc, null, 2)}\n`, csv: () => runCsv(doc), text: () => `${runTable(doc)}\n`, html: () => htmlReport(doc, [model]) });
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
      }
      for (const line of calendarLines(model)) process.stdout.write(`${line}\n`);
      for (const w of warnings) process.stderr.write(`warning: ${safeText(w)}\n`);
    });

  program
    .command("schema")
    .description("print the JSON Schema of the model format")
    .action(() => {
      process.stdout.write(`${JSON.stringify(modelJsonSchema(), null, 2)}\n`);
    });

  registerFitCommands(program, signal);
  registerExperimentCommands(program, signal);
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
    if (e instanceof OutputError) {
      process.stderr.write(`${safeText(e.message)}\n`);
      return BAD_INPUT;
    }
    if (e instanceof CommanderError) {
      // Commander has printed its message; help and version are not errors.
      return e.exitCode === 0 ? 0 : BAD_INPUT;
    }
    process.stderr.write(`vsm: ${safeText(String((e as Error)?.message ?? e))}\n`);
    return FAILURE;
  }
}

main(process.argv).then((code) => {
  process.exitCode = code;
});
