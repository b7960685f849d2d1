import { MANUAL_RATINGS, SEVERITIES, type Severity } from "@threatline/domain";
import { Prisma } from "./generated/client.ts";
import type { Db } from "./client.ts";

type Tx = Prisma.TransactionClient | Db;

export interface ProjectRisk {
  riskScore: number;
  threatCount: number;
  severityCounts: Record<string, number>;
}

/** How many of its riskiest resources each project keeps in `ProjectRiskyResource`: the dashboard shows 10. */
export const RISKY_RESOURCES_KEPT = 10;

/**
 * A project's current risk: the threats of the latest finished analysis of every template (the template's
 * `currentAnalysisId`, which this moves to `analysisId` when that analysis finished) and those written by hand,
 * less those triaged as accepted, mitigated or false positive or whose mitigations are all done (the risk
 * formula is in @threatline/domain `riskScore`; the set is `openCurrentThreats`).
 *
 * Everything the dashboard reads about current threats is rewritten here from the same rows, in the caller's
 * transaction: the (category, severity) cells (the project's risk is their sum), the riskiest resources, and
 * the day's closing risk. Every change to current threats or triage goes through this function, so the
 * aggregates cannot drift from the threats.
 *
 * Takes the project's row lock so that concurrent workers finishing analyses of one project serialize here
 * and the last writer sees every commit before it. `now` (default: the time the lock was granted) stamps the
 * snapshot; tests pass it to spread history over days.
 */
export async function refreshProjectRisk(
  tx: Tx,
  projectId: string,
  analysisId: string | null,
  options: { now?: Date } = {},
): Promise<ProjectRisk> {
  // NO KEY UPDATE, not UPDATE: the caller's transaction already holds a KEY SHARE lock on this row (the foreign
  // keys of the threats it inserted), and FOR UPDATE conflicts with other writers' KEY SHARE locks, so two
  // workers finishing analyses of one project deadlocked (40P01). NO KEY UPDATE still serializes refreshers.
  await tx.$queryRaw`SELECT id FROM "Project" WHERE id = ${projectId}::uuid FOR NO KEY UPDATE`;
  const now = options.now ?? new Date();
  if (analysisId) {
    // The analysis just finished, so it is its template's latest finished one (failed runs do not count).
    await tx.$executeRaw`
      UPDATE "Template" SET "currentAnalysisId" = a.id
      FROM "Analysis" a JOIN "TemplateVersion" tv ON tv.id = a."templateVersionId"
      WHERE a.id = ${analysisId}::uuid AND a.status IN ('succeeded', 'partial') AND "Template".id = tv."templateId"`;
  }
  await refreshCurrentAggregates(tx, projectId);
  const rows = await tx.$queryRaw<Array<{ severity: string; n: bigint; score: number | null }>>`
    SELECT severity::text AS severity, sum("threatCount")::bigint AS n, sum("riskScore") AS score
    FROM "ProjectThreatCell" WHERE "projectId" = ${projectId}::uuid
    GROUP BY severity`;
  const severityCounts: Record<string, number> = { critical: 0, high: 0, medium: 0, low: 0, info: 0 };
  let riskScore = 0;
  let threatCount = 0;
  for (const row of rows) {
    severityCounts[row.severity] = Number(row.n);
    threatCount += Number(row.n);
    riskScore += row.score ?? 0;
  }
  await tx.project.update({
    where: { id: projectId },
    data: { riskScore, threatCount, ...(analysisId ? { lastAnalyzedAt: now } : {}) },
  });
  await tx.riskSnapshot.create({ data: { projectId, analysisId, at: now, riskScore, threatCount, severityCounts } });
  // The day's row carries its latest snapshot; an older one (a clock step back) does not replace it.
  await tx.$executeRaw`
    INSERT INTO "ProjectRiskDay" ("projectId", day, at, "riskScore", "threatCount")
    VALUES (${projectId}::uuid, ${now.toISOString().slice(0, 10)}::date, ${now}, ${riskScore}, ${threatCount})
    ON CONFLICT ("projectId", day) DO UPDATE SET at = EXCLUDED.at, "riskScore" = EXCLUDED."riskScore", "threatCount" = EXCLUDED."threatCount"
    WHERE "ProjectRiskDay".at <= EXCLUDED.at`;
  return { riskScore, threatCount, severityCounts };
}

