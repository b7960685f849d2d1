import { createHmac } from "node:crypto";
import { mkdirSync } from "node:fs";
import { createServer, type IncomingHttpHeaders, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ADMIN, apiClient, launchBrowser, openPage, signIn, startTestApp, submitAndWait } from "./app.ts";

const SHOTS = process.env.SCREENSHOT_DIR ? resolve(process.env.SCREENSHOT_DIR) : join(tmpdir(), "threatline-e2e-shots");
const TEMPLATE = `AWSTemplateFormatVersion: "2010-09-09"
Resources:
  AppBucket:
    Type: AWS::S3::Bucket
    Properties:
      AccessControl: PublicRead
`;

/**
 * Ownership and follow-up in Chromium (issue #22 item 2): assign a threat, link a ticket, comment; register a
 * webhook in Settings and see its delivery reach a real local receiver; the dashboard's expiring acceptances.
 */
describe("threat follow-up and webhooks, in Chromium", () => {
  let app: { url: string; close(): Promise<void> };
  let api: Awaited<ReturnType<typeof apiClient>>;
  let browser: Browser;
  let page: Page;
  let pageErrors: string[] = [];
  let projectId = "";
  let receiver: Server;
  let receiverUrl = "";
  const received: Array<{ headers: IncomingHttpHeaders; raw: string }> = [];

  const shot = async (name: string, target?: ReturnType<Page["locator"]>) => {
    await page.waitForTimeout(600);
    if (target) await target.screenshot({ path: join(SHOTS, `${name}.png`) });
    else await page.screenshot({ path: join(SHOTS, `${name}.png`), fullPage: true });
  };
  /** A screenshot in the light theme, then the same in the dark one (and back). */
  const shots = async (name: string, target?: () => ReturnType<Page["locator"]>) => {
    await shot(name, target?.());
    await page.getByTestId("theme-toggle").click();
    await shot(`${name}-dark`, target?.());
    await page.getByTestId("theme-toggle").click();
  };

  beforeAll(async () => {
    mkdirSync(SHOTS, { recursive: true });
    receiver = createServer((req, res) => {
      let raw = "";
      req.setEncoding("utf8");
      req.on("data", (c: string) => (raw += c));
      req.on("end", () => {
        received.push({ headers: req.headers, raw });
        res.end("ok");
      });
    });
    await new Promise<void>((r) => receiver.listen(0, "127.0.0.1", r));
    receiverUrl = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/hooks/security`;
    // The receiver is on loopback: only a server that allows private addresses may call it.
    app = await startTestApp({ WEBHOOK_ALLOW_PRIVATE: "true", WEBHOOK_RETRY_BASE_MS: "200" });
    api = await apiClient(app.url);
    projectId = (await api<{ id: string }>("POST", "/projects", { name: "storefront" })).id;
    await submitAndWait(api, projectId, [{ path: "infra/bucket.yaml", content: TEMPLATE }]);
    browser = await launchBrowser();
    ({ page, pageErrors } = await openPage(browser));
    await signIn(page, app.url);
  });
  afterAll(async () => {
    await browser?.close();
    await app?.close();
    receiver?.close();
  });

  it("assigns a threat, links a ticket and comments; the list shows them and filters to mine", async () => {
    await page.goto(`${app.url}/projects/${projectId}/triage`);
    const row = page.locator("tr", { hasText: "TL-AWS-S3-001" }).first();
    await row.getByTestId("follow-up-open").click();
    const drawer = page.locator(".n-drawer");
    await drawer.getByText("Follow-up").waitFor();
    await drawer.getByTestId("follow-up-assignee").click();
    await page.locator(".n-base-select-option", { hasText: ADMIN.email }).first().click();
    await drawer.getByTestId("follow-up-ticket").locator("input").fill("not a link");
    expect(await drawer.getByText("A ticket link starts with http:// or https://").isVisible()).toBe(true);
    expect(await drawer.getByTestId("follow-up-save").isDisabled()).toBe(true);
    await drawer.getByTestId("follow-up-ticket").locator("input").fill("https://tracker.example.com/SEC-42");
    await drawer.getByTestId("follow-up-save").click();
    await page.getByText("Follow-up saved.").waitFor();

    const comment = "Checked with the owner: <b>not</b> meant to be public. Fix in SEC-42.";
    await drawer.getByTestId("follow-up-comment").locator("textarea").fill(comment);
    await drawer.getByTestId("follow-up-post").click();
    const thread = drawer.getByTestId("follow-up-comments");
    await thread.getByText("Fix in SEC-42").waitFor();
    // Plain text: the markup shows as written and makes no element.
    expect(await thread.innerText()).toContain("<b>not</b>");
    expect(await thread.locator("b").count()).toBe(0);
    expect(await thread.innerText()).toContain("Administrator");
    await shot("follow-up-drawer", page.locator(".n-drawer"));
    await drawer.locator(".n-base-close").click();
    await drawer.waitFor({ state: "hidden" });
    // The drawer's mask covers the theme switch: switch with it closed, then open it again.
    await page.getByTestId("theme-toggle").click();
    await row.getByTestId("follow-up-open").click();
    await thread.getByText("Fix in SEC-42").waitFor();
    await shot("follow-up-drawer-dark", page.locator(".n-drawer"));
    await drawer.locator(".n-base-close").click();
    await drawer.waitFor({ state: "hidden" });
    await page.getByTestId("theme-toggle").click();

    await expect.poll(() => row.getByTestId("threat-assignee").count()).toBe(1);
    expect(await row.getByTestId("threat-assignee").innerText()).toContain("Administrator");
    expect(await row.getByTestId("threat-ticket").getAttribute("href")).toBe("https://tracker.example.com/SEC-42");
    expect(await row.innerText()).toContain("1 comment");

    await page.getByTestId("assigned-to-me").click();
    await expect.poll(() => page.url()).toContain("assignee=me");
    await expect.poll(() => page.locator("tbody tr", { hasText: "TL-AWS" }).count()).toBe(1);
    await shots("follow-up-assigned-to-me");
    expect(pageErrors).toEqual([]);
  });

  it("registers a webhook in Settings, sends a test and shows the delivery in its log", async () => {
    await page.goto(`${app.url}/settings`);
    const card = page.getByTestId("webhooks");
    await card.getByTestId("webhook-url").locator("input").fill(receiverUrl);
    await card.getByTestId("webhook-add").click();
    await card.getByTestId("webhook-list").getByText(receiverUrl).waitFor();
    await card.getByTestId("webhook-test").click();
    const log = card.getByTestId("webhook-deliveries");
    await log.getByText("succeeded").waitFor({ timeout: 20_000 });
    expect(await log.innerText()).toContain("webhook.test");
    expect(await log.innerText()).toMatch(/200 · \d+ ms/);

    const hooks = await api<{ items: Array<{ secret: string }> }>("GET", `/teams/${await defaultTeam()}/webhooks`);
    const got = received.find((r) => r.headers["x-threatline-event"] === "webhook.test")!;
    expect(got.headers["x-threatline-signature-256"]).toBe(
      `sha256=${createHmac("sha256", hooks.items[0]!.secret).update(got.raw).digest("hex")}`,
    );
    expect((JSON.parse(got.raw) as { text: string }).text).toContain("Test from Threatline");
    await shots("settings-webhooks", () => page.getByTestId("webhooks"));
    expect(pageErrors).toEqual([]);
  });

  it("lists acceptances expiring within two weeks on the dashboard", async () => {
    const threats = await api<{ items: Array<{ fingerprint: string; ruleId: string | null }> }>(
      "GET",
      `/projects/${projectId}/threats`,
    );
    const target = threats.items.find((t) => t.ruleId === "TL-AWS-S3-001")!;
    await api("PUT", `/projects/${projectId}/triage/${target.fingerprint}`, {
      status: "accepted",
      owner: "alice",
      expiresAt: new Date(Date.now() + 3 * 86_400_000 - 60_000).toISOString(),
      note: "until the CDN lands",
    });
    await page.goto(`${app.url}/`);
    const card = page.getByTestId("expiring-soon");
    await card.getByText("alice").waitFor();
    expect(await card.innerText()).toContain("3 days left");
    expect(await card.innerText()).toContain("infra/bucket.yaml");
    expect(await card.innerText()).toContain("storefront");
    await shots("dashboard-expiring-soon", () => page.getByTestId("expiring-soon"));
    expect(pageErrors).toEqual([]);
  });

  async function defaultTeam(): Promise<string> {
    return (await api<{ teamId: string }>("GET", `/projects/${projectId}`)).teamId;
  }
});
