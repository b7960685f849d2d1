import type { Prisma } from "./generated/client.ts";
import type { Db } from "./client.ts";

type Tx = Prisma.TransactionClient | Db;

export interface ProjectRisk {
  riskScore: number;
  threatCount: number;
  severityCounts: Record<string, number>;
}

/**
 * A project's current risk: the threats of the latest finished analysis of every template (the template's
 * `currentAnalysisId`, which this moves to `analysisId` when that analysis finished), less those
 * triaged as accepted, mitigated or false positive (the risk formula is in @threatline/domain `riskScore`).
 * Takes the project's row lock so that concurrent workers finishing analyses of one project serialize here
 * and the last writer sees every commit before it.
 */
export async function refreshProjectRisk(tx: Tx, projectId: string, analysisId: string | null): Promise<ProjectRisk> {
  // NO KEY UPDATE, not UPDATE: the caller's transaction already holds a KEY SHARE lock on this row (the foreign
  // keys of the threats it inserted), and FOR UPDATE conflicts with other writers' KEY SHARE locks, so two
  // workers finishing analyses of one project deadlocked (40P01). NO KEY UPDATE still serializes refreshers.
  await tx.$queryRaw`SELECT id FROM "Project" WHERE id = ${projectId}::uuid FOR NO KEY UPDATE`;
  if (analysisId) {
    // The analysis just finished, so it is its template's latest finished one (failed runs do not count).
    await tx.$executeRaw`
      UPDATE "Template" SET "currentAnalysisId" = a.id
      FROM "Analysis" a JOIN "TemplateVersion" tv ON tv.id = a."templateVersionId"
      WHERE a.id = ${analysisId}::uuid AND a.status IN ('succeeded', 'partial') AND "Template".id = tv."templateId"`;
  }
  const rows = await tx.$queryRaw<Array<{ severity: string; n: bigint; score: number | null }>>`
    WITH latest AS (
      SELECT "currentAnalysisId" AS id FROM "Template"
      WHERE "projectId" = ${projectId}::uuid AND "currentAnalysisId" IS NOT NULL
    )
    SELECT t.severity::text AS severity, count(*) AS n, sum(t.score) AS score
    FROM "Threat" t
    WHERE t."analysisId" IN (SELECT id FROM latest)
      AND NOT EXISTS (
        SELECT 1 FROM "Triage" tr
        WHERE tr."projectId" = t."projectId" AND tr.fingerprint = t.fingerprint
          AND tr.status IN ('accepted', 'mitigated', 'false_positive')
      )
    GROUP BY t.severity`;
  const severityCounts: Record<string, number> = { critical: 0, high: 0, medium: 0, low: 0, info: 0 };
  let riskScore = 0;
  let threatCount = 0;
  for (const row of rows) {
    severityCounts[row.severity] = Number(row.n);
    threatCount += Number(row.n);
    riskScore += row.score ?? 0;
  }
  const now = new Date();
  await tx.project.update({
    where: { id: projectId },
    data: { riskScore, threatCount, ...(analysisId ? { lastAnalyzedAt: now } : {}) },
  });
  await tx.riskSnapshot.create({ data: { projectId, analysisId, at: now, riskScore, threatCount, severityCounts } });
  return { riskScore, threatCount, severityCounts };
}
