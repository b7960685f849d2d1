import { mkdirSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { apiClient, launchBrowser, openPage, signIn, startTestApp } from "./app.ts";

const FIXTURES = resolve(import.meta.dirname, "fixtures");
/** Screenshots land here for people to look at; SCREENSHOT_DIR=docs/screenshots refreshes the README's. */
const SHOTS = process.env.SCREENSHOT_DIR ? resolve(process.env.SCREENSHOT_DIR) : join(tmpdir(), "threatline-e2e-shots");

/** Two versions of a template compared on the project's Templates tab, against the real API and worker. */
describe("Version diff in Chromium", () => {
  let app: Awaited<ReturnType<typeof startTestApp>>;
  let browser: Browser;
  let page: Page;
  let pageErrors: string[] = [];
  let projectId = "";

  beforeAll(async () => {
    mkdirSync(SHOTS, { recursive: true });
    app = await startTestApp();
    const api = await apiClient(app.url);
    projectId = (await api<{ id: string }>("POST", "/projects", { name: "payments" })).id;
    const v1 = readFileSync(join(FIXTURES, "network.tf"), "utf8");
    // Closing the database to the internet: some threats stay but weigh less.
    const v2 = v1.replace("publicly_accessible = true", "publicly_accessible = false");
    for (const content of [v1, v2]) {
      const { batchId } = await api<{ batchId: string }>("POST", `/projects/${projectId}/submissions`, {
        files: [{ path: "infra/network.tf", content }],
      });
      for (;;) {
        const b = await api<{ analyses: Array<{ status: string }> }>("GET", `/batches/${batchId}`);
        if (b.analyses.every((a) => ["succeeded", "partial", "failed"].includes(a.status))) break;
        await new Promise((r) => setTimeout(r, 100));
      }
    }
    browser = await launchBrowser();
    ({ page, pageErrors } = await openPage(browser));
    await signIn(page, app.url);
  });
  afterAll(async () => {
    await browser?.close();
    await app?.close();
  });

  it("shows each version's threats and risk, and the diff inside its template", async () => {
    await page.goto(`${app.url}/projects/${projectId}?tab=templates`);
    const template = page.getByTestId("template-infra/network.tf");
    await template.waitFor();
    expect(await template.locator(".n-collapse-item__header").innerText()).toContain("2 versions");
    await template.locator(".n-collapse-item__header").click();
    const figures = await template.getByTestId("version-figures").allInnerTexts();
    expect(figures).toHaveLength(2);
    for (const f of figures) expect(f).toMatch(/^\d+ threats? · risk \d+/);
    const risks = figures.map((f) => Number(/risk (\d+)/.exec(f)![1]));
    expect(risks[0]).toBeLessThan(risks[1]!);

    await template.getByRole("button", { name: "Compare versions" }).click();
    const diff = template.getByRole("region", { name: "Version diff" });
    await diff.getByTestId("diff-risk").waitFor();
    expect(await diff.getByTestId("diff-risk").innerText()).toMatch(
      new RegExp(`Risk ${risks[1]} → ${risks[0]} \\(−${risks[1]! - risks[0]!}\\)`),
    );
    const changed = diff.getByTestId("diff-changed");
    expect(Number(await changed.locator(".count").innerText())).toBeGreaterThan(0);
    expect(await changed.innerText()).toContain("Database logs are not exported");
    expect(await changed.innerText()).toMatch(/medium\s*→\s*low/);
    const text = diff.getByRole("region", { name: "Template text diff" });
    expect(await text.getByTestId("diff-lines").innerText()).toBe("1 line added, 1 line removed");
    expect(await text.locator("tr.removed").innerText()).toContain("publicly_accessible = true");
    expect(await text.locator("tr.added").innerText()).toContain("publicly_accessible = false");

    await page.waitForTimeout(300);
    await diff.screenshot({ path: join(SHOTS, "version-diff.png") });
    await page.getByTestId("theme-toggle").click();
    await page.waitForTimeout(300);
    await diff.screenshot({ path: join(SHOTS, "version-diff-dark.png") });
    await page.getByTestId("theme-toggle").click();
  });

  it("raised no script errors", () => {
    expect(pageErrors).toEqual([]);
  });
});
