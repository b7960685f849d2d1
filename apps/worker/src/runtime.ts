import type { Worker } from "bullmq";
import { createWorker, DEFAULT_WEBHOOK_SETTINGS, QUEUE_NAMES, WEBHOOK_BACKOFF_TYPE } from "@threatline/queue";
import type { Redis } from "ioredis";
import { DEFAULT_BOUNDS, type WorkerDeps } from "./deps.ts";
import { dispatcher } from "./registry.ts";
import { startReconciler } from "./reconciler.ts";
import { instrumentWorker } from "./observability/metrics.ts";
import { EnginePool } from "./pipeline/engine-pool.ts";

export interface RunningWorker {
  worker: Worker;
  /**
   * Stops the running analyses (engine runs and model calls are aborted) and puts them back in the queue,
   * queued and with no attempt spent; `close()` then returns as soon as they have let go.
   */
  abortRunning(): void;
  /** Stops taking jobs, waits for the running ones to finish, stops the reconciler. */
  close(): Promise<void>;
}

/** Starts consuming the analysis queue. `connection` must be a worker connection (retries forever). */
export function startWorker(
  baseDeps: WorkerDeps,
  connection: Redis,
  options: {
    concurrency: number;
    reconcileIntervalMs: number;
    /** Re-enqueues of one lost analysis before the reconciler fails it (RECONCILE_MAX_REQUEUES). */
    maxRequeues?: number;
    engineTimeoutMs?: number;
    /** Heap of one engine thread in MB (ENGINE_MEMORY_MB). */
    engineMemoryMb?: number;
    /** How long a job's lock lives without renewal: a killed worker's jobs return to the queue after this (default 30 s). */
    lockDurationMs?: number;
  },
): RunningWorker {
  const bounds = { ...DEFAULT_BOUNDS, ...baseDeps.bounds };
  const pool = baseDeps.engine
    ? undefined
    : new EnginePool({
        threads: options.concurrency,
        timeoutMs: options.engineTimeoutMs ?? 60_000,
        maxThreats: bounds.maxThreats,
        memoryMb: options.engineMemoryMb ?? 1_024,
      });
  const shutdown = new AbortController();
  const deps: WorkerDeps = { ...baseDeps, bounds, engine: baseDeps.engine ?? pool, shutdown: shutdown.signal };
  const retryBaseMs = deps.webhooks?.WEBHOOK_RETRY_BASE_MS ?? DEFAULT_WEBHOOK_SETTINGS.WEBHOOK_RETRY_BASE_MS;
  // The processor needs the worker (for rate limiting) and the worker needs the processor: late-bound.
  let worker: Worker | undefined = undefined;
  const getWorker = () => worker;
  worker = createWorker(QUEUE_NAMES.analysis, dispatcher(deps, getWorker), connection, {
    prefix: deps.prefix,
    concurrency: options.concurrency,
    // A job whose worker died is picked up again after the lock expires; twice at most before it fails.
    maxStalledCount: 2,
    // Webhook deliveries back off exponentially from WEBHOOK_RETRY_BASE_MS (analyses use BullMQ's own exponential).
    settings: {
      backoffStrategy: (attemptsMade: number, type?: string) =>
        type === WEBHOOK_BACKOFF_TYPE ? retryBaseMs * 2 ** Math.max(0, attemptsMade - 1) : 0,
    },
    ...(options.lockDurationMs
      ? { lockDuration: options.lockDurationMs, stalledInterval: options.lockDurationMs }
      : {}),
  });
  worker.on("error", (err) => deps.logger.error({ err }, "worker error"));
  // Reminders of acceptances about to expire, daily at 08:00 UTC (every worker upserts the same scheduler).
  void deps.queue
    .upsertJobScheduler(
      "webhook-reminders-daily",
      { pattern: "0 8 * * *", tz: "UTC" },
      { name: "webhook-reminders", data: {} },
    )
    .catch((err: unknown) => deps.logger.warn({ err }, "could not schedule the daily acceptance reminders"));
  instrumentWorker(worker);
  const stopReconciler = startReconciler(
    deps.db,
    deps.queue,
    deps.redis,
    deps.prefix,
    deps.logger,
    options.reconcileIntervalMs,
    {
      ...(options.maxRequeues === undefined ? {} : { maxRequeues: options.maxRequeues }),
      ...(deps.webhooks ? { webhooks: deps.webhooks } : {}),
    },
  );
  return {
    worker,
    abortRunning() {
      shutdown.abort();
    },
    async close() {
      stopReconciler();
      await worker.close();
      await pool?.close();
    },
  };
}
