import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { apiClient, launchBrowser, openPage, signIn, startTestApp } from "./app.ts";

const FIXTURES = resolve(import.meta.dirname, "fixtures");
const SHOTS = process.env.SCREENSHOT_DIR ? resolve(process.env.SCREENSHOT_DIR) : join(tmpdir(), "threatline-e2e-shots");
/** A small per-file limit, so an ordinary template is over it. */
const LIMIT = 8 * 1024;

/**
 * Submissions that forgive, in Chromium: a batch with bad files analyses the good ones and lists each bad one
 * with its reason, finishes "with problems" rather than green; a file over the limit is refused in the browser,
 * before the upload, in the units the list shows.
 */
describe("Submit in Chromium: a mixed good/bad batch", () => {
  let app: { url: string; close(): Promise<void> };
  let browser: Browser;
  let page: Page;
  let pageErrors: string[] = [];
  let dir = "";
  let projectId = "";
  /** Uploads the page sent to the submissions route. */
  const uploads: string[] = [];

  beforeAll(async () => {
    mkdirSync(SHOTS, { recursive: true });
    dir = mkdtempSync(join(tmpdir(), "threatline-mixed-"));
    writeFileSync(join(dir, "network.tf"), readFileSync(join(FIXTURES, "network.tf")));
    writeFileSync(join(dir, "blank.yaml"), "  \n\n");
    writeFileSync(join(dir, "logo.json"), Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 13]));
    writeFileSync(join(dir, "big.yaml"), `# padding\n${"x".repeat(LIMIT + 1024)}\n`);

    app = await startTestApp({ MAX_FILE_BYTES: String(LIMIT) });
    const api = await apiClient(app.url);
    projectId = (await api<{ id: string }>("POST", "/projects", { name: "mixed uploads" })).id;
    browser = await launchBrowser();
    ({ page, pageErrors } = await openPage(browser));
    page.on("request", (req) => {
      if (req.method() === "POST" && req.url().endsWith("/submissions")) uploads.push(req.url());
    });
    await signIn(page, app.url);
  });
  afterAll(async () => {
    await browser?.close();
    await app?.close();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  async function pick(names: string[]) {
    const chooser = page.waitForEvent("filechooser");
    await page.getByRole("button", { name: "Choose files…" }).click();
    await (await chooser).setFiles(names.map((n) => join(dir, n)));
  }

  it("refuses a file over the limit in the browser, before any upload, in the list's units", async () => {
    await page.goto(`${app.url}/submit?project=${projectId}`);
    await page.getByTestId("submit").waitFor();
    await pick(["big.yaml"]);
    const summary = page.getByTestId("picked-summary");
    await expect.poll(() => summary.innerText()).toContain("each file may be up to 8 KB");
    expect(await summary.innerText()).toContain("0 files to send");
    expect(await page.getByTestId("picked-size-big.yaml").innerText()).toContain("9.01 KB");
    expect(await page.getByTestId("picked-size-big.yaml").innerText()).toContain("over the 8 KB limit");
    expect(await page.getByTestId("picked-refused").innerText()).toContain("big.yaml (over the 8 KB limit)");
    expect(await page.getByTestId("submit").isDisabled()).toBe(true);
    // No model is configured here: forcing a fresh model answer means nothing, so it is not offered.
    expect(await page.getByTestId("force").count()).toBe(0);
    await page
      .locator(".n-card")
      .nth(1)
      .screenshot({ path: join(SHOTS, "submit-oversize.png") });
    expect(uploads).toEqual([]);
  });

  it("analyses the good files and lists each bad one with its reason; the batch finishes with problems", async () => {
    await pick(["network.tf", "blank.yaml", "logo.json"]);
    await expect.poll(() => page.getByTestId("picked-summary").innerText()).toContain("3 files to send");
    await page.waitForTimeout(300);
    await page
      .locator(".n-card")
      .nth(1)
      .screenshot({ path: join(SHOTS, "submit-mixed-picked.png") });
    await page.getByTestId("submit").click();
    await page.waitForURL(/\/batches\/[0-9a-f-]{36}$/);
    const finished = page.getByTestId("batch-finished");
    await finished.waitFor({ timeout: 60_000 });
    expect(await finished.getAttribute("data-outcome")).toBe("problems");
    expect(await finished.innerText()).toBe("finished with problems: 1 analysed, 3 refused");

    // The oversize file never left the browser; the others did (the server saw three files).
    expect(uploads).toHaveLength(1);
    const batchId = /\/batches\/([0-9a-f-]{36})$/.exec(page.url())![1]!;
    const stored = await (
      await apiClient(app.url)
    )<{ fileCount: number; rejected: Array<{ path: string }> }>("GET", `/batches/${batchId}`);
    expect(stored.fileCount).toBe(3);
    expect(stored.rejected.map((r) => r.path).sort()).toEqual(["blank.yaml", "logo.json"]);

    const status = (path: string) =>
      page.getByTestId(`progress-${path}`).locator("[data-status]").getAttribute("data-status");
    expect(await status("network.tf")).toBe("succeeded");
    for (const path of ["blank.yaml", "logo.json", "big.yaml"]) expect(await status(path)).toBe("refused");
    expect(await page.getByTestId("progress-blank.yaml").innerText()).toContain("template/empty");
    expect(await page.getByTestId("progress-logo.json").innerText()).toContain("template/not-text");
    expect(await page.getByTestId("progress-big.yaml").innerText()).toContain("over the 8 KB limit");
    expect(await page.getByText("4 of 4 files finished").count()).toBe(1);

    // The batch says where it belongs, when it was sent, and what it found by severity.
    const meta = await page.getByTestId("batch-meta").innerText();
    expect(meta).toContain("Project mixed uploads");
    expect(meta).toMatch(/sent \d{1,2} \w{3} \d{4}/);
    const severities = page.getByTestId("batch-severities");
    await severities.waitFor();
    expect(await severities.locator("[data-severity]").count()).toBeGreaterThan(0);

    await page.waitForTimeout(500);
    const card = page.locator(".n-card").first();
    await card.screenshot({ path: join(SHOTS, "batch-problems.png") });
    await page.getByTestId("theme-toggle").click();
    await page.waitForTimeout(500);
    await card.screenshot({ path: join(SHOTS, "batch-problems-dark.png") });
    await page.getByTestId("theme-toggle").click();

    // Opened again from the server: the refusals it made are stored with the batch.
    await page.reload();
    await page.getByTestId("batch-finished").waitFor({ timeout: 30_000 });
    expect(await page.getByTestId("batch-finished").getAttribute("data-outcome")).toBe("problems");
    expect(await status("logo.json")).toBe("refused");
  });

  it("raised no script errors", () => {
    expect(pageErrors).toEqual([]);
  });
});
