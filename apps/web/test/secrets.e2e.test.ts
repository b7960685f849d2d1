import { mkdirSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { apiClient, launchBrowser, openPage, signIn, startTestApp } from "./app.ts";

const SHOTS = process.env.SCREENSHOT_DIR ? resolve(process.env.SCREENSHOT_DIR) : join(tmpdir(), "threatline-e2e-shots");
const PASSWORD = "Tr0ub4dor&3-horse";
const TEMPLATE = `AWSTemplateFormatVersion: "2010-09-09"
Resources:
  OrdersDb:
    Type: AWS::RDS::DBInstance
    Properties:
      Engine: postgres
      MasterUsername: app
      MasterUserPassword: "${PASSWORD}"
      PubliclyAccessible: true
`;

/** The evidence view masks secret values; an editor reveals them (audited), a viewer cannot. */
describe("secrets on screen, in Chromium", () => {
  let app: { url: string; close(): Promise<void> };
  let browser: Browser;
  let page: Page;
  let pageErrors: string[] = [];
  let analysisId = "";

  beforeAll(async () => {
    mkdirSync(SHOTS, { recursive: true });
    app = await startTestApp();
    const api = await apiClient(app.url);
    const project = await api<{ id: string }>("POST", "/projects", { name: "secrets-on-screen" });
    const submitted = await api<{ batchId: string; analyses: Array<{ id: string }> }>(
      "POST",
      `/projects/${project.id}/submissions`,
      { files: [{ path: "db.yaml", content: TEMPLATE }] },
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

  it("shows the password line masked, then as written after an editor's reveal", async () => {
    await page.goto(`${app.url}/analyses/${analysisId}?q=password`);
    const card = page.locator("[data-fingerprint]").first();
    await card.getByText("Evidence").click();
    const note = card.getByTestId("secrets-note");
    await note.waitFor();
    expect(await note.innerText()).toContain("1 secret value masked (password)");
    const code = card.locator("pre").first();
    expect(await code.innerText()).toContain('MasterUserPassword: "••••••••"');
    expect(await page.content()).not.toContain(PASSWORD);
    await page.waitForTimeout(500);
    await card.screenshot({ path: join(SHOTS, "evidence-masked.png") });

    await page.getByTestId("theme-toggle").click();
    await page.waitForTimeout(500);
    await card.screenshot({ path: join(SHOTS, "evidence-masked-dark.png") });
    await page.getByTestId("theme-toggle").click();

    await card.getByTestId("reveal-secrets").click();
    await expect.poll(() => code.innerText()).toContain(PASSWORD);
    expect(await note.innerText()).toContain("recorded in the audit log");
    await page.waitForTimeout(500);
    await card.screenshot({ path: join(SHOTS, "evidence-revealed.png") });

    await page.goto(`${app.url}/audit`);
    await page.getByText("analysis.source.reveal").first().waitFor();
    expect(pageErrors).toEqual([]);
  });
});
