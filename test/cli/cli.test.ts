/**
 * The CLI as a user drives it: `node dist/cli/main.js run|compare|validate|schema`, its exit
 * status, what it prints on stdout and on stderr. Small models, few replications, short horizons.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { ensureBuilt, FIXTURES, hasStackTrace, ROOT, scratch, vsm } from "../fixtures/cli.js";

const SMALL = join(FIXTURES, "small.yaml");
const SMALL_JSON = join(FIXTURES, "small.json");

let tmp: ReturnType<typeof scratch>;
beforeAll(() => {
  ensureBuilt();
  tmp = scratch("vsm-cli-");
});
afterAll(() => tmp.remove());

/** A figure of the JSON documents: a mean and a 95% half-width (null only with one replication). */
function expectFigure(f: unknown, where: string): void {
  expect(f, where).toBeTypeOf("object");
  const fig = f as { mean: unknown; ci95: unknown };
  expect(Object.keys(fig).sort(), where).toEqual(["ci95", "mean", "n"]);
  expect(typeof fig.mean, where).toBe("number");
  expect(Number.isFinite(fig.mean), `${where}.mean is finite`).toBe(true);
  expect(typeof fig.ci95 === "number" && Number.isFinite(fig.ci95) && fig.ci95 >= 0, `${where}.ci95 is a number >= 0`).toBe(true);
}

describe("vsm run", () => {
  it("prints the table with every stream and stage, and names the constraint", async () => {
    const r = await vsm(["run", SMALL, "-r", "3"]);
    expect(r.stderr).not.toSatisfy(hasStackTrace);
    expect(r.status, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/^Small test model: 3 replications, seed 7/);
    expect(r.stdout).toMatch(/Lead time/);
    expect(r.stdout).toMatch(/^Web \(web\)\s/m);
    for (const stage of ["intake", "dev", "review"]) expect(r.stdout).toMatch(new RegExp(`^${stage}\\s`, "m"));
    // review is at offered load 0.89, the others at 0.2 and 0.37.
    expect(r.stdout).toMatch(/^Flow constraint \(where work waits most\): review\b/m);
  });

  it("--json prints one JSON document and nothing else, with every documented figure", async () => {
    const r = await vsm(["run", SMALL, "-r", "3", "--json"]);
    expect(r.status, r.stderr).toBe(0);
    expect(r.stdout.trimStart().startsWith("{")).toBe(true);
    expect(r.stdout.trimEnd().endsWith("}")).toBe(true);
    const doc = JSON.parse(r.stdout);
    expect(doc.model).toBe("Small test model");
    expect(doc.replications).toBe(3);
    expect(doc.seed).toBe(7);
    expect(Object.keys(doc.streams)).toEqual(["web"]);
    expect(Object.keys(doc.stages)).toEqual(["intake", "dev", "review"]);
    for (const [id, s] of Object.entries(doc.streams) as [string, Record<string, any>][]) {
      for (const k of ["throughput", "completed", "wip", "flowEfficiency"]) expectFigure(s[k], `streams.${id}.${k}`);
      for (const k of ["mean", "p50", "p85", "p95"]) expectFigure(s.leadTime[k], `streams.${id}.leadTime.${k}`);
      expect(s.leadTime.p50.mean).toBeLessThanOrEqual(s.leadTime.p85.mean);
      expect(s.leadTime.p85.mean).toBeLessThanOrEqual(s.leadTime.p95.mean);
    }
    for (const [id, s] of Object.entries(doc.stages) as [string, Record<string, any>][]) {
      for (const k of ["utilization", "wait", "queueLength", "visits"]) expectFigure(s[k], `stages.${id}.${k}`);
    }
    expect(doc.constraint.stage).toBe("review");
    for (const k of ["events", "wallSeconds", "eventsPerSecond"]) {
      expect(typeof doc.performance[k], `performance.${k}`).toBe("number");
      expect(doc.performance[k], `performance.${k}`).toBeGreaterThan(0);
    }
  });

  it("--json keeps stdout clean when there are warnings (they go to stderr)", async () => {
    const r = await vsm(["run", SMALL, "-r", "2", "--json", "--set", "horizon=30", "--set", "stages.review.servers=1", "--set", "stages.review.processTime=1.2"]);
    expect(r.status, r.stderr).toBe(0);
    expect(() => JSON.parse(r.stdout)).not.toThrow();
    expect(r.stderr).toMatch(/warning: .*review/);
  });

  it("accepts a JSON model file and runs it", async () => {
    const r = await vsm(["run", SMALL_JSON, "-r", "2", "--json", "--set", "horizon=50"]);
    expect(r.status, r.stderr).toBe(0);
    const doc = JSON.parse(r.stdout);
    expect(doc.model).toBe("Small test model (JSON)");
    expect(doc.streams.web.completed.mean).toBeGreaterThan(0);
  });

  it("a missing model file exits 2 with the file named", async () => {
    const r = await vsm(["run", "no-such-model.yaml", "-r", "2"], tmp.dir);
    expect(r.stderr).not.toSatisfy(hasStackTrace);
    expect(r.status).toBe(2);
    expect(r.stdout).toBe("");
    expect(r.lines).toEqual(["no-such-model.yaml: does not exist"]);
  });
});

