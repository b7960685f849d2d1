import { join } from "node:path";
import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { SubmissionResult } from "@threatline/domain";
import { SHOTS, openSignedIn } from "./app.ts";

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
    let submitted: SubmissionResult[];
    ({ app, browser, page, pageErrors, submitted } = await openSignedIn({
      project: "secrets-on-screen",
      versions: [[{ path: "db.yaml", content: TEMPLATE }]],
    }));
    analysisId = submitted[0]!.analyses[0]!.id;
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
