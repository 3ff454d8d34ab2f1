/**
 * Bad input, as a user meets it: `vsm validate FILE` exits 2 and prints one line per problem,
 * `FILE: FIELD.PATH what is wrong (got VALUE)`, every problem at once, never a stack trace.
 * Each test writes its own small file to a scratch directory and asserts the wording.
 *
 * Most cases load the file in-process (loadModel, whose problems the CLI prints one per line with
 * formatProblem): a node start-up per case would make this file slow. The cases marked "(CLI)" run
 * `vsm validate` itself and pin the exit status, stdout and stderr.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { spawn, spawnSync } from "node:child_process";
import { existsSync, mkdirSync } from "node:fs";
import { join } from "node:path";
import { formatProblem, loadModel, ModelError } from "../../src/index.js";
import { safeText } from "../../src/report/format.js";
import { type CliResult, CLI, ensureBuilt, hasStackTrace, scratch, vsm } from "../fixtures/cli.js";

const VALID = `horizon: 100
warmup: 10
stages:
  dev:
    servers: 2
    processTime: { dist: exponential, mean: 1 }
  review:
    servers: 1
    processTime: 0.5
    rework: { probability: 0.2, to: dev }
streams:
  web:
    arrivals: { rate: 1 }
    route: [dev, review]
`;

/** VALID with each [from, to] replaced once (and the replacement checked to have happened). */
function edit(...changes: [string, string][]): string {
  let text = VALID;
  for (const [from, to] of changes) {
    if (!text.includes(from)) throw new Error(`fixture edit: "${from}" not in the model`);
    text = text.replace(from, to);
  }
  return text;
}

let tmp: ReturnType<typeof scratch>;
beforeAll(() => {
  ensureBuilt();
  tmp = scratch("vsm-errors-");
});
afterAll(() => tmp.remove());

/** The common contract of bad input: exit 2, nothing on stdout, no stack trace, every line names the file. */
function expectBadInput(r: CliResult, file: string): string[] {
  expect(r.stderr, "no stack trace").not.satisfy(hasStackTrace);
  expect(r.stdout).toBe("");
  expect(r.status, r.stderr).toBe(2);
  expect(r.lines.length).toBeGreaterThan(0);
  for (const line of r.lines) expect(line.startsWith(`${file}: `), `"${line}" starts with "${file}: "`).toBe(true);
  return r.lines;
}

/**
 * Writes `text` as `name` in the scratch directory, loads it in-process and returns the lines the
 * CLI would print, each with the file shown as `name` (in-process the file is an absolute path).
 */
async function bad(name: string, text: string): Promise<string[]> {
  const file = tmp.write(name, text);
  try {
    loadModel(file);
  } catch (e) {
    if (!(e instanceof ModelError)) throw e;
    expect(e.problems.length).toBeGreaterThan(0);
    for (const p of e.problems) expect(p.file, formatProblem(p)).toBe(file);
    return e.problems.map((p) => formatProblem({ ...p, file: name }));
  }
  throw new Error(`${name} was accepted as a valid model`);
}

/** The same through the CLI: `vsm validate name` in the scratch directory. */
async function badCli(name: string, text: string): Promise<string[]> {
  tmp.write(name, text);
  return expectBadInput(await vsm(["validate", name], tmp.dir), name);
}

/** The one line about `path` (exactly one is expected). */
function lineFor(lines: string[], path: string): string {
  const hits = lines.filter((l) => l.split(": ")[1]?.startsWith(`${path} `));
  expect(hits, `one line about ${path} in:\n${lines.join("\n")}`).toHaveLength(1);
  return hits[0];
}

describe("the fixture itself", () => {
  it("is a valid model (so each mistake below is the only one)", async () => {
    tmp.write("valid.yaml", VALID);
    const r = await vsm(["validate", "valid.yaml"], tmp.dir);
    expect(r.stderr).toBe("");
    expect(r.status).toBe(0);
    expect(r.stdout).toMatch(/^valid\.yaml: valid/);
  });
});

