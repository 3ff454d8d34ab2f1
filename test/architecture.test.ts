import { readdirSync, readFileSync } from "node:fs";
import { dirname, join, normalize } from "node:path";
import { describe, expect, it } from "vitest";

/**
 * The house rules of src/, checked on every run (the project has no linter): imports run only
 * downward, the engine and statistics know nothing of ours, nothing imports the CLI, and no
 * randomness comes from anywhere but the seeded streams.
 */
const ROOMS = ["engine", "stats", "model", "flow", "economics", "runner", "queue", "report", "fit", "experiments", "cli"] as const;
// Which of our rooms each room may import from.
const ALLOWED: Record<string, string[]> = {
  engine: [],
  stats: [],
  model: ["engine"],
  flow: ["engine", "stats", "model"],
  // Money is a pure function of a replication's figures (flow) and the model's economics.
  economics: ["model", "flow"],
  runner: ["engine", "stats", "model", "flow", "economics"],
  // The job queue is another executor of the runner's chunks, over Redis: beside the runner's own
  // pool, and nothing but the CLI and the library's face reach for it.
  queue: ["engine", "stats", "model", "flow", "economics", "runner"],
  report: ["engine", "stats", "model", "flow", "economics", "runner"],
  // Calibration reads logs into models and backtests them: beside model/, above the run and its report.
  fit: ["engine", "stats", "model", "flow", "economics", "runner", "report"],
  // Experiments over many models of one base (sweep, place, portfolio): above the run and its report.
  experiments: ["engine", "stats", "model", "flow", "economics", "runner", "report"],
  cli: ["engine", "stats", "model", "flow", "economics", "runner", "queue", "report", "fit", "experiments", "index"],
  index: ["engine", "stats", "model", "flow", "economics", "runner", "queue", "report", "fit", "experiments"],
};

function files(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => (e.isDirectory() ? files(join(dir, e.name)) : e.name.endsWith(".ts") ? [join(dir, e.name)] : []));
}

const sources = files("src").map((path) => {
  const rel = path.replace(/^src[\\/]/, "");
  const room = rel.includes("/") ? rel.split("/")[0] : "index";
  const text = readFileSync(path, "utf8");
  const imports = [...text.matchAll(/from\s+"(\.[^"]+)"/g)].map((m) => m[1]);
  return { rel, room, text, imports };
});

// Resolved from the importing file's own folder, so a room may have sub-folders (report/html).
function target(from: string, spec: string): string {
  const parts = join(dirname(from), spec).split(/[\\/]/);
  return parts[0].startsWith("index") ? "index" : parts[0];
}

describe("architecture", () => {
  it("knows every room", () => {
    for (const s of sources) expect([...ROOMS, "index"]).toContain(s.room);
  });

  it.each(sources.map((s) => [s.rel, s] as const))("%s imports only downward", (_, s) => {
    for (const spec of s.imports) {
      const to = target(s.rel, spec);
      if (to === s.room) continue;
      expect(ALLOWED[s.room], `${s.rel} imports ${spec} (${to})`).toContain(to);
    }
  });

  it("never draws from Math.random", () => {
    for (const s of sources) expect(s.text, s.rel).not.toMatch(/Math\.random/);
  });

  it("keeps the worker thread's modules light: no parser, validator or CLI library", () => {
    // Every pool thread loads these on start: zod alone took a thread from 18 to 86 ms.
    const byPath = new Map(sources.map((x) => [x.rel, x]));
    const seen = new Set<string>();
    const visit = (rel: string) => {
      if (seen.has(rel)) return;
      seen.add(rel);
      const s = byPath.get(rel)!;
      for (const pkg of s.text.matchAll(/^import\s+(?!type\b)[^;]*?from\s+"([^."][^"]*)"/gm)) {
        expect(["zod", "yaml", "commander", "fast-csv", "luxon", "rrule"], `${rel} imports ${pkg[1]}`).not.toContain(pkg[1]);
      }
      for (const m of s.text.matchAll(/^import\s+(?!type\b)[^;]*?from\s+"(\.[^"]+)"/gm)) visit(normalize(join(dirname(rel), m[1].replace(/\.js$/, ".ts"))));
    };
    visit("runner/worker.ts");
    expect(seen.size).toBeGreaterThan(10);
  });
});
