import { readFileSync } from "node:fs";
import { join, resolve } from "node:path";
import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { CurrentThreatDto } from "@threatline/domain";
import { SHOTS, openSignedIn, type ApiClient } from "./app.ts";

const FIXTURES = resolve(import.meta.dirname, "fixtures");

/** A threat model people shape in the browser: a threat by hand, an edit, a mitigation that closes a threat. */
describe("shaping a threat model in Chromium", () => {
  let app: { url: string; close(): Promise<void> };
  let browser: Browser;
  let page: Page;
  let pageErrors: string[] = [];
  let projectId = "";
  let api: ApiClient;

  const shot = async (name: string) => {
    await page.waitForTimeout(800);
    await page.screenshot({ path: join(SHOTS, `${name}.png`), fullPage: true });
  };
  const risk = async () =>
    Number(
      (await page.getByTestId("project-risk").locator(".n-statistic-value__content").innerText()).replace(/,/g, ""),
    );
  const projectRisk = async () => (await api<{ riskScore: number }>("GET", `/projects/${projectId}`)).riskScore;
  /** Picks an option of a Naive UI select by its visible text. */
  const choose = async (testid: string, text: string | RegExp) => {
    await page.getByTestId(testid).click();
    await page.locator(".n-base-select-option", { hasText: text }).first().click();
  };

  beforeAll(async () => {
    ({ app, api, browser, page, pageErrors, projectId } = await openSignedIn({
      project: "storefront-model",
      versions: [
        [{ path: "infra/storefront.cfn.yaml", content: readFileSync(join(FIXTURES, "storefront.cfn.yaml"), "utf8") }],
      ],
    }));
  });
  afterAll(async () => {
    await browser?.close();
    await app?.close();
  });

  it("adds a threat by hand; it is listed and raises the risk", async () => {
    await page.goto(`${app.url}/projects/${projectId}?tab=threats`);
    await page.locator(".n-data-table-tr").nth(1).waitFor();
    const before = await risk();
    await page.getByTestId("add-threat").click();
    await page.getByTestId("manual-save").click();
    // Nothing chosen yet: the form says what is missing and sends nothing.
    await page.getByText("pick a STRIDE category").waitFor();
    await choose("manual-category", "Spoofing");
    await choose("manual-severity", "critical");
    await page.getByTestId("manual-title").locator("input").fill("Support staff can sign in as any customer");
    await page.getByTestId("manual-resource").locator("input").fill("SupportConsole");
    await page.getByTestId("manual-description").locator("textarea").fill("The console has an impersonate button.");
    await page.getByTestId("manual-save").click();
    const row = page.locator(".n-data-table-tr", { hasText: "Support staff can sign in as any customer" });
    await row.waitFor();
    expect(await row.innerText()).toContain("by hand");
    await expect.poll(risk).toBe(before + 20);
  });

  it("edits a generated threat; the original stays visible and the edit survives in the API", async () => {
    const [target] = (
      await api<{ items: CurrentThreatDto[] }>("GET", `/projects/${projectId}/threats?source=rule&sort=score`)
    ).items;
    expect(target).toBeDefined();
    const row = page.locator(".n-data-table-tr", { hasText: target!.title }).first();
    await row.getByRole("button", { name: `Edit ${target!.title}` }).click();
    await choose("edit-severity", /^low$/);
    await page.getByTestId("edit-title").locator("input").fill(`${target!.title} (internal only)`);
    await page.getByTestId("edit-save").click();
    const edited = page.locator(".n-data-table-tr", { hasText: `${target!.title} (internal only)` });
    await edited.waitFor();
    expect(await edited.innerText()).toContain("edited");
    await edited.getByRole("button", { name: /^Edit / }).click();
    const original = page.getByTestId("edit-original");
    await original.waitFor();
    expect(await original.innerText()).toContain(target!.title);
    await shot("threat-edit");
    await page.keyboard.press("Escape");
    const after = (await api<{ items: CurrentThreatDto[] }>("GET", `/projects/${projectId}/threats?limit=500`)).items;
    expect(after.find((t) => t.fingerprint === target!.fingerprint)).toMatchObject({
      severity: "low",
      original: { title: target!.title, severity: target!.severity },
    });
  });

  it("tracks a mitigation; once done, its threat no longer counts in the risk", async () => {
    const threats = (
      await api<{ items: CurrentThreatDto[] }>("GET", `/projects/${projectId}/threats?source=rule&sort=score`)
    ).items;
    const target = threats.find((t) => !t.original)!;
    await page.goto(`${app.url}/projects/${projectId}?tab=model`);
    await page.getByTestId("add-mitigation").click();
    await page.getByTestId("mitigation-title").locator("input").fill("Put CloudFront with a WAF in front");
    await choose("mitigation-status", "In progress");
    await page.getByTestId("mitigation-owner").locator("input").fill("platform team");
    await page.getByTestId("mitigation-ticket").locator("input").fill("https://tickets.example.com/SEC-7");
    await page.getByTestId("mitigation-threats").click();
    await page.keyboard.type(target.title.slice(0, 20));
    await page.locator(".n-base-select-option", { hasText: target.title }).first().click();
    await page.keyboard.press("Escape");
    await page.getByTestId("mitigation-save").click();
    const row = page.getByTestId("mitigations").locator(".n-data-table-tr", { hasText: "Put CloudFront with a WAF" });
    await row.waitFor();
    expect(await row.innerText()).toContain(target.title);
    const before = await projectRisk();
    await page.getByTestId("assumption-text").locator("input").fill("Only the storefront team deploys this stack");
    await page.getByTestId("add-assumption").click();
    await page.getByTestId("assumptions").getByText("Only the storefront team deploys this stack").waitFor();

    await row.getByRole("combobox").or(row.locator(".n-base-selection")).first().click();
    await page.locator(".n-base-select-option", { hasText: "Done" }).click();
    await expect.poll(projectRisk).toBe(before - target.score);
    await expect.poll(risk).toBe(before - target.score);
    await shot("mitigations");
    await page.goto(`${app.url}/projects/${projectId}?tab=threats`);
    const threatRow = page.locator(".n-data-table-tr", { hasText: target.title }).first();
    await threatRow.waitFor();
    expect(await threatRow.innerText()).toContain("mitigated by controls");
    await shot("threats-shaped");

    await page.getByTestId("theme-toggle").click();
    await page.locator(".n-data-table-tr", { hasText: target.title }).first().waitFor();
    await shot("threats-shaped-dark");
    await page.goto(`${app.url}/projects/${projectId}?tab=model`);
    await page.getByTestId("mitigations").locator(".n-data-table-tr").nth(1).waitFor();
    await shot("mitigations-dark");
    await page.getByTestId("theme-toggle").click();
    expect(pageErrors).toEqual([]);
  });
});
