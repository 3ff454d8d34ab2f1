import { mkdirSync, writeFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { workerFileFor } from "../../src/runner/executor.js";
import { BUILD_ID_FILE, readBuildId, sourceId, writeBuildId } from "../../src/runner/build.js";
import { scratch } from "../fixtures/cli.js";

/**
 * Pool threads always run dist/. A caller running from src/ must not mix in a dist/ built from
 * other sources: the mismatch is simulated in a scratch copy of the layout (src/ and dist/ side by
 * side), never on the repository's own dist/, which other test files are using at the same time.
 */
describe("the worker threads' build", () => {
  const tmp = scratch("vsm-build-");
  afterAll(() => tmp.remove());

  function layout(name: string) {
    const root = join(tmp.dir, name);
    for (const d of ["src/runner", "dist/runner"]) mkdirSync(join(root, d), { recursive: true });
    writeFileSync(join(root, "src/runner/executor.ts"), "export const a = 1;\n");
    writeFileSync(join(root, "src/sim.ts"), "export const rate = 1;\n");
    writeFileSync(join(root, "dist/runner/worker.js"), "export default () => 0;\n");
    return { root, caller: join(root, "src/runner/executor.ts"), worker: join(root, "dist/runner/worker.js") };
  }

  it("is accepted when dist/ was built from the sources the caller runs", () => {
    const { root, caller, worker } = layout("fresh");
    writeBuildId(join(root, "src"), join(root, "dist"), "0.0.0");
    expect(workerFileFor(caller)).toBe(worker);
  });

  it("is refused, saying what to do, when a source changed after the build", () => {
    const { root, caller } = layout("stale");
    writeBuildId(join(root, "src"), join(root, "dist"), "0.0.0");
    writeFileSync(join(root, "src/sim.ts"), "export const rate = 2;\n");
    expect(() => workerFileFor(caller)).toThrow(
      `the worker threads would run ${join(root, "dist")}, which was built from other sources than the ones running here: run \`npm run build\` first`,
    );
  });

  it("is refused when a source was added or renamed after the build (paths count, not only contents)", () => {
    const { root } = layout("renamed");
    const before = sourceId(join(root, "src"));
    writeFileSync(join(root, "src/extra.ts"), "");
    expect(sourceId(join(root, "src"))).not.toBe(before);
  });

  it("is refused when dist/ has no stamp (built by tsc alone, or by an older version)", () => {
    const { caller } = layout("unstamped");
    expect(() => workerFileFor(caller)).toThrow(`which has no ${BUILD_ID_FILE} to say what it was built from: run \`npm run build\` first`);
  });

  it("a caller running from dist/ uses the worker of its own build", () => {
    const { root, worker } = layout("built");
    writeBuildId(join(root, "src"), join(root, "dist"), "0.0.0");
    expect(workerFileFor(join(root, "dist/runner/executor.js"))).toBe(worker);
  });

  it("npm run build stamped this repository's dist/ with its sources (npm test builds first)", () => {
    expect(readBuildId(resolve("dist")), "dist/ is older than src/: run npm run build").toBe(sourceId(resolve("src")));
  });
});
