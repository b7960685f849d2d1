import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { join, resolve } from "node:path";
import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { apiClient, launchBrowser, signIn, startTestApp } from "./app.ts";

const FIXTURES = resolve(import.meta.dirname, "fixtures");
const AXE = readFileSync(createRequire(import.meta.url).resolve("axe-core/axe.min.js"), "utf8");

interface Violation {
  id: string;
  impact: string | null;
  help: string;
  nodes: Array<{ target: string[]; html: string; failureSummary?: string }>;
}

/** What the focused element is, and whether it shows that it has focus. */
interface Focused {
  tag: string;
  html: string;
  name: string;
  visible: boolean;
  inTable: boolean;
}

/**
 * Keyboard and screen-reader checks of the main views: axe-core's WCAG 2 A/AA rules on each view, and Tab
 * walks that must reach the actions in the Naive UI tables with a visible focus ring.
 */
describe("Accessibility in Chromium", () => {
  let app: { url: string; close(): Promise<void> };
  let browser: Browser;
  let page: Page;
  let projectId = "";
  let analysisId = "";
  let batchId = "";

  beforeAll(async () => {
    app = await startTestApp();
    const api = await apiClient(app.url);
    const project = await api<{ id: string }>("POST", "/projects", {
      name: "storefront",
      description: "Checkout and orders",
    });
    projectId = project.id;
    const read = (name: string) => readFileSync(join(FIXTURES, name), "utf8");
    const sent = await api<{ batchId: string; analyses: Array<{ id: string }> }>(
      "POST",
      `/projects/${projectId}/submissions`,
      {
        files: [
          { path: "k8s/checkout.yaml", content: read("checkout.k8s.yaml") },
          { path: "infra/network.tf", content: read("network.tf") },
        ],
      },
    );
    batchId = sent.batchId;
    analysisId = sent.analyses[0]!.id;
    for (;;) {
      const b = await api<{ analyses: Array<{ status: string }> }>("GET", `/batches/${batchId}`);
      if (b.analyses.every((a) => ["succeeded", "partial", "failed", "canceled"].includes(a.status))) break;
      await new Promise((r) => setTimeout(r, 100));
    }
    browser = await launchBrowser();
    // axe is injected as a script; the app's CSP rightly refuses inline scripts, so this test context bypasses it.
    page = await (await browser.newContext({ viewport: { width: 1400, height: 900 }, bypassCSP: true })).newPage();
    await signIn(page, app.url);
  });
  afterAll(async () => {
    await browser?.close();
    await app?.close();
  });

  async function axe(): Promise<Violation[]> {
    await page.addScriptTag({ content: AXE });
    const result = await page.evaluate(
      `axe.run(document, { runOnly: { type: "tag", values: ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"] }, resultTypes: ["violations"] })`,
    );
    return (result as { violations: Violation[] }).violations;
  }
  /**
   * Naive UI 2.45 gives card headers role="heading" without aria-level (twice, nested). ARIA 1.2 gives a heading an
   * implicit level 2, which is how screen readers announce them; it is the library's markup, not ours.
   */
  const known = (v: Violation) => v.id === "aria-required-attr" && v.nodes.every((n) => /n-card-header/.test(n.html));
  const describeViolations = (vs: Violation[]) =>
    vs
      .filter((v) => !known(v))
      .map(
        (v) =>
          `${v.id} (${v.impact}): ${v.help} — ${v.nodes
            .slice(0, 4)
            .map((n) => `${n.html.slice(0, 160)} ${(n.failureSummary ?? "").replace(/\s+/g, " ").slice(0, 160)}`)
            .join(" | ")}`,
      );

  const views: Array<[string, () => string, string]> = [
    ["dashboard", () => "/", "canvas"],
    ["projects", () => "/projects", ".n-data-table-tr"],
    ["project overview", () => `/projects/${projectId}`, ".n-data-table-tr"],
    ["project threats", () => `/projects/${projectId}?tab=threats`, ".n-data-table-tbody .n-data-table-tr"],
    ["triage", () => `/projects/${projectId}/triage`, ".n-data-table-tbody .n-data-table-tr"],
    ["analysis", () => `/analyses/${analysisId}`, "[data-fingerprint]"],
    ["submit", () => "/submit", "[data-testid=submit]"],
    ["batch", () => `/batches/${batchId}`, "[data-testid=batch-finished]"],
    ["batches", () => "/batches", ".n-data-table-tr"],
    ["settings", () => "/settings", "[data-testid=users-card] .n-data-table-tr"],
    ["audit", () => "/audit", ".n-data-table-tr"],
  ];

  for (const [name, path, ready] of views) {
    it(`${name}: no WCAG 2 A/AA violations found by axe-core`, async () => {
      await page.goto(`${app.url}${path()}`);
      await page.locator(ready).first().waitFor();
      expect(describeViolations(await axe())).toEqual([]);
    });
  }

  it("dark theme: no WCAG 2 A/AA violations on the main views", async () => {
    await page.goto(`${app.url}/`);
    await page.getByTestId("theme-toggle").click();
    try {
      for (const [name, path, ready] of views.filter(([n]) =>
        ["dashboard", "project threats", "analysis", "settings"].includes(n),
      )) {
        await page.goto(`${app.url}${path()}`);
        await page.locator(ready).first().waitFor();
        expect(describeViolations(await axe()), name).toEqual([]);
      }
    } finally {
      await page.getByTestId("theme-toggle").click();
    }
  });

  /** Presses Tab until `wanted` matches the focused element (or gives up), recording what got focus. */
  async function tabUntil(wanted: (f: Focused) => boolean, max = 150): Promise<Focused[]> {
    const seen: Focused[] = [];
    for (let i = 0; i < max; i++) {
      await page.keyboard.press("Tab");
      const f = await page.evaluate(`(() => {
        const el = document.activeElement;
        if (!el || el === document.body) return { tag: "body", html: "", name: "", visible: false, inTable: false };
        const cs = getComputedStyle(el);
        const ring = (cs.outlineStyle !== "none" && parseFloat(cs.outlineWidth) > 0) || (cs.boxShadow && cs.boxShadow !== "none");
        const labelledBy = (el.getAttribute("aria-labelledby") || "").split(" ").map((id) => document.getElementById(id)?.textContent.trim() || "").join(" ").trim();
        const name = el.getAttribute("aria-label") || labelledBy || el.textContent.trim().slice(0, 60) || el.getAttribute("title") || "";
        return { tag: el.tagName.toLowerCase(), html: el.outerHTML.slice(0, 160), name, visible: !!ring, inTable: !!el.closest(".n-data-table") };
      })()`);
      seen.push(f as Focused);
      if (wanted(f as Focused)) return seen;
    }
    return seen;
  }

  it("reaches a threat's Triage button in the project's table by Tab alone, with a visible focus ring", async () => {
    await page.goto(`${app.url}/projects/${projectId}?tab=threats`);
    await page.locator(".n-data-table-tbody .n-data-table-tr").first().waitFor();
    await page.locator("body").click({ position: { x: 5, y: 5 } });
    const seen = await tabUntil((f) => f.inTable && f.name.startsWith("Triage "));
    const target = seen.at(-1)!;
    expect(target.name).toMatch(/^Triage /);
    expect(target.visible).toBe(true);
    // On the way: the row's checkbox for bulk triage, named after its threat.
    expect(seen.some((f) => f.inTable && f.name.startsWith("Select "))).toBe(true);
    // Enter opens the dialog for that threat.
    await page.keyboard.press("Enter");
    await page.getByTestId("triage-save").waitFor();
    await page.keyboard.press("Escape");
  });

  it("reaches every focusable control with a name and a visible focus ring on the main views", async () => {
    for (const [path, ready] of [
      [`/projects/${projectId}?tab=threats`, ".n-data-table-tbody .n-data-table-tr"],
      ["/settings", "[data-testid=users-card] .n-data-table-tr"],
      [`/analyses/${analysisId}`, "[data-fingerprint]"],
    ] as const) {
      await page.goto(`${app.url}${path}`);
      await page.locator(ready).first().waitFor();
      await page.locator("body").click({ position: { x: 5, y: 5 } });
      const seen = await tabUntil(() => false, 60);
      const focused = seen.filter((f) => f.tag !== "body");
      expect(focused.length, path).toBeGreaterThan(10);
      expect(
        focused.filter((f) => !f.name).map((f) => f.html),
        `${path}: focusable without a name`,
      ).toEqual([]);
      expect(
        focused.filter((f) => !f.visible).map((f) => f.html),
        `${path}: focus not visible`,
      ).toEqual([]);
    }
  });

  it("reaches the Delete action of a user row by Tab", async () => {
    const api = await apiClient(app.url);
    // (A retried run finds the account made by the first try.)
    await api("POST", "/users", { email: "kim@threatline.test", password: "a long first password" }).catch(
      () => undefined,
    );
    await page.goto(`${app.url}/settings`);
    await page.locator("[data-testid=users-card] .n-data-table-tr", { hasText: "kim@threatline.test" }).waitFor();
    await page.locator("body").click({ position: { x: 5, y: 5 } });
    const seen = await tabUntil((f) => f.name === "Delete kim@threatline.test", 200);
    expect(seen.at(-1)?.name).toBe("Delete kim@threatline.test");
    expect(seen.at(-1)?.visible).toBe(true);
  });
});