describe("YAML syntax", () => {
  it("reports a syntax error with its line and column (CLI)", async () => {
    const lines = await badCli("syntax.yaml", "horizon: 100\nstages:\n  dev: servers: 2\n");
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(/^syntax\.yaml: line 3, column \d+: YAML syntax error: /);
  });

  it("reports an unclosed flow mapping with a line and column", async () => {
    const lines = await bad("unclosed.yaml", "horizon: 100\nstages:\n  dev: {servers: 2\n");
    expect(lines[0]).toMatch(/^unclosed\.yaml: line \d+, column \d+: YAML syntax error/);
  });

  it("reports a duplicate key with its line and the key's name", async () => {
    const text = edit(["    processTime: { dist: exponential, mean: 1 }\n", "    processTime: { dist: exponential, mean: 1 }\n    servers: 3\n"]);
    const lines = await bad("duplicate.yaml", text);
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(/line 7/);
    expect(lines[0]).toMatch(/unique|duplicate|more than once/i);
    // The user must be told WHICH key: the field path, or at least the key.
    expect(lines[0]).toMatch(/servers/);
  });

  it("reports a duplicate top-level key naming it", async () => {
    const lines = await bad("duplicate-top.yaml", `${VALID}horizon: 200\n`);
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(/unique|duplicate|more than once/i);
    expect(lines[0]).toMatch(/horizon/);
  });
});

describe("types", () => {
  it("reports a string where a number is needed, with the field path and the value (CLI)", async () => {
    const lines = await badCli("type.yaml", edit(["servers: 2", "servers: two"]));
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(/^type\.yaml: stages\.dev\.servers must be a positive integer or "unlimited" \(got "two"\)$/);
  });

  it("reports a scalar where a map is needed and a string where a list is needed", async () => {
    const lines = await bad("types.yaml", "horizon: 5\nstages: 5\nstreams: {w: {arrivals: {rate: 1}, route: dev}}\n");
    expect(lineFor(lines, "stages")).toMatch(/must be a map.*\(got 5\)/);
    expect(lineFor(lines, "streams.w.route")).toMatch(/must be a list.*\(got "dev"\)/);
  });

  it("reports a document that is a list, not a mapping", async () => {
    const lines = await bad("list.yaml", "[1, 2]\n");
    expect(lines).toEqual(["list.yaml: must be a mapping with horizon, stages and streams (got [1,2])"]);
  });
});

describe("missing required keys", () => {
  it("reports a missing horizon as required", async () => {
    const lines = await bad("no-horizon.yaml", edit(["horizon: 100\n", ""]));
    // Says what a horizon is for and how to write one, not only the rules of a duration.
    expect(lines).toEqual(['no-horizon.yaml: horizon is required: it must say how long each replication is measured after warmup, e.g. horizon: 720 or horizon: "26w"']);
  });

  it("reports missing stages and streams as required", async () => {
    const lines = await bad("no-maps.yaml", "horizon: 100\n");
    expect(lineFor(lines, "stages")).toMatch(/required|missing/i);
    expect(lineFor(lines, "streams")).toMatch(/required|missing/i);
  });

  it("reports a stage's missing servers and processTime as required", async () => {
    const lines = await bad("no-servers.yaml", edit(["    servers: 2\n    processTime: { dist: exponential, mean: 1 }\n", "    name: Dev\n"]));
    expect(lineFor(lines, "stages.dev.servers")).toMatch(/required|missing/i);
    expect(lineFor(lines, "stages.dev.processTime")).toMatch(/required|missing/i);
    expect(lines).toHaveLength(2);
  });

  it("reports a stream's missing arrivals and route as required, in the catalogue's words", async () => {
    const lines = await bad("no-route.yaml", edit(["    arrivals: { rate: 1 }\n    route: [dev, review]\n", "    name: Web\n"]));
    expect(lines).toHaveLength(2);
    for (const path of ["streams.web.arrivals", "streams.web.route"]) {
      const line = lineFor(lines, path);
      expect(line).toMatch(/required|missing/i);
      // zod's own wording ("Invalid input: expected object, received undefined") is not the catalogue's.
      expect(line).not.toMatch(/Invalid input|received undefined/);
    }
  });
});

