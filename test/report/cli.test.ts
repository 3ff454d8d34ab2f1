/** `vsm report`, and --html on run and compare, as a user runs them: the file, and what is refused. */
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { FIXTURES, ensureBuilt, scratch, vsm } from "../fixtures/cli.js";

const SMALL = join(FIXTURES, "small.yaml");
const SCEN = join(FIXTURES, "scenarios/two-reviewers.yaml");

describe("vsm report", () => {
  const dir = scratch();
  beforeAll(ensureBuilt);
  afterAll(() => dir.remove());

  it("writes one HTML file of a comparison, prints nothing on stdout, and --html on compare writes the same kind of page", async () => {
    const out = join(dir.dir, "r.html");
    const r = await vsm(["report", SMALL, SCEN, "-r", "3", "-w", "1", "--out", out]);
    expect(r.status).toBe(0);
    expect(r.stdout).toBe("");
    expect(r.stderr).toContain(`wrote ${out}`);
    const html = readFileSync(out, "utf8");
    expect(html.startsWith("<!DOCTYPE html>")).toBe(true);
    expect(html).toContain("Two reviewers");
    expect(html).toContain('data-table="comparison"');
    for (const id of ["intake", "dev", "review"]) expect(html).toContain(`data-stage="${id}"`);

    const also = join(dir.dir, "c.html");
    const c = await vsm(["compare", SMALL, SCEN, "-r", "3", "-w", "1", "-q", "--html", also]);
    expect(c.status).toBe(0);
    expect(c.stdout).toMatch(/Two reviewers/); // compare still prints its table
    expect(readFileSync(also, "utf8")).toContain('data-chart="organization-map"');
  });

  it("refuses to write the report over an input file (exit 2, before the run) and over a missing folder", async () => {
    const base = dir.write("base.yaml", readFileSync(SMALL, "utf8"));
    const before = readFileSync(base, "utf8");
    const r = await vsm(["report", base, "-r", "2", "--out", base]);
    expect(r.status).toBe(2);
    expect(r.stderr).toMatch(/refusing to overwrite an input file/);
    expect(readFileSync(base, "utf8")).toBe(before);
    const h = await vsm(["run", base, "-r", "2", "--html", join(dir.dir, "nowhere", "x.html")]);
    expect(h.status).toBe(2);
    expect(h.stderr).toMatch(/cannot write \(ENOENT\)/);
    expect(existsSync(join(dir.dir, "nowhere"))).toBe(false);
  });
});
