import { execFileSync } from "node:child_process";
import { existsSync } from "node:fs";
import { join, resolve } from "node:path";
import { pino } from "pino";
import { ServerConfigSchema, startServer } from "../../server/src/server.ts";
import { createTestDatabase, redisUrl, testPrefix } from "../../../test/support.ts";

export const WEB_DIST = resolve(import.meta.dirname, "..", "dist");
export const ADMIN = { email: "admin@threatline.test", password: "correct horse battery staple" };

/** Builds the SPA once if there is no build to serve. */
export function ensureWebBuild(): void {
  if (existsSync(join(WEB_DIST, "index.html")) && !process.env.REBUILD_WEB) return;
  execFileSync("npm", ["run", "build", "-w", "@threatline/web"], { cwd: resolve(import.meta.dirname, "..", "..", ".."), stdio: "ignore" });
}

/**
 * The real one-process app (API, worker, SPA) on a random port, a fresh database and a Redis prefix of its
 * own, with an administrator whose password the test knows.
 */
export async function startTestApp(): Promise<{ url: string; close(): Promise<void> }> {
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
  });
  const running = await startServer(config, pino({ level: config.LOG_LEVEL }));
  return {
    url: running.url,
    async close() {
      await running.close();
      await database.drop();
    },
  };
}

/** A signed-in API client (session cookie + CSRF token), for seeding data the way the SPA would. */
export async function apiClient(baseUrl: string) {
  const login = await fetch(`${baseUrl}/api/v1/auth/login`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify(ADMIN) });
  if (!login.ok) throw new Error(`login failed: ${login.status} ${await login.text()}`);
  const cookie = (login.headers.get("set-cookie") ?? "").split(";")[0]!;
  const { csrfToken } = (await login.json()) as { csrfToken: string };
  return async <T>(method: string, path: string, body?: unknown): Promise<T> => {
    const res = await fetch(`${baseUrl}/api/v1${path}`, {
      method,
      headers: { cookie, "x-csrf-token": csrfToken, ...(body === undefined ? {} : { "content-type": "application/json" }) },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await res.text();
    if (!res.ok) throw new Error(`${method} ${path}: ${res.status} ${text}`);
    return (text ? JSON.parse(text) : undefined) as T;
  };
}
