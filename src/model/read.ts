import { type Stats, closeSync, constants, fstatSync, openSync, readSync } from "node:fs";
import YAML from "yaml";
import { ModelError } from "./errors.js";
import { checkReservedKeys } from "./patch.js";

/** Model files are written by hand; anything this large is a mistake or an attack. */
export const MAX_FILE_BYTES = 1024 * 1024;
/** Aliases a document may expand; a model needs few, an alias bomb needs thousands. */
const MAX_ALIASES = 100;
/** Nesting deeper than any model needs (a route with parallel branches is ~8 deep). */
export const MAX_DEPTH = 64;

/**
 * Reads a model or scenario file (YAML, or JSON, which is YAML) into plain data, refusing
 * hostile input quickly: oversized files, alias bombs, runaway nesting, duplicate keys.
 */
export function readDocument(file: string): unknown {
  return parseText(readText(file), file);
}

/**
 * The file's text, at most MAX_FILE_BYTES of it. Only a regular file is read: a named pipe would
 * block forever and a device (/dev/zero) never ends, and neither has a size to check first. So the
 * file is opened without blocking (a pipe with no writer opens at once) and checked by its handle.
 */
function readText(file: string): string {
  let fd: number;
  try {
    fd = openSync(file, constants.O_RDONLY | (constants.O_NONBLOCK ?? 0));
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code === "EISDIR") fail(file, "is a directory, not a model file");
    fail(file, code === "ENOENT" ? "does not exist" : `cannot be read (${code ?? (e as Error).message})`);
  }
  try {
    const st = fstatSync(fd);
    if (!st.isFile()) fail(file, `is ${kindOf(st)}, not a model file`);
    if (st.size > MAX_FILE_BYTES) fail(file, tooLarge(st.size));
    // One byte more than allowed tells a file that grew since fstat from one that did not.
    const buffer = Buffer.alloc(MAX_FILE_BYTES + 1);
    let length = 0;
    for (let n = 1; n > 0 && length < buffer.length; length += n) n = readSync(fd, buffer, length, buffer.length - length, null);
    if (length > MAX_FILE_BYTES) fail(file, tooLarge(length));
    return buffer.toString("utf8", 0, length);
  } catch (e) {
    if (e instanceof ModelError) throw e;
    const code = (e as NodeJS.ErrnoException).code;
    fail(file, `cannot be read (${code ?? (e as Error).message})`);
  } finally {
    closeSync(fd);
  }
}

const tooLarge = (bytes: number) => `is ${(bytes / 1048576).toFixed(1)} MiB; a model file may be at most ${MAX_FILE_BYTES / 1048576} MiB`;

function kindOf(st: Stats): string {
  if (st.isDirectory()) return "a directory";
  if (st.isFIFO()) return "a named pipe";
  if (st.isCharacterDevice() || st.isBlockDevice()) return "a device";
  if (st.isSocket()) return "a socket";
  return "not a regular file";
}

export function parseText(text: string, file: string): unknown {
  const doc = YAML.parseDocument(text, { uniqueKeys: true, prettyErrors: true, strict: true });
  if (doc.errors.length) {
    const lines = text.split(/\r?\n/);
    throw new ModelError(
      doc.errors.map((e) => {
        const pos = e.linePos?.[0];
        const where = pos ? `line ${pos.line}, column ${pos.col}: ` : "";
        let what = e.message.split("\n")[0].replace(/ at line \d+, column \d+:?$/, "");
        if (/call stack/i.test(what)) what = `nested too deeply to read (no model needs more than ${MAX_DEPTH} levels)`;
        if (e.code === "DUPLICATE_KEY" && pos) {
          const key = /^\s*["']?([^"':]+)/.exec(lines[pos.line - 1]?.slice(pos.col - 1) ?? "")?.[1]?.trim();
          what = `duplicate key${key ? ` "${key}"` : ""}: each key may appear once in a mapping`;
        }
        return { file, path: "", message: `${where}YAML syntax error: ${what}` };
      }),
    );
  }
  let data: unknown;
  try {
    data = doc.toJS({ maxAliasCount: MAX_ALIASES });
  } catch (e) {
    if (e instanceof ReferenceError && /alias/i.test(e.message)) {
      fail(file, `expands too many YAML aliases (more than ${MAX_ALIASES}): refused as a possible alias bomb`);
    }
    if (e instanceof RangeError) fail(file, `is nested too deeply to read`);
    throw e;
  }
  if (depth(data) > MAX_DEPTH) fail(file, `is nested more than ${MAX_DEPTH} levels deep; no model needs that`);
  checkReservedKeys(data, file);
  return data;
}

function fail(file: string, message: string): never {
  throw new ModelError([{ file, path: "", message }]);
}

/** Depth of nested objects and arrays, without recursion (so it cannot overflow the stack). */
function depth(root: unknown): number {
  let max = 0;
  const stack: [unknown, number][] = [[root, 1]];
  while (stack.length) {
    const [v, d] = stack.pop()!;
    if (v === null || typeof v !== "object") continue;
    if (d > max) max = d;
    if (max > MAX_DEPTH) return max;
    for (const child of Object.values(v)) stack.push([child, d + 1]);
  }
  return max;
}