describe("unknown keys", () => {
  it('suggests "servers" for "sevrers"', async () => {
    const lines = await bad("typo.yaml", edit(["servers: 2", "sevrers: 2"]));
    expect(lineFor(lines, "stages.dev.sevrers")).toMatch(/is not a known field \(did you mean "servers"\?\)/);
  });

  it("suggests a top-level field for a misspelt one", async () => {
    const lines = await bad("typo-top.yaml", edit(["warmup: 10", "wramup: 10"]));
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(/^typo-top\.yaml: wramup is not a known field \(did you mean "warmup"\?\)/);
  });

  it("lists the known fields when nothing is close", async () => {
    const lines = await bad("unknown.yaml", edit(["    arrivals: { rate: 1 }\n", "    arrivals: { rate: 1 }\n    colour: blue\n"]));
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(/streams\.web\.colour is not a known field; expected one of: .*arrivals.*route/);
  });
});

describe("rates and times out of range", () => {
  const cases: [string, string, string, string][] = [
    // [what, from, to, the value as the message shows it]
    ["a negative mean process time", "mean: 1 }", "mean: -1 }", "-1"],
    ["a zero mean process time", "mean: 1 }", "mean: 0 }", "0"],
    ["a NaN mean process time", "mean: 1 }", "mean: .nan }", "NaN"],
    ["an infinite mean process time", "mean: 1 }", "mean: .inf }", "Infinity"],
    ["a negative fixed process time", "processTime: 0.5", "processTime: -0.5", "-0.5"],
  ];
  it.each(cases)("rejects %s", async (_what, from, to, shown) => {
    const lines = await bad("time.yaml", edit([from, to]));
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(/^time\.yaml: stages\.(dev|review)\.processTime(\.mean)? must be /);
    expect(lines[0]).toMatch(/greater than zero|> ?0|>= ?0|finite|positive/);
    expect(lines[0]).toContain(`(got ${shown})`);
  });

  const rates: [string, string, string][] = [
    ["a negative rate", "-2", "-2"],
    ["a zero rate", "0", "0"],
    ["a NaN rate", ".nan", "NaN"],
    ["an infinite rate", ".inf", "Infinity"],
    ["a minus-infinite rate", "-.inf", "-Infinity"],
  ];
  it.each(rates)("rejects %s", async (_what, value, shown) => {
    const lines = await bad("rate.yaml", edit(["rate: 1", `rate: ${value}`]));
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(/^rate\.yaml: streams\.web\.arrivals\.rate must be /);
    expect(lines[0]).toMatch(/greater than zero|> ?0|finite|positive/);
    expect(lines[0]).toContain(`(got ${shown})`);
  });

  it("rejects a zero and a negative horizon", async () => {
    expect((await bad("h0.yaml", edit(["horizon: 100", "horizon: 0"])))[0]).toMatch(/^h0\.yaml: horizon must be greater than zero.*\(got 0\)$/);
    expect((await bad("hneg.yaml", edit(["horizon: 100", 'horizon: "-3d"'])))[0]).toMatch(/^hneg\.yaml: horizon must .*\(got "-3d"\)$/);
  });

  it("rejects a lognormal with cv 0", async () => {
    const lines = await bad("cv.yaml", edit(["{ dist: exponential, mean: 1 }", "{ dist: lognormal, mean: 1, cv: 0 }"]));
    expect(lines).toEqual(["cv.yaml: stages.dev.processTime.cv must be at least 0.000001 (a cv of 0 is a fixed time: use a bare number) (got 0)"]);
  });

  it("rejects a cv so large the distribution's parameters break", async () => {
    const lines = await bad("cv-huge.yaml", edit(["{ dist: exponential, mean: 1 }", "{ dist: gamma, mean: 1, cv: 1e200 }"]));
    expect(lines).toEqual(["cv-huge.yaml: stages.dev.processTime.cv must be at most 100 (got 1e+200)"]);
  });

  it("rejects a run that would never end", async () => {
    const lines = await bad("forever.yaml", edit(["horizon: 100", "horizon: 1e308"], ["warmup: 10", "warmup: 1e308"]));
    expect(lines).toEqual(["forever.yaml: horizon with warmup is too long to simulate: warmup + horizon must be a finite time"]);
  });

  it("rejects a duration string too large to be a finite time (400 nines)", async () => {
    const nines = "9".repeat(400);
    const shown = `"${nines.slice(0, 56)}...`;
    expect(await bad("inf.yaml", edit(["processTime: 0.5", `processTime: "${nines}d"`]))).toEqual([
      `inf.yaml: stages.review.processTime must be a finite time: this one is too large to be a number (got ${shown})`,
    ]);
    // A number that is finite, in a unit that makes it infinite in minutes (1e306 weeks).
    const big = `${"9".repeat(306)}w`;
    const lines = await bad("inf-w.yaml", edit(["processTime: 0.5", `processTime: { dist: empirical, values: [1, "${big}"] }`]));
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(/^inf-w\.yaml: stages\.review\.processTime\.values\[1\] must be a finite time: /);
  });

  it('rejects a unit typo "2x" in a duration, naming the unit', async () => {
    const lines = await bad("unit.yaml", edit(["processTime: 0.5", 'processTime: "2x"']));
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(/^unit\.yaml: stages\.review\.processTime .*unknown time unit "x".*\(got "2x"\)$/);
  });
});

