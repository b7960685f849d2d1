import { mkdirSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import pg from "pg";
import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { apiClient, launchBrowser, openPage, signIn, startTestApp } from "./app.ts";

const FIXTURES = resolve(import.meta.dirname, "fixtures");
/** Screenshots land here for people to look at; SCREENSHOT_DIR=docs/screenshots refreshes the README's. */
const SHOTS = process.env.SCREENSHOT_DIR ? resolve(process.env.SCREENSHOT_DIR) : join(tmpdir(), "threatline-e2e-shots");

/** Settings as an administrator runs a team: accounts, teams, roles and the LLM budget, against the real API. */
describe("Settings in Chromium: users, teams and budgets", () => {
  let app: Awaited<ReturnType<typeof startTestApp>>;
  let browser: Browser;
  let page: Page;
  let pageErrors: string[] = [];
  const DANA = { email: "dana@threatline.test", password: "" };

  beforeAll(async () => {
    app = await startTestApp();
    browser = await launchBrowser();
    ({ page, pageErrors } = await openPage(browser));
    await signIn(page, app.url);
  });
  afterAll(async () => {
    await browser?.close();
    await app?.close();
  });

  const userRow = (email: string) => page.getByTestId("users-table").locator(".n-data-table-tr", { hasText: email });
  /** Picks an option of the select menu that is open (closed menus stay in the DOM hidden, or fade out for a moment). */
  const pick = (text: RegExp) =>
    page
      .locator(".n-base-select-menu:not([class*='transition-leave']) .n-base-select-option")
      .filter({ hasText: text, visible: true })
      .click();
  const memberRow = (email: string) =>
    page.getByTestId("members-table").locator(".n-data-table-tr", { hasText: email });

  it("creates a user with a first password the administrator hands over", async () => {
    await page.goto(`${app.url}/settings`);
    await page.getByTestId("users-card").waitFor();
    await page.getByTestId("user-email").locator("input").fill(DANA.email);
    await page.getByTestId("user-name").locator("input").fill("Dana Scully");
    const generated = await page.getByTestId("user-password-input").locator("input").inputValue();
    expect(generated.length).toBeGreaterThanOrEqual(12);
    await page.getByTestId("user-create").click();
    const shown = page.getByTestId("user-password").locator("input");
    await shown.waitFor();
    expect(await shown.inputValue()).toBe(generated);
    DANA.password = generated;
    await userRow(DANA.email).waitFor();
    // The form is ready for the next account, with a fresh password.
    expect(await page.getByTestId("user-email").locator("input").inputValue()).toBe("");
    expect(await page.getByTestId("user-password-input").locator("input").inputValue()).not.toBe(generated);

    // The same e-mail twice: the API's refusal is shown, not swallowed.
    await page.getByTestId("user-email").locator("input").fill(DANA.email);
    await page.getByTestId("user-create").click();
    await page.getByText("A user with that e-mail exists.").waitFor();
  });

  it("creates a team, adds the user as a viewer, then makes them an editor", async () => {
    await page.getByTestId("team-name").locator("input").fill("payments");
    await page.getByTestId("team-create").click();
    await page.getByTestId("members").waitFor();
    await memberRow("admin@threatline.test").waitFor();
    expect(await memberRow("admin@threatline.test").innerText()).toContain("admin");

    await page.getByTestId("member-email").locator("input").fill(DANA.email);
    await page.getByTestId("member-role").click();
    await pick(/^viewer/);
    await page.getByTestId("member-add").click();
    await memberRow(DANA.email).waitFor();
    expect(await page.getByTestId(`role-${DANA.email}`).innerText()).toContain("viewer");

    await page.getByTestId(`role-${DANA.email}`).click();
    await pick(/^editor/);
    await expect.poll(() => page.getByTestId(`role-${DANA.email}`).innerText()).toContain("editor");

    // An e-mail without an account: the API's not-found message tells the admin what to do.
    await page.getByTestId("member-email").locator("input").fill("ghost@threatline.test");
    await page.getByTestId("member-add").click();
    await page.getByText("an administrator creates users first").waitFor();

    // Demoting the team's last admin is refused and the role stays.
    await page.getByTestId("role-admin@threatline.test").click();
    await pick(/^viewer/);
    await page.getByText("A team keeps at least one admin.").waitFor();
    expect(await page.getByTestId("role-admin@threatline.test").innerText()).toContain("admin");

    // It all persisted: the page reloaded shows the same members and roles.
    await page.reload();
    await page
      .getByTestId("teams-table")
      .locator(".n-data-table-tr", { hasText: "payments" })
      .getByRole("button", { name: "Manage members of payments" })
      .click();
    await memberRow(DANA.email).waitFor();
    expect(await page.getByTestId(`role-${DANA.email}`).innerText()).toContain("editor");
  });

  it("sets the team's monthly budget, keeps it after a reload, and clears it", async () => {
    const row = page.getByTestId("budget-payments");
    await row.waitFor();
    await row.getByTestId("budget-input").locator("input").fill("25");
    await row.getByTestId("budget-save").click();
    await page.getByText("payments: budget $25.00 a month").waitFor();
    await page.reload();
    await row.waitFor();
    expect(await row.getByTestId("budget-input").locator("input").inputValue()).toBe("25");
    expect(await row.getByRole("progressbar").getAttribute("aria-valuenow")).toBe("0");
    const api = await apiClient(app.url);
    const settings = await api<{ teams: Array<{ name: string; budgetUsd: number | null }> }>("GET", "/settings/llm");
    expect(settings.teams.find((t) => t.name === "payments")?.budgetUsd).toBe(25);

    await row.getByTestId("budget-clear").click();
    await page.getByText("payments: no budget (unlimited)").waitFor();
    await page.reload();
    await row.waitFor();
    expect(await row.getByTestId("budget-input").locator("input").inputValue()).toBe("");
    expect(await row.innerText()).toContain("no limit");
  });

  it("shows a team editor neither users nor teams, and the budget read-only", async () => {
    const other = await browser.newContext({ viewport: { width: 1400, height: 900 } });
    const dana = await other.newPage();
    await signIn(dana, app.url, DANA);
    await dana.goto(`${app.url}/settings`);
    await dana.getByTestId("budgets-card").waitFor();
    await dana.getByTestId("api-tokens").waitFor();
    expect(await dana.getByTestId("budget-payments").innerText()).toContain("unlimited");
    expect(await dana.getByTestId("budget-input").count()).toBe(0);
    expect(await dana.getByTestId("users-card").count()).toBe(0);
    expect(await dana.getByTestId("teams-card").count()).toBe(0);
    await other.close();
  });

  it("unlocks a locked account and deletes one after confirming", async () => {
    for (let i = 0; i < 5; i++) {
      await fetch(`${app.url}/api/v1/auth/login`, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({ email: DANA.email, password: "wrong password, again" }),
      });
    }
    await page.reload();
    await userRow(DANA.email).waitFor();
    expect(await userRow(DANA.email).innerText()).toContain("locked");
    await page.getByRole("button", { name: `Unlock ${DANA.email}` }).click();
    await expect.poll(() => userRow(DANA.email).innerText()).toContain("active");

    // Deleting asks first; Cancel keeps the account.
    await page.getByRole("button", { name: `Delete ${DANA.email}` }).click();
    await page.locator(".n-dialog").getByRole("button", { name: "Cancel" }).click();
    expect(await userRow(DANA.email).count()).toBe(1);
    await page.getByRole("button", { name: `Delete ${DANA.email}` }).click();
    await page.locator(".n-dialog").getByRole("button", { name: "Delete" }).click();
    await expect.poll(() => userRow(DANA.email).count()).toBe(0);
    // The administrator cannot delete themselves: no button on their own row.
    expect(await page.getByRole("button", { name: "Delete admin@threatline.test" }).count()).toBe(0);
  });

  it("lets a member of two teams pick the team of a new project", async () => {
    const api = await apiClient(app.url);
    const teams = await api<{ items: Array<{ id: string; name: string }> }>("GET", "/teams");
    await page.goto(`${app.url}/projects`);
    await page.getByTestId("project-team").click();
    await pick(/^payments$/);
    await page.getByTestId("project-name").locator("input").fill("ledger");
    await page.getByRole("button", { name: "Create", exact: true }).click();
    await page.waitForURL(/\/projects\/[0-9a-f-]{36}$/);
    const created = await api<{ teamId: string }>("GET", `/projects/${page.url().split("/").pop()}`);
    expect(created.teamId).toBe(teams.items.find((t) => t.name === "payments")!.id);
  });

  it("renders Settings with realistic data, in light and dark", async () => {
    mkdirSync(SHOTS, { recursive: true });
    const api = await apiClient(app.url);
    // A month's model spend on the Default team, against a budget: the bar shows how much is left.
    const teams = await api<{ items: Array<{ id: string; name: string }> }>("GET", "/teams");
    const payments = teams.items.find((t) => t.name === "payments")!;
    const defaultTeam = teams.items.find((t) => t.name === "Default")!;
    // The admin is in two teams now: a new project names its team.
    const project = await api<{ id: string }>("POST", "/projects", { name: "payments-api", teamId: defaultTeam.id });
    const sent = await api<{ batchId: string }>("POST", `/projects/${project.id}/submissions`, {
      files: [{ path: "infra/network.tf", content: readFileSync(join(FIXTURES, "network.tf"), "utf8") }],
    });
    for (;;) {
      const b = await api<{ analyses: Array<{ status: string }> }>("GET", `/batches/${sent.batchId}`);
      if (b.analyses.every((a) => ["succeeded", "partial", "failed"].includes(a.status))) break;
      await new Promise((r) => setTimeout(r, 100));
    }
    const db = new pg.Client({ connectionString: app.databaseUrl });
    await db.connect();
    await db.query(`UPDATE "Analysis" SET "costUsd" = 18.4 WHERE "projectId" = $1`, [project.id]);
    await db.end();
    await api("PUT", `/teams/${defaultTeam.id}/budget`, { llmBudgetUsd: 25 });
    for (const [email, role] of [
      ["priya@threatline.test", "editor"],
      ["sam@threatline.test", "viewer"],
    ] as const) {
      await api("POST", "/users", {
        email,
        name: email.split("@")[0]!.replace(/^./, (c) => c.toUpperCase()),
        password: "a long first password",
      });
      await api("POST", `/teams/${payments.id}/members`, { email, role });
    }
    await page.goto(`${app.url}/settings`);
    await page.getByRole("button", { name: "Manage members of payments" }).click();
    await memberRow("priya@threatline.test").waitFor();
    expect(await page.getByTestId("budget-Default").getByRole("progressbar").getAttribute("aria-valuenow")).toBe(
      "73.6",
    );
    await page.waitForTimeout(500);
    await page.screenshot({ path: join(SHOTS, "settings-admin.png"), fullPage: true });
    await page.getByTestId("theme-toggle").click();
    await page.waitForTimeout(500);
    await page.screenshot({ path: join(SHOTS, "settings-admin-dark.png"), fullPage: true });
    await page.getByTestId("theme-toggle").click();
  });

  it("raised no script errors", () => {
    expect(pageErrors).toEqual([]);
  });
});
