import type { Server } from "node:http";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { pino, type Logger } from "pino";
import { z } from "zod";
import { createDb, isUpToDate, migrateDatabase, startEmbeddedPostgres, type EmbeddedPostgres } from "@threatline/db";
import { ApiConfigSchema, createApp, buildApiDeps, bootstrapAccounts } from "@threatline/api";
import { WorkerConfigSchema, bootWorker } from "@threatline/worker";
import { ensureRedis } from "./redis.ts";

const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), "..", "..", "..");

/** Settings of the one-process server: the API's and the worker's, with the embedded defaults. */
export const ServerConfigSchema = ApiConfigSchema.extend({
  REDIS_URL: z.url().optional(),
  /** Port of the embedded PostgreSQL (only when DATABASE_URL is unset). */
  EMBEDDED_PG_PORT: z.coerce.number().int().min(1).max(65535).default(54329),
  /** Analyses run at once in this process. */
  WORKER_CONCURRENCY: WorkerConfigSchema.shape.WORKER_CONCURRENCY,
  RECONCILE_INTERVAL_SECONDS: WorkerConfigSchema.shape.RECONCILE_INTERVAL_SECONDS,
  RECONCILE_MAX_REQUEUES: WorkerConfigSchema.shape.RECONCILE_MAX_REQUEUES,
  ENGINE_TIMEOUT_SECONDS: WorkerConfigSchema.shape.ENGINE_TIMEOUT_SECONDS,
  ANALYSIS_MAX_THREATS: WorkerConfigSchema.shape.ANALYSIS_MAX_THREATS,
  ENGINE_MEMORY_MB: WorkerConfigSchema.shape.ENGINE_MEMORY_MB,
  PERSIST_TIMEOUT_SECONDS: WorkerConfigSchema.shape.PERSIST_TIMEOUT_SECONDS,
  WEBHOOK_TIMEOUT_MS: WorkerConfigSchema.shape.WEBHOOK_TIMEOUT_MS,
  WEBHOOK_MAX_ATTEMPTS: WorkerConfigSchema.shape.WEBHOOK_MAX_ATTEMPTS,
  WEBHOOK_RETRY_BASE_MS: WorkerConfigSchema.shape.WEBHOOK_RETRY_BASE_MS,
  /**
   * Most seconds SIGINT/SIGTERM waits for the process to wind down before it exits anyway. Running analyses do
   * not hold it: they are stopped at once and put back in the queue, and run again at the next start.
   */
  SHUTDOWN_TIMEOUT_SECONDS: z.coerce.number().int().min(1).default(10),
  /** Apply pending database migrations at start. */
  MIGRATE_ON_START: z
    .enum(["true", "false"])
    .default("true")
    .transform((v) => v === "true"),
});
export type ServerConfig = z.infer<typeof ServerConfigSchema>;

export interface RunningServer {
  url: string;
  server: Server;
  close(): Promise<void>;
}

/**
 * API, worker and SPA in one process, on one port: the quick start and the browser tests. With no
 * DATABASE_URL an embedded PostgreSQL (PGlite) is served on loopback; with no REDIS_URL the local Redis is
 * used or started.
 */
export async function startServer(
  config: ServerConfig,
  logger: Logger = pino({ level: config.LOG_LEVEL }),
): Promise<RunningServer> {
  const dataDir = resolve(config.DATA_DIR);
  let embedded: EmbeddedPostgres | undefined;
  let databaseUrl = config.DATABASE_URL;
  if (!databaseUrl) {
    embedded = await startEmbeddedPostgres({ dataDir: join(dataDir, "pg"), port: config.EMBEDDED_PG_PORT });
    databaseUrl = embedded.url;
    logger.info({ dataDir: join(dataDir, "pg") }, "using the embedded PostgreSQL (set DATABASE_URL to use your own)");
  }
  const redis = await ensureRedis(config.REDIS_URL, dataDir);

  // PGlite is a single-session database: every part of this process shares one connection so transactions
  // never interleave. A real PostgreSQL gets a pool.
  const db = createDb({ url: databaseUrl, poolSize: embedded ? 1 : 10 });
  if (config.MIGRATE_ON_START && !(await isUpToDate(db))) {
    logger.info("applying database migrations");
    await migrateDatabase(databaseUrl);
  }

  // First run: an administrator (credentials printed once unless set by env) and the optional bootstrap token.
  await bootstrapAccounts(db, config);

  const webDist = config.WEB_DIST ?? join(repoRoot, "apps", "web", "dist");
  const api = await buildApiDeps(
    { ...config, DATABASE_URL: databaseUrl, REDIS_URL: redis.url, WEB_DIST: webDist },
    logger,
    db,
  );
  const worker = bootWorker(
    {
      DATABASE_URL: databaseUrl,
      REDIS_URL: redis.url,
      REDIS_PREFIX: config.REDIS_PREFIX,
      WORKER_CONCURRENCY: embedded ? 1 : config.WORKER_CONCURRENCY,
      RECONCILE_INTERVAL_SECONDS: config.RECONCILE_INTERVAL_SECONDS,
      RECONCILE_MAX_REQUEUES: config.RECONCILE_MAX_REQUEUES,
      ENGINE_TIMEOUT_SECONDS: config.ENGINE_TIMEOUT_SECONDS,
      ANALYSIS_MAX_THREATS: config.ANALYSIS_MAX_THREATS,
      ENGINE_MEMORY_MB: config.ENGINE_MEMORY_MB,
      PERSIST_TIMEOUT_SECONDS: config.PERSIST_TIMEOUT_SECONDS,
      WEBHOOK_ALLOW_PRIVATE: config.WEBHOOK_ALLOW_PRIVATE,
      WEBHOOK_TIMEOUT_MS: config.WEBHOOK_TIMEOUT_MS,
      WEBHOOK_MAX_ATTEMPTS: config.WEBHOOK_MAX_ATTEMPTS,
      WEBHOOK_RETRY_BASE_MS: config.WEBHOOK_RETRY_BASE_MS,
      LOG_LEVEL: config.LOG_LEVEL,
    },
    logger.child({ component: "worker" }),
    { db },
  );
  const app = await createApp(api.deps);
  const server = await new Promise<Server>((resolvePromise, reject) => {
    const s = app.listen(config.PORT, config.HOST, (error?: Error) => (error ? reject(error) : resolvePromise(s)));
  });
  const address = server.address();
  const port = typeof address === "object" && address ? address.port : config.PORT;
  const url = `http://${config.HOST === "0.0.0.0" ? "localhost" : config.HOST}:${port}`;

  let closing: Promise<void> | undefined;
  return {
    url,
    server,
    close() {
      closing ??= (async () => {
        // An analysis can take minutes: stop it now (it goes back to the queue) rather than hold the shutdown.
        worker.abortRunning();
        server.closeIdleConnections();
        const closed = new Promise<void>((r) => server.close(() => r()));
        setTimeout(() => server.closeAllConnections(), 3_000).unref();
        await closed;
        await worker.close();
        await api.close();
        await db.$disconnect();
        redis.stop();
        await embedded?.stop();
      })();
      return closing;
    },
  };
}
