import { join } from "node:path";
import type { Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { CurrentThreatDto } from "@threatline/domain";
import { openSignedIn, SHOTS } from "./app.ts";

/** Public buckets (real risks) and a queue without a dead-letter queue (low): both kinds in one file. */
const DATA = `AWSTemplateFormatVersion: "2010-09-09"
Resources:
  Data:
    Type: AWS::S3::Bucket
    Properties:
      BucketName: app-data
      AccessControl: PublicReadWrite
  Jobs:
    Type: AWS::SQS::Queue
`;
/** Only hygiene: a file whose findings are all low or info. */
const QUEUES = `AWSTemplateFormatVersion: "2010-09-09"
Resources:
  Orders:
    Type: AWS::SQS::Queue
`;

/**
 * The project's Current threats tab folds low and info per file below the real risks, as an analysis does
 * (docs/severity.md), with the same component; a group opened lists that file's hygiene rows; low asked for by
 * name lists them one by one.
 */
describe("the project's current threats: real risks first, hygiene folded per file", () => {
  let ctx: Awaited<ReturnType<typeof openSignedIn>>;
  let page: Page;
  let all: CurrentThreatDto[];
  const hygiene = (t: CurrentThreatDto) => t.severity === "low" || t.severity === "info";
  const fileOf = (t: CurrentThreatDto) => t.resources[0]?.file ?? "";

  beforeAll(async () => {
    ctx = await openSignedIn({
      project: "hygiene",
      versions: [
        [
          { path: "infra/data.yaml", content: DATA },
          { path: "infra/queues.yaml", content: QUEUES },
        ],
      ],
    });
    page = ctx.page;
    all = (await ctx.api<{ items: CurrentThreatDto[] }>("GET", `/projects/${ctx.projectId}/threats?limit=500`)).items;
  });
  afterAll(async () => ctx?.close());

  const shot = async (name: string) => {
    await page.waitForTimeout(600);
    await page.screenshot({ path: join(SHOTS, `${name}.png`), fullPage: true });
    await page.getByTestId("theme-toggle").click();
    await page.waitForTimeout(600);
    await page.screenshot({ path: join(SHOTS, `${name}-dark.png`), fullPage: true });
    await page.getByTestId("theme-toggle").click();
  };

  it("lists critical to medium in the table and one folded group per file for low and info", async () => {
    const risks = all.filter((t) => !hygiene(t));
    const folded = all.filter(hygiene);
    expect(risks.length).toBeGreaterThan(0);
    const files = [...new Set(folded.map(fileOf))].sort();
    expect(files).toEqual(["infra/data.yaml", "infra/queues.yaml"]);

    await page.goto(`${ctx.app.url}/projects/${ctx.projectId}?tab=threats`);
    const groups = page.getByTestId("hygiene-group");
    await expect.poll(() => groups.count()).toBe(2);
    // The table: every real risk, and no low or info row.
    const table = page.locator(".n-data-table").first();
    await expect.poll(() => table.locator(".n-data-table-tbody .n-data-table-tr").count()).toBe(risks.length);
    const severities = await table.locator(".n-data-table-tbody .n-data-table-tr .n-tag").allInnerTexts();
    expect(severities.filter((s) => /^(low|info)$/i.test(s.trim()))).toEqual([]);
    for (const [i, file] of files.entries()) {
      const n = folded.filter((t) => fileOf(t) === file).length;
      expect(await groups.nth(i).innerText()).toContain(
        `${n} low/info hygiene finding${n === 1 ? "" : "s"} in ${file}`,
      );
    }
    await shot("project-hygiene-folded");

    // Opened: that file's low and info rows, with the same columns (Triage, Follow up) and links to the analysis.
    const queues = groups.nth(1);
    await queues.locator(".n-collapse-item__header").click();
    const rows = queues.locator(".n-data-table-tbody .n-data-table-tr");
    const expected = folded.filter((t) => fileOf(t) === "infra/queues.yaml");
    await expect.poll(() => rows.count()).toBe(expected.length);
    expect(await rows.first().innerText()).toContain(expected.find((t) => t.ruleId === "TL-AWS-SQS-003")!.title);
    expect(await queues.getByRole("button", { name: /^Triage / }).count()).toBe(expected.length);
    await shot("project-hygiene-open");
    expect(ctx.pageErrors).toEqual([]);
  });

  it("triages a folded threat from its group; the group stays open with its new status", async () => {
    await page.goto(`${ctx.app.url}/projects/${ctx.projectId}?tab=threats`);
    const group = page.getByTestId("hygiene-group").nth(1);
    await group.locator(".n-collapse-item__header").click();
    const row = group.locator(".n-data-table-tbody .n-data-table-tr").first();
    await row.waitFor();
    const title = (await row.locator("a").first().innerText()).trim();
    await row.getByRole("button", { name: /^Triage / }).click();
    const dialog = page.locator(".n-modal").last();
    await page.getByTestId("triage-save").waitFor();
    expect(await dialog.locator(".n-card-header").innerText()).toContain(`Triage: ${title}`);
    await page.getByTestId("triage-mitigated").click();
    await page.getByTestId("triage-save").click();
    // Saved: the page and the open group are asked again; the row is still there, now mitigated.
    const same = group.locator(".n-data-table-tbody .n-data-table-tr", { hasText: title });
    await expect.poll(() => same.innerText()).toContain("Mitigated");
    const saved = (
      await ctx.api<{ items: CurrentThreatDto[] }>("GET", `/projects/${ctx.projectId}/threats?limit=500`)
    ).items.find((t) => t.title === title && fileOf(t) === "infra/queues.yaml")!;
    expect(saved.triage).toBe("mitigated");
    expect(ctx.pageErrors).toEqual([]);
  });

  it("asking for low by name lists low threats one by one, with nothing folded", async () => {
    await page.goto(`${ctx.app.url}/projects/${ctx.projectId}?tab=threats&severity=low`);
    const low = all.filter((t) => t.severity === "low");
    const table = page.locator(".n-data-table").first();
    await expect.poll(() => table.locator(".n-data-table-tbody .n-data-table-tr").count()).toBe(low.length);
    expect(await page.getByTestId("hygiene-groups").count()).toBe(0);
    expect(ctx.pageErrors).toEqual([]);
  });
});
