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
