/**
 * Scenarios: a future state is `{ name, base, changes }`, changes a JSON Merge Patch (RFC 7396) onto
 * the base model or onto another scenario. Every shipped scenario must load and run; problems in a
 * field a scenario changed are reported against the scenario as `changes.<path>`; a patch can never
 * reach Object.prototype.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import YAML from "yaml";
import { formatProblem, loadModel, loadModels, ModelError, type Model } from "../../src/index.js";
import { ensureBuilt, FIXTURES, hasStackTrace, ROOT, scratch, vsm } from "../fixtures/cli.js";

const SMALL = join(FIXTURES, "small.yaml");
const SCENARIO_DIR = join(ROOT, "scenarios");
const SHIPPED = readdirSync(SCENARIO_DIR).filter((f) => /\.ya?ml$/.test(f)).sort();

let tmp: ReturnType<typeof scratch>;
beforeAll(() => {
  ensureBuilt();
  tmp = scratch("vsm-scenario-");
  tmp.write("base.yaml", readFileSync(SMALL, "utf8"));
});
afterAll(() => tmp.remove());

/** What a model simulates, without the fields that say where it came from (name, source, files...). */
function content(m: Model) {
  const { timeUnit, warmup, horizon, replications, seed, stages, streams } = m;
  return structuredClone({ timeUnit, warmup, horizon, replications, seed, stages, streams });
}

/** Loads `file` expecting a ModelError; returns its problems. */
function problemsOf(file: string, set?: string[]) {
  try {
    loadModel(file, { set });
  } catch (e) {
    if (e instanceof ModelError) return e.problems;
    throw e;
  }
  throw new Error(`${file} was accepted`);
}

/** Nothing was added to Object.prototype (a polluted prototype shows on every object). */
function expectPrototypeClean(): void {
  expect(Object.getOwnPropertyNames(Object.prototype).sort()).toEqual(
    [
      "constructor", "__defineGetter__", "__defineSetter__", "hasOwnProperty", "__lookupGetter__", "__lookupSetter__",
      "isPrototypeOf", "propertyIsEnumerable", "toString", "valueOf", "__proto__", "toLocaleString",
    ].sort(),
  );
  const probe: Record<string, unknown> = {};
  for (const k of ["polluted", "horizon", "servers", "stages"]) expect(probe[k], k).toBeUndefined();
}

