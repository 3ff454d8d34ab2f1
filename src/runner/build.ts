import { createHash } from "node:crypto";
import { readFileSync, readdirSync, writeFileSync } from "node:fs";
import { join, relative, sep } from "node:path";

/**
 * Which build a worker thread runs. Pool threads always load the compiled JavaScript (dist/), also
 * when the caller runs from the TypeScript sources (the tests, through tsx): a dist/ older than
 * src/ would mix two simulators in one run, the main thread's replications from one and the
 * helpers' from the other, with nothing to show for it but wrong figures.
 *
 * A build's identity is a hash of the sources it was compiled from: `npm run build` writes it to
 * dist/build-id.json. A caller running from src/ hashes its sources now and compares; a caller
 * running from dist/ compares its own build's stamp, which is the worker's when both sit in the
 * same dist/ (tsc writes every file of a build at once). The hash covers every source, not only
 * the worker's imports: a dist/ behind any edit is a stale build, and the CLI tests run it too.
 */
export const BUILD_ID_FILE = "build-id.json";

/** A hash of every .ts file under `srcDir`, with its path, in a fixed order. */
export function sourceId(srcDir: string): string {
  const hash = createHash("sha256");
  const files = (dir: string): string[] =>
    readdirSync(dir, { withFileTypes: true }).flatMap((e) => (e.isDirectory() ? files(join(dir, e.name)) : e.name.endsWith(".ts") ? [join(dir, e.name)] : []));
  for (const f of files(srcDir).sort()) hash.update(relative(srcDir, f).split(sep).join("/")).update("\0").update(readFileSync(f)).update("\0");
  return hash.digest("hex");
}

/** Run by `npm run build` after tsc: records which sources `outDir` was compiled from. */
export function writeBuildId(srcDir: string, outDir: string, version: string): void {
  writeFileSync(join(outDir, BUILD_ID_FILE), `${JSON.stringify({ version, sources: sourceId(srcDir) }, null, 2)}\n`);
}

/** The sources hash a build recorded, or null when it has none. */
export function readBuildId(outDir: string): string | null {
  try {
    const id = JSON.parse(readFileSync(join(outDir, BUILD_ID_FILE), "utf8")).sources;
    return typeof id === "string" ? id : null;
  } catch {
    return null;
  }
}
