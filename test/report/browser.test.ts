/**
 * The HTML report in a real browser (Debian's chromium driven by playwright-core; no browser is
 * downloaded): the example with its five future states and a model of hostile names, JavaScript
 * off and on, desktop and phone width. Every map and chart is drawn with a size, nothing is
 * requested beyond the page itself, no console error, no sideways scroll at 390 px, hostile
 * names are text. Screenshots (desktop, phone, PDF) go to $TMPDIR/vsm-report-screens to look at.
 * Skips when chromium is missing, fails then on CI (CI=true).
 */
import { existsSync, mkdirSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { Browser } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ensureBuilt, scratch, vsm } from "../fixtures/cli.js";
import { HOSTILE, HOSTILE_MODEL } from "./hostile.js";

const CHROMIUM = process.env.CHROMIUM_PATH ?? "/usr/bin/chromium";
const present = existsSync(CHROMIUM);
const SCREENS = join(tmpdir(), "vsm-report-screens");
const SCENARIOS = ["daily-arch-review", "security-intake-checklist", "self-service-environments", "dedicated-payments-security", "combined-future-state"].map((s) => `scenarios/${s}.yaml`);

describe("the HTML report in chromium", () => {
  it("has chromium, or says why the browser tests skip", () => {
    if (!present && process.env.CI === "true") throw new Error(`${CHROMIUM} is missing: .ci/run installs Debian's chromium package; the browser tests must run on CI`);
    if (!present) console.warn(`browser tests skipped: ${CHROMIUM} not found (apt-get install -y chromium)`);
  });
});