describe("the shipped scenarios", () => {
  it("there are scenarios to test", () => {
    expect(SHIPPED.length).toBeGreaterThanOrEqual(5);
  });

  it.each(SHIPPED)("scenarios/%s loads and runs (vsm run -r 3 --json)", async (file) => {
    const r = await vsm(["run", `scenarios/${file}`, "-r", "3", "--json"]);
    expect(r.stderr).not.toSatisfy(hasStackTrace);
    expect(r.status, r.stderr).toBe(0);
    const doc = JSON.parse(r.stdout);
    const declared = YAML.parse(readFileSync(join(SCENARIO_DIR, file), "utf8"));
    expect(doc.model).toBe(declared.name);
    expect(doc.source).toBe(`scenarios/${file}`);
    expect(doc.replications).toBe(3);
    expect(Object.keys(doc.streams).length).toBeGreaterThan(0);
    for (const s of Object.values(doc.streams) as { completed: { mean: number } }[]) expect(s.completed.mean).toBeGreaterThan(0);
  });

  it("a scenario on a scenario (combined-future-state -> security-intake-checklist -> acme-saas) has every layer's changes", () => {
    const m = loadModel(join(SCENARIO_DIR, "combined-future-state.yaml"));
    expect(m.name).toBe("Combined future state");
    expect(m.source).toBe("scenarios/combined-future-state.yaml");
    // From security-intake-checklist.yaml:
    expect(m.stages.security.rework).toEqual({ probability: 0.1, to: null, effort: 0.4 }); // effort from the base
    // From combined-future-state.yaml itself:
    expect(m.stages.arch_review.batch).toEqual({ kind: "schedule", every: 1, offset: 0, max: null });
    expect(m.stages.platform_env.servers).toBe(Infinity);
    expect(m.stages.platform_env.processTime).toEqual({ dist: "fixed", value: 0.1 });
    // From the base model, untouched:
    const base = loadModel(join(ROOT, "models/acme-saas.yaml"));
    expect(m.stages.security.servers).toBe(base.stages.security.servers);
    expect(m.streams).toEqual(base.streams);
  });

  it("loadModels reads a base shared by several scenarios once, and each model keeps its own copy", () => {
    // The base is parsed once for all of them; a nested change one scenario makes must reach no other.
    tmp.write("deeper.yaml", "name: deeper\nbase: base.yaml\nchanges:\n  stages:\n    dev:\n      processTime: { mean: 2 }\n");
    tmp.write("wider.yaml", "name: wider\nbase: base.yaml\nchanges:\n  stages:\n    dev: { servers: 5 }\n");
    const { models } = loadModels([join(tmp.dir, "base.yaml"), join(tmp.dir, "deeper.yaml"), join(tmp.dir, "wider.yaml"), join(tmp.dir, "deeper.yaml")]);
    const alone = (f: string) => content(loadModel(join(tmp.dir, f)));
    expect(models.map(content)).toEqual([alone("base.yaml"), alone("deeper.yaml"), alone("wider.yaml"), alone("deeper.yaml")]);
    expect(models[1].stages.dev.processTime).toMatchObject({ mean: 2 });
    expect(models[2].stages.dev.processTime).toEqual(models[0].stages.dev.processTime);
    expect(models[2].stages.dev.servers).toBe(5);
    expect(models[0].stages.dev.servers).toBe(3);
    // Two loads of one file are two models, not one object.
    expect(models[3].stages).not.toBe(models[1].stages);
  });

  it("daily-arch-review changes the architecture board's batch and nothing else", () => {
    const base = content(loadModel(join(ROOT, "models/acme-saas.yaml")));
    const daily = content(loadModel(join(SCENARIO_DIR, "daily-arch-review.yaml")));
    expect(daily.stages.arch_review.batch).toEqual({ kind: "schedule", every: 1, offset: 0, max: null });
    daily.stages.arch_review.batch = base.stages.arch_review.batch;
    expect(daily).toEqual(base);
  });
});

describe("merge patch", () => {
  const twoReviewers = join(FIXTURES, "scenarios/two-reviewers.yaml");
  const noRework = join(FIXTURES, "scenarios/two-reviewers-no-rework.yaml");

  it("a map in changes merges key by key: only the changed field differs", () => {
    const base = content(loadModel(SMALL));
    const m = loadModel(twoReviewers);
    expect(m.name).toBe("Two reviewers");
    expect(m.stages.review.servers).toBe(2);
    const c = content(m);
    c.stages.review.servers = base.stages.review.servers;
    c.stages.review.headcount = base.stages.review.headcount; // servers x peoplePerServer
    expect(c).toEqual(base);
  });

  it("null removes a key, on a scenario on a scenario", () => {
    const m = loadModel(noRework);
    expect(m.name).toBe("Two reviewers, no rework");
    expect(m.stages.review.rework).toBeNull(); // removed here
    expect(m.warmup).toBe(0); // removed here: the default applies (small.yaml has 20)
    expect(m.stages.review.servers).toBe(2); // from two-reviewers.yaml
    expect(m.stages.review.processTime).toEqual({ dist: "exponential", mean: 0.8 }); // from small.yaml
  });

  it("null removes a whole stage; an array (a route) is replaced whole", () => {
    const m = loadModel(join(FIXTURES, "scenarios/skip-intake.yaml"));
    expect(Object.keys(m.stages)).toEqual(["dev", "review"]);
    expect(m.streams.web.route).toEqual([
      { kind: "stage", stage: "dev", probability: 1 },
      { kind: "stage", stage: "review", probability: 1 },
    ]);
  });

  it("a scenario on a scenario runs from the CLI", async () => {
    const r = await vsm(["run", noRework, "-r", "2", "--json", "--set", "horizon=60"]);
    expect(r.status, r.stderr).toBe(0);
    const doc = JSON.parse(r.stdout);
    expect(doc.model).toBe("Two reviewers, no rework");
    expect(doc.warmup).toBe(0);
    expect(doc.horizon).toBe(60);
  });

  it("removing a required key with null is reported against the scenario", () => {
    tmp.write("no-horizon.yaml", "name: x\nbase: base.yaml\nchanges:\n  horizon: null\n");
    const ps = problemsOf(join(tmp.dir, "no-horizon.yaml"));
    expect(ps).toHaveLength(1);
    expect(ps[0].file).toBe(join(tmp.dir, "no-horizon.yaml"));
    expect(ps[0].path).toBe("changes.horizon");
    expect(ps[0].message).toMatch(/required|missing/i);
  });
});

