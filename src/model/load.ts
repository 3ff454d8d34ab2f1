import { dirname, relative, resolve } from "node:path";
import { ModelError, type Problem, formatProblem, unknownName } from "./errors.js";
import { mergePatch, patchFromSet } from "./patch.js";
import { readDocument } from "./read.js";
import { scenario as scenarioSchema } from "./schema.js";
import type { Model } from "./types.js";
import { parseWith, validateModel } from "./validate.js";

export interface LoadOptions {
  /** Changes from the command line, `field.path=value`, applied last. */
  set?: readonly string[];
}

/** One layer of a model: the base file, then each scenario's changes, then --set. */
interface Layer {
  file: string;
  /** The patch this layer applied (absent for the base model). */
  changes?: unknown;
  /** The document this layer's patch was applied to. */
  before?: unknown;
}

/**
 * Reads a model file or a scenario file (a base and changes, possibly on another scenario),
 * applies `--set` changes, and validates the result. Problems name the file whose text caused
 * them: a field a scenario changed is reported against the scenario.
 */
export function loadModel(file: string, options: LoadOptions = {}): Model {
  const layers: Layer[] = [];
  const raw = resolveDocument(file, layers, []);
  if (options.set?.length) checkSetTargets(patchFromSet(options.set), raw);
  return finish(file, raw, layers, options.set ?? []);
}

/** Which models of a comparison one `--set` changed (indices into the files). */
export interface SetApplied {
  assignment: string;
  models: number[];
  /** The stage or stream the assignment needs, when it needs one. */
  target: { kind: "stage" | "stream"; id: string } | null;
}

/**
 * Loads a base and its scenarios for a comparison. Each `--set` applies to every model that has
 * its target (a stage only the scenario adds can be set there), and is refused only when none
 * has it; what it changed where is returned so that the caller can say so. Problems of every file
 * are collected before refusing.
 */
export function loadModels(files: readonly string[], options: LoadOptions = {}): { models: Model[]; sets: SetApplied[] } {
  const problems: Problem[] = [];
  const collect = <T>(f: () => T): T | null => {
    try {
      return f();
    } catch (e) {
      if (!(e instanceof ModelError)) throw e;
      problems.push(...e.problems);
      return null;
    }
  };
  // Scenarios of one base name the same file: it is read and parsed once (a tenth of a second
  // for the example's six scenarios) and each model gets its own copy.
  const read = new Map<string, unknown>();
  const docs = files.map((file) => collect(() => {
    const layers: Layer[] = [];
    return { file, layers, raw: resolveDocument(file, layers, [], read) };
  }));
  const sets: SetApplied[] = [];
  for (const assignment of options.set ?? []) {
    const patch = collect(() => patchFromSet([assignment]));
    if (!patch || docs.includes(null)) continue;
    const models = docs.flatMap((d, i) => (setTargetProblems(patch, d!.raw).length ? [] : [i]));
    if (models.length === 0) {
      // Named against every model's ids: a typo is a typo in all of them.
      const union: Record<string, Record<string, unknown>> = { stages: {}, streams: {} };
      for (const d of docs) for (const g of ["stages", "streams"] as const) if (isMap(d!.raw) && isMap(d!.raw[g])) Object.assign(union[g], d!.raw[g]);
      problems.push(...setTargetProblems(patch, union));
    }
    const keys = assignment.slice(0, assignment.indexOf("=")).trim().split(".");
    const kind = keys[0] === "stages" ? "stage" : keys[0] === "streams" ? "stream" : null;
    sets.push({ assignment, models, target: kind && keys.length > 1 ? { kind, id: keys[1] } : null });
  }
  if (problems.length) throw new ModelError(problems);
  const models = docs.map((d, i) =>
    collect(() => finish(d!.file, d!.raw, d!.layers, sets.filter((s) => s.models.includes(i)).map((s) => s.assignment))),
  );
  // The same bad --set value fails in every model it was applied to: say it once.
  const seen = new Set<string>();
  const unique = problems.filter((p) => !seen.has(formatProblem(p)) && seen.add(formatProblem(p)));
  if (unique.length) throw new ModelError(unique);
  return { models: models as Model[], sets };
}

/** Applies `--set` (already checked against the model) and validates the result. */
function finish(file: string, raw: unknown, layers: Layer[], set: readonly string[]): Model {
  if (set.length) {
    const changes = patchFromSet(set);
    const before = raw;
    raw = mergePatch(raw, changes, "--set", "");
    layers.push({ file: "--set", changes, before });
  }
  try {
    const model = validateModel(raw, display(file));
    model.source = display(file);
    model.files = layers.filter((l) => l.file !== "--set").map((l) => l.file);
    return model;
  } catch (e) {
    if (e instanceof ModelError && layers.length > 1) throw new ModelError(e.problems.map((p) => attribute(p, layers)));
    throw e;
  }
}

const display = (file: string) => {
  const rel = relative(process.cwd(), file);
  return rel && !rel.startsWith("..") ? rel : file;
};

const isMap = (v: unknown): v is Record<string, unknown> => v !== null && typeof v === "object" && !Array.isArray(v);

