import { createDb, type Db } from "@threatline/db";
import { createQueue, EventHub, producerConnection, QUEUE_NAMES } from "@threatline/queue";
import type { ApiConfig } from "./config.ts";
import type { ApiDeps } from "./deps.ts";
import type { Logger } from "./lib/logger.ts";

/** Builds the API's dependencies from settings; `close()` releases them in order. */
export async function buildApiDeps(
  config: ApiConfig & { DATABASE_URL: string },
  logger: Logger,
  sharedDb?: Db,
): Promise<{ deps: ApiDeps; close(): Promise<void> }> {
  const db = sharedDb ?? createDb({ url: config.DATABASE_URL });
  const redis = producerConnection(config.REDIS_URL);
  // Swallow connection errors here: readiness and the 503 path report them; an unhandled 'error' would crash.
  redis.on("error", (err) => logger.debug({ err }, "redis (producer) connection error"));
  const queue = createQueue(QUEUE_NAMES.analysis, producerConnection(config.REDIS_URL), config.REDIS_PREFIX);
  queue.on("error", (err) => logger.debug({ err }, "queue connection error"));
  const subscriber = producerConnection(config.REDIS_URL, { maxRetriesPerRequest: null, enableOfflineQueue: true });
  subscriber.on("error", (err) => logger.debug({ err }, "redis (subscriber) connection error"));
  const events = await EventHub.start(subscriber, config.REDIS_PREFIX);
  const deps: ApiDeps = { config, db, queue, redis, events, logger };
  return {
    deps,
    async close() {
      await events.close();
      await queue.close();
      redis.disconnect();
      if (!sharedDb) await db.$disconnect();
    },
  };
}