describe("options out of range exit 2 and say which option and value", () => {
  const cases: [string[], RegExp][] = [
    [["--replications", "0"], /--replications must be a whole number >= 1 \(got "0"\)/],
    [["-r", "1.5"], /--replications must be a whole number >= 1 \(got "1\.5"\)/],
    [["--workers", "-1"], /--workers must be a whole number >= 1 \(got "-1"\)/],
    [["--workers", "0"], /--workers must be a whole number >= 1 \(got "0"\)/],
    [["--precision", "2"], /--precision must be a number between 0 and 1.*\(got "2"\)/],
    [["--seed", "-3"], /--seed must be a whole number >= 0 \(got "-3"\)/],
    [["--precision-abs", "0.2x"], /--precision-abs must be a time greater than zero: .*\(got "0\.2x"\)/],
    [["--precision-abs", "0h"], /--precision-abs must be a time greater than zero/],
    [["--precision-abs", "1d", "--precision", "0.01"], /option '--precision-abs <time>' cannot be used with option '--precision <share>'/],
    [["--max-wip", "0"], /--max-wip must be a whole number >= 1 \(got "0"\)/],
  ];
  it.each(cases)("vsm run small.yaml %j", async (args, message) => {
    const r = await vsm(["run", SMALL, ...args]);
    expect(r.stderr).not.toSatisfy(hasStackTrace);
    expect(r.status).toBe(2);
    expect(r.stdout).toBe("");
    expect(r.stderr).toMatch(message);
  });

  it("an unknown option exits 2", async () => {
    const r = await vsm(["run", SMALL, "--replicatoins", "3"]);
    expect(r.status).toBe(2);
    expect(r.stderr).toMatch(/unknown option '--replicatoins'/);
  });
});

describe("--set", () => {
  it("--set stages.security.servers=3 changes the result (the security queue shrinks)", async () => {
    const common = ["run", "models/acme-saas.yaml", "-r", "3", "--json", "--set", "horizon=120", "--set", "warmup=30"];
    const [before, after] = await Promise.all([vsm(common), vsm([...common, "--set", "stages.security.servers=3"])]);
    expect(before.status, before.stderr).toBe(0);
    expect(after.status, after.stderr).toBe(0);
    const b = JSON.parse(before.stdout);
    const a = JSON.parse(after.stdout);
    expect(a.horizon).toBe(120);
    expect(a.stages.security.utilization.mean).toBeLessThan(b.stages.security.utilization.mean);
    expect(a.stages.security.wait.mean).toBeLessThan(b.stages.security.wait.mean);
    expect(a.streams.payments.leadTime.mean.mean).not.toBe(b.streams.payments.leadTime.mean.mean);
  });

  const bad: [string, string][] = [
    ["stages.security.servers=0", "--set: stages.security.servers must be a whole number >= 1 (got 0)"],
    ["stages.security.servers=many", '--set: stages.security.servers must be a positive integer or "unlimited" (got "many")'],
    ["stages.security.sevrers=3", '--set: stages.security.sevrers is not a known field (did you mean "servers"?)'],
    ["horizon", '--set: "horizon" must be FIELD.PATH=VALUE'],
    ["stages..servers=3", '--set: "stages..servers=3" must be FIELD.PATH=VALUE'],
    ["horizon=[1", "--set: horizon has a value that is not valid YAML"],
  ];
  it.each(bad)("--set %s exits 2 and names the field", async (set, message) => {
    const r = await vsm(["validate", "models/acme-saas.yaml", "--set", set]);
    expect(r.stderr).not.toSatisfy(hasStackTrace);
    expect(r.status).toBe(2);
    expect(r.stdout).toBe("");
    expect(r.lines).toHaveLength(1);
    expect(r.lines[0].startsWith(message), `"${r.lines[0]}" starts with "${message}"`).toBe(true);
  });

  it("--set on a stage that does not exist exits 2 and names it", async () => {
    const r = await vsm(["run", "models/acme-saas.yaml", "-r", "2", "--set", "stages.secuirty.servers=3"]);
    expect(r.stderr).not.toSatisfy(hasStackTrace);
    expect(r.status).toBe(2);
    expect(r.stdout).toBe("");
    expect(r.stderr).toMatch(/^--set: stages\.secuirty\b/m);
  });

  it("every bad --set is reported, not just the first", async () => {
    const r = await vsm(["validate", "models/acme-saas.yaml", "--set", "stages.qa.servers=-1", "--set", "horizon=0"]);
    expect(r.status).toBe(2);
    expect(r.lines).toHaveLength(2);
    expect(r.stderr).toMatch(/^--set: stages\.qa\.servers must be a whole number >= 1 \(got -1\)$/m);
    expect(r.stderr).toMatch(/^--set: horizon must be greater than zero.*\(got 0\)$/m);
  });
});