/** `read`: documents already parsed, by path; a copy of one is returned. */
function resolveDocument(file: string, layers: Layer[], chain: string[], read?: Map<string, unknown>): unknown {
  const abs = resolve(file);
  if (chain.includes(abs)) {
    const cycle = [...chain.slice(chain.indexOf(abs)), abs].map(display).join(" -> ");
    throw new ModelError([{ file: display(chain[chain.length - 1]), path: "base", message: `forms a cycle: ${cycle}` }]);
  }
  let raw: unknown;
  if (read?.has(abs)) raw = structuredClone(read.get(abs));
  else {
    raw = readDocument(display(abs));
    read?.set(abs, structuredClone(raw));
  }
  if (!(isMap(raw) && "base" in raw)) {
    layers.push({ file: display(abs) });
    return raw;
  }
  const s = parseWith(scenarioSchema, raw, display(abs));
  const baseFile = resolve(dirname(abs), s.base);
  let base: unknown;
  try {
    base = resolveDocument(baseFile, layers, [...chain, abs], read);
  } catch (e) {
    // The base file itself is missing or unreadable: say which scenario named it.
    const only = e instanceof ModelError && e.problems.length === 1 ? e.problems[0] : null;
    if (only && only.path === "" && only.file === display(baseFile) && /does not exist|cannot be read|not a model file/.test(only.message)) {
      throw new ModelError([{ file: display(abs), path: "base", message: `names ${JSON.stringify(s.base)} (${display(baseFile)}), which ${only.message}` }]);
    }
    throw e;
  }
  if (!isMap(base)) {
    throw new ModelError([{ file: display(abs), path: "base", message: `names ${display(baseFile)}, which is not a model (a mapping with stages and streams)` }]);
  }
  const merged = mergePatch(base, s.changes, display(abs)) as Record<string, unknown>;
  // The scenario's own name is the name of the future state it describes (else its file's).
  merged.name = s.name ?? abs.replace(/^.*[\\/]/, "").replace(/\.(ya?ml|json)$/i, "");
  if (s.description !== undefined) merged.description = s.description;
  layers.push({ file: display(abs), changes: s.changes, before: base });
  return merged;
}

/**
 * The latest layer that wrote the problem's field owns the problem: its patch holds the field (or
 * replaced a map above it), or its patch created the map the field belongs to.
 */
function attribute(p: Problem, layers: Layer[]): Problem {
  const segments = p.path.split(/\.|\[(\d+)\]/).filter((s) => s !== undefined && s !== "");
  for (let i = layers.length - 1; i > 0; i--) {
    const { file, changes, before } = layers[i];
    const path = file === "--set" ? p.path : `changes.${p.path}`;
    const left = p.message.startsWith("is not a known field") ? leftOver(changes, before, segments) : null;
    if (left) {
      const field = segments[segments.length - 1];
      const fix = file === "--set" ? `--set ${p.path}=null` : `"${field}: null"`;
      const by = file === "--set" ? "--set" : "this scenario";
      return { ...p, file, path, message: `is left over from the ${left.was} distribution ${by} replaced, and ${left.now} has no ${field}: add ${fix} to remove it` };
    }
    if (wrote(changes, before, segments)) return { ...p, file, path };
  }
  return { ...p, file: layers[0].file };
}

/**
 * A field the layer did not write, in a distribution whose `dist` it changed, that the old one had:
 * a merge patch keeps the old parameters, so the layer that swapped the distribution owns them.
 */
function leftOver(changes: unknown, before: unknown, segments: string[]): { was: string; now: string } | null {
  let patch = changes;
  let prior = before;
  for (const seg of segments.slice(0, -1)) {
    if (!isMap(patch) || !isMap(prior)) return null;
    patch = patch[seg];
    prior = prior[seg];
  }
  const field = segments[segments.length - 1];
  if (!isMap(patch) || !isMap(prior) || Object.hasOwn(patch, field) || !Object.hasOwn(prior, field)) return null;
  if (typeof patch.dist !== "string" || patch.dist === prior.dist) return null;
  return { was: String(prior.dist ?? "previous"), now: patch.dist };
}

function wrote(changes: unknown, before: unknown, segments: string[]): boolean {
  let patch = changes;
  let prior = before;
  for (let i = 0; i < segments.length; i++) {
    if (!isMap(patch)) return true; // this patch replaced everything from here down
    const seg = segments[i];
    if (!(seg in patch)) {
      // Not named by the patch; still its doing if the patch created the map the field is in.
      return i >= 1 && !isMap(prior);
    }
    patch = patch[seg];
    prior = isMap(prior) && seg in prior ? prior[seg] : undefined;
  }
  return true;
}

/** `--set stages.X.field=...` must name a stage (or stream) the model has: a typo would add one. */
function checkSetTargets(changes: Record<string, unknown>, raw: unknown): void {
  const problems = setTargetProblems(changes, raw);
  if (problems.length) throw new ModelError(problems);
}

function setTargetProblems(changes: Record<string, unknown>, raw: unknown): Problem[] {
  const problems: Problem[] = [];
  for (const group of ["stages", "streams"] as const) {
    const patch = changes[group];
    const have = isMap(raw) && isMap(raw[group]) ? Object.keys(raw[group] as object) : [];
    if (!isMap(patch)) continue;
    for (const [id, v] of Object.entries(patch)) {
      // Setting a field of an id that does not exist: a typo, not a new stage (a new one is a whole map).
      if (!have.includes(id) && isMap(v) && !("processTime" in v || "route" in v)) {
        problems.push({ file: "--set", path: `${group}.${id}`, message: unknownName(group === "stages" ? "stage" : "stream", id, have) });
      }
    }
  }
  return problems;
}