describe("probabilities", () => {
  it("rejects a rework probability above 1 and below 0", async () => {
    expect(await bad("p-high.yaml", edit(["probability: 0.2", "probability: 1.5"]))).toEqual([
      "p-high.yaml: stages.review.rework.probability must be a probability from 0 to 1 (got 1.5)",
    ]);
    expect(await bad("p-low.yaml", edit(["probability: 0.2", "probability: -0.1"]))).toEqual([
      "p-low.yaml: stages.review.rework.probability must be a probability from 0 to 1 (got -0.1)",
    ]);
  });

  it("rejects a route step's probability outside [0, 1]", async () => {
    const lines = await bad("p-step.yaml", edit(["route: [dev, review]", "route: [dev, { stage: review, probability: 2 }]"]));
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(/^p-step\.yaml: streams\.web\.route\[1\]\.probability must be a probability from 0 to 1 \(got 2\)$/);
  });

  it("rejects rework probability 1: no item would ever leave", async () => {
    const lines = await bad("p-one.yaml", edit(["probability: 0.2", "probability: 1"]));
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(/^p-one\.yaml: stages\.review\.rework\.probability is 1: .*(sent back|ever leave)/);
  });
});

describe("references between stages and routes", () => {
  it("reports an unknown stage in a route with did-you-mean", async () => {
    const lines = await bad("route.yaml", edit(["route: [dev, review]", "route: [dev, reveiw]"]));
    expect(lines).toEqual(['route.yaml: streams.web.route[1] names unknown stage "reveiw" (did you mean "review"?); known stages: dev, review']);
  });

  it("reports an unknown stage inside a parallel branch with its full path", async () => {
    const text = edit(["    rework: { probability: 0.2, to: dev }\n", ""], ["route: [dev, review]", "route: [{ parallel: [[dev], [reviw]] }]"]);
    const lines = await bad("route-par.yaml", text);
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(/^route-par\.yaml: streams\.web\.route\[0\]\.parallel\[1\]\[0\] names unknown stage "reviw" \(did you mean "review"\?\)/);
  });

  it("reports a rework target that is not before the stage in the route", async () => {
    const lines = await bad("rework-to.yaml", edit(["route: [dev, review]", "route: [review, dev]"]));
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(/^rework-to\.yaml: stages\.review\.rework\.to is "dev", which is not at or before "review" in streams\.web\.route/);
  });

  it("reports a rework target that is no stage at all, with did-you-mean", async () => {
    const lines = await bad("rework-unknown.yaml", edit(["to: dev", "to: deev"]));
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(/^rework-unknown\.yaml: stages\.review\.rework\.to names unknown stage "deev" \(did you mean "dev"\?\)/);
  });

  it("reports an empty parallel branch", async () => {
    const text = edit(["    rework: { probability: 0.2, to: dev }\n", ""], ["route: [dev, review]", "route: [{ parallel: [[dev], []] }, review]"]);
    const lines = await bad("empty-branch.yaml", text);
    expect(lines).toEqual(["empty-branch.yaml: streams.web.route[0].parallel[1] is an empty branch: each branch needs at least one step"]);
  });

  it("reports a stream or stage named __proto__ instead of silently dropping it", async () => {
    const text = `${VALID}  __proto__:\n    arrivals: { rate: 1 }\n    route: [dev]\n`;
    const lines = await bad("proto-id.yaml", text);
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(/^proto-id\.yaml: streams\.__proto__ /);
  });
});

