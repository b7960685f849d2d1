import { createHash } from "node:crypto";
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import pg from "pg";
import { Redis } from "ioredis";
import { migrateDatabase } from "@threatline/db";
import type { TestProject } from "vitest/node";

const ADMIN_URL = process.env.TEST_PG_ADMIN_URL ?? "postgresql://postgres@127.0.0.1:5432/postgres";
const REDIS_URL = process.env.TEST_REDIS_URL ?? "redis://127.0.0.1:6379";

/** A database name keyed by the migrations' content, so the template is built once per schema. */
function templateName(): string {
  const dir = join(import.meta.dirname, "..", "packages", "db", "prisma", "migrations");
  const hash = createHash("sha256");
  for (const entry of readdirSync(dir).sort()) {
    if (/^\d{14}_/.test(entry)) hash.update(entry).update(readFileSync(join(dir, entry, "migration.sql")));
  }
  return `threatline_tpl_${hash.digest("hex").slice(0, 12)}`;
}

/**
 * Checks that PostgreSQL and Redis answer, and builds (once per schema) a migrated template database
 * that every test file clones into a database of its own.
 */
export default async function setup(project: TestProject): Promise<void> {
  const admin = new pg.Client({ connectionString: ADMIN_URL });
  try {
    await admin.connect();
  } catch (error) {
    throw new Error(`Integration tests need PostgreSQL at ${ADMIN_URL} (set TEST_PG_ADMIN_URL): ${String(error)}`);
  }
  const redis = new Redis(REDIS_URL, { lazyConnect: true, maxRetriesPerRequest: 1 });
  try {
    await redis.connect();
    await redis.ping();
  } catch (error) {
    throw new Error(`Integration tests need Redis at ${REDIS_URL} (set TEST_REDIS_URL): ${String(error)}`);
  } finally {
    redis.disconnect();
  }

  const template = templateName();
  // Several test runs may start at once (one per developer shell); one of them builds the template.
  await admin.query("SELECT pg_advisory_lock(727274)");
  try {
    const exists = await admin.query("SELECT 1 FROM pg_database WHERE datname = $1", [template]);
    if (exists.rowCount === 0) {
      const building = `${template}_building`;
      await admin.query(`DROP DATABASE IF EXISTS "${building}"`);
      await admin.query(`CREATE DATABASE "${building}"`);
      await migrateDatabase(ADMIN_URL.replace(/\/[^/?]+(\?|$)/, `/${building}$1`));
      await admin.query(`ALTER DATABASE "${building}" RENAME TO "${template}"`);
    }
  } finally {
    await admin.query("SELECT pg_advisory_unlock(727274)");
    await admin.end();
  }
  project.provide("pgTemplate", template);
  project.provide("pgAdminUrl", ADMIN_URL);
  project.provide("redisUrl", REDIS_URL);
}

declare module "vitest" {
  export interface ProvidedContext {
    pgTemplate: string;
    pgAdminUrl: string;
    redisUrl: string;
  }
}
