import { readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { readBuildId, sourceId } from "../runner/build.js";

/**
 * Which simulator this process runs, for the queue's version check: the hash of the sources it was
 * built from (runner/build.ts). From the TypeScript sources (the tests) it is computed; from a
 * build, read from its stamp. Two machines agree only when they run the same sources.
 */
export function buildHere(): { build: string; version: string } {
  const here = fileURLToPath(import.meta.url);
  const root = dirname(dirname(here));
  const build = here.endsWith(".ts") ? sourceId(root) : (readBuildId(root) ?? "unstamped");
  return { build, version: packageVersion(join(dirname(root), "package.json")) };
}

function packageVersion(path: string): string {
  try {
    return String(JSON.parse(readFileSync(path, "utf8")).version);
  } catch {
    return "unknown";
  }
}
