import type { AnalysisDto, RiskPoint } from "@threatline/domain";
import type { Db } from "@threatline/db";
import type { Actor } from "../auth/context.ts";
import { toAnalysisDto } from "./analyses.service.ts";
import { getProjectFor } from "./projects.service.ts";

const DAY_MS = 86_400_000;

/**
 * A project's risk over time from its snapshots (one per finished analysis and per triage change). Points
 * written by an analysis carry its id and path, so charts can put a marker per analysis. One query: the last
 * snapshot before the window (it anchors the line at the window's left edge) and the window's snapshots, each
 * joined to its analysis's template path.
 */
export async function projectTrend(
  db: Db,
  actor: Actor,
  projectId: string,
  days: number,
  now = new Date(),
): Promise<RiskPoint[]> {
  await getProjectFor(db, actor, projectId);
  const since = new Date(now.getTime() - days * DAY_MS);
  const rows = await db.$queryRaw<
    Array<{
      anchor: boolean;
      at: Date;
      riskScore: number;
      threatCount: number;
      analysisId: string | null;
      path: string | null;
    }>
  >`
    (SELECT true AS anchor, s.at, s."riskScore", s."threatCount", NULL::uuid AS "analysisId", NULL::text AS path
     FROM "RiskSnapshot" s WHERE s."projectId" = ${projectId}::uuid AND s.at < ${since} ORDER BY s.at DESC LIMIT 1)
    UNION ALL
    (SELECT false, s.at, s."riskScore", s."threatCount", s."analysisId", tp.path
     FROM "RiskSnapshot" s
     LEFT JOIN "Analysis" a ON a.id = s."analysisId"
     LEFT JOIN "TemplateVersion" tv ON tv.id = a."templateVersionId"
     LEFT JOIN "Template" tp ON tp.id = tv."templateId"
     WHERE s."projectId" = ${projectId}::uuid AND s.at >= ${since} ORDER BY s.at LIMIT 5000)
    ORDER BY anchor DESC, at`;
  return rows.map((s) => ({
    at: (s.anchor ? since : s.at).toISOString(),
    riskScore: s.riskScore,
    threatCount: s.threatCount,
    analysisId: s.analysisId,
    path: s.path,
  }));
}

/** A project's analyses, newest first. */
export async function projectTimeline(db: Db, actor: Actor, projectId: string, limit: number): Promise<AnalysisDto[]> {
  await getProjectFor(db, actor, projectId);
  const rows = await db.analysis.findMany({
    where: { projectId },
    orderBy: [{ createdAt: "desc" }, { id: "desc" }],
    take: limit,
    include: { templateVersion: { include: { template: true } }, project: true },
  });
  return rows.map(toAnalysisDto);
}