describe("every problem is collected", () => {
  it("a file with three mistakes gives three lines (CLI)", async () => {
    const text = edit(["servers: 2", "servers: 0"], ["rate: 1", "rate: -1"], ["processTime: 0.5", 'processTime: "2x"']);
    const lines = await badCli("three.yaml", text);
    expect(lines).toHaveLength(3);
    lineFor(lines, "stages.dev.servers");
    lineFor(lines, "streams.web.arrivals.rate");
    lineFor(lines, "stages.review.processTime");
  });

  it("a type mistake does not hide a route mistake in the same file", async () => {
    const text = edit(["servers: 2", "servers: 0"], ["rate: 1", "rate: -1"], ["route: [dev, review]", "route: [dev, reveiw]"]);
    const lines = await bad("mixed.yaml", text);
    lineFor(lines, "stages.dev.servers");
    lineFor(lines, "streams.web.arrivals.rate");
    expect(lineFor(lines, "streams.web.route[1]")).toMatch(/unknown stage "reveiw" \(did you mean "review"\?\)/);
    expect(lines).toHaveLength(3);
  });
});

describe("files that are not model files", () => {
  it("reports an empty file (CLI)", async () => {
    expect(await badCli("empty.yaml", "")).toEqual(["empty.yaml: is empty: a model needs at least horizon, stages and streams"]);
  });

  it("reports a file of comments only as empty", async () => {
    expect(await bad("comments.yaml", "# nothing here yet\n\n")).toEqual(["comments.yaml: is empty: a model needs at least horizon, stages and streams"]);
  });

  it("reports a missing file (CLI)", async () => {
    const r = await vsm(["validate", "nope.yaml"], tmp.dir);
    expect(expectBadInput(r, "nope.yaml")).toEqual(["nope.yaml: does not exist"]);
  });

  it("reports a directory given instead of a file (CLI)", async () => {
    mkdirSync(join(tmp.dir, "dir.yaml"), { recursive: true });
    const r = await vsm(["validate", "dir.yaml"], tmp.dir);
    expect(expectBadInput(r, "dir.yaml")).toEqual(["dir.yaml: is a directory, not a model file"]);
  });
});

