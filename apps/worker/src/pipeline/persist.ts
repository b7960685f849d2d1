import { type AnalysisStatus, type Threat, countBySeverity, riskScore } from "@threatline/domain";
import { type Db, type Prisma, refreshProjectRisk, threatRows } from "@threatline/db";
import { carryTriage } from "./carry-triage.ts";

export interface AnalysisOutcome {
  status: Extract<AnalysisStatus, "succeeded" | "partial" | "failed">;
  format: string | null;
  resourceCount: number | null;
  threats: Threat[];
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
}

/**
 * Writes an analysis's result in one transaction: its threats replace whatever an earlier attempt wrote (so a
 * retried job never duplicates), triage on threats now merged into others moves to the survivors, its counters
 * and status are set, and the project's risk is refreshed.
 */
export async function persistOutcome(
  db: Db,
  analysisId: string,
  projectId: string,
  startedAt: Date,
  outcome: AnalysisOutcome,
): Promise<void> {
  const finishedAt = new Date();
  await db.$transaction(
    async (tx) => {
      const churn = await threatChurn(tx, analysisId, outcome.threats);
      await tx.threat.deleteMany({ where: { analysisId } });
      if (outcome.threats.length > 0) {
        await tx.threat.createMany({
          data: threatRows(outcome.threats, analysisId, projectId),
          skipDuplicates: true,
        });
        await carryTriage(tx, projectId, outcome.threats);
      }
      await tx.analysis.update({
        where: { id: analysisId },
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
          newThreatCount: churn.new,
          resolvedThreatCount: churn.resolved,
          riskScore: riskScore(outcome.threats),
          severityCounts: countBySeverity(outcome.threats),
          errorCode: outcome.error?.code ?? null,
          errorMessage: outcome.error?.message ?? null,
          finishedAt,
          durationMs: finishedAt.getTime() - startedAt.getTime(),
        },
      });
      await refreshProjectRisk(tx, projectId, analysisId);
    },
    { timeout: 60_000, maxWait: 15_000 },
  );
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
): Promise<Prisma.AnalysisUpdateInput> {
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
