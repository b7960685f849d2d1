import type { Express } from "express";
import { pino } from "pino";
import { createQueue, EventHub, producerConnection, QUEUE_NAMES, workerConnection } from "@threatline/queue";
import { startWorker, type RunningWorker } from "../../worker/src/runtime.ts";
import type { LlmStage } from "../../worker/src/deps.ts";
import { createApp } from "../src/app.ts";
import type { ApiDeps } from "../src/deps.ts";
import { createTestDatabase, redisUrl, testPrefix, type TestDatabase } from "../../../test/support.ts";

export interface Harness {
  app: Express;
  deps: ApiDeps;
  database: TestDatabase;
  prefix: string;
  /** Starts an in-process worker on the same database and queue. */
  startWorker(options?: { llm?: LlmStage | null; concurrency?: number }): RunningWorker;
  close(): Promise<void>;
}

/**
 * The real app on a database of its own and a Redis prefix of its own, as main.ts would build it, plus
 * workers on demand. Everything is real: PostgreSQL, Redis, BullMQ.
 */
export async function createHarness(options: { redisUrl?: string; config?: Partial<ApiDeps["config"]> } = {}): Promise<Harness> {
  const database = await createTestDatabase();
  const prefix = testPrefix();
  const url = options.redisUrl ?? redisUrl();
  const logger = pino({ level: process.env.TEST_LOG_LEVEL ?? "silent" });
  const redis = producerConnection(url);
  redis.on("error", () => undefined);
  const queueConnection = producerConnection(url);
  queueConnection.on("error", () => undefined);
  const queue = createQueue(QUEUE_NAMES.analysis, queueConnection, prefix);
  queue.on("error", () => undefined);
  const subscriber = producerConnection(redisUrl(), { maxRetriesPerRequest: null, enableOfflineQueue: true });
  const events = await EventHub.start(subscriber, prefix);
  const deps: ApiDeps = {
    config: { MAX_FILE_BYTES: 5 * 1024 * 1024, MAX_FILES: 500, MAX_SUBMISSION_BYTES: 50 * 1024 * 1024, WEB_DIST: undefined, ...options.config },
    db: database.db,
    queue,
    redis,
    events,
    logger,
  };
  const app = await createApp(deps);
  const workers: RunningWorker[] = [];
  return {
    app,
    deps,
    database,
    prefix,
    startWorker({ llm = null, concurrency = 4 } = {}) {
      const workerRedis = workerConnection(redisUrl());
      const running = startWorker(
        { db: database.db, redis: workerRedis, queue, prefix, llm, logger },
        workerConnection(redisUrl()),
        { concurrency, reconcileIntervalMs: 60_000 },
      );
      workers.push({ worker: running.worker, close: async () => { await running.close(); workerRedis.disconnect(); } });
      return running;
    },
    async close() {
      for (const w of workers) await w.close();
      await events.close();
      // With an unreachable Redis these would wait forever: bound them.
      const bounded = (work: Promise<unknown>) => Promise.race([work.catch(() => undefined), new Promise((r) => setTimeout(r, 2_000))]);
      await bounded(queue.obliterate({ force: true }));
      await bounded(queue.close());
      redis.disconnect();
      await database.drop();
    },
  };
}

/** Reads a Server-Sent Events stream until `until` says stop; returns the events as { event, data }. */
export async function readSse(url: string, until: (events: Array<{ event: string; data: unknown }>) => boolean, timeoutMs = 30_000): Promise<Array<{ event: string; data: unknown }>> {
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
