import { z } from "zod";
import { DEFAULT_MAX_THREATS } from "@threatline/domain";
import { WebhookSettingsSchema } from "@threatline/queue";

/** Every setting of a worker process, read from the environment once at boot. */
export const WorkerConfigSchema = z
  .object({
    /** PostgreSQL connection string (required for a standalone worker). */
    DATABASE_URL: z.url(),
    /** Redis connection string. */
    REDIS_URL: z.url().default("redis://127.0.0.1:6379"),
    /** Prefix for every Redis key; must match the API's. */
    REDIS_PREFIX: z.string().default("threatline"),
    /** Analyses one worker process runs at once. The LLM limiter, not this, bounds Bedrock traffic. */
    WORKER_CONCURRENCY: z.coerce.number().int().min(1).max(64).default(4),
    /** Seconds between reconciler passes (re-enqueue analyses that PostgreSQL holds but Redis lost). */
    RECONCILE_INTERVAL_SECONDS: z.coerce.number().int().min(1).default(30),
    /**
     * Times the reconciler re-enqueues one lost analysis (its worker died or stalled on it each time) before it
     * fails it as `analysis/abandoned`, so that a poison job cannot take a worker down forever.
     */
    RECONCILE_MAX_REQUEUES: z.coerce.number().int().min(0).default(3),
    /** Longest the rules engine may spend on one analysis before its thread is killed (template/timeout). */
    ENGINE_TIMEOUT_SECONDS: z.coerce.number().int().min(1).default(60),
    /**
     * Most threats one analysis stores. Beyond it the highest-scoring are kept, the rest are counted by rule and
     * severity on the analysis (`omittedSummary`), and it finishes `partial` with `analysis/truncated`.
     */
    ANALYSIS_MAX_THREATS: z.coerce.number().int().min(1).default(DEFAULT_MAX_THREATS),
    /** Heap of one engine thread in MB; a template that needs more fails (`template/too-large`), the process lives on. */
    ENGINE_MEMORY_MB: z.coerce.number().int().min(64).default(1_024),
    /**
     * Longest the transaction writing one analysis's result may last, enforced by PostgreSQL itself
     * (statement and idle-in-transaction timeouts) so that a stuck worker cannot hold its locks.
     */
    PERSIST_TIMEOUT_SECONDS: z.coerce.number().int().min(1).default(60),
    /** Log level. */
    LOG_LEVEL: z.enum(["fatal", "error", "warn", "info", "debug", "trace", "silent"]).default("info"),
  })
  .extend(WebhookSettingsSchema.shape);
export type WorkerConfig = z.infer<typeof WorkerConfigSchema>;