describe.skipIf(!present)("the HTML report in chromium", () => {
  const dir = scratch();
  let browser: Browser;
  const reports: Record<string, string> = {};

  beforeAll(async () => {
    ensureBuilt();
    mkdirSync(SCREENS, { recursive: true });
    const example = join(dir.dir, "example.html");
    const r = await vsm(["report", "models/acme-saas.yaml", ...SCENARIOS, "-r", "4", "-w", "1", "-q", "--out", example]);
    expect(r.stderr).toBe("");
    expect(r.status).toBe(0);
    reports.example = readFileSync(example, "utf8");
    const hostile = dir.write("hostile.yaml", HOSTILE_MODEL);
    const h = await vsm(["run", hostile, "-r", "2", "-w", "1", "-q", "--html", join(dir.dir, "hostile.html")]);
    expect(h.status).toBe(0);
    reports.hostile = readFileSync(join(dir.dir, "hostile.html"), "utf8");
    // Sweep and place reports: of the example, and of the hostile model (names as text).
    const made = await Promise.all([
      vsm(["sweep", "models/acme-saas.yaml", "-r", "3", "-w", "1", "-q", "--vary", "stages.security.servers=2..4", "--vary", "stages.qa.servers=4,5", "--html", join(dir.dir, "sweep.html")]),
      vsm(["place", "models/acme-saas.yaml", "-r", "3", "-w", "1", "-q", "--hires", "2", "--at", "security,qa,platform_env", "--html", join(dir.dir, "place.html")]),
      vsm(["sweep", hostile, "-r", "2", "-w", "1", "-q", "--vary", "stages.dev.servers=2,3", "--html", join(dir.dir, "hostile-sweep.html")]),
      vsm(["place", hostile, "-r", "2", "-w", "1", "-q", "--hires", "1", "--html", join(dir.dir, "hostile-place.html")]),
    ]);
    for (const m of made) expect([m.status, m.stderr]).toEqual([0, ""]);
    for (const name of ["sweep", "place", "hostile-sweep", "hostile-place"]) reports[name] = readFileSync(join(dir.dir, `${name}.html`), "utf8");
    const { chromium } = await import("playwright-core");
    browser = await chromium.launch({ executablePath: CHROMIUM, args: ["--no-sandbox"] });
  });
  afterAll(async () => {
    await browser?.close();
    dir.remove();
  });

  /**
   * Opens a report at a URL that cannot be reached, answering that one request with the page and
   * counting (and refusing) every other: a page that loads anything from anywhere is caught.
   */
  async function open(html: string, width: number, height: number, javaScriptEnabled: boolean) {
    const context = await browser.newContext({ viewport: { width, height }, javaScriptEnabled });
    const page = await context.newPage();
    const requests: string[] = [];
    const errors: string[] = [];
    page.on("console", (m) => m.type() === "error" && errors.push(m.text()));
    page.on("pageerror", (e) => errors.push(String(e)));
    const home = "https://report.invalid/report.html";
    await page.route("**/*", (route) => {
      if (route.request().url() === home) return route.fulfill({ status: 200, contentType: "text/html; charset=utf-8", body: html });
      requests.push(route.request().url());
      return route.abort();
    });
    await page.goto(home, { waitUntil: "load" });
    return { context, page, requests, errors };
  }

  for (const js of [false, true]) {
    it(`the example and its five future states: every chart drawn, nothing fetched, no sideways scroll at 390 px (JavaScript ${js ? "on" : "off"})`, async () => {
      for (const [w, h, name] of [
        [1280, 800, "desktop"],
        [390, 844, "phone"],
      ] as const) {
        const { context, page, requests, errors } = await open(reports.example, w, h, js);
        const boxes = await page.$$eval("svg", (els) => els.map((e) => ({ chart: e.getAttribute("data-chart"), w: e.getBoundingClientRect().width, h: e.getBoundingClientRect().height })));
        const charts = boxes.map((b) => b.chart);
        expect(charts.filter((c) => c === "organization-map")).toHaveLength(1);
        expect(charts.filter((c) => c === "value-stream-map")).toHaveLength(4 * 6);
        expect(charts.filter((c) => c === "lead-time-cdf")).toHaveLength(4);
        expect(charts.filter((c) => c === "cost-pareto")).toHaveLength(1);
        for (const b of boxes) expect(b.w > 0 && b.h > 0, `${b.chart} ${b.w}x${b.h}`).toBe(true);
        expect(await page.locator("table[data-table=comparison]").count()).toBe(5);
        const scroll = (await page.evaluate("document.documentElement.scrollWidth - window.innerWidth")) as number;
        expect(scroll, `${name}: the page scrolls sideways`).toBeLessThanOrEqual(0);
        expect(requests).toEqual([]);
        expect(errors).toEqual([]);
        if (js) {
          await page.screenshot({ path: join(SCREENS, `example-${name}.png`) });
          if (name === "desktop") await page.pdf({ path: join(SCREENS, "example.pdf"), format: "A4", landscape: true, printBackground: true });
        }
        await context.close();
      }
    });
  }

  it("shows hostile names as text: no element or script injected", async () => {
    const { context, page, requests, errors } = await open(reports.hostile, 1280, 800, true);
    expect(await page.locator("script, iframe, img, u").count()).toBe(0);
    expect(await page.locator("h1").textContent()).toContain(HOSTILE);
    expect(await page.locator("svg[data-chart=organization-map]").textContent()).toContain("<img src=x onerror=alert(1)>");
    expect(await page.evaluate("typeof window.x")).toBe("undefined");
    expect(requests).toEqual([]);
    expect(errors).toEqual([]);
    await page.screenshot({ path: join(SCREENS, "hostile.png"), fullPage: false });
    await context.close();
  });

  it("the sweep and place reports: chart drawn, nothing fetched, no console error, no sideways scroll at 390 px, hostile names as text", async () => {
    for (const [name, chart] of [["sweep", "cost-lead-time"], ["place", "placements"], ["hostile-sweep", "cost-lead-time"], ["hostile-place", "placements"]] as const) {
      const sizes = [[1280, 800, "desktop"], [390, 844, "phone"]] as const;
      // The hostile pages test escaping: one size is enough (and keeps the test short).
      for (const [w, h, size] of name.startsWith("hostile") ? sizes.slice(0, 1) : sizes) {
        const { context, page, requests, errors } = await open(reports[name], w, h, true);
        const boxes = await page.$$eval("svg", (els) => els.map((e) => ({ chart: e.getAttribute("data-chart"), w: e.getBoundingClientRect().width, h: e.getBoundingClientRect().height })));
        expect(boxes.map((b) => b.chart)).toEqual([chart]);
        expect(boxes[0].w > 0 && boxes[0].h > 0, `${name} ${size}`).toBe(true);
        const scroll = (await page.evaluate("document.documentElement.scrollWidth - window.innerWidth")) as number;
        expect(scroll, `${name} ${size}: the page scrolls sideways`).toBeLessThanOrEqual(0);
        expect(requests).toEqual([]);
        expect(errors).toEqual([]);
        if (name.startsWith("hostile")) {
          expect(await page.locator("script, iframe, img, u").count()).toBe(0);
          expect(await page.locator("h1").textContent()).toContain(HOSTILE);
        } else {
          // The labels are text a reader can search and select, not drawn shapes.
          expect(await page.locator(`svg[data-chart=${chart}]`).textContent()).toMatch(name === "sweep" ? /#1[\s\S]*base/ : /Security review|Release QA|Environment provisioning/);
        }
        if (!name.startsWith("hostile")) await page.screenshot({ path: join(SCREENS, `${name}-${size}.png`), fullPage: false });
        await context.close();
      }
    }
  });
});