describe("hostile input is refused quickly", () => {
  const BIG = `${VALID}description: "${"x".repeat(5 * 1024 * 1024)}"\n`;
  const BOMB = [
    'a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]',
    ..."bcdefghi".split("").map((c, i) => {
      const prev = "abcdefgh"[i];
      return `${c}: &${c} [${Array(9).fill(`*${prev}`).join(",")}]`;
    }),
    "",
  ].join("\n");
  const DEEP = `horizon: 1\nstages: ${"[".repeat(10_000)}${"]".repeat(10_000)}\nstreams: {}\n`;
  const NESTED = `horizon: 1\nstages: ${"[".repeat(100)}${"]".repeat(100)}\nstreams: {}\n`;

  /** Time to refuse, in-process (no node start-up in the figure). */
  function refuse(name: string, text: string): { seconds: number; message: string } {
    const file = tmp.write(name, text);
    const start = performance.now();
    try {
      loadModel(file);
    } catch (e) {
      const seconds = (performance.now() - start) / 1000;
      expect(e).toBeInstanceOf(ModelError);
      return { seconds, message: (e as ModelError).message };
    }
    throw new Error(`${name} was accepted`);
  }

  it("refuses a file of several MB, in well under a second (CLI)", async () => {
    const { seconds, message } = refuse("big.yaml", BIG);
    expect(seconds).toBeLessThan(1);
    expect(message).toMatch(/is 5\.0 MiB; a model file may be at most 1 MiB/);
    const lines = expectBadInput(await vsm(["validate", "big.yaml"], tmp.dir), "big.yaml");
    expect(lines).toEqual(["big.yaml: is 5.0 MiB; a model file may be at most 1 MiB"]);
  });

  it("refuses an alias bomb in under a second (CLI)", async () => {
    const { seconds, message } = refuse("bomb.yaml", BOMB);
    expect(seconds).toBeLessThan(1);
    expect(message).toMatch(/alias/);
    const r = await vsm(["validate", "bomb.yaml"], tmp.dir);
    expect(expectBadInput(r, "bomb.yaml")).toHaveLength(1);
    expect(r.lines[0]).toMatch(/^bomb\.yaml: .*too many YAML aliases.*alias bomb/);
  });

  it("refuses nesting deeper than any model needs", async () => {
    const { seconds, message } = refuse("nested.yaml", NESTED);
    expect(seconds).toBeLessThan(1);
    expect(message).toMatch(/nested more than \d+ levels deep/);
  });

  it("refuses very deep nesting (10,000 levels) with a message about nesting, not a stack overflow (CLI)", async () => {
    const { seconds } = refuse("deep.yaml", DEEP);
    expect(seconds).toBeLessThan(1);
    const r = await vsm(["validate", "deep.yaml"], tmp.dir);
    const lines = expectBadInput(r, "deep.yaml");
    expect(lines).toHaveLength(1);
    const message = lines[0].slice("deep.yaml: ".length);
    expect(message).toMatch(/nest|deep/i);
    expect(message).not.toMatch(/call stack/i);
  });
});

describe("ids", () => {
  it("names an invalid stage id and says what an id may be", async () => {
    const text = edit(["  review:\n", '  "code review":\n'], ["route: [dev, review]", 'route: [dev, "code review"]']);
    expect(await bad("bad-id.yaml", text)).toEqual([
      'bad-id.yaml: stages has "code review", which is not a valid stage id: ids may use letters, digits, _ and - (and start with a letter, digit or _)',
    ]);
  });

  it("names an invalid stream id the same way", async () => {
    expect(await bad("bad-stream.yaml", edit(["  web:\n", "  web.app:\n"]))).toEqual([
      'bad-stream.yaml: streams has "web.app", which is not a valid stream id: ids may use letters, digits, _ and - (and start with a letter, digit or _)',
    ]);
  });
});

