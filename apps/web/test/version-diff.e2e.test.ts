import { readFileSync } from "node:fs";
import { join, resolve } from "node:path";
import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { SHOTS, openSignedIn } from "./app.ts";

const FIXTURES = resolve(import.meta.dirname, "fixtures");
/** Screenshots land here for people to look at; SCREENSHOT_DIR=docs/screenshots refreshes the README's. */

/** Two versions of a template compared on the project's Templates tab, against the real API and worker. */
describe("Version diff in Chromium", () => {
  let app: { url: string; close(): Promise<void> };
  let browser: Browser;
  let page: Page;
  let pageErrors: string[] = [];
  let projectId = "";

  beforeAll(async () => {
    const v1 = readFileSync(join(FIXTURES, "network.tf"), "utf8");
    // Closing the database to the internet: some threats stay but weigh less.
    const v2 = v1.replace("publicly_accessible = true", "publicly_accessible = false");
    ({ app, browser, page, pageErrors, projectId } = await openSignedIn({
      project: "payments",
      versions: [v1, v2].map((content) => [{ path: "infra/network.tf", content }]),
    }));
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
