import type { Queue } from "bullmq";
import type { Redis } from "ioredis";
import type { Db } from "@threatline/db";
import type { EventHub } from "@threatline/queue";
import type { ApiConfig, AuthConfig } from "./config.ts";
import type { Logger } from "./lib/logger.ts";

/** Everything the API needs from outside, built by main.ts (or a test) and handed to `createApp`. */
export interface ApiDeps {
  /** Auth settings and the Redis prefix may be left out (tests): their schema defaults apply. */
  config: Pick<ApiConfig, "MAX_FILE_BYTES" | "MAX_FILES" | "MAX_SUBMISSION_BYTES" | "WEB_DIST"> &
    Partial<
      AuthConfig &
        Pick<ApiConfig, "REDIS_PREFIX" | "METRICS_TOKEN" | "NODE_ENV" | "WEBHOOK_ALLOW_PRIVATE" | "RULE_DOCS_URL">
    >;
  db: Db;
  /** The analysis queue (producer side: fails fast when Redis is down). */
  queue: Queue;
  /** A producer connection, for readiness checks. */
  redis: Redis;
  events: EventHub;
  logger: Logger;
}
