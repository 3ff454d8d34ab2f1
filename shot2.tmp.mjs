import { chromium } from "playwright-core";
const [file, prefix, width, ...ys] = process.argv.slice(2);
const browser = await chromium.launch({ executablePath: "/usr/bin/chromium" });
const page = await browser.newPage({ viewport: { width: Number(width), height: 800 } });
await page.goto("file://" + file);
for (const y of ys) await page.screenshot({ path: `${prefix}-${y}.png`, fullPage: true, clip: { x: 0, y: Number(y), width: Number(width), height: 1100 } });
await browser.close();
