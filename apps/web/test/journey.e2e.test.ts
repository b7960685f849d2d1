import { mkdirSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ADMIN, apiClient, launchBrowser, openPage, startTestApp } from "./app.ts";

const FIXTURES = resolve(import.meta.dirname, "fixtures");
/** Screenshots land here for people to look at; SCREENSHOT_DIR=docs/screenshots refreshes the README's. */
const SHOTS = process.env.SCREENSHOT_DIR ? resolve(process.env.SCREENSHOT_DIR) : join(tmpdir(), "threatline-e2e-shots");

describe("Threatline in Chromium", () => {
  let app: { url: string; close(): Promise<void> };
  let browser: Browser;
  let page: Page;
  let pageErrors: string[] = [];
  const dialogs: string[] = [];
  let projectUrl = "";

  const shot = async (name: string, fullPage = true) => {
    // Lets chart animations settle so the pictures show finished charts; nothing is asserted on time.
    await page.waitForTimeout(1200);
    await page.screenshot({ path: join(SHOTS, `${name}.png`), fullPage });
  };
  const riskOn = async (testid: string) =>
    Number((await page.getByTestId(testid).locator(".n-statistic-value__content").innerText()).replace(/,/g, ""));

  beforeAll(async () => {
    mkdirSync(SHOTS, { recursive: true });
    app = await startTestApp();
    browser = await launchBrowser();
    ({ page, pageErrors } = await openPage(browser));
    page.on("dialog", (d) => {
      dialogs.push(d.message());
      void d.dismiss();
    });
  });
  afterAll(async () => {
    await browser?.close();
    await app?.close();
  });

  it("sends people to sign in, then back where they were going", async () => {
    await page.goto(`${app.url}/submit`);
    await page.waitForURL(/\/login\?next=/);
    await page.getByTestId("login-email").locator("input").fill(ADMIN.email);
    await page.getByTestId("login-password").locator("input").fill(ADMIN.password);
    await page.getByTestId("login-submit").click();
    await page.waitForURL(/\/submit$/);
  });

  it("submits two files from the Submit page and watches both finish live", async () => {
    const streams: string[] = [];
    page.on("request", (r) => {
      if (r.url().endsWith("/events")) streams.push(r.url());
    });
    await page.getByTestId("new-project").locator("input").fill("storefront");
    await page.getByTestId("create-project").click();
    await expect.poll(() => page.getByTestId("project-select").innerText()).toContain("storefront");
    await page
      .getByTestId("file-input")
      .setInputFiles([join(FIXTURES, "checkout.k8s.yaml"), join(FIXTURES, "orders.openapi.yaml")]);
    await expect.poll(() => page.getByTestId("submit").innerText()).toContain("2 file");
    await page.getByTestId("submit").click();
    await page.waitForURL(/\/batches\/[0-9a-f-]{36}$/);
    await page.getByTestId("batch-finished").waitFor({ timeout: 60_000 });
    expect(streams.length).toBeGreaterThan(0);
    for (const path of ["checkout.k8s.yaml", "orders.openapi.yaml"]) {
      await expect
        .poll(() => page.getByTestId(`progress-${path}`).locator("[data-status]").getAttribute("data-status"))
        .toBe("succeeded");
    }
    await shot("submit-progress");
  });

  it("opens an analysis, filters it, and triages a threat; the project risk drops", async () => {
    await page.getByRole("link", { name: "Open project" }).click();
    await page.waitForURL(/\/projects\/[0-9a-f-]{36}$/);
    projectUrl = page.url();
    const riskBefore = await riskOn("project-risk");
    expect(riskBefore).toBeGreaterThan(0);

    await page.locator("a", { hasText: "checkout.k8s.yaml" }).first().click();
    await page.waitForURL(/\/analyses\//);
    const cards = page.locator("[data-fingerprint]");
    await cards.first().waitFor();
    const all = await cards.count();
    await page.getByTestId("filter-severity").click();
    await page.locator(".n-base-select-option", { hasText: /^high$/ }).click();
    await expect.poll(() => page.url()).toMatch(/severity=high/);
    // The server answers the filtered page after the URL changes; the previous cards stay until it does.
    await expect.poll(() => cards.count()).toBeLessThan(all);
    const high = await cards.count();
    expect(high).toBeGreaterThan(0);
    for (const tag of await page.locator("[data-fingerprint] .n-card-header .n-tag").first().allInnerTexts())
      expect(tag).toBe("high");

    // The filter is in the URL: a reload shows the same list.
    await page.reload();
    await cards.first().waitFor();
    expect(await cards.count()).toBe(high);

    // Evidence: the template snippet with the line highlighted.
    await cards.first().getByText("Evidence").click();
    await cards.first().locator(".hit").first().waitFor();
    await shot("analysis");

    // Accepting needs an owner and an expiry: the dialog says so instead of sending.
    await cards.first().getByRole("button", { name: "Triage" }).click();
    await page.getByTestId("triage-accepted").click();
    await page.getByTestId("triage-save").click();
    await page.getByText("accepting a risk needs an owner").waitFor();
    await page.getByTestId("triage-mitigated").click();
    await page.getByTestId("triage-save").click();
    await expect.poll(() => cards.first().getByTestId("triage-status").innerText()).toBe("Mitigated");

    await page.goto(projectUrl);
    await expect.poll(() => riskOn("project-risk")).toBeLessThan(riskBefore);
    const riskAfter = await riskOn("project-risk");
    // The trend gained a point for the decision: its chart is drawn.
    await page.locator("canvas").first().waitFor();
    await shot("project");

    await page.goto(`${app.url}/`);
    await expect.poll(() => riskOn("team-risk")).toBe(riskAfter);
    await page.locator("canvas").first().waitFor();
    await shot("dashboard");
  });

  it("shows the project's current threats with server paging and bulk triage", async () => {
    await page.goto(`${projectUrl}/triage?triage=open`);
    const rows = page.locator(".n-data-table-tbody .n-data-table-tr");
    await rows.first().waitFor();
    const total = async () => Number(/\d+/.exec(await page.locator(".n-pagination-prefix").innerText())?.[0]);
    const before = await total();
    expect(before).toBeGreaterThan(2);
    await rows.nth(0).locator(".n-checkbox").click();
    await rows.nth(1).locator(".n-checkbox").click();
    await page.getByTestId("bulk-triage").click();
    await page.getByTestId("triage-false_positive").click();
    await page.getByTestId("triage-save").click();
    await expect.poll(total).toBe(before - 2);
    await shot("triage");
  });

  it("renders every view with realistic data, in light and dark", async () => {
    const api = await apiClient(app.url);
    const read = (name: string) => readFileSync(join(FIXTURES, name), "utf8");
    const waitBatch = async (batchId: string) => {
      for (;;) {
        const b = await api<{ status: string; analyses: Array<{ id: string; status: string }> }>(
          "GET",
          `/batches/${batchId}`,
        );
        if (b.analyses.every((a) => ["succeeded", "partial", "failed", "canceled"].includes(a.status))) return b;
        await new Promise((r) => setTimeout(r, 100));
      }
    };
    const payments = await api<{ id: string }>("POST", "/projects", {
      name: "payments",
      description: "Ledger, card processing and the payments API",
    });
    const v1 = await api<{ batchId: string }>("POST", `/projects/${payments.id}/submissions`, {
      files: [
        { path: "infra/network.tf", content: read("network.tf") },
        { path: "infra/storefront.cfn.yaml", content: read("storefront.cfn.yaml") },
      ],
    });
    await waitBatch(v1.batchId);
    // A second version that closes the database to the internet: some threats resolve.
    const fixed = read("network.tf")
      .replace("publicly_accessible = true", "publicly_accessible = false")
      .replace("storage_encrypted   = false", "storage_encrypted   = true");
    const v2 = await api<{ batchId: string; analyses: Array<{ id: string }> }>(
      "POST",
      `/projects/${payments.id}/submissions`,
      { files: [{ path: "infra/network.tf", content: fixed }] },
    );
    await waitBatch(v2.batchId);

    const views: Array<[string, string, string]> = [
      ["dashboard", "/", "canvas"],
      ["projects", "/projects", ".n-data-table-tr"],
      ["project-payments", `/projects/${payments.id}`, "canvas"],
      ["project-templates", `/projects/${payments.id}?tab=templates`, ".n-collapse-item"],
      ["analysis-terraform", `/analyses/${v2.analyses[0]!.id}`, "[data-fingerprint]"],
      ["batches", "/batches", ".n-data-table-tr"],
      ["settings", "/settings", "[data-testid=llm-mode]"],
    ];
    for (const [name, path, ready] of views) {
      await page.goto(`${app.url}${path}`);
      await page.locator(ready).first().waitFor();
      await shot(name);
    }
    expect(await page.getByTestId("llm-mode").innerText()).toBe("rules only");
    // One threat opened: evidence lines from the template and the fix with its copy button.
    await page.goto(`${app.url}/analyses/${v2.analyses[0]!.id}?severity=critical`);
    const card = page.locator("[data-fingerprint]").first();
    await card.getByText("Evidence").click();
    await card.getByText(/^Remediation/).click();
    await card.locator(".hit").first().waitFor();
    await shot("analysis-threat", false);

    await page.goto(`${app.url}/projects/${payments.id}?tab=templates`);
    await page.locator(".n-collapse-item", { hasText: "infra/network.tf" }).click();
    await page.getByRole("button", { name: "Compare versions" }).click();
    await page.locator(".diff-section").first().waitFor();
    const resolved = await page.locator(".diff-section", { hasText: "Resolved" }).locator("li").count();
    expect(resolved).toBeGreaterThan(0);
    await shot("project-diff");

    await page.getByTestId("theme-toggle").click();
    await page.goto(`${app.url}/`);
    await page.locator("canvas").first().waitFor();
    await shot("dashboard-dark");
    await page.goto(`${app.url}/analyses/${v2.analyses[0]!.id}`);
    await page.locator("[data-fingerprint]").first().waitFor();
    await shot("analysis-dark");
    await page.getByTestId("theme-toggle").click();
  });

  it("shows HTML in names and templates as text and never runs it", async () => {
    const api = await apiClient(app.url);
    const project = await api<{ id: string }>("POST", "/projects", { name: `<img src=x onerror="window.__xss=1">` });
    const spec = `openapi: 3.0.3
info: { title: "<script>window.__xss=2</script>", version: "1" }
servers:
  - url: http://evil.example.com
paths:
  /x/<img src=y onerror=window.__xss=3>:
    delete:
      responses:
        "204": { description: "<b>gone</b>" }
`;
    const { batchId, analyses } = await api<{ batchId: string; analyses: Array<{ id: string }> }>(
      "POST",
      `/projects/${project.id}/submissions`,
      { files: [{ path: "evil/<svg onload=alert(1)>.yaml", content: spec }] },
    );
    await page.goto(`${app.url}/batches/${batchId}`);
    await page.getByTestId("batch-finished").waitFor({ timeout: 60_000 });
    await page.goto(`${app.url}/analyses/${analyses[0]!.id}`);
    await page.locator("[data-fingerprint]").first().waitFor();
    await page.locator("[data-fingerprint]").first().getByText("Evidence").click();
    await page.locator(".snippet").first().waitFor();
    await expect.poll(() => page.locator("body").innerText()).toContain("<img src=y onerror=window.__xss=3>");
    await page.goto(`${app.url}/projects`);
    await expect.poll(() => page.locator("body").innerText()).toContain(`<img src=x onerror="window.__xss=1">`);
    expect(await page.evaluate(() => (window as unknown as { __xss?: number }).__xss)).toBeUndefined();
    expect(dialogs).toEqual([]);
    expect(await page.locator("img[src=x], img[src=y], svg[onload]").count()).toBe(0);
  });

  it("raised no script errors in any view", () => {
    expect(pageErrors).toEqual([]);
  });
});
