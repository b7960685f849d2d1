import { randomBytes } from "node:crypto";
import express from "express";
import pg from "pg";
import { pino } from "pino";
import request from "supertest";
import { createDb, migrateDatabase } from "@threatline/db";
import { createApp, buildApiDeps, ApiConfigSchema, bootstrapAccounts, newTokenValue } from "@threatline/api";
import type { FaultEnv } from "./scenarios.ts";

const ADMIN_URL =
  process.env.FAULT_PG_ADMIN_URL ?? process.env.TEST_PG_ADMIN_URL ?? "postgresql://postgres@127.0.0.1:5432/postgres";

/** An empty database on the machine's PostgreSQL for a script or benchmark, and how to drop it afterwards. */
export interface ThrowawayDatabase {
  url: string;
  drop(): Promise<void>;
}

/** Creates `<prefix>_<random>` next to the admin URL's database (not migrated: the caller migrates or restores). */
export async function throwawayDatabase(adminUrl: string, prefix: string): Promise<ThrowawayDatabase> {
  const name = `${prefix}_${randomBytes(5).toString("hex")}`;
  const sql = async (statement: string) => {
    const client = new pg.Client({ connectionString: adminUrl });
    await client.connect();
    try {
      await client.query(statement);
    } finally {
      await client.end();
    }
  };
  await sql(`CREATE DATABASE "${name}"`);
  return {
    url: adminUrl.replace(/\/[^/?]+(\?|$)/, `/${name}$1`),
    drop: () => sql(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`),
  };
}

export interface ScriptEnv extends FaultEnv {
  close(): Promise<void>;
}

/**
 * A throwaway environment for a fault script: a fresh migrated database on the machine's PostgreSQL (dropped
 * at the end), a fresh Redis prefix, and the real API in this process (authenticated with a bootstrap token).
 */
export async function scriptEnv(redisUrl: string, options: { databaseAdminUrl?: string } = {}): Promise<ScriptEnv> {
  const adminUrl = options.databaseAdminUrl ?? ADMIN_URL;
  const database = await throwawayDatabase(adminUrl, "threatline_fault");
  const databaseUrl = database.url;
  await migrateDatabase(databaseUrl);
  const prefix = `tl-fault-${randomBytes(4).toString("hex")}`;
  const logger = pino({ level: process.env.LOG_LEVEL ?? "silent" });
  const token = newTokenValue();
  const config = ApiConfigSchema.parse({
    DATABASE_URL: databaseUrl,
    REDIS_URL: redisUrl,
    REDIS_PREFIX: prefix,
    THREATLINE_BOOTSTRAP_TOKEN: token,
    THREATLINE_ADMIN_PASSWORD: randomBytes(12).toString("hex"),
  });
  const db = createDb({ url: databaseUrl, poolSize: 5 });
  await bootstrapAccounts(db, config);
  const built = await buildApiDeps({ ...config, DATABASE_URL: databaseUrl }, logger, db);
  const { deps } = built;
  const inner = await createApp(deps);
  const app = express();
  app.use((req, _res, next) => {
    req.headers.authorization = `Bearer ${token}`;
    next();
  });
  app.use(inner);
  const project = await request(app).post("/api/v1/projects").send({ name: "faults" });
  if (project.status !== 201) throw new Error(`project: ${project.status} ${JSON.stringify(project.body)}`);
  const projectId = (project.body as { id: string }).id;
  const started = Date.now();
  return {
    databaseUrl,
    db,
    redisUrl,
    prefix,
    async submit(files) {
      const res = await request(app).post(`/api/v1/projects/${projectId}/submissions`).send({ files, source: "api" });
      return { status: res.status, body: res.body as unknown };
    },
    async ready() {
      return (await request(app).get("/readyz")).status;
    },
    log: (message) => process.stdout.write(`[${((Date.now() - started) / 1000).toFixed(1)}s] ${message}\n`),
    async close() {
      const bounded = (work: Promise<unknown>) =>
        Promise.race([work.catch(() => undefined), new Promise((r) => setTimeout(r, 3_000))]);
      await bounded(deps.queue.obliterate({ force: true }));
      await bounded(built.close());
      await db.$disconnect();
      await database.drop();
    },
  };
}

/** Runs a fault script's body with a hard deadline, prints its report as JSON, exits 0 when `ok` says so. */
export async function runScript<R>(
  name: string,
  deadlineMs: number,
  body: () => Promise<R>,
  ok: (report: R) => boolean,
): Promise<void> {
  const timer = setTimeout(() => {
    process.stderr.write(`${name}: deadline of ${deadlineMs} ms passed; giving up\n`);
    process.exit(2);
  }, deadlineMs);
  timer.unref();
  try {
    const report = await body();
    const passed = ok(report);
    process.stdout.write(`${JSON.stringify({ scenario: name, passed, report }, null, 2)}\n`);
    process.exit(passed ? 0 : 1);
  } catch (error) {
    process.stderr.write(
      `${name} failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`,
    );
    process.exit(1);
  }
}