describe("vsm validate", () => {
  it("says a valid model is valid and lists each stage's offered load, without warnings", async () => {
    const r = await vsm(["validate", SMALL]);
    expect(r.status, r.stderr).toBe(0);
    expect(r.stderr).toBe("");
    expect(r.stdout).toMatch(/valid \(3 stages, 1 stream\)/);
    expect(r.stdout).toMatch(/review: 1\.111 visits per day, offered load 0\.89/);
  });

  it("warns on stderr, naming the stage, when its offered load is above 1", async () => {
    const r = await vsm(["validate", "models/acme-saas.yaml", "--set", "stages.security.servers=1"]);
    expect(r.status, r.stderr).toBe(0);
    expect(r.lines).toHaveLength(1);
    // 2.7 items a day x (1 + 0.4 x 0.4925) passes' work x 0.4 days / 1 server = 1.29.
    expect(r.lines[0]).toMatch(/^warning: .*\bsecurity\b.*offered load 1\.29 >= 1 \(4\.030 visits per day, repeat passes at their rework effort, x 0\.400 days/);
    expect(r.stdout).not.toMatch(/warning/);
  });

  it("warns when the offered load is exactly 1", async () => {
    // rate 1 x 1 visit (rework removed) x 1 day / 1 server = 1.
    const r = await vsm(["validate", SMALL, "--set", "stages.review.rework=null", "--set", "stages.review.processTime=1"]);
    expect(r.status, r.stderr).toBe(0);
    expect(r.stderr).toMatch(/^warning: .*\breview\b.*offered load 1\.00 >= 1/m);
    expect(r.stderr).not.toMatch(/\b(intake|dev)\b/);
  });

  it("--json gives the loads as JSON", async () => {
    const r = await vsm(["validate", SMALL, "--json"]);
    expect(r.status, r.stderr).toBe(0);
    const doc = JSON.parse(r.stdout);
    expect(doc.valid).toBe(true);
    expect(doc.loads.map((l: { stage: string }) => l.stage)).toEqual(["intake", "dev", "review"]);
    expect(doc.loads[2].load).toBeCloseTo(1 / 0.9 * 0.8, 6);
  });
});

describe("vsm schema", () => {
  it("prints a JSON Schema of the model format with stages and streams", async () => {
    const r = await vsm(["schema"]);
    expect(r.status, r.stderr).toBe(0);
    const schema = JSON.parse(r.stdout);
    expect(schema.$schema).toMatch(/json-schema\.org/);
    expect(schema.type).toBe("object");
    expect(schema.properties).toHaveProperty("stages");
    expect(schema.properties).toHaveProperty("streams");
    expect(schema.properties).toHaveProperty("horizon");
    expect(schema.required).toEqual(expect.arrayContaining(["horizon", "stages", "streams"]));
  });
});

describe("vsm --version", () => {
  it("prints package.json's version and exits 0", async () => {
    const { version } = JSON.parse(readFileSync(join(ROOT, "package.json"), "utf8"));
    expect(version).toMatch(/^\d+\.\d+\.\d+/);
    const r = await vsm(["--version"]);
    expect(r.status, r.stderr).toBe(0);
    expect(r.stdout).toBe(`${version}\n`);
    expect(r.stderr).toBe("");
  });
});
