import express, { type Express } from "express";
import request from "supertest";
import { pino, type Logger } from "pino";
import type { Role } from "@threatline/domain";
import {
  createQueue,
  EventHub,
  producerConnection,
  QUEUE_NAMES,
  workerConnection,
  type WebhookSettings,
} from "@threatline/queue";
import { startWorker, type RunningWorker, type AnalysisBounds, type LlmStage } from "@threatline/worker";
import { createApp } from "../src/app.ts";
import type { ApiDeps } from "../src/deps.ts";
import { bootstrapAccounts } from "../src/auth/bootstrap-accounts.ts";
import { ensureDefaultTeam } from "../src/auth/middleware.ts";
import { hashPassword } from "../src/auth/passwords.ts";
import { sha256Hex } from "../src/auth/crypto.ts";
import type { Scope } from "../src/auth/scopes.ts";
import { newTokenValue } from "../src/services/tokens.service.ts";
import { createDb } from "@threatline/db";
import { createTestDatabase, redisUrl, testPrefix, type TestDatabase } from "../../../test/support.ts";

/** A user made by the harness, with the password it was given. */
export interface TestUser {
  id: string;
  email: string;
  password: string;
}

/** A signed-in browser session: send `cookie` always and `csrf` as X-CSRF-Token on unsafe methods. */
export interface TestSession {
  cookie: string;
  csrf: string;
}

export const TEST_ADMIN_EMAIL = "admin@threatline.test";
export const TEST_ADMIN_PASSWORD = "correct horse battery staple";

export interface Harness {
  /**
   * The app, acting as the bootstrapped administrator: requests without an Authorization or Cookie header get
   * the admin's API token (all scopes). Tests of other callers set their own header, or use `api`.
   */
  app: Express;
  /** The app as it is deployed: no credentials added. */
  api: Express;
  /** The bootstrapped administrator's API token (all scopes, every team of theirs). */
  adminToken: string;
  admin: TestUser;
  defaultTeamId: string;
  /** Creates a user with a password and the given team roles. */
  createUser(options?: { email?: string; isAdmin?: boolean; teams?: Record<string, Role> }): Promise<TestUser>;
  /** Creates a team directly in the database. */
  createTeam(name: string): Promise<string>;
  /** Creates an API token for a user directly in the database and returns its value. */
  tokenFor(userId: string, options?: { scopes?: Scope[]; teamId?: string; expiresAt?: Date }): Promise<string>;
  /** Signs in through POST /api/v1/auth/login. */
  login(user: { email: string; password: string }): Promise<TestSession>;
  deps: ApiDeps;
  database: TestDatabase;
  prefix: string;
  /** Starts an in-process worker on the same database and queue. */
  startWorker(options?: {
    llm?: LlmStage | null;
    concurrency?: number;
    bounds?: Partial<AnalysisBounds>;
    /** ENGINE_TIMEOUT_SECONDS, in ms (default 60 s). */
    engineTimeoutMs?: number;
    /** Webhook delivery settings (WEBHOOK_*). */
    webhooks?: Partial<WebhookSettings>;
  }): RunningWorker;
  close(): Promise<void>;
}

/**
 * The real app on a database of its own and a Redis prefix of its own, as main.ts would build it, plus
 * workers on demand. Everything is real: PostgreSQL, Redis, BullMQ.
 */
