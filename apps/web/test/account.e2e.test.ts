import { join } from "node:path";
import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ADMIN, SHOTS, apiClient, openSignedIn, signIn } from "./app.ts";

/** Screenshots land here for people to look at; SCREENSHOT_DIR=docs/screenshots refreshes the README's. */

/** One's own account in Settings: other browsers signed out, the password changed, against the real API. */
describe("Your account in Chromium: sessions and password", () => {
  let app: { url: string; close(): Promise<void> };
  let browser: Browser;
  let page: Page;
  let pageErrors: string[] = [];
  const NEW_PASSWORD = "a much better passphrase";

  beforeAll(async () => {
    ({ app, browser, page, pageErrors } = await openSignedIn());
  });
  afterAll(async () => {
    await browser?.close();
    await app?.close();
  });

  const field = (testid: string) => page.getByTestId(testid).locator("input");
  const projectsStatus = async (call: Awaited<ReturnType<typeof apiClient>>) =>
    call("GET", "/projects").then(
      () => 200,
      (e: Error) => Number(/: (\d{3}) /.exec(e.message)?.[1]),
    );

  it("signs out of the other sessions and keeps this one", async () => {
    // Two more browsers signed in as the same person.
    const laptop = await apiClient(app.url);
    const phone = await apiClient(app.url);
    await page.goto(`${app.url}/settings`);
    await expect.poll(() => page.getByTestId("session-count").innerText()).toContain("2 other sessions");
    await page.getByTestId("end-other-sessions").click();
    await page.getByRole("button", { name: "Sign them out" }).click();
    await page.getByText("2 other sessions signed out").waitFor();
    expect(await page.getByTestId("session-count").innerText()).toContain("no other session");
    expect(await page.getByTestId("end-other-sessions").isDisabled()).toBe(true);
    expect(await projectsStatus(laptop)).toBe(401);
    expect(await projectsStatus(phone)).toBe(401);
    // This browser is still signed in.
    await page.goto(`${app.url}/projects`);
    await page.waitForURL(/\/projects$/);
  });

  it("says what is wrong with a new password before sending it, and shows the server's refusal", async () => {
    await page.goto(`${app.url}/settings`);
    await field("password-current").fill("not my password");
    await field("password-new").fill("short");
    expect(await page.getByTestId("password-problem").innerText()).toContain("at least 12 characters");
    expect(await page.getByTestId("password-change").isDisabled()).toBe(true);
    await field("password-new").fill(NEW_PASSWORD);
    await field("password-repeat").fill(`${NEW_PASSWORD}!`);
    expect(await page.getByTestId("password-problem").innerText()).toContain("differ");
    await field("password-repeat").fill(NEW_PASSWORD);
    await page.getByTestId("password-change").click();
    expect(await page.getByTestId("password-error").innerText()).toContain("current password is wrong");
    // A wrong current password is no reason to sign this browser out.
    expect(page.url()).toMatch(/\/settings$/);
  });

  it("changes the password: the old one stops working, the new one signs in", async () => {
    const other = await apiClient(app.url);
    await page.goto(`${app.url}/settings`);
    await field("password-current").fill(ADMIN.password);
    await field("password-new").fill(NEW_PASSWORD);
    await field("password-repeat").fill(NEW_PASSWORD);
    await page.getByTestId("password-change").click();
    await page.getByText("Password changed").waitFor();
    expect(await field("password-current").inputValue()).toBe("");
    expect(await projectsStatus(other)).toBe(401);

    await page.screenshot({ path: join(SHOTS, "settings-account.png"), fullPage: false });
    await page.getByTestId("theme-toggle").click();
    await page.waitForTimeout(300);
    await page.screenshot({ path: join(SHOTS, "settings-account-dark.png"), fullPage: false });
    await page.getByTestId("theme-toggle").click();

    await page.getByRole("button", { name: "Sign out", exact: true }).click();
    await page.waitForURL(/\/login/);
    await page.getByTestId("login-email").locator("input").fill(ADMIN.email);
    await page.getByTestId("login-password").locator("input").fill(ADMIN.password);
    await page.getByTestId("login-submit").click();
    await page.getByText(/wrong e-?mail or password/i).waitFor();
    await signIn(page, app.url, { email: ADMIN.email, password: NEW_PASSWORD });
  });

  it("raised no script errors", () => {
    expect(pageErrors).toEqual([]);
  });
});
