import { mkdirSync, readFileSync } from "node:fs";
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

  /** Opens the shop's System page from its project page, as a person would: the tab, then the drawn diagram. */
  const openSystem = async () => {
    await page.goto(`${app.url}/projects/${shopId}`);
    await page.getByRole("tab", { name: "System" }).click();
    await page.waitForURL(`**/projects/${shopId}/system`);
    await page.getByTestId("layout-ms").waitFor({ timeout: 60_000 });
  };
  const opacity = (id: string) => page.locator(`[data-node="${id}"]`).getAttribute("opacity");

  it("opens from the project's System tab and draws every node of the stored graph", async () => {
    const graph = await api<SystemGraphDto>("GET", `/projects/${shopId}/system-graph`);
    // By keyboard first: the tab is in the Tab order and Enter opens it.
    await page.goto(`${app.url}/projects/${shopId}`);
    await page.getByRole("tab", { name: "System" }).focus();
    await page.keyboard.press("Enter");
    await page.waitForURL(`**/projects/${shopId}/system`);
    await openSystem();
    expect(await page.locator("[data-node]").count()).toBe(graph.nodes.length);
    expect(await page.getByTestId("system-summary").innerText()).toContain(`${graph.nodes.length} nodes`);
    // Trust boundaries are drawn as boxes, the internet as an actor.
    expect(await page.locator("[data-boundary]").count()).toBeGreaterThan(0);
    expect(await page.locator('[data-node="actor:internet"]').count()).toBe(1);
    await page.screenshot({ path: join(SHOTS, "system-view-shop.png") });
    expect(pageErrors).toEqual([]);
  });

  it("shows a node's threats with their evidence when the node is clicked", async () => {
    const graph = await api<SystemGraphDto>("GET", `/projects/${shopId}/system-graph`);
    const bucket = graph.nodes.find((n) => n.id === "data/data.yaml#InvoiceBucket")!;
    expect(bucket.threats.length).toBeGreaterThan(0);
    await openSystem();
    await page.locator('[data-node="data/data.yaml#InvoiceBucket"]').click();
    const panel = page.getByTestId("node-panel");
    await panel.waitFor();
    expect(await panel.innerText()).toContain("data/data.yaml");
    // Worst first: the node's threats with their evidence, in severity order.
    await page.getByTestId("node-threat").first().waitFor();
    const order = ["critical", "high", "medium", "low", "info"];
    const shown = (await page.getByTestId("node-threat").locator(".n-tag").allInnerTexts()).map((t) =>
      order.indexOf(t.trim().toLowerCase()),
    );
    // The per-file threats; the cross-file ones on the node are listed under "Across files".
    const crossFile = new Set(graph.threats.map((t) => t.fingerprint));
    expect(shown.length).toBe(bucket.threats.filter((t) => !crossFile.has(t.fingerprint)).length);
    expect(shown).toEqual([...shown].sort((a, b) => a - b));
    // The node's own (per-file) threats come with evidence from the API; the cross-file ones are listed beside.
    await page.getByTestId("combination-threat").first().waitFor();
    const combos = await page.getByTestId("combination-threat").allInnerTexts();
    expect(combos.some((t) => /internet/i.test(t))).toBe(true);
    await page.screenshot({ path: join(SHOTS, "system-view-node.png") });
  });

  it("dims the nodes the STRIDE and severity filters leave without threats", async () => {
    const graph = await api<SystemGraphDto>("GET", `/projects/${shopId}/system-graph`);
    const rank = { info: 0, low: 1, medium: 2, high: 3, critical: 4 } as const;
    const highOrWorse = (n: (typeof graph.nodes)[number]) => n.threats.some((t) => rank[t.severity] >= rank.high);
    const kept = graph.nodes.filter(highOrWorse);
    const dimmed = graph.nodes.filter((n) => !highOrWorse(n));
    expect(kept.length).toBeGreaterThan(0);
    expect(dimmed.length).toBeGreaterThan(0);
    await openSystem();
    expect(await opacity(dimmed[0]!.id)).toBe("1");
    await page.getByTestId("severity-filter").click();
    await page.locator(".n-base-select-option", { hasText: "high and worse" }).click();
    await expect.poll(() => opacity(dimmed[0]!.id)).toBe("0.35");
    expect(await opacity(kept[0]!.id)).toBe("1");
    await page.screenshot({ path: join(SHOTS, "system-view-filtered.png") });
  });

  it("highlights a combination threat's path across templates and hides it again", async () => {
    const graph = await api<SystemGraphDto>("GET", `/projects/${shopId}/system-graph`);
    const combo = graph.threats.find((t) => t.resources[0]!.id === "InvoiceBucket")!;
    const off = graph.nodes.find((n) => !combo.path.includes(n.id))!;
    await openSystem();
    // The cards follow the graph's order (no node selected, no filter); several share a title.
    const card = page.getByTestId("combination-threat").nth(graph.threats.indexOf(combo));
    await card.getByTestId("show-path").click();
    for (const id of combo.path) await expect.poll(() => opacity(id)).toBe("1");
    expect(await opacity(off.id)).toBe("0.25");
    await page.screenshot({ path: join(SHOTS, "system-view-path.png") });
    await card.getByTestId("show-path").click();
    await expect.poll(() => opacity(off.id)).toBe("1");
  });

  it("exports the diagram as SVG and PNG files named by version", async () => {
    await openSystem();
    const [svg] = await Promise.all([page.waitForEvent("download"), page.getByTestId("export-svg").click()]);
    const { version } = await api<SystemGraphDto>("GET", `/projects/${shopId}/system-graph`);
    expect(svg.suggestedFilename()).toBe(`threatline-system-v${version}.svg`);
    const svgText = readFileSync(await svg.path(), "utf8");
    expect(svgText).toMatch(/^(<\?xml [^>]*\?>\s*)?<svg[^>]*xmlns="http:\/\/www.w3.org\/2000\/svg"/);
    expect(svgText).toContain("InvoiceBucket");
    const [png] = await Promise.all([page.waitForEvent("download"), page.getByTestId("export-png").click()]);
    expect(png.suggestedFilename()).toBe(`threatline-system-v${version}.png`);
    const bytes = readFileSync(await png.path());
    expect(bytes.subarray(1, 4).toString("latin1")).toBe("PNG");
    expect(pageErrors).toEqual([]);
  });

  it("compares two versions: what a new version added and removed is marked", async () => {
    const files = loadProject("shop");
    const data = files.find((f) => f.path === "data/data.yaml")!;
    const withoutDb = data.content.slice(0, data.content.indexOf("  CustomerDb:"));
    const queue = [
      'AWSTemplateFormatVersion: "2010-09-09"',
      "Resources:",
      "  OrdersQueue:",
      "    Type: AWS::SQS::Queue",
      "    Properties:",
      "      SqsManagedSseEnabled: true",
      "",
    ].join("\n");
    await api<SubmissionResult>("POST", `/projects/${shopId}/submissions`, {
      files: [
        { path: "data/data.yaml", content: withoutDb },
        { path: "data/queue.yaml", content: queue },
      ],
    });
    // Each finished analysis may store a new graph version: wait for one that holds the new file.
    const before = (await api<SystemGraphDto>("GET", `/projects/${shopId}/system-graph`)).version;
    for (let i = 0; i < 180; i++) {
      const g = await api<SystemGraphDto>("GET", `/projects/${shopId}/system-graph`);
      if (
        g.version > before &&
        g.nodes.some((n) => n.id === "data/queue.yaml#OrdersQueue") &&
        !g.nodes.some((n) => n.id === "data/data.yaml#CustomerDb")
      )
        break;
      await new Promise((r) => setTimeout(r, 500));
    }
    await openSystem();
    await page.getByTestId("compare").click();
    await page.locator(".n-base-select-option", { hasText: new RegExp(`^Version ${before} `) }).click();
    await page.getByTestId("diff-counts").waitFor();
    expect(await page.getByTestId("diff-counts").innerText()).toContain(`since version ${before}`);
    expect(await page.locator('[data-node="data/data.yaml#CustomerDb"]').getAttribute("data-diff")).toBe("removed");
    expect(await page.locator('[data-node="data/queue.yaml#OrdersQueue"]').getAttribute("data-diff")).toBe("added");
    expect(await page.locator('[data-node="data/data.yaml#InvoiceBucket"]').getAttribute("data-diff")).toBe("same");
    // Drawn, not only marked: the outline a reader sees (stores too, whose outline is otherwise hidden).
    const stroke = (id: string) =>
      page.locator(`[data-node="${id}"] rect`).evaluate((el) => getComputedStyle(el).stroke);
    expect(await stroke("data/queue.yaml#OrdersQueue")).toBe("rgb(22, 163, 74)");
    expect(await stroke("data/data.yaml#CustomerDb")).toBe("rgb(220, 38, 38)");
    await page.screenshot({ path: join(SHOTS, "system-view-diff.png") });
    expect(pageErrors).toEqual([]);
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
