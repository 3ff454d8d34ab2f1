import { existsSync, mkdirSync, statSync } from "node:fs";
import { join } from "node:path";
import { inTimeUnit } from "../model/convert.js";
import type { Model } from "../model/types.js";
import { type ReplicationResult, STAGE_FIGURES, STREAM_FIGURES } from "../flow/results.js";
import { replicationTotal } from "../runner/money.js";
import type { RunDocument } from "./document.js";
import { csvField } from "./format.js";
import { OutputError, PendingFile, checkOutput } from "./write.js";

/**
 * `--csv DIR` on `vsm run` and `vsm compare`: tidy tables an analyst loads as they are, one
 * observation a row, one header row, units in the column names, ids as in the model.
 *
 * - replications.csv: one row per model and replication (its flow cost a year where the model has
 *   economics, whether the work-in-progress cap stopped it: such a replication is left out of
 *   every figure, as in the run's own output);
 * - replication-streams.csv, replication-stages.csv: each replication's own figures, per stream
 *   and per stage (the spread between replications, which the summary only shows as intervals);
 * - summary.csv: the run's figures with their intervals (the table `--out x.csv` writes);
 * - distribution.csv: each stream's lead-time percentiles 0..100 over all replications' items.
 *
 * The per-replication tables are written as replications finish, so a run of many replications
 * holds one replication's rows at a time; every table goes to a temporary name first and all are
 * renamed into place when the run is done, so the folder never holds half a run's tables.
 */
export const RUN_TABLES = ["replications.csv", "replication-streams.csv", "replication-stages.csv", "summary.csv", "distribution.csv"] as const;

function cell(v: string | number | boolean | null): string {
  if (v === null) return "";
  if (typeof v === "number") return Number.isFinite(v) ? String(v) : "";
  if (typeof v === "boolean") return v ? "true" : "false";
  return csvField(v);
}

/** One table: a header row, then rows as they come. */
class TableFile extends PendingFile {
  constructor(path: string, header: string[] | null) {
    super(path);
    if (header) this.row(header);
  }

  row(cells: (string | number | boolean | null)[]): void {
    this.write(`${cells.map(cell).join(",")}\n`);
  }
}

/** Checked before a run: an existing folder (none of the tables an input file) or one that can be made. */
export function checkTableFolder(dir: string, names: readonly string[], inputs: readonly string[]): void {
  if (existsSync(dir)) {
    if (!statSync(dir).isDirectory()) throw new OutputError(`${dir}: --csv names a file, not a folder; give a folder for the tables`);
    for (const n of names) checkOutput(join(dir, n), inputs);
  } else checkOutput(dir, inputs);
}

/**
 * The tables of one run or comparison. Pass `onReplication` to the run (RunOptions), then call
 * `finish` with the run's documents (base first), or `abort` if the run did not finish.
 */
export class RunTables {
  private readonly models: Model[];
  private readonly names: string[];
  private readonly files: TableFile[] = [];
  private readonly replications: TableFile;
  private readonly streams: TableFile;
  private readonly stages: TableFile;
  private readonly dir: string;
  private readonly inputs: readonly string[];
  private done = 0;

  /** `models` as given to the run (base first); figures are in the base's time unit, as the run's. */
  constructor(dir: string, models: Model[], inputs: readonly string[]) {
    checkTableFolder(dir, RUN_TABLES, inputs);
    mkdirSync(dir, { recursive: true });
    this.dir = dir;
    this.inputs = inputs;
    const unit = models[0].timeUnit;
    this.models = models.map((m) => inTimeUnit(m, unit));
    // A comparison's rows name each model by its name, as the summary does.
    this.names = models.map((m) => m.name);
    const u = `${unit}s`;
    const currency = models[0].economics?.currency.replace(/[^A-Za-z0-9]+/g, "_") || "money";
    try {
      this.replications = this.open("replications.csv", ["model", "replication", "included", "inFlightAtEnd_items", `flowCost_${currency}_per_year`]);
      this.streams = this.open("replication-streams.csv", [
        "model",
        "replication",
        "stream",
        `throughput_per_${unit}`,
        "completed_items",
        "wip_items",
        "flowEfficiency_share",
        `leadTimeMean_${u}`,
        `leadTimeP50_${u}`,
        `leadTimeP85_${u}`,
        `leadTimeP95_${u}`,
      ]);
      this.stages = this.open("replication-stages.csv", ["model", "replication", "stage", "utilization_share", `wait_${u}`, "queueLength_items", "visits"]);
    } catch (e) {
      this.abort();
      throw e;
    }
  }

  /** One replication's results, one per model, in replication order (RunOptions.onReplication). */
  readonly onReplication = (results: readonly ReplicationResult[]): void => {
    const k = ++this.done;
    const nS = STREAM_FIGURES.length;
    const nG = STAGE_FIGURES.length;
    const sf = (f: (typeof STREAM_FIGURES)[number]) => STREAM_FIGURES.indexOf(f);
    const gf = (f: (typeof STAGE_FIGURES)[number]) => STAGE_FIGURES.indexOf(f);
    results.forEach((r, i) => {
      const m = this.models[i];
      const name = this.names[i];
      this.replications.row([name, k, r.unstable === null, r.inFlight, m.economics ? replicationTotal(m, r) : null]);
      Object.keys(m.streams).forEach((id, s) => {
        const at = (f: (typeof STREAM_FIGURES)[number]) => r.streams[s * nS + sf(f)];
        this.streams.row([name, k, id, at("throughput"), at("completed"), at("wip"), at("flowEfficiency"), at("leadTimeMean"), at("leadTimeP50"), at("leadTimeP85"), at("leadTimeP95")]);
      });
      Object.keys(m.stages).forEach((id, g) => {
        const at = (f: (typeof STAGE_FIGURES)[number]) => r.stages[g * nG + gf(f)];
        this.stages.row([name, k, id, at("utilization"), at("wait"), at("queueLength"), at("visits")]);
      });
    });
  };

  /** The summary (as `--out x.csv` writes it) and the distributions, then every table into place. */
  finish(summary: string, runs: { name: string; run: RunDocument }[]): string[] {
    try {
      this.open("summary.csv", null).write(summary);
      const u = `${this.models[0].timeUnit}s`;
      const d = this.open("distribution.csv", ["model", "stream", "percentile", `leadTime_${u}`, "items_per_replication"]);
      for (const { name, run } of runs) {
        for (const [id, st] of Object.entries(run.streams)) {
          (st.leadTime.distribution ?? []).forEach((v, p) => d.row([name, id, p, v, st.completed.mean]));
        }
      }
      for (const f of this.files) f.commit();
      return this.files.map((f) => f.target);
    } catch (e) {
      this.abort();
      if (e instanceof OutputError) throw e;
      throw new OutputError(`${this.dir}: cannot write the tables (${(e as NodeJS.ErrnoException).code ?? (e as Error).message})`);
    }
  }

  abort(): void {
    for (const f of this.files) f.abort();
  }

  private open(name: string, header: string[] | null): TableFile {
    checkOutput(join(this.dir, name), this.inputs);
    const f = new TableFile(join(this.dir, name), header);
    this.files.push(f);
    return f;
  }
}
