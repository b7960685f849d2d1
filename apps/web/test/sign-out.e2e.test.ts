import { mkdirSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import pg from "pg";
import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { apiClient, launchBrowser, openPage, startTestApp } from "./app.ts";

const FIXTURES = resolve(import.meta.dirname, "fixtures");
const SHOTS = process.env.SCREENSHOT_DIR ? resolve(process.env.SCREENSHOT_DIR) : join(tmpdir(), "threatline-e2e-shots");

/**
 * Two users of different teams take turns in one tab, without reloading it (a reload would empty the stores by
 * itself): what the first one loaded must never show for the second, after a sign-out or after a 401.
 */
describe("one tab, two users: nothing of the previous user is shown", () => {
  let app: Awaited<ReturnType<typeof startTestApp>>;
  let browser: Browser;
  let page: Page;
  let pageErrors: string[] = [];
  const ALICE = {
    email: "alice@threatline.test",
    password: "alice's long password",
    team: "red",
    project: "red-ledger",
  };
  const BOB = { email: "bob@threatline.test", password: "bob's long password", team: "blue", project: "blue-billing" };

  beforeAll(async () => {
    app = await startTestApp();
    const api = await apiClient(app.url);
    for (const user of [ALICE, BOB]) {
      await api("POST", "/users", { email: user.email, name: user.email.split("@")[0], password: user.password });
      const team = await api<{ id: string }>("POST", "/teams", { name: user.team });
      await api("POST", `/teams/${team.id}/members`, { email: user.email, role: "editor" });
      const project = await api<{ id: string }>("POST", "/projects", { name: user.project, teamId: team.id });
      await api("POST", `/projects/${project.id}/submissions`, {
        files: [{ path: "infra/network.tf", content: readFileSync(join(FIXTURES, "network.tf"), "utf8") }],
      });
    }
    mkdirSync(SHOTS, { recursive: true });
    browser = await launchBrowser();
    ({ page, pageErrors } = await openPage(browser));
  });
  afterAll(async () => {
    await browser?.close();
    await app?.close();
  });

  /** Signs in on the login page the app is already showing: no navigation, no reload. */
  async function signInHere(account: { email: string; password: string }) {
    await page.waitForURL((url) => url.pathname.startsWith("/login"));
    await page.getByTestId("login-email").locator("input").fill(account.email);
    await page.getByTestId("login-password").locator("input").fill(account.password);
    await page.getByTestId("login-submit").click();
    await page.waitForURL((url) => !url.pathname.startsWith("/login"));
  }

  /** Goes to a main view through the menu, as a user would (the SPA's router, not a page load). */
  async function open(label: "Submit" | "Batches") {
    await page.getByRole("navigation", { name: "Main" }).getByRole("link", { name: label, exact: true }).click();
    await page.waitForURL(`**/${label.toLowerCase()}`);
  }

  /** The project names the Submit view offers. */
  async function submitProjects(): Promise<string[]> {
    await page.getByTestId("project-select").click();
    const options = page.locator(".n-base-select-menu:not([class*='transition-leave']) .n-base-select-option");
    await options.first().waitFor();
    const names = await options.allInnerTexts();
    await page.keyboard.press("Escape");
    return names.map((n) => n.trim());
  }

  /** The project column of the Batches view, once its rows are in. */
  async function batchProjects(): Promise<string[]> {
    const rows = page.locator(".n-data-table-tbody .n-data-table-tr");
    await rows.first().waitFor();
    await expect.poll(() => rows.first().innerText()).not.toContain("…");
    const names = await rows.locator("td:nth-child(2)").allInnerTexts();
    return names.map((n) => n.trim());
  }

  async function shot(name: string) {
    await page.screenshot({ path: join(SHOTS, `sign-out-${name}.png`), fullPage: true });
  }

  it("shows the second user only their projects after the first signs out", async () => {
    await page.goto(`${app.url}/login`);
    await signInHere(ALICE);
    await open("Submit");
    expect(await submitProjects()).toEqual([ALICE.project]);
    await open("Batches");
    expect(await batchProjects()).toEqual([ALICE.project]);
    await shot("1-alice-batches");

    await page.getByRole("button", { name: "Sign out" }).click();
    await signInHere(BOB);
    await open("Submit");
    await shot("2-bob-submit");
    expect(await submitProjects()).toEqual([BOB.project]);
    await open("Batches");
    expect(await batchProjects()).toEqual([BOB.project]);
    await shot("3-bob-batches");
    expect(await page.locator("body").innerText()).not.toContain(ALICE.project);
  });

  it("forgets the second user's projects when the server ends their session (401)", async () => {
    // The session is revoked on the server (as when it expires); the tab still shows Bob's Batches.
    const db = new pg.Client({ connectionString: app.databaseUrl });
    await db.connect();
    await db.query(`DELETE FROM "Session" WHERE "userId" = (SELECT id FROM "User" WHERE email = $1)`, [BOB.email]);
    await db.end();
    // Batches asks the server again when it opens (Submit would still show what is loaded until a request fails);
    // the tab is on Batches already, so go there from Submit.
    await open("Submit");
    await open("Batches");
    await page.waitForURL((url) => url.pathname.startsWith("/login"));

    await signInHere(ALICE);
    await open("Submit");
    expect(await submitProjects()).toEqual([ALICE.project]);
    await shot("4-alice-submit-after-401");
    await open("Batches");
    expect(await batchProjects()).toEqual([ALICE.project]);
    expect(await page.locator("body").innerText()).not.toContain(BOB.project);
    expect(pageErrors).toEqual([]);
  });
});