export async function createHarness(
  options: {
    redisUrl?: string;
    config?: Partial<ApiDeps["config"]>;
    logger?: Logger;
    /** Where the app and its workers reach the database (a proxy a test can cut); set-up uses it directly. */
    databaseUrl?: (url: string) => string;
  } = {},
): Promise<Harness> {
  const database = await createTestDatabase();
  const appDb = options.databaseUrl ? createDb({ url: options.databaseUrl(database.url), poolSize: 5 }) : database.db;
  const prefix = testPrefix();
  const url = options.redisUrl ?? redisUrl();
  const logger = options.logger ?? pino({ level: process.env.TEST_LOG_LEVEL ?? "silent" });
  const redis = producerConnection(url);
  redis.on("error", () => undefined);
  const queueConnection = producerConnection(url);
  queueConnection.on("error", () => undefined);
  const queue = createQueue(QUEUE_NAMES.analysis, queueConnection, prefix);
  queue.on("error", () => undefined);
  const subscriber = producerConnection(redisUrl(), { maxRetriesPerRequest: null, enableOfflineQueue: true });
  const events = await EventHub.start(subscriber, prefix);
  const deps: ApiDeps = {
    config: {
      MAX_FILE_BYTES: 5 * 1024 * 1024,
      MAX_FILES: 500,
      MAX_SUBMISSION_BYTES: 50 * 1024 * 1024,
      WEB_DIST: undefined,
      REDIS_PREFIX: prefix,
      ...options.config,
    },
    db: appDb,
    queue,
    redis,
    events,
    logger,
  };
  const adminToken = newTokenValue();
  await bootstrapAccounts(database.db, {
    THREATLINE_ADMIN_EMAIL: TEST_ADMIN_EMAIL,
    THREATLINE_ADMIN_PASSWORD: TEST_ADMIN_PASSWORD,
    THREATLINE_BOOTSTRAP_TOKEN: adminToken,
  });
  const defaultTeamId = await ensureDefaultTeam(database.db);
  const admin = await database.db.user.findUniqueOrThrow({ where: { email: TEST_ADMIN_EMAIL } });
  const api = await createApp(deps);
  const app = express();
  app.use((req, _res, next) => {
    if (req.headers.authorization === undefined && req.headers.cookie === undefined)
      req.headers.authorization = `Bearer ${adminToken}`;
    next();
  });
  app.use(api);
  const workers: RunningWorker[] = [];
  let users = 0;
  return {
    app,
    api,
    adminToken,
    admin: { id: admin.id, email: TEST_ADMIN_EMAIL, password: TEST_ADMIN_PASSWORD },
    defaultTeamId,
    async createUser({ email, isAdmin = false, teams = {} } = {}) {
      const password = `password-${++users}-${Math.random().toString(36).slice(2)}`;
      const user = await database.db.user.create({
        data: {
          email: email ?? `user${users}-${Math.random().toString(36).slice(2, 8)}@threatline.test`,
          isAdmin,
          passwordHash: await hashPassword(password),
          memberships: { create: Object.entries(teams).map(([teamId, role]) => ({ teamId, role })) },
        },
      });
      return { id: user.id, email: user.email, password };
    },
    async createTeam(name) {
      return (await database.db.team.create({ data: { name } })).id;
    },
    async tokenFor(userId, { scopes = ["read", "submit", "triage", "admin"], teamId, expiresAt } = {}) {
      const token = newTokenValue();
      await database.db.apiToken.create({
        data: {
          userId,
          teamId: teamId ?? null,
          name: "test",
          prefix: token.slice(0, 10),
          tokenHash: sha256Hex(token),
          scopes,
          expiresAt: expiresAt ?? null,
        },
      });
      return token;
    },
    async login(user) {
      const res = await request(api).post("/api/v1/auth/login").send({ email: user.email, password: user.password });
      if (res.status !== 200) throw new Error(`login failed: ${res.status} ${JSON.stringify(res.body)}`);
      const setCookie = [res.headers["set-cookie"] ?? []].flat().find((c: string) => c.startsWith("tl_session="));
      if (!setCookie) throw new Error("login set no session cookie");
      return { cookie: setCookie.split(";")[0]!, csrf: (res.body as { csrfToken: string }).csrfToken };
    },
    deps,
    database,
    prefix,
    startWorker({ llm = null, concurrency = 4, bounds, engineTimeoutMs, webhooks } = {}) {
      const workerRedis = workerConnection(redisUrl());
      const running = startWorker(
        { db: appDb, redis: workerRedis, queue, prefix, llm, logger, bounds, webhooks },
        workerConnection(redisUrl()),
        { concurrency, reconcileIntervalMs: 60_000, engineTimeoutMs },
      );
      workers.push({
        worker: running.worker,
        abortRunning: () => running.abortRunning(),
        close: async () => {
          await running.close();
          workerRedis.disconnect();
        },
      });
      return running;
    },
    async close() {
      for (const w of workers) await w.close();
      await events.close();
      // With an unreachable Redis these would wait forever: bound them.
      const bounded = (work: Promise<unknown>) =>
        Promise.race([work.catch(() => undefined), new Promise((r) => setTimeout(r, 2_000))]);
      await bounded(queue.obliterate({ force: true }));
      await bounded(queue.close());
      redis.disconnect();
      if (appDb !== database.db) await appDb.$disconnect();
      await database.drop();
    },
  };
}

/** Reads a Server-Sent Events stream until `until` says stop; returns the events as { event, data }. */
export async function readSse(
  url: string,
  until: (events: Array<{ event: string; data: unknown }>) => boolean,
  timeoutMs = 30_000,
): Promise<Array<{ event: string; data: unknown }>> {
  const controller = new AbortController();
  const timer = setTimeout(() => controller.abort(), timeoutMs);
  const events: Array<{ event: string; data: unknown }> = [];
  try {
    const res = await fetch(url, { signal: controller.signal, headers: { accept: "text/event-stream" } });
    if (!res.body) throw new Error("no body");
    const decoder = new TextDecoder();
    let buffer = "";
    const reader = res.body.getReader();
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      buffer += decoder.decode(value, { stream: true });
      let idx: number;
      while ((idx = buffer.indexOf("\n\n")) >= 0) {
        const block = buffer.slice(0, idx);
        buffer = buffer.slice(idx + 2);
        const event = /^event: (.*)$/m.exec(block)?.[1];
        const data = /^data: (.*)$/m.exec(block)?.[1];
        if (event && data) events.push({ event, data: JSON.parse(data) as unknown });
      }
      if (until(events)) break;
    }
  } finally {
    clearTimeout(timer);
    controller.abort();
  }
  return events;
}