describe("problems in a scenario name the scenario file and changes.<path>", () => {
  it("a bad value the scenario set (CLI)", async () => {
    tmp.write("zero-servers.yaml", "name: x\nbase: base.yaml\nchanges:\n  stages:\n    review:\n      servers: 0\n");
    const r = await vsm(["validate", "zero-servers.yaml"], tmp.dir);
    expect(r.stderr).not.toSatisfy(hasStackTrace);
    expect(r.status).toBe(2);
    expect(r.lines).toEqual(["zero-servers.yaml: changes.stages.review.servers must be a whole number >= 1 (got 0)"]);
  });

  it("a misspelt field the scenario added, with did-you-mean", () => {
    tmp.write("typo.yaml", "name: x\nbase: base.yaml\nchanges:\n  stages:\n    review:\n      sevrers: 2\n");
    const ps = problemsOf(join(tmp.dir, "typo.yaml")).map((p) => formatProblem({ ...p, file: "typo.yaml" }));
    expect(ps).toHaveLength(1);
    expect(ps[0]).toMatch(/^typo\.yaml: changes\.stages\.review\.sevrers is not a known field \(did you mean "servers"\?\)/);
  });

  it("an unknown stage in a route the scenario replaced, with did-you-mean", () => {
    tmp.write("route.yaml", "name: x\nbase: base.yaml\nchanges:\n  streams:\n    web:\n      route: [intake, dev, reveiw]\n");
    const ps = problemsOf(join(tmp.dir, "route.yaml")).map((p) => formatProblem({ ...p, file: "route.yaml" }));
    expect(ps).toEqual(['route.yaml: changes.streams.web.route[2] names unknown stage "reveiw" (did you mean "review"?); known stages: intake, dev, review']);
  });

  it("several mistakes in a scenario are all reported", () => {
    tmp.write("three.yaml", "name: x\nbase: base.yaml\nchanges:\n  horizon: -1\n  stages:\n    dev:\n      servers: 0\n    review:\n      processTime: 2x\n");
    const ps = problemsOf(join(tmp.dir, "three.yaml"));
    expect(ps.map((p) => p.path).sort()).toEqual(["changes.horizon", "changes.stages.dev.servers", "changes.stages.review.processTime"]);
    for (const p of ps) expect(p.file).toBe(join(tmp.dir, "three.yaml"));
  });

  it("on a scenario on a scenario, the layer that made the mistake is named, not the one on top", () => {
    tmp.write("lower.yaml", "name: lower\nbase: base.yaml\nchanges:\n  stages:\n    review:\n      servers: 0\n");
    tmp.write("upper.yaml", "name: upper\nbase: lower.yaml\nchanges:\n  stages:\n    dev:\n      servers: 4\n");
    const ps = problemsOf(join(tmp.dir, "upper.yaml"));
    expect(ps.map((p) => formatProblem({ ...p, file: p.file.replace(`${tmp.dir}/`, "") }))).toEqual([
      "lower.yaml: changes.stages.review.servers must be a whole number >= 1 (got 0)",
    ]);
  });

  it("a mistake in the base model, in a field the scenario did not change, names the base file", () => {
    tmp.write("bad-base.yaml", readFileSync(SMALL, "utf8").replace("servers: 3", "servers: -3"));
    tmp.write("on-bad-base.yaml", "name: x\nbase: bad-base.yaml\nchanges:\n  stages:\n    review:\n      servers: 2\n");
    const ps = problemsOf(join(tmp.dir, "on-bad-base.yaml"));
    expect(ps.map((p) => formatProblem({ ...p, file: p.file.replace(`${tmp.dir}/`, "") }))).toEqual([
      "bad-base.yaml: stages.dev.servers must be a whole number >= 1 (got -3)",
    ]);
  });

  it("a misspelt scenario field, with did-you-mean", () => {
    tmp.write("chnages.yaml", "name: x\nbase: base.yaml\nchnages:\n  horizon: 5\n");
    const ps = problemsOf(join(tmp.dir, "chnages.yaml"));
    const line = ps.map((p) => `${p.path} ${p.message}`).find((l) => l.startsWith("chnages "));
    expect(line).toMatch(/^chnages is not a known field \(did you mean "changes"\?\)/);
  });

  it("a missing base file names the scenario, its base field and the missing file (CLI)", async () => {
    tmp.write("no-base.yaml", "name: x\nbase: nope.yaml\nchanges:\n  horizon: 5\n");
    const r = await vsm(["validate", "no-base.yaml"], tmp.dir);
    expect(r.stderr).not.toSatisfy(hasStackTrace);
    expect(r.status).toBe(2);
    expect(r.lines).toHaveLength(1);
    expect(r.lines[0]).toMatch(/^no-base\.yaml: base /);
    expect(r.lines[0]).toMatch(/nope\.yaml/);
    expect(r.lines[0]).toMatch(/does not exist|not found|no such file/);
  });

  it("a scenario cycle (a -> b -> a) is reported with the cycle (CLI)", async () => {
    tmp.write("a.yaml", "name: a\nbase: b.yaml\nchanges:\n  horizon: 5\n");
    tmp.write("b.yaml", "name: b\nbase: a.yaml\nchanges:\n  horizon: 6\n");
    const r = await vsm(["validate", "a.yaml"], tmp.dir);
    expect(r.stderr).not.toSatisfy(hasStackTrace);
    expect(r.status).toBe(2);
    expect(r.lines).toHaveLength(1);
    expect(r.lines[0]).toMatch(/^(a|b)\.yaml: base forms a cycle: (a\.yaml -> b\.yaml -> a\.yaml|b\.yaml -> a\.yaml -> b\.yaml)$/);
  });

  it("a scenario whose base is itself is a cycle", () => {
    tmp.write("self.yaml", "name: self\nbase: self.yaml\nchanges:\n  horizon: 5\n");
    const ps = problemsOf(join(tmp.dir, "self.yaml"));
    expect(ps).toHaveLength(1);
    expect(ps[0].message).toMatch(/cycle/);
  });
});

