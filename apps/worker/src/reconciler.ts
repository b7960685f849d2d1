import type { Queue } from "bullmq";
import { DEFAULT_WEBHOOK_SETTINGS, enqueue, type WebhookSettings } from "@threatline/queue";
import type { Redis } from "ioredis";
import type { Db } from "@threatline/db";
import type { Logger } from "pino";
import type { ErrorCode } from "@threatline/domain";
import { enqueueDeliveries } from "./webhooks/events.ts";

export interface ReconcileOptions {
  /** Only analyses queued or running for longer than this are checked, so fresh submissions are left alone. */
  olderThanMs: number;
  /** Most analyses looked at per pass. */
  batchSize: number;
  /** Re-enqueues one analysis may have; the next time it is found lost it is failed as `analysis/abandoned`. */
  maxRequeues: number;
}

export const DEFAULT_RECONCILE_OPTIONS: ReconcileOptions = { olderThanMs: 60_000, batchSize: 500, maxRequeues: 3 };

const LIVE = new Set(["waiting", "active", "delayed", "prioritized", "waiting-children"]);

/**
 * PostgreSQL is the record of what was accepted; Redis only carries work. This finds analyses that PostgreSQL
 * holds as queued or running but for which Redis has no live job (Redis lost them, or the enqueue after the
 * commit failed) and enqueues them again. Returns how many it re-enqueued.
 *
 * The rows are a snapshot: a job may finish between the snapshot and the look at Redis, and then looks lost.
 * So a row is only taken back if it is still exactly as the snapshot saw it (status and attempt, compare and
 * set); an analysis that finished meanwhile is left alone. An analysis found lost more than `maxRequeues`
 * times (it kills or stalls its worker every time) is failed instead of being run forever.
 */
export async function reconcileOnce(
  db: Db,
  queue: Queue,
  logger: Logger,
  options: Partial<ReconcileOptions> = {},
): Promise<number> {
  const { olderThanMs, batchSize, maxRequeues } = { ...DEFAULT_RECONCILE_OPTIONS, ...options };
  const stale = await db.analysis.findMany({
    where: { status: { in: ["queued", "running"] }, createdAt: { lt: new Date(Date.now() - olderThanMs) } },
    select: { id: true, status: true, attempts: true, requeues: true },
    orderBy: { createdAt: "asc" },
    take: batchSize,
  });
  let requeued = 0;
  for (const analysis of stale) {
    const job = await queue.getJob(analysis.id);
    const state = job ? await job.getState() : "missing";
    if (LIVE.has(state)) continue;
    const unchanged = {
      id: analysis.id,
      status: analysis.status,
      attempts: analysis.attempts,
      requeues: analysis.requeues,
    };
    if (analysis.requeues >= maxRequeues) {
      const failed = await db.analysis.updateMany({
        where: unchanged,
        data: {
          status: "failed",
          errorCode: "analysis/abandoned" satisfies ErrorCode,
          errorMessage: `The analysis was lost ${analysis.requeues + 1} times (its worker died or stalled each time) and was given up.`,
          finishedAt: new Date(),
        },
      });
      if (failed.count > 0) {
        if (job) await job.remove().catch(() => undefined);
        logger.error(
          { analysisId: analysis.id, requeues: analysis.requeues },
          "reconciler gave up on a poison analysis",
        );
      }
      continue;
    }
    const taken = await db.analysis.updateMany({
      where: unchanged,
      data: { status: "queued", requeues: { increment: 1 } },
    });
    if (taken.count === 0) continue;
    if (job) await job.remove().catch(() => undefined);
    await enqueue(queue, "analyze-template", { analysisId: analysis.id }, analysis.id);
    requeued += 1;
  }
  if (requeued > 0) logger.warn({ requeued }, "reconciler re-enqueued analyses that Redis had lost");
  return requeued;
}

/**
 * Webhook deliveries PostgreSQL holds as pending, older than `olderThanMs`, for which Redis has no job (the
 * enqueue after recording them failed while Redis was down, or Redis lost the job): enqueued again with their
 * retry policy. The job id is the delivery id, so a delivery whose job is waiting, delayed or running is left
 * alone and a second pass adds nothing; a finished job of a delivery still pending (its last status write was
 * lost) is removed first, or BullMQ would take the add for a duplicate. Returns how many it enqueued.
 */
export async function reconcileDeliveries(
  db: Db,
  queue: Queue,
  logger: Logger,
  options: Partial<Pick<ReconcileOptions, "olderThanMs" | "batchSize">> & { webhooks?: Partial<WebhookSettings> } = {},
): Promise<number> {
  const { olderThanMs, batchSize } = { ...DEFAULT_RECONCILE_OPTIONS, ...options };
  const pending = await db.webhookDelivery.findMany({
    where: { status: "pending", createdAt: { lt: new Date(Date.now() - olderThanMs) } },
    select: { id: true },
    orderBy: { createdAt: "asc" },
    take: batchSize,
  });
  const lost: string[] = [];
  for (const { id } of pending) {
    const job = await queue.getJob(id);
    const state = job ? await job.getState() : "missing";
    if (LIVE.has(state)) continue;
    if (job) await job.remove().catch(() => undefined);
    lost.push(id);
  }
  if (lost.length === 0) return 0;
  await enqueueDeliveries({ db, queue, webhooks: { ...DEFAULT_WEBHOOK_SETTINGS, ...options.webhooks } }, lost);
  logger.warn({ requeued: lost.length }, "reconciler re-enqueued pending webhook deliveries that had no job");
  return lost.length;
}

/** Runs `reconcileOnce` every interval, in one worker process at a time (a Redis lock). */
export function startReconciler(
  db: Db,
  queue: Queue,
  redis: Redis,
  prefix: string,
  logger: Logger,
  intervalMs: number,
  options: Partial<ReconcileOptions> & { webhooks?: Partial<WebhookSettings> } = {},
): () => void {
  const lockKey = `${prefix}:reconciler-lock`;
  let running = false;
  const timer = setInterval(() => {
    if (running) return;
    running = true;
    void (async () => {
      const got = await redis.set(lockKey, String(process.pid), "PX", intervalMs, "NX");
      if (got !== "OK") return;
      await reconcileOnce(db, queue, logger, options);
      await reconcileDeliveries(db, queue, logger, options);
    })()
      .catch((err: unknown) => logger.warn({ err }, "reconciler pass failed"))
      .finally(() => {
        running = false;
      });
  }, intervalMs);
  timer.unref();
  return () => clearInterval(timer);
}
