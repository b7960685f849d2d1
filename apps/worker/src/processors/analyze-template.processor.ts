import { type Job, UnrecoverableError, Worker } from "bullmq";
import {
  type AnalysisEvent,
  type AnalysisStatus,
  type ErrorCode,
  type OmittedThreats,
  capThreats,
} from "@threatline/domain";
import {
  type BoundedResult,
  EngineAbortedError,
  EngineMemoryError,
  EngineTimeoutError,
} from "../pipeline/engine-pool.ts";
import { teamBudgetExhausted } from "../pipeline/budget.ts";
import { analyzeBounded } from "../pipeline/team-rules.ts";
import { JOB_PAYLOADS, publishEvent } from "@threatline/queue";
import { isDatabaseUnavailable } from "@threatline/db";
import { type AnalysisBounds, DEFAULT_BOUNDS, type WorkerDeps } from "../deps.ts";
import { loadAnalysis, type LoadedAnalysis } from "../pipeline/load.ts";
import { AnalysisCanceledError, type AnalysisOutcome, persistOutcome } from "../pipeline/persist.ts";
import { watchCancellation } from "../pipeline/cancellation.ts";
import { requestSystemGraph } from "../pipeline/system-graph.ts";
import { requestCriticalNotice } from "../webhooks/events.ts";

/** Statuses in which a delivered job has nothing left to do (a duplicate delivery, or a canceled batch). */
const DONE: readonly string[] = ["succeeded", "partial", "failed", "canceled"];

/** The engine run or the model call was stopped by the analysis's signal. */
function isAborted(error: unknown): boolean {
  return error instanceof EngineAbortedError || (error instanceof Error && error.name === "LlmAbortedError");
}

function isThrottle(error: unknown): error is Error & { retryAfterMs: number } {
  return (
    error instanceof Error &&
    error.name === "LlmThrottledError" &&
    typeof (error as { retryAfterMs?: unknown }).retryAfterMs === "number"
  );
}

async function announce(
  deps: WorkerDeps,
  a: LoadedAnalysis,
  status: AnalysisStatus,
  extra: Partial<AnalysisEvent> = {},
): Promise<void> {
  await publishEvent(deps.redis, deps.prefix, {
    analysisId: a.id,
    batchId: a.batchId,
    projectId: a.projectId,
    status,
    at: new Date().toISOString(),
    ...extra,
  }).catch((err: unknown) => deps.logger.warn({ err, analysisId: a.id }, "could not publish progress"));
}

/**
 * `analyze-template`: load the template version, run the rules engine (always) and the LLM (when configured),
 * persist every threat in one transaction, and publish progress. Idempotent: a redelivered job replaces the
 * threats an earlier attempt wrote.
 */
export function analyzeTemplateProcessor(deps: WorkerDeps, getWorker: () => Worker | undefined) {
  const bounds: AnalysisBounds = { ...DEFAULT_BOUNDS, ...deps.bounds };
  const run = processAnalysis(deps, getWorker, bounds);
  const outage = new DatabaseBackoff();
  return async (job: Job): Promise<{ status: string; threats: number }> => {
    try {
      const result = await run(job);
      outage.reset();
      return result;
    } catch (error) {
      // A lost connection is an outage only if PostgreSQL does not answer now either: a transaction that
      // PostgreSQL itself ended (its time bound) also looks like one, and must spend its attempt.
      if (!isDatabaseUnavailable(error) || (await databaseAnswers(deps))) throw error;
      // PostgreSQL is down: every job would fail the same way, and BullMQ's retries would spend all of their
      // attempts in half a minute. Pause the whole queue instead (the job goes back without losing an attempt)
      // and wait longer each time, until the database answers again.
      const waitMs = outage.next();
      deps.logger.warn(
        { err: error, jobId: job.id, attempt: job.attemptsMade + 1, waitMs },
        "database unreachable: the attempt is not counted and the queue pauses",
      );
      await getWorker()?.rateLimit(waitMs);
      throw Worker.RateLimitError();
    }
  };
}