describe("a patch cannot reach Object.prototype", () => {
  const cases: [string, string, RegExp][] = [
    ["__proto__ at the top of changes", "changes:\n  __proto__:\n    polluted: yes\n    horizon: 5\n", /^changes\.__proto__$/],
    ["__proto__ under stages", "changes:\n  stages:\n    __proto__:\n      polluted: yes\n", /^changes\.stages\.__proto__$/],
    ["constructor.prototype at the top", "changes:\n  constructor:\n    prototype:\n      polluted: yes\n", /^changes\.constructor(\.prototype)?$/],
    ["constructor under a stage", "changes:\n  stages:\n    review:\n      constructor:\n        prototype: { polluted: yes }\n", /^changes\.stages\.review\.constructor(\.prototype)?$/],
    ["prototype at the top", "changes:\n  prototype:\n    polluted: yes\n", /^changes\.prototype$/],
  ];

  it.each(cases)("%s changes nothing outside the model and is reported", (_what, changes, path) => {
    const name = `proto-${cases.findIndex((c) => c[1] === changes)}.yaml`;
    tmp.write(name, `name: p\nbase: base.yaml\n${changes}`);
    const before = content(loadModel(join(tmp.dir, "base.yaml")));
    let problems: ReturnType<typeof problemsOf> = [];
    try {
      loadModel(join(tmp.dir, name));
    } catch (e) {
      if (!(e instanceof ModelError)) throw e;
      problems = e.problems;
    }
    expectPrototypeClean();
    expect(content(loadModel(join(tmp.dir, "base.yaml")))).toEqual(before);
    const hit = problems.find((p) => path.test(p.path));
    expect(hit, `a problem at ${path} among ${JSON.stringify(problems)}`).toBeDefined();
    expect(hit!.file).toBe(join(tmp.dir, name));
    expect(hit!.message).toMatch(/not allowed|reserved/);
  });

  it("__proto__ in a JSON scenario is reported too", () => {
    // Written as text: an object literal's __proto__ would set a prototype, not a key.
    tmp.write("proto.json", '{"name": "p", "base": "base.yaml", "changes": {"__proto__": {"polluted": true}}}\n');
    const ps = problemsOf(join(tmp.dir, "proto.json"));
    expectPrototypeClean();
    expect(ps.map((p) => p.path)).toContain("changes.__proto__");
  });

  it("--set with __proto__, constructor or prototype is reported and changes nothing", () => {
    for (const set of ["__proto__.polluted=yes", "constructor.prototype.polluted=yes", "stages.review.__proto__.servers=9", "prototype.polluted=1"]) {
      const ps = problemsOf(SMALL, [set]);
      expect(ps, set).toHaveLength(1);
      expect(ps[0].file).toBe("--set");
      expect(ps[0].message, set).toMatch(/is not allowed: "(__proto__|constructor|prototype)" is reserved/);
    }
    expectPrototypeClean();
  });

  it("a scenario with __proto__ exits 2 from the CLI (CLI)", async () => {
    tmp.write("proto-cli.yaml", "name: p\nbase: base.yaml\nchanges:\n  stages:\n    review:\n      __proto__: { servers: 9 }\n");
    const r = await vsm(["validate", "proto-cli.yaml"], tmp.dir);
    expect(r.stderr).not.toSatisfy(hasStackTrace);
    expect(r.status).toBe(2);
    expect(r.lines).toEqual(['proto-cli.yaml: changes.stages.review.__proto__ is not allowed: "__proto__" is reserved and cannot be a model field']);
  });
});

