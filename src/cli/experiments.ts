import type { Command } from "commander";
import { loadModel } from "../model/load.js";
import { sizeWarnings } from "../model/analysis.js";
import type { RunOptions } from "../runner/run.js";
import { safeText } from "../report/format.js";
import { OutputError, checkOutput, writeReport } from "../report/write.js";
import { checkTableFolder } from "../report/tidy.js";
import { pointModels, parseVary } from "../experiments/vary.js";
import { sweep } from "../experiments/sweep.js";
import type { CsvTable } from "../report/experiments/csv.js";
import { place } from "../experiments/place.js";
import { portfolio } from "../experiments/portfolio.js";
import { placeText, portfolioText, sweepTable } from "../report/experiments/text.js";
import { progressBar } from "./progress.js";
import { mkdirSync } from "node:fs";
import { join } from "node:path";
import { remoteFor } from "./queue.js";
import { whole, collect, QUEUE_HELP, type PrecisionOptions, precisionRunOptions, withPrecisionOptions } from "./parse.js";
import type { TimeUnit } from "../model/units.js";


interface Options extends PrecisionOptions {
  set: string[];
  html?: string;
  csv?: string;
  replications?: number;
  seed?: number;
  workers?: number;
  json?: boolean;
  out?: string;
  quiet?: boolean;
  queue?: string;
}

function common(cmd: Command): Command {
  return cmd
    .option("--set <field=value>", "change a field of the base, e.g. stages.qa.servers=6 (repeatable)", collect, [])
    .option("-r, --replications <n>", "replications (default: the model's)", whole("--replications", 1))
    .option("-s, --seed <n>", "root seed (default: the model's)", whole("--seed", 0))
    .option("-w, --workers <n>", "worker threads (default: available parallelism)", whole("--workers", 1))
    .option("--json", "print the results as JSON on stdout")
    .option("-q, --quiet", "nothing on stderr but errors")
    .option("--queue <url>", QUEUE_HELP);
}

/** The report outputs of sweep and place (portfolio has none yet), and their early-stopping rule. */
function withReports(cmd: Command): Command {
  return withPrecisionOptions(cmd)
    .option("--html <file>", "also write a self-contained HTML report")
    .option("--csv <dir>", "also write tidy CSV tables into this folder (made if missing)");
}

// The CSV writer and the charts' d3 modules are loaded when an output asks for them (as in cli/main.ts).
const csvs = () => import("../report/experiments/csv.js");
const pages = () => import("../report/experiments/html.js");

async function writeOutputs(o: Options, inputs: string[], html: () => Promise<string>, tables: CsvTable[]): Promise<void> {
  if (o.html) {
    writeReport(o.html, await html(), inputs);
    if (!o.quiet) process.stderr.write(`wrote ${safeText(o.html)}\n`);
  }
  if (o.csv) {
    mkdirSync(o.csv, { recursive: true });
    for (const t of tables) writeReport(join(o.csv, t.name), t.text, inputs);
    if (!o.quiet) process.stderr.write(`wrote ${tables.map((t) => safeText(join(o.csv!, t.name))).join(", ")}\n`);
  }
}

function checkOutputs(o: Options, csvNames: string[], inputs: string[]): void {
  if (o.html) checkOutput(o.html, inputs);
  if (o.csv) checkTableFolder(o.csv, csvNames, inputs);
}

function runOptions(o: Options, signal: AbortSignal, timeUnit: TimeUnit): RunOptions {
  const show = !o.quiet && process.stderr.isTTY === true;
  return {
    replications: o.replications,
    seed: o.seed,
    workers: o.workers,
    ...precisionRunOptions(o, timeUnit),
    signal,
    onProgress: show ? progressBar(process.stderr) : undefined,
    remote: remoteFor(o.queue, o.quiet),
  };
}

const json = (doc: unknown) => `${JSON.stringify(doc, null, 2)}\n`;

/** `vsm sweep`, `vsm place` and `vsm portfolio`: experiments over many models of one base. */
export function registerExperimentCommands(program: Command, signal: AbortSignal): void {
  withReports(common(
    program
      .command("sweep")
      .argument("<model>", "a model or scenario file: the base")
      .requiredOption("--vary <field=values>", "a field and its values: servers=2..5, policy=fifo,priority, or JSON/YAML objects; null removes (repeatable: every combination)", collect, [])
      .option("-o, --out <file>", "also write the points to a file: .json, .csv, or text for any other extension")
      .description("run every combination of the varied fields against the base under common random numbers"),
  )).action(async (file: string, o: Options & { vary: string[] }) => {
    const vary = o.vary.map(parseVary);
    const base = loadModel(file, { set: o.set });
    const { changes, models } = pointModels(file, vary, o.set);
    const inputs = base.files ?? [file];
    if (o.out) checkOutput(o.out, inputs);
    checkOutputs(o, ["points.csv", "point-streams.csv"], inputs);
    if (!o.quiet) for (const l of sizeWarnings(base, (o.replications ?? base.replications) * (models.length + 1))) process.stderr.write(`warning: ${safeText(l)}\n`);
    const doc = await sweep(base, models, changes, vary.map((v) => v.path), runOptions(o, signal, base.timeUnit));
    const text = sweepTable(doc);
    if (o.out) {
      const content = o.out.endsWith(".json") ? json(doc) : o.out.endsWith(".csv") ? await (await csvs()).sweepCsv(doc) : text;
      writeReport(o.out, content, inputs);
      if (!o.quiet) process.stderr.write(`wrote ${safeText(o.out)}\n`);
    }
    await writeOutputs(o, inputs, async () => (await pages()).sweepHtml(doc), o.csv ? await (await csvs()).sweepTables(doc) : []);
    process.stdout.write(o.json ? json(doc) : text);
  });

  withReports(common(
    program
      .command("place")
      .argument("<model>", "a model or scenario file with economics")
      .requiredOption("--hires <n>", "servers to add (a person, or a squad where a server is a squad)", whole("--hires", 1))
      .option("--at <stages>", "candidate stages, comma-separated (default: every stage with limited servers)")
      .description("where the next hires do the most good: placements ranked by net value a year (screened at fixed replications; --precision applies to the verified best)"),
  )).action(async (file: string, o: Options & { hires: number; at?: string }) => {
    const base = loadModel(file, { set: o.set });
    const at = o.at?.split(",").map((s) => s.trim()).filter((s) => s !== "");
    const inputs = base.files ?? [file];
    checkOutputs(o, ["placements.csv", "placement-hires.csv"], inputs);
    const doc = await place(base, { ...runOptions(o, signal, base.timeUnit), hires: o.hires, at });
    await writeOutputs(o, inputs, async () => (await pages()).placeHtml(doc), o.csv ? await (await csvs()).placeTables(doc) : []);
    process.stdout.write(o.json ? json(doc) : placeText(doc));
  });

  common(
    program
      .command("portfolio")
      .argument("<model>", "a model or scenario file")
      .description("which value stream to map and improve first: streams ranked by weighted severity, and product families"),
  ).action(async (file: string, o: Options) => {
    const model = loadModel(file, { set: o.set });
    const doc = await portfolio(model, runOptions(o, signal, model.timeUnit));
    process.stdout.write(o.json ? json(doc) : portfolioText(doc));
  });
}
