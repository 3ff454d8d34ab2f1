import YAML from "yaml";
import { ModelError, type Problem } from "./errors.js";

/** Keys that could reach an object's prototype; a patch may never write them. */
const FORBIDDEN = new Set(["__proto__", "constructor", "prototype"]);
const reserved = (k: string) => `is not allowed: "${k}" is reserved and cannot be a model field`;

/**
 * Refuses `__proto__`, `constructor` and `prototype` anywhere in a document: as a key they could
 * reach an object's prototype (and a validator would drop them silently), so they are never names.
 */
export function checkReservedKeys(data: unknown, file: string, at = ""): void {
  const problems: Problem[] = [];
  const stack: [unknown, string][] = [[data, at]];
  while (stack.length) {
    const [v, path] = stack.pop()!;
    if (v === null || typeof v !== "object") continue;
    for (const k of Object.keys(v)) {
      const here = Array.isArray(v) ? `${path}[${k}]` : path ? `${path}.${k}` : k;
      if (FORBIDDEN.has(k)) problems.push({ file, path: here, message: reserved(k) });
      else stack.push([(v as Record<string, unknown>)[k], here]);
    }
  }
  if (problems.length) throw new ModelError(problems.reverse());
}

const isMap = (v: unknown): v is Record<string, unknown> => v !== null && typeof v === "object" && !Array.isArray(v);

/**
 * JSON Merge Patch (RFC 7396): maps merge key by key, `null` removes a key, anything else
 * (arrays included) replaces. Returns a new document; neither input is changed.
 */
export function mergePatch(target: unknown, patch: unknown, file: string, at = "changes"): unknown {
  const problems: Problem[] = [];
  const out = merge(target, patch, file, at, problems);
  if (problems.length) throw new ModelError(problems);
  return out;
}

function merge(target: unknown, patch: unknown, file: string, at: string, problems: Problem[]): unknown {
  if (!isMap(patch)) return patch;
  const out: Record<string, unknown> = {};
  if (isMap(target)) for (const [k, v] of Object.entries(target)) define(out, k, v);
  for (const [k, v] of Object.entries(patch)) {
    if (FORBIDDEN.has(k)) {
      problems.push({ file, path: `${at}.${k}`, message: reserved(k) });
      continue;
    }
    if (v === null) delete out[k];
    else define(out, k, merge(out[k], v, file, `${at}.${k}`, problems));
  }
  return out;
}

// An own, plain property even for odd names: never a setter on Object.prototype.
function define(o: Record<string, unknown>, k: string, v: unknown): void {
  Object.defineProperty(o, k, { value: v, enumerable: true, writable: true, configurable: true });
}

/**
 * `--set stages.security.servers=3` as a merge patch. The value is read as YAML, so numbers,
 * "unlimited", `{ every: 1 }` and `[a, b]` all mean what they would in the file.
 */
export function patchFromSet(assignments: readonly string[]): Record<string, unknown> {
  const patch: Record<string, unknown> = {};
  const problems: Problem[] = [];
  for (const a of assignments) {
    const eq = a.indexOf("=");
    const path = eq > 0 ? a.slice(0, eq).trim() : "";
    const keys = path.split(".");
    if (eq <= 0 || keys.some((k) => k === "")) {
      problems.push({ file: "--set", path: "", message: `"${a}" must be FIELD.PATH=VALUE, e.g. stages.security.servers=3` });
      continue;
    }
    const bad = keys.find((k) => FORBIDDEN.has(k));
    if (bad) {
      problems.push({ file: "--set", path, message: reserved(bad) });
      continue;
    }
    let value: unknown;
    try {
      value = YAML.parse(a.slice(eq + 1), { maxAliasCount: 0 });
    } catch (e) {
      problems.push({ file: "--set", path, message: `has a value that is not valid YAML: ${(e as Error).message.split("\n")[0]}` });
      continue;
    }
    let node = patch;
    keys.slice(0, -1).forEach((k) => {
      if (!isMap(node[k])) define(node, k, {});
      node = node[k] as Record<string, unknown>;
    });
    define(node, keys[keys.length - 1], value ?? null);
  }
  if (problems.length) throw new ModelError(problems);
  return patch;
}