describe("vsm compare", () => {
  it("compare models/acme-saas.yaml scenarios/daily-arch-review.yaml -r 10 --json has base, and the scenario's name, file, run and diff", async () => {
    const r = await vsm(["compare", "models/acme-saas.yaml", "scenarios/daily-arch-review.yaml", "-r", "10", "--json"]);
    expect(r.status, r.stderr).toBe(0);
    const doc = JSON.parse(r.stdout);
    expect(doc.base.model).toBe("Acme SaaS, current state");
    expect(doc.base.replications).toBe(10);
    expect(doc.scenarios).toHaveLength(1);
    const s = doc.scenarios[0];
    expect(s.name).toBe("Daily architecture review");
    expect(s.file).toBe("scenarios/daily-arch-review.yaml");
    expect(s.run.model).toBe("Daily architecture review");
    expect(Object.keys(s.run.streams)).toEqual(["payments", "webapp", "mobile", "platform"]);
    expect(Object.keys(s.diff.streams)).toEqual(["payments", "webapp", "mobile", "platform"]);
    for (const id of Object.keys(s.diff.streams)) {
      const p85 = s.diff.streams[id].leadTime.p85;
      expect(Object.keys(p85).sort(), id).toEqual(["ci95", "mean", "n", "p", "relative", "significant"]);
      expect(Object.keys(p85.relative).sort(), id).toEqual(["ci95", "mean", "n"]);
      expect(Number.isFinite(p85.mean), id).toBe(true);
      expect(Number.isFinite(p85.ci95) && p85.ci95 >= 0, id).toBe(true);
    }
    // A daily board instead of a weekly one: payments waits ~3 days less for sign-off.
    expect(s.diff.streams.payments.leadTime.p85.mean).toBeLessThan(0);
  });

  it("collects the problems of every file before refusing (CLI)", async () => {
    tmp.write("bad1.yaml", "name: b1\nbase: base.yaml\nchanges:\n  stages:\n    review:\n      servers: 0\n");
    tmp.write("bad2.yaml", "name: b2\nbase: base.yaml\nchanges:\n  horizon: -1\n");
    const r = await vsm(["compare", "base.yaml", "bad1.yaml", "bad2.yaml", "-r", "2"], tmp.dir);
    expect(r.stderr).not.toSatisfy(hasStackTrace);
    expect(r.status).toBe(2);
    expect(r.stdout).toBe("");
    expect(r.lines).toHaveLength(2);
    expect(r.lines[0]).toMatch(/^bad1\.yaml: changes\.stages\.review\.servers must be a whole number >= 1 \(got 0\)$/);
    expect(r.lines[1]).toMatch(/^bad2\.yaml: changes\.horizon must be greater than zero.*\(got -1\)$/);
  });
});

