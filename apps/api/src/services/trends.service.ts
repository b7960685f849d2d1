import type { AnalysisDto, RiskPoint } from "@threatline/domain";
import type { Db } from "@threatline/db";
import type { Actor } from "../auth/context.ts";
import { toAnalysisDto } from "./analyses.service.ts";
import { getProjectFor } from "./projects.service.ts";

const DAY_MS = 86_400_000;

/**
 * A project's risk over time from its snapshots (one per finished analysis and per triage change). Points
 * written by an analysis carry its id and path, so charts can put a marker per analysis.
 */
export async function projectTrend(db: Db, actor: Actor, projectId: string, days: number, now = new Date()): Promise<RiskPoint[]> {
  await getProjectFor(db, actor, projectId);
  const since = new Date(now.getTime() - days * DAY_MS);
  const [before, rows] = await Promise.all([
    // The last point before the window anchors the line at its left edge.
    db.riskSnapshot.findFirst({ where: { projectId, at: { lt: since } }, orderBy: { at: "desc" } }),
    db.riskSnapshot.findMany({ where: { projectId, at: { gte: since } }, orderBy: { at: "asc" }, take: 5000 }),
  ]);
  const snapshots = before ? [{ ...before, at: since, analysisId: null }, ...rows] : rows;
  const analysisIds = snapshots.map((s) => s.analysisId).filter((id): id is string => id !== null);
  const analyses = await db.analysis.findMany({
    where: { id: { in: analysisIds } },
    select: { id: true, templateVersion: { select: { template: { select: { path: true } } } } },
  });
  const pathOf = new Map(analyses.map((a) => [a.id, a.templateVersion.template.path]));
  return snapshots.map((s) => ({
    at: s.at.toISOString(),
    riskScore: s.riskScore,
    threatCount: s.threatCount,
    analysisId: s.analysisId,
    path: s.analysisId ? (pathOf.get(s.analysisId) ?? null) : null,
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
