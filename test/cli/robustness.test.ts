/**
 * An unstable organization, a run interrupted, outputs written whole or not at all, and model
 * text that tries to drive the terminal.
 */
import { existsSync, readFileSync, readdirSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ensureBuilt, hasStackTrace, interrupted, scratch, vsm } from "../fixtures/cli.js";

const OVERLOADED = `name: overloaded
horizon: 2000
stages:
  intake: { servers: 2, processTime: 0.5 }
  review: { servers: 1, processTime: { dist: exponential, mean: 1.5 } }
streams:
  work:
    arrivals: { rate: 1 }
    route: [intake, review]
`;

const ESCAPES = `name: "\\e[31mRED\\e[0m <script>alert(1)</script>"
horizon: 50
stages:
  dev: { name: "\\e]0;pwned\\a dev", servers: 1, processTime: 0.2 }
streams:
  web: { name: "=HYPERLINK(\\"x\\")", arrivals: { rate: 1 }, route: [dev] }
`;

describe("robustness", () => {
  const dir = scratch();
  beforeAll(ensureBuilt);
  afterAll(() => dir.remove());

  it("warns about an overloaded stage before the run and stops at the work-in-progress cap", async () => {
    const file = dir.write("overloaded.yaml", OVERLOADED);
    const r = await vsm(["run", file, "-r", "2", "--max-wip", "300", "-w", "1"]);
    expect(r.status).toBe(0);
    expect(r.stdout).toMatch(/warning: stage review is overloaded: offered load 1\.50 >= 1/);
    expect(r.stdout).toMatch(/UNSTABLE: 2 of 2 replications stopped .* work piled up at review/);
    expect(r.seconds).toBeLessThan(10);
    const j = await vsm(["run", file, "-r", "2", "--max-wip", "300", "-w", "1", "--json"]);
    const doc = JSON.parse(j.stdout);
    expect(doc.unstable).toEqual([{ stage: "review", replications: 2, cause: "offered load 1.50 >= 1" }]);
    expect(doc.warnings[0]).toMatch(/review is overloaded/);
    expect(j.stderr).toMatch(/warning: stage review is overloaded/);
  });

  it("Ctrl-C stops the workers, writes nothing and exits 130", async () => {
    const out = join(dir.dir, "interrupted.json");
    const { status, stdout, stderr, stopSeconds } = await interrupted(["run", "models/acme-saas.yaml", "-r", "5000", "-w", "2", "-o", out]);
    expect(status).toBe(130);
    expect(stopSeconds).toBeLessThan(5);
    expect(stderr).toMatch(/interrupted: stopped the run; no results were written/);
    expect(stdout).toBe("");
    expect(existsSync(out)).toBe(false);
    expect(readdirSync(dir.dir).filter((f) => f.includes("interrupted"))).toEqual([]);
  });

  it("--out writes CSV and JSON whole, and never overwrites an input file", async () => {
    const csv = join(dir.dir, "run.csv");
    const r = await vsm(["run", "models/acme-saas.yaml", "-r", "2", "-o", csv, "-q"]);
    expect(r.status).toBe(0);
    const lines = readFileSync(csv, "utf8").trim().split("\n");
    expect(lines[0]).toBe("model,kind,id,name,figure,mean,ci95,n,unstable,change,changeCi95,p,significant");
    expect(lines.some((l) => l.includes("stream,payments,Payments,leadTime.p85,"))).toBe(true);
    const json = join(dir.dir, "run.json");
    await vsm(["run", "models/acme-saas.yaml", "-r", "2", "-o", json, "-q"]);
    expect(JSON.parse(readFileSync(json, "utf8")).replications).toBe(2);

    const base = dir.write("base.yaml", OVERLOADED.replace("mean: 1.5", "mean: 0.5"));
    const scen = dir.write("scen.yaml", "base: base.yaml\nchanges: { horizon: 100 }\n");
    const before = readFileSync(base, "utf8");
    const refused = await vsm(["run", scen, "-r", "2", "-o", base]);
    expect(refused.status).toBe(2);
    expect(refused.stderr).toMatch(/refusing to overwrite an input file/);
    expect(readFileSync(base, "utf8")).toBe(before);
  });

  it("shows model text that holds escape sequences instead of obeying it", async () => {
    const file = dir.write("escapes.yaml", ESCAPES);
    const r = await vsm(["run", file, "-r", "2"]);
    expect(r.status).toBe(0);
    expect(r.stdout).not.toContain("\u001b");
    expect(r.stdout).not.toContain("\u0007");
    expect(r.stdout).toContain("\\u001b[31mRED");
    const csv = join(dir.dir, "escapes.csv");
    await vsm(["run", file, "-r", "2", "-o", csv, "-q"]);
    // A name that a spreadsheet would run as a formula is quoted into plain text.
    expect(readFileSync(csv, "utf8")).toContain("'=HYPERLINK");
  });

  it("echoes an option or an --out path that holds escape sequences as text, exit 2", async () => {
    const ESC = "\u001b";
    const cases: [string[], RegExp][] = [
      [["run", "models/acme-saas.yaml", `--r${ESC}]0;pwned\u0007`], /^error: unknown option '--r\\u001b\]0;pwned\\u0007'$/m],
      [["run", "models/acme-saas.yaml", "-r", "2", "-o", join(dir.dir, `${ESC}[2J`, "x.json")], /\\u001b\[2J\/x\.json: cannot write \(ENOENT\)/],
    ];
    for (const [args, message] of cases) {
      const r = await vsm(args);
      expect(r.status, args.join(" ")).toBe(2);
      expect(r.stderr, args.join(" ")).not.toContain(ESC);
      expect(r.stderr, args.join(" ")).toMatch(message);
    }
  });

  it("an --out that cannot be written exits 2 with the reason and no stack trace", async () => {
    const r = await vsm(["run", "models/acme-saas.yaml", "-r", "2", "-o", join(dir.dir, "no-such-dir", "x.json")]);
    expect(r.status).toBe(2);
    expect(r.stderr).toMatch(/cannot write \(ENOENT\)/);
    expect(hasStackTrace(r.stderr)).toBe(false);
  });
});