/** Whether PostgreSQL answers a trivial query within 2 s. */
async function databaseAnswers(deps: WorkerDeps): Promise<boolean> {
  const timeout = new Promise<never>((_, reject) => setTimeout(() => reject(new Error("timeout")), 2_000).unref());
  return Promise.race([deps.db.$queryRaw`SELECT 1`, timeout]).then(
    () => true,
    () => false,
  );
}

/**
 * Exponential waits while the database is down: 1 s, 2 s, 4 s … up to 30 s; back to 1 s once a job succeeds.
 * Jobs that fail together (the worker's concurrency) share one pause instead of each doubling it.
 */
export class DatabaseBackoff {
  private failures = 0;
  private pausedUntil = 0;
  next(now = Date.now()): number {
    if (now < this.pausedUntil) return this.pausedUntil - now;
    this.failures += 1;
    const waitMs = Math.min(30_000, 1_000 * 2 ** (this.failures - 1));
    this.pausedUntil = now + waitMs;
    return waitMs;
  }
  reset(): void {
    this.failures = 0;
    this.pausedUntil = 0;
  }
}

function processAnalysis(deps: WorkerDeps, getWorker: () => Worker | undefined, bounds: AnalysisBounds) {
  return async (job: Job): Promise<{ status: string; threats: number }> => {
    const { analysisId } = JOB_PAYLOADS["analyze-template"].parse(job.data);
    const log = deps.logger.child({ jobId: job.id, analysisId });
    // Taken while the worker was leaving: back to the queue untouched, for the next worker.
    if (deps.shutdown?.aborted) throw Worker.RateLimitError();
    const analysis = await loadAnalysis(deps.db, analysisId);
    if (!analysis) throw new UnrecoverableError(`analysis ${analysisId} does not exist`);
    if (DONE.includes(analysis.status)) {
      log.info({ status: analysis.status }, "analysis already finished; nothing to do");
      return { status: analysis.status, threats: -1 };
    }

    const startedAt = new Date();
    const claimed = await deps.db.analysis.updateMany({
      where: { id: analysisId, status: { in: ["queued", "running"] } },
      data: { status: "running", startedAt, attempts: job.attemptsMade + 1 },
    });
    if (claimed.count === 0) return { status: "canceled", threats: -1 };
    log.info({ attempt: job.attemptsMade + 1 }, "analysis started");
    await announce(deps, analysis, "running");

    // Canceling a batch cancels its running analyses too: the engine run is stopped and nothing is written.
    const canceled = new AbortController();
    const stopWatching = watchCancellation(deps.db, analysisId, canceled, bounds.cancelPollMs);
    // A worker shutting down stops the analysis too, but puts it back in the queue instead of ending it.
    const stop = deps.shutdown ? AbortSignal.any([canceled.signal, deps.shutdown]) : canceled.signal;
    try {
      const lastAttempt = job.attemptsMade + 1 >= (job.opts.attempts ?? 1);
      const outcome = await runPipeline(deps, analysis, lastAttempt, bounds, stop);
      if (canceled.signal.aborted) throw new AnalysisCanceledError(`analysis ${analysisId} was canceled`);
      await persistOutcome(deps.db, analysisId, analysis.projectId, startedAt, outcome, {
        timeoutMs: bounds.persistTimeoutMs,
      });
      await announce(deps, analysis, outcome.status, {
        threatCount: outcome.threats.length,
        errorCode: outcome.error?.code ?? null,
      });
      // The system view follows the project's current analyses; a failure to ask is logged, not the analysis's.
      await requestSystemGraph(deps.db, deps.queue, analysis.projectId).catch((err: unknown) =>
        log.warn({ err }, "could not request the system graph"),
      );
      // New critical threats are told to the team's webhooks that subscribe; likewise logged, never fatal.
      await requestCriticalNotice(deps.db, deps.queue, analysisId, analysis.projectId).catch((err: unknown) =>
        log.warn({ err }, "could not request the critical-threat notice"),
      );
      log.info(
        { status: outcome.status, threats: outcome.threats.length, format: outcome.format },
        "analysis finished",
      );
      return { status: outcome.status, threats: outcome.threats.length };
    } catch (error) {
      if (isDatabaseUnavailable(error)) throw error;
      if (error instanceof AnalysisCanceledError || (isAborted(error) && canceled.signal.aborted)) {
        log.info("analysis canceled while running; nothing written");
        await announce(deps, analysis, "canceled");
        return { status: "canceled", threats: -1 };
      }
      if (isAborted(error) && deps.shutdown?.aborted) {
        // The job goes back to waiting without spending an attempt (BullMQ's rate-limit path), the row to queued.
        log.info("worker shutting down: analysis stopped and put back in the queue");
        await requeueRow(deps, analysisId);
        await announce(deps, analysis, "queued");
        throw Worker.RateLimitError();
      }
      if (isThrottle(error)) {
        // Bedrock said 429, or the shared quota is further away than LLM_LIMITER_MAX_WAIT_MS (shorter waits
        // happen inside the LLM step): pause the whole queue instead of burning an attempt.
        await getWorker()?.rateLimit(error.retryAfterMs);
        await requeueRow(deps, analysisId);
        throw Worker.RateLimitError();
      }
      const attempts = job.opts.attempts ?? 1;
      const last = error instanceof UnrecoverableError || job.attemptsMade + 1 >= attempts;
      log.error({ err: error, attempt: job.attemptsMade + 1, last }, "analysis attempt failed");
      if (last) {
        const code: ErrorCode = "internal/error";
        // Only a row still running: a batch canceled meanwhile stays canceled.
        await deps.db.analysis.updateMany({
          where: { id: analysisId, status: "running" },
          data: {
            status: "failed",
            errorCode: code,
            errorMessage: "The analysis failed after every retry. It has been logged.",
            finishedAt: new Date(),
          },
        });
        await announce(deps, analysis, "failed", { errorCode: code });
      } else {
        await requeueRow(deps, analysisId);
      }
      throw error;
    } finally {
      stopWatching();
    }
  };
}

