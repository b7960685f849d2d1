import { execFileSync } from "node:child_process";
import { existsSync, mkdirSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { chromium, type Browser, type Page } from "playwright-core";
import { pino } from "pino";
import { ServerConfigSchema, startServer } from "@threatline/server";
import type { SubmissionResult } from "@threatline/domain";
import { createTestDatabase, redisUrl, testPrefix } from "../../../test/support.ts";

export const WEB_DIST = resolve(import.meta.dirname, "..", "dist");
export const ADMIN = { email: "admin@threatline.test", password: "correct horse battery staple" };

/** Builds the SPA once if there is no build to serve. */
export function ensureWebBuild(): void {
  if (existsSync(join(WEB_DIST, "index.html")) && !process.env.REBUILD_WEB) return;
  execFileSync("npm", ["run", "build", "-w", "@threatline/web"], {
    cwd: resolve(import.meta.dirname, "..", "..", ".."),
    stdio: "ignore",
  });
}

/**
 * The real one-process app (API, worker, SPA) on a random port, a fresh database and a Redis prefix of its
 * own, with an administrator whose password the test knows.
 */
export async function startTestApp(
  /** Server settings to change (e.g. ANALYSIS_MAX_THREATS), as environment strings. */
  settings: Record<string, string> = {},
): Promise<{ url: string; databaseUrl: string; close(): Promise<void> }> {
  ensureWebBuild();
  const database = await createTestDatabase();
  const config = ServerConfigSchema.parse({
    PORT: "0",
    HOST: "127.0.0.1",
    DATABASE_URL: database.url,
    REDIS_URL: redisUrl(),
    REDIS_PREFIX: testPrefix(),
    LOG_LEVEL: process.env.TEST_LOG_LEVEL ?? "silent",
    WEB_DIST,
    MIGRATE_ON_START: "false",
    THREATLINE_ADMIN_EMAIL: ADMIN.email,
    THREATLINE_ADMIN_PASSWORD: ADMIN.password,
    ...settings,
  });
  const running = await startServer(config, pino({ level: config.LOG_LEVEL }));
  return {
    url: running.url,
    databaseUrl: database.url,
    async close() {
      await running.close();
      await database.drop();
    },
  };
}

/** A signed-in API client (session cookie + CSRF token), for seeding data the way the SPA would. */
export async function apiClient(baseUrl: string) {
  const login = await fetch(`${baseUrl}/api/v1/auth/login`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify(ADMIN),
  });
  if (!login.ok) throw new Error(`login failed: ${login.status} ${await login.text()}`);
  const cookie = (login.headers.get("set-cookie") ?? "").split(";")[0]!;
  const { csrfToken } = (await login.json()) as { csrfToken: string };
  return async <T>(method: string, path: string, body?: unknown): Promise<T> => {
    const res = await fetch(`${baseUrl}/api/v1${path}`, {
      method,
      headers: {
        cookie,
        "x-csrf-token": csrfToken,
        ...(body === undefined ? {} : { "content-type": "application/json" }),
      },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await res.text();
    if (!res.ok) throw new Error(`${method} ${path}: ${res.status} ${text}`);
    return (text ? JSON.parse(text) : undefined) as T;
  };
}

/** The Chromium every browser test drives (installed by the system, never downloaded). */
export async function launchBrowser(): Promise<Browser> {
  return chromium.launch({
    executablePath: process.env.CHROMIUM_PATH ?? "/usr/bin/chromium",
    args: [
      "--headless",
      "--no-sandbox",
      "--disable-gpu",
      "--disable-quic",
      "--no-first-run",
      "--disable-background-networking",
      "--disable-component-update",
      "--disable-sync",
    ],
  });
}

/** A page that records script errors, so a test can assert the app raised none. */
export async function openPage(
  browser: Browser,
  viewport = { width: 1400, height: 900 },
): Promise<{ page: Page; pageErrors: string[] }> {
  const page = await browser.newPage({ viewport });
  const pageErrors: string[] = [];
  page.on("pageerror", (e) => pageErrors.push(e.message));
  return { page, pageErrors };
}

/** Signs in through the login form as the administrator (or the account given). */
export async function signIn(
  page: Page,
  baseUrl: string,
  account: { email: string; password: string } = ADMIN,
): Promise<void> {
  await page.goto(`${baseUrl}/login`);
  await page.getByTestId("login-email").locator("input").fill(account.email);
  await page.getByTestId("login-password").locator("input").fill(account.password);
  await page.getByTestId("login-submit").click();
  await page.waitForURL((url) => !url.pathname.startsWith("/login"));
}

/** Screenshots land here for people to look at; SCREENSHOT_DIR=docs/screenshots refreshes the README's. */
export const SHOTS = process.env.SCREENSHOT_DIR
  ? resolve(process.env.SCREENSHOT_DIR)
  : join(tmpdir(), "threatline-e2e-shots");

export type ApiClient = Awaited<ReturnType<typeof apiClient>>;

/** Submits files to a project through the API and waits until every analysis is final. */
export async function submitAndWait(
  api: ApiClient,
  projectId: string,
  files: Array<{ path: string; content: string }>,
): Promise<SubmissionResult> {
  const result = await api<SubmissionResult>("POST", `/projects/${projectId}/submissions`, { files });
  for (;;) {
    const b = await api<{ analyses: Array<{ status: string }> }>("GET", `/batches/${result.batchId}`);
    if (b.analyses.every((a) => ["succeeded", "partial", "failed", "canceled"].includes(a.status))) return result;
    await new Promise((r) => setTimeout(r, 150));
  }
}

/**
 * The preamble of most browser tests: the app (with `settings`), an API client, a project seeded with each
 * version of its files in turn (each batch finished), Chromium and a page signed in as the administrator.
 */
export async function openSignedIn(
  options: {
    settings?: Record<string, string>;
    project?: string;
    versions?: Array<Array<{ path: string; content: string }>>;
  } = {},
): Promise<{
  app: { url: string; close(): Promise<void> };
  api: ApiClient;
  projectId: string;
  submitted: SubmissionResult[];
  browser: Browser;
  page: Page;
  pageErrors: string[];
  close(): Promise<void>;
}> {
  mkdirSync(SHOTS, { recursive: true });
  const app = await startTestApp(options.settings);
  // Signed in on first use only: a sign-in is a session, and some tests count the sessions.
  let client: ApiClient | undefined;
  const api: ApiClient = async (...args) => (client ??= await apiClient(app.url))(...args);
  let projectId = "";
  const submitted: SubmissionResult[] = [];
  if (options.project !== undefined) {
    projectId = (await api<{ id: string }>("POST", "/projects", { name: options.project })).id;
    for (const files of options.versions ?? []) submitted.push(await submitAndWait(api, projectId, files));
  }
  const browser = await launchBrowser();
  const { page, pageErrors } = await openPage(browser);
  await signIn(page, app.url);
  return {
    app,
    api,
    projectId,
    submitted,
    browser,
    page,
    pageErrors,
    async close() {
      await browser.close();
      await app.close();
    },
  };
}
