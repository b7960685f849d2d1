import { type AnalysisStatus, type Threat, countBySeverity, riskScore } from "@threatline/domain";
import { type Db, refreshProjectRisk } from "@threatline/db";

export interface AnalysisOutcome {
  status: Extract<AnalysisStatus, "succeeded" | "partial" | "failed">;
  format: string | null;
  resourceCount: number | null;
  threats: Threat[];
  provider: string;
  model: string | null;
  promptHash: string | null;
  usage: { inputTokens: number; outputTokens: number; cacheReadTokens: number; cacheWriteTokens: number; latencyMs: number | null; costUsd: number };
  cacheHit: boolean;
  ungroundedCount: number;
  error: { code: string; message: string } | null;
}

/**
 * Writes an analysis's result in one transaction: its threats replace whatever an earlier attempt wrote (so a
 * retried job never duplicates), its counters and status are set, and the project's risk is refreshed.
 */
export async function persistOutcome(db: Db, analysisId: string, projectId: string, startedAt: Date, outcome: AnalysisOutcome): Promise<void> {
  const finishedAt = new Date();
  await db.$transaction(
    async (tx) => {
      await tx.threat.deleteMany({ where: { analysisId } });
      if (outcome.threats.length > 0) {
        await tx.threat.createMany({
          data: outcome.threats.map((t) => ({
            analysisId,
            projectId,
            fingerprint: t.fingerprint,
            ruleId: t.ruleId,
            category: t.category,
            title: t.title,
            description: t.description,
            severity: t.severity,
            likelihood: t.likelihood,
            impact: t.impact,
            score: t.score,
            resources: t.resources,
            evidence: t.evidence,
            remediations: t.remediations,
            references: t.references,
            source: t.source,
          })),
          skipDuplicates: true,
        });
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
          inputTokens: outcome.usage.inputTokens,
          outputTokens: outcome.usage.outputTokens,
          cacheReadTokens: outcome.usage.cacheReadTokens,
          cacheWriteTokens: outcome.usage.cacheWriteTokens,
          llmLatencyMs: outcome.usage.latencyMs,
          costUsd: outcome.usage.costUsd,
          llmCacheHit: outcome.cacheHit,
          ungroundedCount: outcome.ungroundedCount,
          threatCount: outcome.threats.length,
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
