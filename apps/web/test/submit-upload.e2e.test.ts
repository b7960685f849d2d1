import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { strToU8, zipSync } from "fflate";
import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { apiClient, launchBrowser, openPage, signIn, startTestApp } from "./app.ts";

const FIXTURES = resolve(import.meta.dirname, "fixtures");
const read = (name: string) => readFileSync(join(FIXTURES, name), "utf8");

/**
 * The Submit page's file paths as people use them: a folder dropped from the desktop, a folder chosen with
 * the folder picker, and a zip. Each must reach the worker with its folder-relative paths and finish.
 */
describe("Submit in Chromium: folders and zips", () => {
  let app: { url: string; close(): Promise<void> };
  let browser: Browser;
  let page: Page;
  let pageErrors: string[] = [];
  let dir = "";
  let projectId = "";

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), "threatline-upload-"));
    // A repository checkout: templates in sub-folders, plus what the SPA must leave out.
    const repo = join(dir, "repo");
    mkdirSync(join(repo, "infra", ".terraform"), { recursive: true });
    mkdirSync(join(repo, "k8s"), { recursive: true });
    writeFileSync(join(repo, "infra", "network.tf"), read("network.tf"));
    writeFileSync(join(repo, "infra", ".terraform", "cached.tf"), read("network.tf"));
    writeFileSync(join(repo, "infra", "README.md"), "# not a template\n");
    writeFileSync(join(repo, "k8s", "checkout.yaml"), read("checkout.k8s.yaml"));
    writeFileSync(
      join(dir, "bundle.zip"),
      zipSync({
        "stack/storefront.cfn.yaml": strToU8(read("storefront.cfn.yaml")),
        "api/orders.openapi.yaml": strToU8(read("orders.openapi.yaml")),
      }),
    );

    app = await startTestApp();
    const api = await apiClient(app.url);
    projectId = (await api<{ id: string }>("POST", "/projects", { name: "uploads" })).id;
    browser = await launchBrowser();
    ({ page, pageErrors } = await openPage(browser));
    await signIn(page, app.url);
  });
  afterAll(async () => {
    await browser?.close();
    await app?.close();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  const picked = () => page.locator(".picked li .mono").allInnerTexts();

  /** Sends what is picked and waits for every file of the batch to finish; answers path → status. */
  async function submitAndFinish(): Promise<Record<string, string>> {
    await page.getByTestId("submit").click();
    await page.waitForURL(/\/batches\/[0-9a-f-]{36}$/);
    await page.getByTestId("batch-finished").waitFor({ timeout: 60_000 });
    const rows = page.locator("[data-testid^='progress-']");
    const out: Record<string, string> = {};
    for (const row of await rows.all()) {
      const path = (await row.getAttribute("data-testid"))!.replace(/^progress-/, "");
      out[path] = (await row.locator("[data-status]").getAttribute("data-status")) ?? "";
    }
    return out;
  }

  /**
   * Drags real files from the disk onto the drop zone the way the desktop does: Chromium's own drag
   * events (DevTools protocol) carry them, so `webkitGetAsEntry` sees real folders.
   */
  async function dropFromDisk(paths: string[]) {
    const zone = page.getByRole("region", { name: "Drop templates, folders or a zip here" });
    const box = (await zone.boundingBox())!;
    const x = box.x + box.width / 2;
    const y = box.y + box.height / 2;
    const cdp = await page.context().newCDPSession(page);
    const data = { items: [], files: paths, dragOperationsMask: 1 };
    await cdp.send("Input.dispatchDragEvent", { type: "dragEnter", x, y, data });
    await cdp.send("Input.dispatchDragEvent", { type: "dragOver", x, y, data });
    await cdp.send("Input.dispatchDragEvent", { type: "drop", x, y, data });
    await cdp.detach();
  }

  it("takes a dropped folder with its sub-folders, leaving out hidden folders and non-templates", async () => {
    await page.goto(`${app.url}/submit?project=${projectId}`);
    await page.getByTestId("submit").waitFor();
    await dropFromDisk([join(dir, "repo")]);
    await expect.poll(picked).toEqual(["repo/infra/network.tf", "repo/k8s/checkout.yaml"]);
    const statuses = await submitAndFinish();
    expect(statuses).toEqual({ "repo/infra/network.tf": "succeeded", "repo/k8s/checkout.yaml": "succeeded" });
  });

  it("takes a folder chosen with the folder picker", async () => {
    await page.goto(`${app.url}/submit?project=${projectId}`);
    const chooser = page.waitForEvent("filechooser");
    await page.getByRole("button", { name: "Choose a folder…" }).click();
    await (await chooser).setFiles(join(dir, "repo"));
    await expect.poll(picked).toEqual(["repo/infra/network.tf", "repo/k8s/checkout.yaml"]);
    // The same folder again replaces rather than duplicates.
    const again = page.waitForEvent("filechooser");
    await page.getByRole("button", { name: "Choose a folder…" }).click();
    await (await again).setFiles(join(dir, "repo"));
    await expect.poll(picked).toEqual(["repo/infra/network.tf", "repo/k8s/checkout.yaml"]);
    await page.getByRole("button", { name: "Remove repo/k8s/checkout.yaml" }).click();
    await expect.poll(picked).toEqual(["repo/infra/network.tf"]);
    const statuses = await submitAndFinish();
    expect(statuses).toEqual({ "repo/infra/network.tf": "succeeded" });
  });

  it("expands a zip on the server, chosen with the file picker or dropped", async () => {
    await page.goto(`${app.url}/submit?project=${projectId}`);
    const chooser = page.waitForEvent("filechooser");
    await page.getByRole("button", { name: "Choose files…" }).click();
    await (await chooser).setFiles(join(dir, "bundle.zip"));
    await expect.poll(picked).toEqual(["bundle.zip"]);
    expect(await submitAndFinish()).toEqual({
      "api/orders.openapi.yaml": "succeeded",
      "stack/storefront.cfn.yaml": "succeeded",
    });

    await page.goto(`${app.url}/submit?project=${projectId}`);
    await page.getByTestId("submit").waitFor();
    await dropFromDisk([join(dir, "bundle.zip")]);
    await expect.poll(picked).toEqual(["bundle.zip"]);
    // Unchanged files are deduplicated by content, and still reported as finished.
    const statuses = await submitAndFinish();
    expect(Object.keys(statuses).sort()).toEqual(["api/orders.openapi.yaml", "stack/storefront.cfn.yaml"]);
    expect(Object.values(statuses).every((s) => s === "succeeded")).toBe(true);
  });

  it("raised no script errors", () => {
    expect(pageErrors).toEqual([]);
  });
});
