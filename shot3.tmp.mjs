import { chromium } from "playwright-core";
const [file, out, width, sel] = process.argv.slice(2);
const browser = await chromium.launch({ executablePath: "/usr/bin/chromium" });
const page = await browser.newPage({ viewport: { width: Number(width), height: 800 } });
await page.goto("file://" + file);
await page.locator(sel).first().screenshot({ path: out });
await browser.close();
