import type { Queue } from "bullmq";
import type { Redis } from "ioredis";
import type { Db } from "@threatline/db";
import type { ResourceGraph, SourceFile } from "@threatline/engine";
import type { BoundedResult } from "./pipeline/engine-pool.ts";
import { DEFAULT_MAX_THREATS, type ErrorCode, type SystemGraph, type TeamRule, type Threat } from "@threatline/domain";
import type { Logger } from "pino";
import type { WebhookSettings } from "@threatline/queue";
import type { PreparedPrompt, PrepareOptions } from "@threatline/llm/prepare";
import type { BuildOptions } from "@threatline/system";

/**
 * The LLM step as the worker sees it (implemented by @threatline/llm's ThreatModeler). The worker depends on
 * this shape only, so it runs with no model at all, or with any provider.
 */
export interface LlmStage {
  model(req: {
    analysisId: string;
    contentHash: string;
    files: SourceFile[];
    graph: ResourceGraph;
    ruleThreats: Threat[];
    force: boolean;
    budgetExhausted?: boolean;
    /** Stops the model call in flight (cancellation, shutdown); the stage then rejects with LlmAbortedError. */
    signal?: AbortSignal;
    /** The prompt prepared in the engine thread (with `preparation`), so that this thread does not build it. */
    prepared?: PreparedPrompt | null;
  }): Promise<{
    status: "succeeded" | "partial" | "skipped";
    threats: Threat[];
    provider: string;
    model: string | null;
    promptHash: string | null;
    usage: {
      inputTokens: number;
      outputTokens: number;
      cacheReadTokens: number;
      cacheWriteTokens: number;
      latencyMs: number;
      costUsd: number;
    };
    cacheHit: boolean;
    ungroundedCount: number;
    error?: { code: ErrorCode; message: string };
  }>;
  /** How to build the stage's prompt elsewhere: given, the engine thread prepares it after the rules. */
  readonly preparation?: PrepareOptions;
}

/** Runs the rules engine on one analysis's files, bounded in time, heap and threats (see EnginePool). */
export interface EngineRunner {
  analyze(
    files: SourceFile[],
    focus: string[],
    signal?: AbortSignal,
    teamRules?: TeamRule[],
    /** Also prepare the LLM's prompt from the result, in the engine's thread (the result's `prompt`). */
    prompt?: PrepareOptions,
  ): Promise<BoundedResult>;
  /**
   * Builds a project's system graph (parsing every current file again) off the main thread; without it the
   * system-graph job builds on the main thread.
   */
  buildSystemGraph?(files: SourceFile[], options: BuildOptions): Promise<SystemGraph>;
}

/** Bounds on one analysis's work, from the worker's settings (defaults: WorkerConfigSchema's). */
export interface AnalysisBounds {
  /** ANALYSIS_MAX_THREATS. */
  maxThreats: number;
  /** PERSIST_TIMEOUT_SECONDS, in ms. */
  persistTimeoutMs: number;
  /** How often a running analysis checks whether it was canceled. */
  cancelPollMs: number;
}

export const DEFAULT_BOUNDS: AnalysisBounds = {
  maxThreats: DEFAULT_MAX_THREATS,
  persistTimeoutMs: 60_000,
  cancelPollMs: 2_000,
};

export interface WorkerDeps {
  db: Db;
  /** Publisher connection for progress events. */
  redis: Redis;
  /** The analysis queue, for the reconciler. */
  queue: Queue;
  prefix: string;
  llm: LlmStage | null;
  /** The engine; `startWorker` provides a thread pool when none is given. */
  engine?: EngineRunner;
  logger: Logger;
  /** Bounds on each analysis; `startWorker` fills in the defaults. */
  bounds?: Partial<AnalysisBounds>;
  /**
   * Fires when the worker is shutting down and stops its running analyses: each is put back in the queue as it
   * was (status queued, no attempt spent) and runs again on the next worker.
   */
  shutdown?: AbortSignal;
  /** Outgoing webhook delivery settings (WEBHOOK_*); defaults: WebhookSettingsSchema's. */
  webhooks?: Partial<WebhookSettings>;
}
