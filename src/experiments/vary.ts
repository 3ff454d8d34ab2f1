import YAML from "yaml";
import { ModelError, type Problem } from "../model/errors.js";
import { loadModel } from "../model/load.js";
import type { Model } from "../model/types.js";

/** One `--vary PATH=VALUES`: the field and the values it takes, each as `--set` text. */
export interface Variation {
  path: string;
  values: string[];
}

/** The most points a sweep runs: each is a whole model in every replication. */
export const MAX_POINTS = 1000;

/**
 * Splits the values of a `--vary` at top-level commas: `{"a":1,"b":2},null` is two values, so an
 * object or list can be one value. `a..b` (integers) is every integer from a to b.
 */
export function parseVary(text: string): Variation {
  const eq = text.indexOf("=");
  const path = eq > 0 ? text.slice(0, eq).trim() : "";
  if (eq <= 0 || path.split(".").some((k) => k === "")) {
    throw new ModelError([{ file: "--vary", path: "", message: `"${text}" must be FIELD.PATH=VALUES, e.g. stages.security.servers=2..5 or stages.security.policy=fifo,priority` }]);
  }
  const body = text.slice(eq + 1).trim();
  const range = /^(-?\d+)\s*\.\.\s*(-?\d+)$/.exec(body);
  if (range) {
    const [a, b] = [Number(range[1]), Number(range[2])];
    if (b < a) throw new ModelError([{ file: "--vary", path, message: `has the range ${body}, which is empty: write the smaller end first` }]);
    if (b - a + 1 > MAX_POINTS) throw new ModelError([{ file: "--vary", path, message: `has the range ${body}: more than ${MAX_POINTS} values` }]);
    return { path, values: Array.from({ length: b - a + 1 }, (_, i) => String(a + i)) };
  }
  const values: string[] = [];
  let depth = 0;
  let quote: string | null = null;
  let from = 0;
  for (let i = 0; i < body.length; i++) {
    const c = body[i];
    if (quote) {
      if (c === "\\" && quote === '"') i++;
      else if (c === quote) quote = null;
    } else if (c === '"' || c === "'") quote = c;
    else if (c === "{" || c === "[") depth++;
    else if (c === "}" || c === "]") depth--;
    else if (c === "," && depth === 0) {
      values.push(body.slice(from, i).trim());
      from = i + 1;
    }
  }
  values.push(body.slice(from).trim());
  const problems: Problem[] = [];
  for (const v of values) {
    if (v === "") problems.push({ file: "--vary", path, message: `has an empty value in "${body}"` });
    else {
      try {
        YAML.parse(v, { maxAliasCount: 0 });
      } catch (e) {
        problems.push({ file: "--vary", path, message: `has a value that is not valid YAML or JSON (${JSON.stringify(v)}): ${(e as Error).message.split("\n")[0]}` });
      }
    }
  }
  if (problems.length) throw new ModelError(problems);
  return { path, values };
}

/** Every combination of the variations' values, the first varying slowest: `path=value` lists. */
export function combinations(vary: readonly Variation[]): string[][] {
  let out: string[][] = [[]];
  for (const v of vary) out = out.flatMap((c) => v.values.map((x) => [...c, `${v.path}=${x}`]));
  return out;
}

/**
 * The models of a sweep's points: the base with each combination applied as `--set` is (a merge
 * patch, validated). Every point is checked before anything runs; problems name `--vary` and the
 * field, and say which combination they came from when it takes more than one field.
 */
export function pointModels(file: string, vary: readonly Variation[], set: readonly string[] = []): { changes: string[][]; models: Model[] } {
  const changes = combinations(vary);
  if (changes.length > MAX_POINTS) {
    throw new ModelError([{ file: "--vary", path: "", message: `makes ${changes.length} points; at most ${MAX_POINTS} are run at once: vary fewer fields or values` }]);
  }
  const problems: Problem[] = [];
  const seen = new Set<string>();
  const models = changes.map((c) => {
    try {
      return loadModel(file, { set: [...set, ...c] });
    } catch (e) {
      if (!(e instanceof ModelError)) throw e;
      for (const p of e.problems) {
        const q = p.file === "--set" ? { ...p, file: "--vary", message: vary.length > 1 ? `${p.message} (in the point ${c.join(", ")})` : p.message } : p;
        const key = `${p.file}|${p.path}|${p.message}`;
        if (!seen.has(key)) {
          seen.add(key);
          problems.push(q);
        }
      }
      return null;
    }
  });
  if (problems.length) throw new ModelError(problems);
  return { changes, models: models as Model[] };
}