describe("text from the file never drives the terminal", () => {
  const ESC = "\u001b";
  const BEL = "\u0007";

  it("formatProblem escapes control characters in the file, the path and the message", () => {
    const line = formatProblem({ file: `a${ESC}[2J.yaml`, path: `stages.x${BEL}`, message: `names unknown stage "${ESC}]0;pwned${BEL}"; known stages: a\u2028b` });
    expect(line).toBe('a\\u001b[2J.yaml: stages.x\\u0007 names unknown stage "\\u001b]0;pwned\\u0007"; known stages: a\\u2028b');
    // The report's escaping is the same function, not a second copy.
    expect(safeText(`${ESC}x`)).toBe("\\u001bx");
  });

  it("an escape sequence in a key, an unknown stage, a rework target and a duplicate key is shown, not obeyed (CLI)", async () => {
    // Double-quoted YAML: \e is ESC, \a is BEL. Every piece below reaches a message.
    const text = [
      "horizon: 10",
      "stages:",
      '  "\\e]0;pwned\\a": { servers: 1, processTime: 1 }',
      '  dev: { servers: 1, processTime: 1, "\\e[1mcolour": red, rework: { probability: 0.1, to: "\\e[31mqa" } }',
      "streams:",
      '  web: { arrivals: { rate: 1 }, route: [dev, "\\e[2Jgone"] }',
      "",
    ].join("\n");
    tmp.write("escapes.yaml", text);
    const r = await vsm(["validate", "escapes.yaml"], tmp.dir);
    const lines = expectBadInput(r, "escapes.yaml");
    expect(r.stderr).not.toContain(ESC);
    expect(r.stderr).not.toContain(BEL);
    expect(lines).toContain('escapes.yaml: stages has "\\u001b]0;pwned\\u0007", which is not a valid stage id: ids may use letters, digits, _ and - (and start with a letter, digit or _)');
    expect(r.stderr).toContain("stages.dev.\\u001b[1mcolour is not a known field");
    expect(r.stderr).toContain('names unknown stage "\\u001b[2Jgone"');
    // The known ids come from the file too.
    expect(r.stderr).toContain("known stages: \\u001b]0;pwned\\u0007, dev");

    // The rest in-process: the CLI prints exactly formatProblem's lines, as the case above shows.
    // A raw ESC in a plain key: the duplicate-key message quotes the line's text.
    const dup = await bad("dup.yaml", `${VALID}a${ESC}[31mx: 1\na${ESC}[31mx: 2\n`);
    expect(dup.join("\n")).not.toContain(ESC);
    expect(dup[0]).toMatch(/duplicate key "a\\u001b\[31mx"/);

    let set: string[] = [];
    try {
      loadModel(tmp.write("valid.yaml", VALID), { set: [`stages.${ESC}[31mdev.servers=3`] });
    } catch (e) {
      set = (e as ModelError).problems.map(formatProblem);
    }
    expect(set).toHaveLength(1);
    expect(set[0]).toMatch(/^--set: stages\.\\u001b\[31mdev names unknown stage "\\u001b\[31mdev"/);
  });
});

describe("only a regular file is read", () => {
  // A named pipe used to hang `vsm validate` for ever, and /dev/zero to die out of memory.
  // Were the regression back, the child would wait for a writer for ever: it is killed at 10 s.
  const within = (args: string[]): Promise<CliResult> =>
    new Promise((done) => {
      const child = spawn(process.execPath, [CLI, ...args], { cwd: tmp.dir, timeout: 10_000 });
      let stdout = "";
      let stderr = "";
      child.stdout.setEncoding("utf8").on("data", (d: string) => (stdout += d));
      child.stderr.setEncoding("utf8").on("data", (d: string) => (stderr += d));
      child.on("close", (status) => done({ status, stdout, stderr, lines: stderr.split("\n").filter((l) => l.trim() !== ""), seconds: 0 }));
    });
  const fifo = (name: string) => {
    const r = spawnSync("mkfifo", [join(tmp.dir, name)]);
    if (r.status !== 0) throw new Error(`mkfifo failed: ${r.stderr}`);
  };

  it.skipIf(process.platform === "win32")("refuses a named pipe without waiting for a writer (CLI)", async () => {
    fifo("pipe.yaml");
    const r = await within(["validate", "pipe.yaml"]);
    expect(expectBadInput(r, "pipe.yaml")).toEqual(["pipe.yaml: is a named pipe, not a model file"]);
  }, 15_000);

  it.skipIf(process.platform === "win32")("refuses a named pipe as a scenario's base, naming the scenario", async () => {
    fifo("base-pipe.yaml");
    tmp.write("on-pipe.yaml", "base: base-pipe.yaml\nchanges: { horizon: 5 }\n");
    const r = await within(["validate", "on-pipe.yaml"]);
    expect(expectBadInput(r, "on-pipe.yaml")).toEqual(['on-pipe.yaml: base names "base-pipe.yaml" (base-pipe.yaml), which is a named pipe, not a model file']);
  }, 15_000);

  it.skipIf(!existsSync("/dev/zero"))("refuses a device such as /dev/zero (CLI)", async () => {
    const r = await vsm(["validate", "/dev/zero"], tmp.dir);
    expect(expectBadInput(r, "/dev/zero")).toEqual(["/dev/zero: is a device, not a model file"]);
  }, 15_000);
});
