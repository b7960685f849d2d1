import { createDb, type Db } from "@threatline/db";
import { createQueue, producerConnection, QUEUE_NAMES, workerConnection } from "@threatline/queue";
import type { Logger } from "pino";
import type { Redis } from "ioredis";
import { createThreatModeler, loadLlmConfig } from "@threatline/llm";
import type { WorkerConfig } from "./config.ts";
import type { LlmStage, WorkerDeps } from "./deps.ts";
import { startWorker, type RunningWorker } from "./runtime.ts";
import { PostgresLlmCache } from "./pipeline/llm-cache.ts";
import { instrumentLlm } from "./observability/metrics.ts";

/** The configured LLM (THREATLINE_LLM_PROVIDER and friends, see packages/llm/src/config.ts), or null for rules only. */
function llmFromEnv(db: Db, redis: Redis, prefix: string, logger: Logger): (LlmStage & { close?(): void }) | null {
  const config = loadLlmConfig(process.env);
  if (!config) return null;
  return createThreatModeler({
    config,
    redis,
    cache: new PostgresLlmCache(db),
    logger,
    limiterPrefix: `${prefix}:llm`,
  });
}

export interface BootOptions {
  /** The LLM step; by default built from the environment (none when no provider is configured). */
  llm?: LlmStage | null;
  /** A database client to share (the one-process server shares the API's); otherwise the worker opens its own. */
  db?: Db;
  /** Job lock duration in ms (WORKER_LOCK_DURATION_MS): how soon a dead worker's jobs are taken over. */
  lockDurationMs?: number;
}

/** Builds a worker process's dependencies and starts consuming; `close()` drains and releases everything. */
export function bootWorker(config: WorkerConfig, logger: Logger, options: BootOptions = {}): RunningWorker {
  const ownDb = options.db === undefined;
  const db = options.db ?? createDb({ url: config.DATABASE_URL, poolSize: config.WORKER_CONCURRENCY + 2 });
  const redis = workerConnection(config.REDIS_URL);
  // The modeler built here is ours to close (its limiter holds a Redis subscriber); one passed in is the caller's.
  const owned = options.llm === undefined ? llmFromEnv(db, redis, config.REDIS_PREFIX, logger) : null;
  const built = options.llm !== undefined ? options.llm : owned;
  const llm = built ? instrumentLlm(built) : null;
  const queueConnection = producerConnection(config.REDIS_URL, {
    maxRetriesPerRequest: null,
    enableOfflineQueue: true,
  });
  for (const conn of [redis, queueConnection])
    conn.on("error", (err) => logger.debug({ err }, "redis connection error"));
  const queue = createQueue(QUEUE_NAMES.analysis, queueConnection, config.REDIS_PREFIX);
  const deps: WorkerDeps = {
    db,
    redis,
    queue,
    prefix: config.REDIS_PREFIX,
    llm,
    logger,
    bounds: { maxThreats: config.ANALYSIS_MAX_THREATS, persistTimeoutMs: config.PERSIST_TIMEOUT_SECONDS * 1_000 },
    webhooks: {
      WEBHOOK_ALLOW_PRIVATE: config.WEBHOOK_ALLOW_PRIVATE,
      WEBHOOK_TIMEOUT_MS: config.WEBHOOK_TIMEOUT_MS,
      WEBHOOK_MAX_ATTEMPTS: config.WEBHOOK_MAX_ATTEMPTS,
      WEBHOOK_RETRY_BASE_MS: config.WEBHOOK_RETRY_BASE_MS,
    },
  };
  const running = startWorker(deps, workerConnection(config.REDIS_URL), {
    concurrency: config.WORKER_CONCURRENCY,
    reconcileIntervalMs: config.RECONCILE_INTERVAL_SECONDS * 1_000,
    maxRequeues: config.RECONCILE_MAX_REQUEUES,
    engineTimeoutMs: config.ENGINE_TIMEOUT_SECONDS * 1_000,
    engineMemoryMb: config.ENGINE_MEMORY_MB,
    lockDurationMs: options.lockDurationMs,
  });
  logger.info({ concurrency: config.WORKER_CONCURRENCY, llm: llm ? "on" : "off" }, "worker started");
  return {
    worker: running.worker,
    abortRunning: () => running.abortRunning(),
    async close() {
      await running.close();
      await queue.close();
      owned?.close?.();
      redis.disconnect();
      if (ownDb) await db.$disconnect();
    },
  };
}
