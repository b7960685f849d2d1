import { mkdirSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { CurrentThreatDto } from "@threatline/domain";
import { apiClient, launchBrowser, openPage, signIn, startTestApp } from "./app.ts";

const FIXTURES = resolve(import.meta.dirname, "fixtures");
const SHOTS = process.env.SCREENSHOT_DIR ? resolve(process.env.SCREENSHOT_DIR) : join(tmpdir(), "threatline-e2e-shots");

/** Coloured (not grey, not background) pixels of the chart's canvas: how much of the chart is drawn. */
async function inked(page: Page, selector: string): Promise<number> {
  return page
    .locator(selector)
    .first()
    .evaluate((canvas: HTMLCanvasElement) => {
      const data = canvas.getContext("2d")!.getImageData(0, 0, canvas.width, canvas.height).data;
      let n = 0;
      for (let i = 0; i < data.length; i += 4) {
        const [r, g, b, a] = [data[i]!, data[i + 1]!, data[i + 2]!, data[i + 3]!];
        if (a > 200 && Math.max(r, g, b) - Math.min(r, g, b) > 60) n += 1;
      }
      return n;
    });
}

/** What a reviewer notices (#22 item 8), in Chromium, light and dark. */
describe("polish a reviewer notices", () => {
  let app: { url: string; close(): Promise<void> };
  let browser: Browser;
  let page: Page;
  let pageErrors: string[] = [];
  let projectId = "";
  let analysisId = "";
  let api: Awaited<ReturnType<typeof apiClient>>;

  beforeAll(async () => {
    mkdirSync(SHOTS, { recursive: true });
    app = await startTestApp();
    api = await apiClient(app.url);
    // Names that sort differently with and without case.
    for (const name of ["gamma", "Beta", "alpha"]) await api("POST", "/projects", { name });
    projectId = (await api<{ id: string }>("POST", "/projects", { name: "storefront" })).id;
    const submitted = await api<{ batchId: string; analyses: Array<{ id: string }> }>(
      "POST",
      `/projects/${projectId}/submissions`,
      {
        files: [
          { path: "stack/storefront.cfn.yaml", content: readFileSync(join(FIXTURES, "storefront.cfn.yaml"), "utf8") },
        ],
      },
    );
    analysisId = submitted.analyses[0]!.id;
    for (;;) {
      const b = await api<{ analyses: Array<{ status: string }> }>("GET", `/batches/${submitted.batchId}`);
      if (b.analyses.every((a) => ["succeeded", "partial", "failed"].includes(a.status))) break;
      await new Promise((r) => setTimeout(r, 200));
    }
    browser = await launchBrowser();
    ({ page, pageErrors } = await openPage(browser));
    await signIn(page, app.url);
  });
  afterAll(async () => {
    await browser?.close();
    await app?.close();
  });

  it("draws the STRIDE chart whole on its first paint, not as hairlines growing for seconds", async () => {
    await page.goto(`${app.url}/analyses/${analysisId}`);
    const canvas = page.locator("figure.chart canvas").first();
    await canvas.waitFor();
    await page.waitForFunction(() => {
      const c = document.querySelector<HTMLCanvasElement>("figure.chart canvas");
      return !!c && c.width > 0;
    });
    const first = await inked(page, "figure.chart canvas");
    await page.waitForTimeout(2_000);
    const settled = await inked(page, "figure.chart canvas");
    expect(settled).toBeGreaterThan(500);
    // Animated, the bars grow from nothing: the first frame holds a fraction of the final ink.
    expect(first).toBeGreaterThan(settled * 0.9);
    // No model configured: nothing to force past a cache.
    expect(await page.getByTestId("force-retry").count()).toBe(0);
  });

  it("opens a threat from the project's list on that threat, highlighted, without a text filter", async () => {
    const lowest = (
      await api<{ items: CurrentThreatDto[] }>("GET", `/projects/${projectId}/threats?sort=score&order=asc&limit=1`)
    ).items[0]!;
    await page.goto(`${app.url}/projects/${projectId}?tab=threats&sort=score&order=asc`);
    // Low and info are folded per file (docs/severity.md): open the lowest threat's group first.
    if (lowest.severity === "low" || lowest.severity === "info")
      await page
        .getByTestId("hygiene-group")
        .filter({ hasText: ` in ${lowest.resources[0]!.file}` })
        .locator(".n-collapse-item__header")
        .click();
    const link = page.locator(".n-data-table-tr a", { hasText: lowest.title }).first();
    await link.click();
    await page.waitForURL(/\/analyses\/[0-9a-f-]{36}\?.*threat=/);
    const card = page.locator(`[data-fingerprint="${lowest.fingerprint}"]`);
    await expect.poll(() => card.evaluate((el) => el.classList.contains("focused")), { timeout: 15_000 }).toBe(true);
    await expect.poll(() => card.isVisible()).toBe(true);
    const box = (await card.boundingBox())!;
    expect(box.y).toBeGreaterThanOrEqual(0);
    expect(box.y).toBeLessThan(900);
    expect(await page.getByTestId("filter-q").locator("input").inputValue()).toBe("");
    expect(new URL(page.url()).searchParams.get("q")).toBeNull();
    await page.waitForTimeout(300);
    await page.screenshot({ path: join(SHOTS, "threat-focused.png") });

    // The triage dialog names the threat it decides on.
    await card.getByRole("button", { name: "Triage" }).click();
    const dialog = page.locator(".n-modal").last();
    await dialog.waitFor();
    expect(await dialog.locator(".n-card-header").innerText()).toContain(`Triage: ${lowest.title}`);
    expect(await dialog.getByTestId("triage-threats").innerText()).toContain(lowest.title);
    await page.waitForTimeout(300);
    await dialog.screenshot({ path: join(SHOTS, "triage-named.png") });
    await dialog.getByRole("button", { name: "Cancel" }).click();
    await page.getByTestId("theme-toggle").click();
    await card.scrollIntoViewIfNeeded();
    await page.waitForTimeout(500);
    await page.screenshot({ path: join(SHOTS, "threat-focused-dark.png") });
    await page.getByTestId("theme-toggle").click();
  });

  it("sorts names case-insensitively and counts in words: 1 project, 1 version", async () => {
    await page.goto(`${app.url}/submit`);
    await page.getByTestId("project-select").click();
    const options = page.locator(".n-base-select-option");
    await options.first().waitFor();
    expect(await options.allInnerTexts()).toEqual(["alpha", "Beta", "gamma", "storefront"]);
    await page.keyboard.press("Escape");

    await page.goto(`${app.url}/projects/${projectId}?tab=templates`);
    await page.getByText("1 version").first().waitFor();
    expect(await page.getByText(/\b1 versions\b/).count()).toBe(0);
  });

  it("colours the dashboard heatmap by risk and draws the trend in days; light and dark", async () => {
    await page.goto(`${app.url}/`);
    await page.locator("figure.chart canvas").first().waitFor();
    await page.waitForTimeout(800);
    expect(await page.getByText(/\b4 projects\b/).count()).toBeGreaterThan(0);
    await page.screenshot({ path: join(SHOTS, "dashboard-polish.png"), fullPage: true });
    await page.getByTestId("theme-toggle").click();
    await page.waitForTimeout(800);
    await page.screenshot({ path: join(SHOTS, "dashboard-polish-dark.png"), fullPage: true });
    await page.getByTestId("theme-toggle").click();

    await page.goto(`${app.url}/projects/${projectId}`);
    await page.locator("figure.chart canvas").first().waitFor();
    await page.waitForTimeout(800);
    await page
      .locator(".n-card", { has: page.locator("figure.chart") })
      .first()
      .screenshot({
        path: join(SHOTS, "project-trend-days.png"),
      });
  });

  it("raised no script errors", () => {
    expect(pageErrors).toEqual([]);
  });
});
