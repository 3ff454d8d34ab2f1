import { dirname, relative, resolve } from "node:path";
import { ModelError, type Problem } from "./errors.js";
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
}

/**
 * Reads a model file or a scenario file (a base and changes, possibly on another scenario),
 * applies `--set` changes, and validates the result. Problems name the file whose text caused
 * them: a field a scenario changed is reported against the scenario.
 */
export function loadModel(file: string, options: LoadOptions = {}): Model {
  const layers: Layer[] = [];
  let raw = resolveDocument(file, layers, []);
  if (options.set?.length) {
    const changes = patchFromSet(options.set);
    raw = mergePatch(raw, changes, "--set", "");
    layers.push({ file: "--set", changes });
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

function resolveDocument(file: string, layers: Layer[], chain: string[]): unknown {
  const abs = resolve(file);
  if (chain.includes(abs)) {
    const cycle = [...chain.slice(chain.indexOf(abs)), abs].map(display).join(" -> ");
    throw new ModelError([{ file: display(chain[chain.length - 1]), path: "base", message: `forms a cycle: ${cycle}` }]);
  }
  const raw = readDocument(display(abs));
  if (!(isMap(raw) && "base" in raw)) {
    layers.push({ file: display(abs) });
    return raw;
  }
  const s = parseWith(scenarioSchema, raw, display(abs));
  const baseFile = resolve(dirname(abs), s.base);
  const base = resolveDocument(baseFile, layers, [...chain, abs]);
  if (!isMap(base)) {
    throw new ModelError([{ file: display(abs), path: "base", message: `names ${display(baseFile)}, which is not a model (a mapping with stages and streams)` }]);
  }
  const merged = mergePatch(base, s.changes, display(abs)) as Record<string, unknown>;
  // The scenario's own name is the name of the future state it describes.
  if (s.name !== undefined) merged.name = s.name;
  if (s.description !== undefined) merged.description = s.description;
  layers.push({ file: display(abs), changes: s.changes });
  return merged;
}

/** The latest layer whose changes touch the problem's field owns the problem. */
function attribute(p: Problem, layers: Layer[]): Problem {
  const segments = p.path.split(/\.|\[(\d+)\]/).filter((s) => s !== undefined && s !== "");
  for (let i = layers.length - 1; i > 0; i--) {
    const { file, changes } = layers[i];
    let node: unknown = changes;
    let touched = false;
    for (const seg of segments) {
      if (!isMap(node) || !(seg in node)) break;
      touched = true;
      node = node[seg];
      if (!isMap(node)) break;
    }
    if (touched) return { ...p, file, path: file === "--set" ? p.path : `changes.${p.path}` };
  }
  return { ...p, file: layers[0].file };
}
