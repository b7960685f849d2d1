import { join } from "node:path";
import type { Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { AnalysisDto } from "@threatline/domain";
import { SHOTS, openSignedIn } from "./app.ts";

/** AWS samples write keys twice; YAML's last one wins, and the reader is told where. */
const DUPLICATE_KEYS = `AWSTemplateFormatVersion: "2010-09-09"
Resources:
  Data:
    Type: AWS::S3::Bucket
    Properties:
      BucketName: data
      BucketName: app-data
      AccessControl: PublicRead
      AccessControl: PublicReadWrite
  Jobs:
    Type: AWS::SQS::Queue
`;

describe("the analysis view: lenient-read warnings, real risks first and hygiene folded per file", () => {
  let ctx: Awaited<ReturnType<typeof openSignedIn>>;
  let app: typeof ctx.app;
  let page: Page;
  let pageErrors: string[] = [];
  let analysis: AnalysisDto;

  beforeAll(async () => {
    ctx = await openSignedIn({
      project: "findings",
      versions: [[{ path: "infra/data.yaml", content: DUPLICATE_KEYS }]],
    });
    ({ app, page, pageErrors } = ctx);
    analysis = await ctx.api<AnalysisDto>("GET", `/analyses/${ctx.submitted[0]!.analyses[0]!.id}`);
  });
  afterAll(async () => {
    await ctx?.close();
  });

  it("lists each duplicate key with its line above the threats, which still stand", async () => {
    expect(analysis.status).toBe("succeeded");
    expect(analysis.warnings.map((w) => w.line)).toEqual([7, 9]);
    await page.goto(`${app.url}/analyses/${analysis.id}`);
    const box = page.getByTestId("file-warnings");
    await box.waitFor();
    await expect.poll(() => box.innerText()).toContain("2 parse warnings");
    const items = page.getByTestId("file-warning");
    await expect.poll(() => items.count()).toBe(2);
    expect(await items.nth(0).innerText()).toMatch(/infra\/data\.yaml:7\s+template\/duplicate-key\s+"BucketName"/);
    expect(await items.nth(1).innerText()).toContain("infra/data.yaml:9");
    // The last AccessControl (public read-write) is the one analysed.
    await expect.poll(() => page.getByTestId("threat-count").innerText()).not.toMatch(/^0 of/);
    await page.waitForTimeout(500);
    await page.screenshot({ path: join(SHOTS, "analysis-file-warnings.png"), fullPage: true });
    expect(pageErrors).toEqual([]);
  });

  it("lists critical to medium one by one and folds the file's low and info findings into one group", async () => {
    await page.goto(`${app.url}/analyses/${analysis.id}`);
    await page.locator("[data-fingerprint]").first().waitFor();
    const severities = await page.locator("[data-fingerprint] .n-tag").allInnerTexts();
    expect(severities.some((s) => /critical/i.test(s))).toBe(true);
    expect(severities.filter((s) => /^(low|info)$/i.test(s.trim()))).toEqual([]);
    await expect.poll(() => page.getByTestId("threat-count").innerText()).toBe("7 of 7");
    const group = page.getByTestId("hygiene-group");
    await expect.poll(() => group.count()).toBe(1);
    expect(await group.innerText()).toMatch(/3 low\/info hygiene findings in infra\/data\.yaml\s+2 low · 1 info/);
    // Unfolded: the three low and info threats, loaded with the same filters.
    await group.locator(".n-collapse-item__header").click();
    await expect.poll(() => group.locator("[data-fingerprint]").count()).toBe(3);
    expect(await group.innerText()).toContain("SQS queue has no dead-letter queue");
    await page.waitForTimeout(500);
    await page.screenshot({ path: join(SHOTS, "analysis-hygiene-groups.png"), fullPage: true });
    // Asking for low by name lists them one by one, with nothing folded.
    await page.goto(`${app.url}/analyses/${analysis.id}?severity=low`);
    await expect.poll(() => page.locator("[data-fingerprint]").count()).toBe(2);
    expect(await page.getByTestId("hygiene-groups").count()).toBe(0);
    expect(pageErrors).toEqual([]);
  });
});
