import { mkdirSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import pg from "pg";
import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { ProjectDto, SubmissionResult, SystemGraphDto } from "@threatline/domain";
import { buildSystemGraph } from "@threatline/system";
import { apiClient, launchBrowser, openPage, signIn, startTestApp } from "./app.ts";
import { loadProject } from "../../../packages/system/test/load-project.ts";
import { generatedProject } from "../../../packages/system/test/generate.ts";

const SHOTS = process.env.SCREENSHOT_DIR ? resolve(process.env.SCREENSHOT_DIR) : join(tmpdir(), "threatline-e2e-shots");

describe("the System tab in Chromium", () => {
  let app: { url: string; databaseUrl: string; close(): Promise<void> };
  let browser: Browser;
  let page: Page;
  let pageErrors: string[] = [];
  let api: Awaited<ReturnType<typeof apiClient>>;
  let shopId = "";

  /** Polls until the worker has stored a graph of at least this version (also used before the tests). */
  const waitForGraph = async (projectId: string, version: number) => {
    for (let i = 0; i < 180; i++) {
      const got = await api<SystemGraphDto>("GET", `/projects/${projectId}/system-graph`).catch(() => undefined);
      if (got && got.version >= version) return;
      await new Promise((r) => setTimeout(r, 500));
    }
    throw new Error(`no system graph version ${version} after 90 s`);
  };

  beforeAll(async () => {
    mkdirSync(SHOTS, { recursive: true });
    app = await startTestApp();
    browser = await launchBrowser();
    ({ page, pageErrors } = await openPage(browser, { width: 1600, height: 1000 }));
    api = await apiClient(app.url);
    shopId = (await api<ProjectDto>("POST", "/projects", { name: "shop" })).id;
    await api<SubmissionResult>("POST", `/projects/${shopId}/submissions`, { files: loadProject("shop") });
    await waitForGraph(shopId, 1);
    await signIn(page, app.url);
  });
  afterAll(async () => {
    await browser?.close();
    await app?.close();
  });

  it("opens from the project's System tab: boundaries, nodes, flows and severity badges", async () => {
    await page.goto(`${app.url}/projects/${shopId}`);
    await page.getByRole("tab", { name: "System" }).click();
    await page.waitForURL(/\/projects\/[0-9a-f-]{36}\/system$/);
    await page.locator("[data-node]").first().waitFor({ timeout: 30_000 });
    const graph = await api<SystemGraphDto>("GET", `/projects/${shopId}/system-graph`);
    expect(await page.locator("[data-node]").count()).toBe(graph.nodes.length);
    expect(await page.locator("[data-edge-kind]").count()).toBe(graph.edges.length);
    expect(await page.locator('[data-boundary="subnet-public"]').count()).toBe(1);
    expect(await page.locator('[data-boundary="namespace"]').count()).toBe(1);
    const alb = page.locator('[data-node="network/network.yaml#WebAlb"]');
    expect(await alb.locator(".badge").getAttribute("data-severity")).toBe("medium");
    await expect.poll(() => page.getByTestId("layout-ms").innerText()).toMatch(/laid out in \d+ ms/);
    await page.screenshot({ path: join(SHOTS, "system-view.png") });
    expect(pageErrors).toEqual([]);
  });

  it("shows a node's threats with their evidence on a click", async () => {
    await page.locator('[data-node="network/network.yaml#WebAlb"]').click();
    const panel = page.getByTestId("node-panel");
    await panel.waitFor();
    await expect.poll(() => page.getByTestId("node-threat").count()).toBeGreaterThan(2);
    const text = await panel.innerText();
    expect(text).toContain("network/network.yaml:");
    expect(text).toMatch(/outdated TLS/i);
  });

  it("filters badges by severity and STRIDE category", async () => {
    const badge = () => page.locator('[data-node="network/network.yaml#WebAlb"] .badge');
    const before = Number(await badge().locator("text").innerText());
    await page.getByTestId("severity-filter").click();
    await page.getByText("high and worse", { exact: true }).click();
    await expect.poll(() => badge().count()).toBe(0);
    await page.getByTestId("severity-filter").click();
    await page.getByText("info and worse", { exact: true }).click();
    await expect.poll(() => badge().count()).toBe(1);
    await page.getByTestId("stride-filter").click();
    await page.getByText("Repudiation", { exact: true }).click();
    await page.keyboard.press("Escape");
    await expect.poll(async () => Number(await badge().locator("text").innerText())).toBeLessThan(before);
    await page.getByTestId("stride-filter").locator(".n-base-clear").click({ force: true });
    await expect.poll(async () => Number(await badge().locator("text").innerText())).toBe(before);
  });

  it("highlights the path of a combination threat", async () => {
    await page.locator('[data-node="data/data.yaml#InvoiceBucket"]').click();
    const combo = page.getByTestId("combination-threat").filter({ hasText: "InvoiceBucket is reached" });
    await combo.getByTestId("show-path").click();
    const faded = await page.locator('[data-node="data/data.yaml#CustomerDb"]').getAttribute("opacity");
    const lit = await page.locator('[data-node="k8s/web.yaml#Deployment/shop/web"]').getAttribute("opacity");
    expect(Number(faded)).toBeLessThan(1);
    expect(Number(lit)).toBe(1);
    expect(await page.locator('polyline[stroke-width="3.5"]').count()).toBe(3);
    await page.screenshot({ path: join(SHOTS, "system-view-path.png") });
    await combo.getByTestId("show-path").click();
  });

  it("compares two versions: what the newer one added and removed", async () => {
    const data = loadProject("shop").find((f) => f.path === "data/data.yaml")!;
    await api("POST", `/projects/${shopId}/submissions`, {
      files: [{ path: data.path, content: data.content.replace(/ {2}CustomerDb:[\s\S]*$/, "") }],
    });
    await waitForGraph(shopId, 2);
    await page.reload();
    await page.locator("[data-node]").first().waitFor({ timeout: 30_000 });
    await page.getByTestId("compare").click();
    await page.getByText(/^Version 1 ·/).click();
    await expect.poll(() => page.getByTestId("diff-counts").innerText()).toMatch(/−[1-9]/);
    expect(await page.locator('[data-node="data/data.yaml#CustomerDb"]').getAttribute("data-diff")).toBe("removed");
    await page.screenshot({ path: join(SHOTS, "system-view-diff.png") });
  });

  it("exports the diagram as SVG and PNG", async () => {
    const [svg] = await Promise.all([page.waitForEvent("download"), page.getByTestId("export-svg").click()]);
    expect(svg.suggestedFilename()).toMatch(/^threatline-system-v\d+\.svg$/);
    const [png] = await Promise.all([page.waitForEvent("download"), page.getByTestId("export-png").click()]);
    expect(png.suggestedFilename()).toMatch(/\.png$/);
    const path = await png.path();
    const { readFileSync } = await import("node:fs");
    expect(readFileSync(path).subarray(1, 4).toString()).toBe("PNG");
  });

  it("stays usable with a 500-node project", async () => {
    const big = await api<ProjectDto>("POST", "/projects", { name: "generated-500" });
    const graph = await buildSystemGraph(generatedProject(100));
    expect(graph.nodes.length).toBeGreaterThanOrEqual(500);
    // The stored graph the worker would have written, without 101 analyses on a shared test machine.
    const db = new pg.Client({ connectionString: app.databaseUrl });
    await db.connect();
    await db.query(
      `INSERT INTO "SystemGraph" (id, "projectId", version, "stateKey", "nodeCount", "edgeCount", graph)
       VALUES (gen_random_uuid(), $1, 1, 'generated', $2, $3, $4)`,
      [big.id, graph.nodes.length, graph.edges.length, JSON.stringify(graph)],
    );
    await db.end();
    await page.goto(`${app.url}/projects/${big.id}/system`);
    await page.getByTestId("layout-ms").waitFor({ timeout: 120_000 });
    expect(await page.locator("[data-node]").count()).toBe(graph.nodes.length);
    const ms = Number((await page.getByTestId("layout-ms").innerText()).match(/(\d+) ms/)![1]);
    expect(ms).toBeGreaterThan(0);
    // Zooming and clicking still work.
    await page.getByTestId("system-diagram").hover();
    await page.mouse.wheel(0, -400);
    await page.locator("[data-node]").nth(10).click({ force: true });
    await page.getByTestId("node-panel").waitFor();
    await page.screenshot({ path: join(SHOTS, "system-view-500.png") });
    expect(pageErrors).toEqual([]);
  });
});
