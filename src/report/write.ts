import { type Stats, closeSync, openSync, renameSync, statSync, unlinkSync, writeSync } from "node:fs";
import { dirname, resolve } from "node:path";

/**
 * Writes a report so it is either whole or absent: to a temporary name beside it, then renamed
 * over (atomic on one file system). Refuses to write over any of the run's input files.
 */
export function writeReport(path: string, content: string, inputs: readonly string[]): void {
  checkOutput(path, inputs);
  const out = new PendingFile(path);
  try {
    out.write(content);
  } catch (e) {
    out.abort();
    throw e;
  }
  out.commit();
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

/** Text is handed to a PendingFile's file in chunks of about this many characters. */
const CHUNK = 1 << 16;

/**
 * A file written as it is made, for output too long to hold (a trace, per-replication tables): to
 * a temporary name beside its place, renamed there by commit(), removed by abort(), so the place
 * holds the whole file or nothing. What waits to be written is at most about CHUNK characters.
 */
export class PendingFile {
  readonly target: string;
  private readonly tmp: string;
  private fd: number | null;
  private buffer = "";
  /** The most characters that waited to be written at once. */
  maxBuffered = 0;

  constructor(readonly path: string) {
    this.target = resolve(path);
    this.tmp = `${this.target}.${process.pid}.tmp`;
    try {
      this.fd = openSync(this.tmp, "wx");
    } catch (e) {
      throw cannotWrite(path, e);
    }
  }

  write(text: string): void {
    this.buffer += text;
    if (this.buffer.length > this.maxBuffered) this.maxBuffered = this.buffer.length;
    if (this.buffer.length >= CHUNK) this.flush();
  }

  /** Everything into place, renamed over whatever was there. */
  commit(): void {
    try {
      this.flush();
      if (this.fd !== null) closeSync(this.fd);
      this.fd = null;
      renameSync(this.tmp, this.target);
    } catch (e) {
      this.abort();
      throw cannotWrite(this.path, e);
    }
  }

  abort(): void {
    try {
      if (this.fd !== null) closeSync(this.fd);
      this.fd = null;
      unlinkSync(this.tmp);
    } catch {
      // nothing left to remove
    }
  }

  private flush(): void {
    try {
      if (this.buffer && this.fd !== null) writeSync(this.fd, this.buffer);
    } catch (e) {
      throw cannotWrite(this.path, e); // a full disk: the user's to fix, as a bad path is
    }
    this.buffer = "";
  }
}

function cannotWrite(path: string, e: unknown): OutputError {
  return e instanceof OutputError ? e : new OutputError(`${path}: cannot write (${(e as NodeJS.ErrnoException).code ?? (e as Error).message})`);
}