/**
 * A project's open current threats as a subquery (fingerprint, category, severity, score, resources): the threats
 * of every template's current analysis and those written by hand, with people's severity edits applied (the
 * score of an edited severity is @threatline/domain `scoreForSeverity`), less those triaged accepted, mitigated
 * or false positive and those whose mitigations are all done (`mitigationsClose`: one done, none still to do).
 */
const bandScore = (severity: Severity) => MANUAL_RATINGS[severity].likelihood * MANUAL_RATINGS[severity].impact;

function openCurrentThreats(projectId: string): Prisma.Sql {
  return Prisma.sql`
    SELECT t.fingerprint, t.category, coalesce(e.severity, t.severity) AS severity, t.resources,
      CASE WHEN e.severity IS NULL OR e.severity = t.severity THEN t.score
        ELSE CASE e.severity ${Prisma.join(
          SEVERITIES.map((sev) => Prisma.sql`WHEN ${sev}::"Severity" THEN ${bandScore(sev)}::float8`),
          " ",
        )} END
      END AS score
    FROM (
      SELECT t.* FROM "Template" tp JOIN "Threat" t ON t."analysisId" = tp."currentAnalysisId"
      WHERE tp."projectId" = ${projectId}::uuid
      UNION ALL
      SELECT t.* FROM "Threat" t WHERE t."analysisId" IS NULL AND t."projectId" = ${projectId}::uuid
    ) t
    LEFT JOIN "ThreatEdit" e ON e."projectId" = t."projectId" AND e.fingerprint = t.fingerprint
    WHERE NOT EXISTS (
      SELECT 1 FROM "Triage" tr
      WHERE tr."projectId" = t."projectId" AND tr.fingerprint = t.fingerprint AND tr.status IN ('accepted', 'mitigated', 'false_positive')
    ) AND NOT (
      EXISTS (
        SELECT 1 FROM "MitigationThreat" mt JOIN "Mitigation" m ON m.id = mt."mitigationId"
        WHERE mt."projectId" = t."projectId" AND mt.fingerprint = t.fingerprint AND m.status = 'done'
      ) AND NOT EXISTS (
        SELECT 1 FROM "MitigationThreat" mt JOIN "Mitigation" m ON m.id = mt."mitigationId"
        WHERE mt."projectId" = t."projectId" AND mt.fingerprint = t.fingerprint AND m.status IN ('identified', 'in_progress')
      )
    )`;
}

/**
 * Rewrites a project's `ProjectThreatCell` and `ProjectRiskyResource` rows from its open current threats (the
 * statements are the per-project form of the backfill in the `dashboard_aggregates` migration). The caller holds
 * the project's lock (`refreshProjectRisk`) or owns the database (seeding).
 */
export async function refreshCurrentAggregates(tx: Tx, projectId: string): Promise<void> {
  await tx.$executeRaw`DELETE FROM "ProjectThreatCell" WHERE "projectId" = ${projectId}::uuid`;
  await tx.$executeRaw`
    INSERT INTO "ProjectThreatCell" ("projectId", category, severity, "threatCount", "riskScore")
    SELECT ${projectId}::uuid, t.category, t.severity, count(*), sum(t.score)
    FROM (${openCurrentThreats(projectId)}) t
    GROUP BY 1, 2, 3`;
  await tx.$executeRaw`DELETE FROM "ProjectRiskyResource" WHERE "projectId" = ${projectId}::uuid`;
  // Ties are broken by the resource's id, type and file so that the rows kept, and the dashboard, are deterministic.
  await tx.$executeRaw`
    INSERT INTO "ProjectRiskyResource" ("projectId", rank, "resourceId", "resourceType", file, "threatCount", "riskScore", "worstSeverity")
    SELECT ${projectId}::uuid, row_number() OVER (ORDER BY score DESC, n DESC, id, type, file), id, type, file, n, score, worst
    FROM (
      SELECT coalesce(r->>'id', '') AS id, coalesce(r->>'type', '') AS type, coalesce(r->>'file', '') AS file,
             count(*)::int AS n, sum(t.score) AS score, min(t.severity) AS worst
      FROM (${openCurrentThreats(projectId)}) t CROSS JOIN LATERAL jsonb_array_elements(t.resources) r
      GROUP BY 1, 2, 3
    ) g
    ORDER BY score DESC, n DESC, id, type, file
    LIMIT ${RISKY_RESOURCES_KEPT}`;
}