/** Puts a running analysis back to queued for its next attempt (a canceled one stays canceled). */
async function requeueRow(deps: WorkerDeps, analysisId: string): Promise<void> {
  await deps.db.analysis.updateMany({ where: { id: analysisId, status: "running" }, data: { status: "queued" } });
}

/** The pipeline proper: rules always; the model on top when configured; a parse error is a finished, failed analysis. */
async function runPipeline(
  deps: WorkerDeps,
  analysis: LoadedAnalysis,
  lastAttempt: boolean,
  bounds: AnalysisBounds,
  signal: AbortSignal,
): Promise<AnalysisOutcome> {
  const outcome = await runStages(deps, analysis, lastAttempt, bounds, signal);
  return capOutcome(outcome, bounds.maxThreats);
}

/** Rules, then the model: a parse error is a finished, failed analysis. */
async function runStages(
  deps: WorkerDeps,
  analysis: LoadedAnalysis,
  lastAttempt: boolean,
  bounds: AnalysisBounds,
  signal: AbortSignal,
): Promise<AnalysisOutcome> {
  let result: BoundedResult;
  try {
    result = deps.engine
      ? await deps.engine.analyze(
          analysis.files,
          [analysis.path],
          signal,
          analysis.teamRules,
          // Only when the model will be asked: its prompt is prepared in the engine's thread, off the main one.
          deps.llm?.preparation,
        )
      : await analyzeBounded(analysis.files, [analysis.path], bounds.maxThreats, analysis.teamRules);
  } catch (error) {
    if (error instanceof EngineTimeoutError)
      return failedOutcome(
        "template/timeout",
        "The template took too long to parse and was abandoned; it may be pathological.",
      );
    if (error instanceof EngineMemoryError)
      return failedOutcome("template/too-large", `The template is too large to analyse: ${error.message}.`);
    throw error;
  }
  const report = result.files.find((f) => f.path === analysis.path);
  const base: AnalysisOutcome = {
    ...emptyOutcome(),
    format: report?.format ?? null,
    // A plan's resources point at the `.tf` files it was planned from (when the project holds them): its report counts them.
    resourceCount:
      report?.format === "terraform-plan"
        ? report.resources
        : result.graph.nodes.filter((n) => n.file === analysis.path).length,
    threats: result.threats,
    omitted: result.omitted,
    warnings: report?.warnings ?? [],
  };
  if (report?.error) {
    return {
      ...base,
      status: "failed",
      threats: [],
      omitted: null,
      // One line that says why and where, so the web app and the CLI can show it as it is.
      error: {
        code: report.error.code,
        message:
          report.error.line !== undefined
            ? `${report.error.message} (line ${report.error.line}${report.error.column !== undefined ? `, column ${report.error.column}` : ""})`
            : report.error.message,
      },
    };
  }
  if (!deps.llm) return base;

  let llm: Awaited<ReturnType<NonNullable<WorkerDeps["llm"]>["model"]>>;
  try {
    llm = await deps.llm.model({
      analysisId: analysis.id,
      contentHash: analysis.sha256,
      files: analysis.files,
      graph: result.graph,
      ruleThreats: result.threats,
      force: analysis.force,
      budgetExhausted: await teamBudgetExhausted(deps.db, analysis.teamId),
      signal,
      prepared: result.prompt ?? null,
    });
  } catch (error) {
    // Transient model failures are retried by the queue; once retries are spent, the rule threats still stand.
    if (isThrottle(error) || isAborted(error) || !lastAttempt) throw error;
    deps.logger.warn(
      { err: error, analysisId: analysis.id },
      "model unavailable on the last attempt; keeping rule threats",
    );
    return {
      ...base,
      status: "partial",
      error: {
        code: "llm/unavailable",
        message: "The model could not be reached after every retry; these are the rule threats only.",
      },
    };
  }
  return {
    ...base,
    status: llm.status === "partial" ? "partial" : "succeeded",
    threats: llm.threats,
    provider: llm.provider,
    model: llm.model,
    promptHash: llm.promptHash,
    usage: llm.usage,
    cacheHit: llm.cacheHit,
    ungroundedCount: llm.ungroundedCount,
    error: llm.error ?? null,
  };
}

