import { mkdirSync, readFileSync } from "node:fs";
import { join, resolve } from "node:path";
import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { SHOTS, apiClient, launchBrowser, openPage, signIn, startTestApp } from "./app.ts";

/** Threat Dragon's own demo model and STRIDE GPT's Markdown, as vendored for the exporters' tests. */
const FIXTURES = resolve(import.meta.dirname, "..", "..", "..", "packages", "reports", "test", "fixtures");

describe("the export menu and the import button, in Chromium", () => {
  let app: { url: string; close(): Promise<void> };
  let browser: Browser;
  let page: Page;
  let pageErrors: string[] = [];
  let projectId = "";

  beforeAll(async () => {
    mkdirSync(SHOTS, { recursive: true });
    app = await startTestApp();
    const api = await apiClient(app.url);
    projectId = (await api<{ id: string }>("POST", "/projects", { name: "interop" })).id;
    const model = JSON.parse(readFileSync(join(FIXTURES, "threat-dragon", "v2-threat-model.json"), "utf8")) as unknown;
    await api("POST", `/projects/${projectId}/imports?filename=demo.td.json`, model);
    browser = await launchBrowser();
    ({ page, pageErrors } = await openPage(browser));
    await signIn(page, app.url);
  });
  afterAll(async () => {
    await browser?.close();
    await app?.close();
  });

  async function exportAs(label: string) {
    await page.getByRole("button", { name: "Export ▾" }).click();
    const [download] = await Promise.all([
      page.waitForEvent("download"),
      page.getByText(label, { exact: true }).click(),
    ]);
    return download;
  }

  it("lists the new formats in the project's export menu", async () => {
    await page.goto(`${app.url}/projects/${projectId}`);
    await page.getByRole("button", { name: "Export ▾" }).click();
    for (const label of [
      "OWASP Threat Dragon",
      "Open Threat Model (OTM)",
      "Excel (XLSX)",
      "Threat Composer",
      "SARIF (code scanning)",
    ])
      await expect.poll(() => page.getByText(label, { exact: true }).count()).toBeGreaterThan(0);
    await page.waitForTimeout(300);
    await page.screenshot({ path: join(SHOTS, "export-menu.png") });
    await page.keyboard.press("Escape");
  });

  it("downloads Threat Dragon, OTM and XLSX with their names and media types", async () => {
    const td = await exportAs("OWASP Threat Dragon");
    expect(td.suggestedFilename()).toMatch(/^threatline-interop-project-\d{8}-\d{6}\.td\.json$/);
    const model = JSON.parse(readFileSync(await td.path(), "utf8")) as {
      version: string;
      detail: { diagrams: unknown[] };
    };
    expect(model.version).toBe("2.3.0");
    // The download's own request, repeated with the page's session: the media type the server sends.
    const typeOf = async (url: string) => (await page.request.get(url)).headers()["content-type"];
    expect(await typeOf(td.url())).toBe("application/json; charset=utf-8");

    const otm = await exportAs("Open Threat Model (OTM)");
    expect(otm.suggestedFilename()).toMatch(/\.otm\.json$/);
    expect((JSON.parse(readFileSync(await otm.path(), "utf8")) as { otmVersion: string }).otmVersion).toBe("0.2.0");

    const xlsx = await exportAs("Excel (XLSX)");
    expect(xlsx.suggestedFilename()).toMatch(/^threatline-interop-project-\d{8}-\d{6}\.xlsx$/);
    expect(
      readFileSync(await xlsx.path())
        .subarray(0, 2)
        .toString(),
    ).toBe("PK");
    expect(await typeOf(xlsx.url())).toBe("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet");
  });

  it("imports STRIDE GPT Markdown through the import button", async () => {
    await page.goto(`${app.url}/projects/${projectId}`);
    await page
      .locator('input[type="file"][accept*=".md"]')
      .setInputFiles(join(FIXTURES, "stride-gpt", "agent-report.md"));
    await expect.poll(() => page.getByText("Imported agent-report.md").count(), { timeout: 20_000 }).toBeGreaterThan(0);
    await page.screenshot({ path: join(SHOTS, "import-stride-gpt.png") });
  });

  it("raised no script errors", () => {
    expect(pageErrors).toEqual([]);
  });
});