describe("a scenario that swaps a distribution", () => {
  it("is blamed for the old parameters it left, with the null that removes them", () => {
    // small.yaml's dev is { dist: lognormal, mean: 1, cv: 0.5 }: a merge patch keeps mean and cv.
    tmp.write("fixed-dev.yaml", "name: x\nbase: base.yaml\nchanges:\n  stages:\n    dev:\n      processTime: { dist: fixed, value: 0.5 }\n");
    const ps = problemsOf(join(tmp.dir, "fixed-dev.yaml"));
    expect(ps.map((p) => formatProblem({ ...p, file: p.file.replace(`${tmp.dir}/`, "") }))).toEqual([
      'fixed-dev.yaml: changes.stages.dev.processTime.mean is left over from the lognormal distribution this scenario replaced, and fixed has no mean: add "mean: null" to remove it',
      'fixed-dev.yaml: changes.stages.dev.processTime.cv is left over from the lognormal distribution this scenario replaced, and fixed has no cv: add "cv: null" to remove it',
    ]);
    // Doing what the message says gives a valid model.
    tmp.write("fixed-dev-ok.yaml", "name: x\nbase: base.yaml\nchanges:\n  stages:\n    dev:\n      processTime: { dist: fixed, value: 0.5, mean: null, cv: null }\n");
    expect(loadModel(join(tmp.dir, "fixed-dev-ok.yaml")).stages.dev.processTime).toEqual({ dist: "fixed", value: 0.5 });
  });

  it("the same from --set, with the --set that removes them", () => {
    const ps = problemsOf(SMALL, ["stages.dev.processTime={ dist: gamma, mean: 1, cv: 0.5 }", "stages.review.processTime.dist=fixed", "stages.review.processTime.value=1"]);
    expect(ps.map(formatProblem)).toEqual([
      "--set: stages.review.processTime.mean is left over from the exponential distribution --set replaced, and fixed has no mean: add --set stages.review.processTime.mean=null to remove it",
    ]);
  });

  it("a field the base got wrong, in a distribution the scenario did not swap, is still the base's", () => {
    tmp.write("typo-base.yaml", readFileSync(SMALL, "utf8").replace("{ dist: lognormal, mean: 1, cv: 0.5 }", "{ dist: lognormal, mean: 1, cv: 0.5, sd: 1 }"));
    tmp.write("on-typo-base.yaml", "name: x\nbase: typo-base.yaml\nchanges:\n  stages:\n    dev:\n      processTime: { mean: 2 }\n");
    const ps = problemsOf(join(tmp.dir, "on-typo-base.yaml"));
    expect(ps.map((p) => `${p.file.replace(`${tmp.dir}/`, "")}: ${p.path}`)).toEqual(["typo-base.yaml: stages.dev.processTime.sd"]);
  });
});

