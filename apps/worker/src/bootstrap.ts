import { createDb } from "@threatline/db";
import { createQueue, producerConnection, QUEUE_NAMES, workerConnection } from "@threatline/queue";
import type { Logger } from "pino";
import type { WorkerConfig } from "./config.ts";
import type { LlmStage, WorkerDeps } from "./deps.ts";
import { startWorker, type RunningWorker } from "./runtime.ts";

/** Builds a worker process's dependencies and starts consuming; `close()` drains and releases everything. */
export async function bootWorker(config: WorkerConfig, logger: Logger, llm: LlmStage | null = null): Promise<RunningWorker> {
  const db = createDb({ url: config.DATABASE_URL, poolSize: config.WORKER_CONCURRENCY + 2 });
  const redis = workerConnection(config.REDIS_URL);
  const queueConnection = producerConnection(config.REDIS_URL, { maxRetriesPerRequest: null, enableOfflineQueue: true });
  for (const conn of [redis, queueConnection]) conn.on("error", (err) => logger.debug({ err }, "redis connection error"));
  const queue = createQueue(QUEUE_NAMES.analysis, queueConnection, config.REDIS_PREFIX);
  const deps: WorkerDeps = { db, redis, queue, prefix: config.REDIS_PREFIX, llm, logger };
  const running = startWorker(deps, workerConnection(config.REDIS_URL), {
    concurrency: config.WORKER_CONCURRENCY,
    reconcileIntervalMs: config.RECONCILE_INTERVAL_SECONDS * 1_000,
  });
  logger.info({ concurrency: config.WORKER_CONCURRENCY, llm: llm ? "on" : "off" }, "worker started");
  return {
    worker: running.worker,
    async close() {
      await running.close();
      await queue.close();
      redis.disconnect();
      await db.$disconnect();
    },
  };
}
