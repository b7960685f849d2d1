import { mkdirSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { AnalysisDto, SubmissionResult } from "@threatline/domain";
import { hugeCloudFormation } from "../../../scripts/faults/huge-templates.ts";
import { waitFor } from "../../../test/support.ts";
import { apiClient, launchBrowser, openPage, signIn, startTestApp } from "./app.ts";

const SHOTS = process.env.SCREENSHOT_DIR ? resolve(process.env.SCREENSHOT_DIR) : join(tmpdir(), "threatline-e2e-shots");

describe("an analysis that found more threats than it keeps", () => {
  let app: Awaited<ReturnType<typeof startTestApp>>;
  let browser: Browser;
  let page: Page;
  let pageErrors: string[] = [];
  let analysis: AnalysisDto;

  beforeAll(async () => {
    // 30 public buckets are 150 threats; the server keeps 20.
    app = await startTestApp({ ANALYSIS_MAX_THREATS: "20" });
    const api = await apiClient(app.url);
    const project = await api<{ id: string }>("POST", "/projects", { name: "many-buckets" });
    const { analyses } = await api<SubmissionResult>("POST", `/projects/${project.id}/submissions`, {
      files: [hugeCloudFormation(30)],
    });
    analysis = await waitFor(
      async () => {
        const a = await api<AnalysisDto>("GET", `/analyses/${analyses[0]!.id}`);
        return ["succeeded", "partial", "failed"].includes(a.status) ? a : undefined;
      },
      60_000,
      "the analysis to finish",
    );
    mkdirSync(SHOTS, { recursive: true });
    browser = await launchBrowser();
    ({ page, pageErrors } = await openPage(browser));
    await signIn(page, app.url);
  });
  afterAll(async () => {
    await browser?.close();
    await app?.close();
  });

  it("shows how many threats were left out, of which severity and from which rules", async () => {
    expect({ status: analysis.status, errorCode: analysis.errorCode, stored: analysis.threatCount }).toEqual({
      status: "partial",
      errorCode: "analysis/truncated",
      stored: 20,
    });
    const summary = analysis.omittedSummary!;
    await page.goto(`${app.url}/analyses/${analysis.id}`);
    const card = page.getByTestId("omitted-summary");
    await card.waitFor();
    await expect
      .poll(() => card.innerText())
      .toContain(`${summary.count} more threats were found beyond the 20 stored`);
    // Every severity with a count, with its count.
    const severities = await page.getByTestId("omitted-severities").innerText();
    for (const [severity, count] of Object.entries(summary.bySeverity).filter(([, n]) => n > 0))
      expect(severities).toMatch(new RegExp(`${severity}\\s+${count}\\b`));
    // The rule with most left out comes first, with its count.
    const [topRule, topCount] = Object.entries(summary.byRule).sort(
      (a, b) => b[1] - a[1] || a[0].localeCompare(b[0]),
    )[0]!;
    const firstRow = await page.getByTestId("omitted-rules").locator("tbody tr").first().innerText();
    expect(firstRow.replace(/\s+/g, " ").trim()).toBe(`${topRule} ${topCount}`);
    await page.waitForTimeout(800);
    await page.screenshot({ path: join(SHOTS, "analysis-omitted-summary.png"), fullPage: true });
    expect(pageErrors).toEqual([]);
  });
});
