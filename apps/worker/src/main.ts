import { pino } from "pino";
import { z } from "zod";
import { exitIfMetricsOpen, MetricsTokenSchema, warnIfMetricsOpen } from "@threatline/queue";
import { WorkerConfigSchema } from "./config.ts";
import { bootWorker } from "./bootstrap.ts";
import { serveWorkerMetrics } from "./observability/metrics.ts";

/** A standalone worker's settings: the worker's own, plus how it is observed and how fast a dead peer's jobs are taken over. */
const StandaloneWorkerSchema = WorkerConfigSchema.extend({
  /** Port of this worker's Prometheus `/metrics` (job durations and outcomes, LLM tokens, cost, throttles); unset: none. */
  WORKER_METRICS_PORT: z.coerce.number().int().min(1).max(65535).optional(),
  /** Interface for `/metrics`; loopback unless a scraper elsewhere needs it (containers: 0.0.0.0). */
  WORKER_METRICS_HOST: z.string().default("127.0.0.1"),
  /** Bearer token this worker's `/metrics` requires (the same setting as the API's); unset: open, on loopback only. */
  METRICS_TOKEN: MetricsTokenSchema,
  /** `production` turns on the warnings meant for deployments (an open `/metrics`). */
  NODE_ENV: z.string().optional(),
  /**
   * Job lock duration in ms: a job whose worker died (SIGKILL, OOM, lost host) goes back to the queue after
   * about this long. Shorter recovers sooner but must stay well above the longest event-loop stall.
   */
  WORKER_LOCK_DURATION_MS: z.coerce.number().int().min(1_000).optional(),
  /** Most seconds SIGTERM waits for running jobs to finish before stopping them and putting them back in the queue. */
  WORKER_SHUTDOWN_TIMEOUT_SECONDS: z.coerce.number().int().min(1).default(60),
});

// A standalone worker process (scale-out): run as many as the machine and the LLM quota allow.
const parsed = StandaloneWorkerSchema.safeParse(process.env);
if (!parsed.success) {
  process.stderr.write(
    `Threatline worker cannot start: invalid settings\n${parsed.error.issues.map((i) => `  ${i.path.join(".")}: ${i.message}`).join("\n")}\n`,
  );
  process.exit(78);
}
const config = parsed.data;
const logger = pino({ name: "worker", level: config.LOG_LEVEL });
if (config.WORKER_METRICS_PORT) {
  exitIfMetricsOpen(
    { host: config.WORKER_METRICS_HOST, setting: "WORKER_METRICS_HOST" },
    config.METRICS_TOKEN,
    "Threatline worker",
  );
  warnIfMetricsOpen(config, logger, "worker");
}
const metrics = config.WORKER_METRICS_PORT
  ? await serveWorkerMetrics(
      { port: config.WORKER_METRICS_PORT, host: config.WORKER_METRICS_HOST, token: config.METRICS_TOKEN },
      logger,
    )
  : undefined;
const running = bootWorker(config, logger, { lockDurationMs: config.WORKER_LOCK_DURATION_MS });

let stopping = false;
for (const signal of ["SIGINT", "SIGTERM"] as const) {
  process.once(signal, () => {
    if (stopping) return;
    stopping = true;
    logger.info({ signal }, "draining: finishing running jobs, taking no new ones");
    // Past the deadline, stop the unfinished jobs: they go back to the queue at once (no attempt spent) for
    // another worker. Should that not finish within 10 s, exit anyway: their locks expire, and another worker
    // takes them over then (the processor is idempotent), so nothing is lost, only delayed.
    const deadline = setTimeout(() => {
      logger.warn("shutdown deadline reached with jobs still running; stopping them, they run again elsewhere");
      running.abortRunning();
      setTimeout(() => process.exit(1), 10_000).unref();
    }, config.WORKER_SHUTDOWN_TIMEOUT_SECONDS * 1_000);
    deadline.unref();
    void running
      .close()
      .then(() => logger.info("drained"))
      .catch((err: unknown) => logger.error({ err }, "error while draining"))
      .finally(() => {
        metrics?.close();
        process.exit(0);
      });
  });
}
