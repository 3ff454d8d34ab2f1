import type { Command } from "commander";
import { parseText } from "../model/read.js";
import { loadModel } from "../model/load.js";
import { validateModel } from "../model/validate.js";
import { safeText } from "../report/format.js";
import { checkOutput, writeReport } from "../report/write.js";
import { whole } from "./parse.js";

/** The fitting modules and what they use (the CSV reader, the distributions' CDFs: some 60 modules,
 * ~0.1 s), loaded by the two commands that need them rather than by every command. */
const fitting = async () => {
  const [backtest, estimate, log, map, report, write, text, html] = await Promise.all([
    import("../fit/backtest.js"),
    import("../fit/estimate.js"),
    import("../fit/log.js"),
    import("../fit/map.js"),
    import("../fit/report.js"),
    import("../fit/write.js"),
    import("../report/backtest/text.js"),
    import("../report/backtest/html.js"),
  ]);
  return { ...backtest, ...estimate, ...log, ...map, ...report, ...write, ...text, ...html };
};


/** `vsm fit` and `vsm backtest`: calibration from an issue tracker's status-transition export. */
export function registerFitCommands(program: Command, signal: AbortSignal): void {
  program
    .command("fit")
    .argument("<log>", "a CSV of status transitions (one row per item per status entered)")
    .requiredOption("--map <file>", "the map file: which statuses are work, waits and done at which stage")
    .option("-o, --out <file>", "write the fitted model here (default: print it)")
    .option("--json", "print the fitted parameters with their evidence as JSON")
    .option("-q, --quiet", "nothing on stderr but errors")
    .description("fit a current-state model from an issue-tracker export")
    .action(async (file: string, o: { map: string; out?: string; json?: boolean; quiet?: boolean }) => {
      const { readStatusMap, tallyTrackerLog, warningLines, fitTally, modelText } = await fitting();
      const map = readStatusMap(o.map);
      if (o.out) checkOutput(o.out, [file, o.map]);
      // One pass, holding only the items in flight; warnings once the log is read.
      const { tally, log } = await tallyTrackerLog(file, map);
      if (!o.quiet) for (const l of warningLines(file, log.warnings)) process.stderr.write(`warning: ${l}\n`);
      const fit = fitTally(tally, log);
      const text = modelText(fit);
      // The output must be a model vsm reads: a failure here is a bug, not bad input.
      try {
        validateModel(parseText(text, "fitted model"), "fitted model");
      } catch (e) {
        throw new Error(`the fitted model does not validate (a bug in vsm fit): ${(e as Error).message}`);
      }
      if (o.out) {
        writeReport(o.out, text, [file, o.map]);
        if (!o.quiet) process.stderr.write(`wrote ${safeText(o.out)}\n`);
      }
      if (o.json) process.stdout.write(`${JSON.stringify(fit, null, 2)}\n`);
      else if (!o.out) process.stdout.write(text);
    });

  program
    .command("backtest")
    .argument("<model>", "a model or scenario file")
    .argument("<log>", "the tracker export to compare it with")
    .requiredOption("--map <file>", "the map file for the log")
    .option("-r, --replications <n>", "replications (default: the model's)", whole("--replications", 1))
    .option("-s, --seed <n>", "root seed (default: the model's)", whole("--seed", 0))
    .option("-w, --workers <n>", "worker threads (default: available parallelism)", whole("--workers", 1))
    .option("--json", "print the comparison as JSON")
    .option("--html <file>", "also write the comparison as a self-contained HTML page: the log's and the model's lead-time distributions overlaid")
    .option("-q, --quiet", "nothing on stderr but errors")
    .description("simulate a model over a tracker export's window and compare with what happened")
    .action(async (modelFile: string, file: string, o: { map: string; replications?: number; seed?: number; workers?: number; json?: boolean; html?: string; quiet?: boolean }) => {
      const { readStatusMap, readTrackerLog, warningLines, backtest, backtestHtml, backtestText } = await fitting();
      const model = loadModel(modelFile);
      const inputs = [...(model.files ?? [modelFile]), file, o.map];
      if (o.html) checkOutput(o.html, inputs);
      const map = readStatusMap(o.map);
      const log = await readTrackerLog(file, map);
      if (!o.quiet) for (const l of warningLines(file, log.warnings)) process.stderr.write(`warning: ${l}\n`);
      const doc = await backtest(model, log, { replications: o.replications, seed: o.seed, workers: o.workers, signal });
      if (o.html) {
        writeReport(o.html, backtestHtml(doc), inputs);
        if (!o.quiet) process.stderr.write(`wrote ${safeText(o.html)}\n`);
      }
      process.stdout.write(o.json ? `${JSON.stringify(doc, null, 2)}\n` : backtestText(doc));
    });
}