describe("--set in compare", () => {
  // A scenario that adds a stage the base does not have.
  const ADD_QA = "name: With QA\nbase: base.yaml\nchanges:\n  stages:\n    qa: { servers: 1, processTime: 0.1 }\n  streams:\n    web: { route: [intake, dev, review, qa] }\n";

  it("applies to every model that has the stage, and says where on stderr (CLI)", async () => {
    tmp.write("add-qa.yaml", ADD_QA);
    const args = ["compare", "base.yaml", "add-qa.yaml", "-r", "2", "--json", "--set", "stages.qa.servers=2", "--set", "horizon=30"];
    const r = await vsm(args, tmp.dir);
    expect(r.stderr).not.toSatisfy(hasStackTrace);
    expect(r.status, r.stderr).toBe(0);
    expect(r.lines).toEqual([
      'set stages.qa.servers=2 on add-qa.yaml only: base (base.yaml) has no stage "qa"',
      "set horizon=30 on base (base.yaml) and 1 scenario",
    ]);
    const doc = JSON.parse(r.stdout);
    expect(doc.base.horizon).toBe(30);
    expect(doc.scenarios[0].run.horizon).toBe(30);
    // --quiet says nothing.
    const q = await vsm([...args, "-q"], tmp.dir);
    expect(q.status).toBe(0);
    expect(q.stderr).toBe("");
  });

  it("changes exactly the models that have the target (loadModels)", () => {
    tmp.write("add-qa.yaml", ADD_QA);
    const { models, sets } = loadModels([join(tmp.dir, "base.yaml"), join(tmp.dir, "add-qa.yaml")], { set: ["stages.qa.servers=2", "stages.review.servers=4"] });
    expect(models[0].stages.qa).toBeUndefined();
    expect(models[1].stages.qa.servers).toBe(2);
    expect(models.map((m) => m.stages.review.servers)).toEqual([4, 4]);
    expect(sets).toEqual([
      { assignment: "stages.qa.servers=2", models: [1], target: { kind: "stage", id: "qa" } },
      { assignment: "stages.review.servers=4", models: [0, 1], target: { kind: "stage", id: "review" } },
    ]);
  });

  /** The lines `vsm compare base.yaml add-qa.yaml --set ...` prints when it refuses. */
  function refused(set: string[]): string[] {
    tmp.write("add-qa.yaml", ADD_QA);
    try {
      loadModels([join(tmp.dir, "base.yaml"), join(tmp.dir, "add-qa.yaml")], { set });
    } catch (e) {
      if (e instanceof ModelError) return e.problems.map(formatProblem);
      throw e;
    }
    throw new Error(`--set ${set.join(" ")} was accepted`);
  }

  it("is refused, with every model's stages, only when no model has the stage", () => {
    expect(refused(["stages.qaa.servers=2"])).toEqual(['--set: stages.qaa names unknown stage "qaa" (did you mean "qa"?); known stages: intake, dev, review, qa']);
  });

  it("a bad value set on several models is reported once", () => {
    expect(refused(["horizon=0"])).toEqual(["--set: horizon must be greater than zero (got 0)"]);
  });
});
