// Regenerates docs/screenshots/html-report-{1280,400}.png: the sample report (with mitigation records) in
// Chromium at a desktop and a phone width. npx tsx packages/reports/test/report-screenshots.ts
import { fileURLToPath } from "node:url";
import { chromium } from "playwright-core";
import { renderHtml } from "../src/html.ts";
import { sampleInput, sampleMitigations } from "./helpers.ts";

const html = renderHtml(sampleInput({ mitigations: sampleMitigations() }));
const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM_PATH ?? "/usr/bin/chromium",
  args: ["--no-sandbox"],
});
try {
  for (const width of [1280, 400]) {
    const page = await browser.newPage({ viewport: { width, height: 900 } });
    await page.setContent(html);
    const path = fileURLToPath(new URL(`../../../docs/screenshots/html-report-${width}.png`, import.meta.url));
    await page.screenshot({ path, fullPage: true });
    process.stdout.write(`wrote ${path}\n`);
    await page.close();
  }
} finally {
  await browser.close();
}
