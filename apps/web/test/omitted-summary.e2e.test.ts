import { join } from "node:path";
import type { Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { AnalysisDto } from "@threatline/domain";
import { hugeCloudFormation } from "../../../scripts/faults/huge-templates.ts";
import { SHOTS, openSignedIn } from "./app.ts";

describe("an analysis that found more threats than it keeps", () => {
  let ctx: Awaited<ReturnType<typeof openSignedIn>>;
  let app: typeof ctx.app;
  let page: Page;
  let pageErrors: string[] = [];
  let analysis: AnalysisDto;

  beforeAll(async () => {
    // 30 public buckets are 150 threats; the server keeps 20.
    ctx = await openSignedIn({
      settings: { ANALYSIS_MAX_THREATS: "20" },
      project: "many-buckets",
      versions: [[hugeCloudFormation(30)]],
    });
    ({ app, page, pageErrors } = ctx);
    analysis = await ctx.api<AnalysisDto>("GET", `/analyses/${ctx.submitted[0]!.analyses[0]!.id}`);
  });
  afterAll(async () => {
    await ctx?.close();
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
