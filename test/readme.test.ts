import { execFileSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";

/**
 * The README's examples are executed and diffed against their printed output (as SimPy does), so
 * the quick start never drifts from what the program prints. The last line (speed, wall time)
 * varies from run to run and is left out of the comparison.
 */
const readme = readFileSync("README.md", "utf8");
// Shell blocks are commands; plain blocks are what they print: npm start's first, then each
// further command's, in order.
function fences(text: string): { lang: string; body: string }[] {
  const out: { lang: string; body: string }[] = [];
  let open: { lang: string; lines: string[] } | null = null;
  for (const line of text.split("\n")) {
    const fence = /^```(\w*)\s*$/.exec(line);
    if (fence && !open) open = { lang: fence[1], lines: [] };
    else if (fence && open) {
      out.push({ lang: open.lang, body: open.lines.join("\n") + "\n" });
      open = null;
    } else open?.lines.push(line);
  }
  return out;
}
const blocks = fences(readme);
const commands = blocks.filter((b) => b.lang === "sh").map((b) => b.body.trim());
const outputs = blocks.filter((b) => b.lang === "").map((b) => b.body);

const stable = (text: string) =>
  text
    .trimEnd()
    .split("\n")
    .filter((l) => !/events in [\d.]+ s/.test(l))
    .join("\n");

describe("README examples", () => {
  it("has the quick start's two commands", () => {
    expect(readme).toContain("npm ci && npm start");
    expect(readme).toContain("npm test");
    expect(outputs.length).toBe(commands.length);
  });

  it.each(commands.slice(1).map((c, i) => [c, outputs[i + 1]]))("%s prints what the README shows", (command, output) => {
    const args = command.replace(/^npx vsm /, "").split(/\s+/);
    const actual = execFileSync(process.execPath, ["dist/cli/main.js", ...args], { encoding: "utf8" });
    expect(stable(actual)).toBe(stable(output));
  });

  it("npm start prints what the README shows", () => {
    const start = JSON.parse(readFileSync("package.json", "utf8")).scripts.start as string;
    const args = start.replace(/^node /, "").split(/\s+/);
    const actual = execFileSync(process.execPath, args, { encoding: "utf8" });
    expect(stable(actual)).toBe(stable(outputs[0]));
  });
});
