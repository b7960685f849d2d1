import type { Queue } from "bullmq";
import type { Redis } from "ioredis";
import type { Db } from "@threatline/db";
import type { Logger } from "pino";

export interface ReconcileOptions {
  /** Only analyses queued or running for longer than this are checked, so fresh submissions are left alone. */
  olderThanMs: number;
  /** Most analyses looked at per pass. */
  batchSize: number;
}

/**
 * PostgreSQL is the record of what was accepted; Redis only carries work. This finds analyses that PostgreSQL
 * holds as queued or running but for which Redis has no live job (Redis lost them, or the enqueue after the
 * commit failed) and enqueues them again. Returns how many it re-enqueued.
 */
export async function reconcileOnce(
  db: Db,
  queue: Queue,
  logger: Logger,
  options: ReconcileOptions = { olderThanMs: 60_000, batchSize: 500 },
): Promise<number> {
  const stale = await db.analysis.findMany({
    where: { status: { in: ["queued", "running"] }, createdAt: { lt: new Date(Date.now() - options.olderThanMs) } },
    select: { id: true, status: true },
    orderBy: { createdAt: "asc" },
    take: options.batchSize,
  });
  let requeued = 0;
  for (const analysis of stale) {
    const job = await queue.getJob(analysis.id);
    const state = job ? await job.getState() : "missing";
    if (
      state === "waiting" ||
      state === "active" ||
      state === "delayed" ||
      state === "prioritized" ||
      state === "waiting-children"
    )
      continue;
    if (job) await job.remove().catch(() => undefined);
    if (analysis.status === "running")
      await db.analysis.update({ where: { id: analysis.id }, data: { status: "queued" } });
    await queue.add("analyze-template", { analysisId: analysis.id }, { jobId: analysis.id });
    requeued += 1;
  }
  if (requeued > 0) logger.warn({ requeued }, "reconciler re-enqueued analyses that Redis had lost");
  return requeued;
}

/** Runs `reconcileOnce` every interval, in one worker process at a time (a Redis lock). */
export function startReconciler(
  db: Db,
  queue: Queue,
  redis: Redis,
  prefix: string,
  logger: Logger,
  intervalMs: number,
): () => void {
  const lockKey = `${prefix}:reconciler-lock`;
  let running = false;
  const timer = setInterval(() => {
    if (running) return;
    running = true;
    void (async () => {
      const got = await redis.set(lockKey, String(process.pid), "PX", intervalMs, "NX");
      if (got === "OK") await reconcileOnce(db, queue, logger);
    })()
      .catch((err: unknown) => logger.warn({ err }, "reconciler pass failed"))
      .finally(() => {
        running = false;
      });
  }, intervalMs);
  timer.unref();
  return () => clearInterval(timer);
}
