import { setImmediate as nextTurn } from "node:timers/promises";
import {
  type AnalysisStatus,
  type FileWarning,
  type OmittedThreats,
  type Threat,
  countBySeverity,
  riskScore,
} from "@threatline/domain";
import { type Db, Prisma, refreshProjectRisk, threatRows } from "@threatline/db";
import { carryTriage } from "./carry-triage.ts";

export interface AnalysisOutcome {
  status: Extract<AnalysisStatus, "succeeded" | "partial" | "failed">;
  format: string | null;
  resourceCount: number | null;
  threats: Threat[];
  /** Threats found beyond ANALYSIS_MAX_THREATS and not stored, or null. */
  omitted: OmittedThreats | null;
  provider: string;
  model: string | null;
  promptHash: string | null;
  usage: {
    inputTokens: number;
    outputTokens: number;
    cacheReadTokens: number;
    cacheWriteTokens: number;
    latencyMs: number | null;
    costUsd: number;
  };
  cacheHit: boolean;
  ungroundedCount: number;
  error: { code: string; message: string } | null;
  /** What the parser read leniently in the template (duplicate keys, tabs, unresolved `$ref`s). */
  warnings?: FileWarning[];
}

/** The analysis was canceled before its result was written: nothing is written. */
export class AnalysisCanceledError extends Error {
  override readonly name = "AnalysisCanceledError";
}

export interface PersistOptions {
  /** Longest the whole transaction may last (PERSIST_TIMEOUT_SECONDS). */
  timeoutMs?: number;
}

/** Threat rows per INSERT: bounded statements, and a turn of the event loop between them. */
const INSERT_BATCH = 500;

/**
 * Writes an analysis's result in one transaction: its threats replace whatever an earlier attempt wrote (so a
 * retried job never duplicates), triage on threats now merged into others moves to the survivors, its counters
 * and status are set, and the project's risk is refreshed. A canceled analysis is not written
 * (AnalysisCanceledError, and nothing changes). The transaction is bounded by PostgreSQL as well as by Prisma
 * (see `boundTransaction`), and inserts in batches that yield in between, so that the API sharing the process
 * (`npm start`) keeps answering.
 */
export async function persistOutcome(
  db: Db,
  analysisId: string,
  projectId: string,
  startedAt: Date,
  outcome: AnalysisOutcome,
  options: PersistOptions = {},
): Promise<void> {
  const timeoutMs = options.timeoutMs ?? 60_000;
  const finishedAt = new Date();
  await db.$transaction(
    async (tx) => {
      await boundTransaction(tx, timeoutMs);
      const churn = await threatChurn(tx, analysisId, outcome.threats);
      await tx.threat.deleteMany({ where: { analysisId } });
      const rows = threatRows(outcome.threats, analysisId, projectId);
      for (let i = 0; i < rows.length; i += INSERT_BATCH) {
        await tx.threat.createMany({ data: rows.slice(i, i + INSERT_BATCH), skipDuplicates: true });
        await nextTurn();
      }
      if (outcome.threats.length > 0) {
        await carryTriage(tx, projectId, outcome.threats);
      }
      const written = await tx.analysis.updateMany({
        where: { id: analysisId, status: { not: "canceled" } },
        data: {
          status: outcome.status,
          format: outcome.format,
          resourceCount: outcome.resourceCount,
          provider: outcome.provider,
          model: outcome.model,
          promptHash: outcome.promptHash,
          ...(await spendData(tx, analysisId, outcome)),
          ungroundedCount: outcome.ungroundedCount,
          threatCount: outcome.threats.length,
          omittedThreatCount: outcome.omitted?.count ?? 0,
          omittedSummary: outcome.omitted ?? Prisma.DbNull,
          newThreatCount: churn.new,
          resolvedThreatCount: churn.resolved,
          riskScore: riskScore(outcome.threats),
          severityCounts: countBySeverity(outcome.threats),
          warnings: outcome.warnings ?? [],
          errorCode: outcome.error?.code ?? null,
          errorMessage: outcome.error?.message ?? null,
          finishedAt,
          durationMs: finishedAt.getTime() - startedAt.getTime(),
        },
      });
      if (written.count === 0) throw new AnalysisCanceledError(`analysis ${analysisId} was canceled`);
      await refreshProjectRisk(tx, projectId, analysisId);
    },
    { timeout: timeoutMs, maxWait: 15_000 },
  );
}

/**
 * Prisma's transaction timeout is a timer in this process: while the event loop is blocked (as it was for 18
 * minutes writing 100,000 threats) it cannot fire, and the session sits "idle in transaction" holding its
 * locks. These make PostgreSQL end the transaction itself: no statement may run longer than the whole
 * budget, and the session may not sit idle inside it for longer either.
 */
export async function boundTransaction(tx: Prisma.TransactionClient, timeoutMs: number): Promise<void> {
  const ms = Math.max(1, Math.round(timeoutMs));
  await tx.$executeRawUnsafe(`SET LOCAL statement_timeout = ${ms}`);
  await tx.$executeRawUnsafe(`SET LOCAL idle_in_transaction_session_timeout = ${ms}`);
}

/**
 * New and resolved threats against the previous finished analysis of the same template, by fingerprint, kept
 * on the analysis so that "new vs resolved per week" is a sum rather than a comparison of every pair of runs.
 */
async function threatChurn(
  tx: Prisma.TransactionClient,
  analysisId: string,
  threats: Threat[],
): Promise<{ new: number; resolved: number }> {
  const self = await tx.analysis.findUniqueOrThrow({
    where: { id: analysisId },
    select: { templateVersion: { select: { templateId: true } } },
  });
  const previous = await tx.analysis.findFirst({
    where: {
      id: { not: analysisId },
      status: { in: ["succeeded", "partial"] },
      templateVersion: { templateId: self.templateVersion.templateId },
    },
    orderBy: [{ finishedAt: "desc" }, { id: "desc" }],
    select: { threats: { select: { fingerprint: true } } },
  });
  const before = new Set(previous?.threats.map((t) => t.fingerprint) ?? []);
  const now = new Set(threats.map((t) => t.fingerprint));
  return {
    new: [...now].filter((f) => !before.has(f)).length,
    resolved: [...before].filter((f) => !now.has(f)).length,
  };
}

/**
 * The spend columns to write. A cache hit costs nothing, but it must not erase what an earlier attempt of the
 * same analysis paid for (a re-run after a lost job hits the cache that attempt filled): then the recorded
 * tokens and cost stay, or the spend would vanish from the team's budget.
 */
async function spendData(
  tx: Prisma.TransactionClient,
  analysisId: string,
  outcome: AnalysisOutcome,
): Promise<Prisma.AnalysisUpdateManyMutationInput> {
  if (outcome.cacheHit) {
    const recorded = await tx.analysis.findUniqueOrThrow({
      where: { id: analysisId },
      select: { inputTokens: true, outputTokens: true, costUsd: true },
    });
    const paid = recorded.inputTokens > 0 || recorded.outputTokens > 0 || Number(recorded.costUsd) > 0;
    if (paid) return {};
  }
  return {
    inputTokens: outcome.usage.inputTokens,
    outputTokens: outcome.usage.outputTokens,
    cacheReadTokens: outcome.usage.cacheReadTokens,
    cacheWriteTokens: outcome.usage.cacheWriteTokens,
    llmLatencyMs: outcome.usage.latencyMs,
    costUsd: outcome.usage.costUsd,
    llmCacheHit: outcome.cacheHit,
  };
}
