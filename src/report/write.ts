import { type Stats, renameSync, statSync, unlinkSync, writeFileSync } from "node:fs";
import { dirname, resolve } from "node:path";

/**
 * Writes a report so it is either whole or absent: to a temporary name beside it, then renamed
 * over (atomic on one file system). Refuses to write over any of the run's input files.
 */
export function writeReport(path: string, content: string, inputs: readonly string[]): void {
  checkOutput(path, inputs);
  const target = resolve(path);
  const tmp = `${target}.${process.pid}.tmp`;
  try {
    writeFileSync(tmp, content, { flag: "wx" });
    renameSync(tmp, target);
  } catch (e) {
    try {
      unlinkSync(tmp);
    } catch {
      // nothing was written
    }
    if (e instanceof OutputError) throw e;
    throw new OutputError(`${path}: cannot write (${(e as NodeJS.ErrnoException).code ?? (e as Error).message})`);
  }
}

/** Checked before a run too, so a bad --out never costs the run. */
export function checkOutput(path: string, inputs: readonly string[]): void {
  const target = resolve(path);
  if (inputs.some((f) => resolve(f) === target)) {
    throw new OutputError(`${path}: refusing to overwrite an input file of this run; choose another --out`);
  }
  let dir: Stats | null = null;
  try {
    dir = statSync(dirname(target));
  } catch {
    // reported below
  }
  if (!dir?.isDirectory()) throw new OutputError(`${path}: cannot write (ENOENT): its folder ${dirname(path)} does not exist`);
}

/** A bad --out: the user's to fix, like bad input. */
export class OutputError extends Error {
  override name = "OutputError";
}