/**
 * Caps the final threats (the model's answer adds to the rule threats) and marks a capped analysis partial
 * with `analysis/truncated`, unless it already carries a reason of its own.
 */
function capOutcome(outcome: AnalysisOutcome, maxThreats: number): AnalysisOutcome {
  const { kept, omitted } = capThreats(outcome.threats, maxThreats);
  const all = mergeOmitted(outcome.omitted, omitted);
  if (!all || outcome.status === "failed") return { ...outcome, threats: kept, omitted: all };
  return {
    ...outcome,
    status: "partial",
    threats: kept,
    omitted: all,
    error: outcome.error ?? {
      code: "analysis/truncated" satisfies ErrorCode,
      message: `The template yields ${kept.length + all.count} threats; the ${kept.length} highest-scoring are kept and the other ${all.count} are only counted (by rule and severity).`,
    },
  };
}

function mergeOmitted(a: OmittedThreats | null, b: OmittedThreats | null): OmittedThreats | null {
  if (!a || !b) return a ?? b;
  const bySeverity = { ...a.bySeverity };
  for (const [k, n] of Object.entries(b.bySeverity))
    bySeverity[k as keyof typeof bySeverity] = (bySeverity[k as keyof typeof bySeverity] ?? 0) + n;
  const byRule = { ...a.byRule };
  for (const [k, n] of Object.entries(b.byRule)) byRule[k] = (byRule[k] ?? 0) + n;
  return { count: a.count + b.count, bySeverity, byRule };
}

function failedOutcome(code: ErrorCode, message: string): AnalysisOutcome {
  return { ...emptyOutcome(), status: "failed", error: { code, message } };
}

function emptyOutcome(): AnalysisOutcome {
  return {
    status: "succeeded",
    format: null,
    resourceCount: null,
    threats: [],
    omitted: null,
    provider: "rules",
    model: null,
    promptHash: null,
    usage: { inputTokens: 0, outputTokens: 0, cacheReadTokens: 0, cacheWriteTokens: 0, latencyMs: null, costUsd: 0 },
    cacheHit: false,
    ungroundedCount: 0,
    error: null,
    warnings: [],
  };
}
