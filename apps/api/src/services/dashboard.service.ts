import type { Queue } from "bullmq";
import {
  SEVERITIES,
  STRIDE_CATEGORIES,
  type DashboardDto,
  type LlmSettingsDto,
  type Severity,
  type StrideCategory,
} from "@threatline/domain";
import type { Db } from "@threatline/db";
import type { LlmConfig } from "@threatline/llm";
import { type Actor, readableTeams } from "../auth/context.ts";
import { currentAnalyses } from "./templates.service.ts";

const DAY_MS = 86_400_000;

/** `YYYY-MM-DD` of a date in UTC. */
export function dayKey(date: Date): string {
  return date.toISOString().slice(0, 10);
}

/** The UTC days of the window ending today, oldest first. */
export function windowDays(now: Date, days: number): string[] {
  const out: string[] = [];
  for (let i = days - 1; i >= 0; i--) out.push(dayKey(new Date(now.getTime() - i * DAY_MS)));
  return out;
}

/**
 * Risk at the end of each day from snapshots ordered by time: the value of the last snapshot on or before
 * that day, carried forward; `initial` before the first one.
 */
export function endOfDaySeries(days: string[], snapshots: Array<{ at: Date; riskScore: number }>, initial: number): number[] {
  const out: number[] = [];
  let value = initial;
  let i = 0;
  for (const day of days) {
    while (i < snapshots.length && dayKey(snapshots[i]!.at) <= day) value = snapshots[i++]!.riskScore;
    out.push(value);
  }
  return out;
}

/**
 * Everything the team dashboard draws, over the projects the actor can read, in one answer: the charts
 * share the same window and the same notion of "current threats".
 */
export async function getDashboard(db: Db, queue: Queue, actor: Actor, days: number, now = new Date()): Promise<DashboardDto> {
  const teamIds = readableTeams(actor);
  const projects = await db.project.findMany({ where: { teamId: { in: teamIds } }, orderBy: { riskScore: "desc" } });
  const projectIds = projects.map((p) => p.id);
  const window = windowDays(now, days);
  const since = new Date(`${window[0]}T00:00:00.000Z`);

  const [snapshots, anchors, current, recent, queueCounts, spend] = await Promise.all([
    db.riskSnapshot.findMany({ where: { projectId: { in: projectIds }, at: { gte: since } }, orderBy: { at: "asc" }, select: { projectId: true, at: true, riskScore: true } }),
    projectIds.length
      ? db.$queryRaw<Array<{ projectId: string; riskScore: number }>>`
          SELECT DISTINCT ON ("projectId") "projectId", "riskScore" FROM "RiskSnapshot"
          WHERE "projectId" = ANY(${projectIds}::uuid[]) AND at < ${since}
          ORDER BY "projectId", at DESC`
      : Promise.resolve([]),
    currentAnalyses(db, projectIds),
    db.analysis.findMany({
      where: { projectId: { in: projectIds } },
      orderBy: [{ createdAt: "desc" }, { id: "desc" }],
      take: 10,
      include: { project: { select: { name: true } }, templateVersion: { select: { template: { select: { path: true } } } } },
    }),
    queue.getJobCounts("waiting", "active", "delayed", "failed", "completed", "prioritized").catch(() => null),
    projectIds.length
      ? db.$queryRaw<Array<{ day: Date; cost: string; input: bigint; output: bigint }>>`
          SELECT date_trunc('day', "finishedAt") AS day, sum("costUsd")::text AS cost,
                 sum("inputTokens")::bigint AS input, sum("outputTokens")::bigint AS output
          FROM "Analysis"
          WHERE "projectId" = ANY(${projectIds}::uuid[]) AND "finishedAt" >= ${since}
          GROUP BY 1 ORDER BY 1`
      : Promise.resolve([]),
  ]);

  const anchorOf = new Map(anchors.map((a) => [a.projectId, a.riskScore]));
  const snapshotsOf = new Map<string, Array<{ at: Date; riskScore: number }>>();
  for (const s of snapshots) {
    const list = snapshotsOf.get(s.projectId) ?? [];
    list.push(s);
    snapshotsOf.set(s.projectId, list);
  }
  const rows = projects.map((p) => ({
    id: p.id,
    name: p.name,
    riskScore: p.riskScore,
    threatCount: p.threatCount,
    lastAnalyzedAt: p.lastAnalyzedAt?.toISOString() ?? null,
    spark: endOfDaySeries(window, snapshotsOf.get(p.id) ?? [], anchorOf.get(p.id) ?? 0),
  }));
  const series = window.map((day, i) => ({ day, riskScore: rows.reduce((sum, r) => sum + (r.spark[i] ?? 0), 0) }));

  const currentIds = current.map((c) => c.id);
  const [heat, weekly, resources] = await Promise.all([
    heatmap(db, currentIds),
    weeklyChurn(db, projectIds, since),
    riskiestResources(db, currentIds),
  ]);
  const nameOf = new Map(projects.map((p) => [p.id, p.name]));

  const spendByDay = new Map(spend.map((s) => [dayKey(s.day), s]));
  return {
    generatedAt: now.toISOString(),
    days,
    teamRisk: { current: projects.reduce((sum, p) => sum + p.riskScore, 0), series },
    projects: rows,
    heatmap: heat,
    weekly,
    riskiestResources: resources.map((r) => ({ ...r, projectName: nameOf.get(r.projectId) ?? "" })),
    recentAnalyses: recent.map((a) => ({
      id: a.id,
      projectId: a.projectId,
      projectName: a.project.name,
      path: a.templateVersion.template.path,
      status: a.status,
      threatCount: a.threatCount,
      riskScore: a.riskScore,
      createdAt: a.createdAt.toISOString(),
      finishedAt: a.finishedAt?.toISOString() ?? null,
    })),
    queue: queueCounts,
    llmSpend: {
      totalUsd: spend.reduce((sum, s) => sum + Number(s.cost), 0),
      days: window.map((day) => {
        const s = spendByDay.get(day);
        return { day, costUsd: s ? Number(s.cost) : 0, inputTokens: s ? Number(s.input) : 0, outputTokens: s ? Number(s.output) : 0 };
      }),
    },
  };
}

const OPEN_ONLY = `NOT EXISTS (SELECT 1 FROM "Triage" tr WHERE tr."projectId" = t."projectId" AND tr.fingerprint = t.fingerprint AND tr.status IN ('accepted', 'mitigated', 'false_positive'))`;

/** Open current threats per STRIDE category and severity, every cell present (zeros included). */
async function heatmap(db: Db, analysisIds: string[]): Promise<DashboardDto["heatmap"]> {
  const rows = analysisIds.length
    ? await db.$queryRawUnsafe<Array<{ category: StrideCategory; severity: Severity; n: bigint }>>(
        `SELECT t.category::text AS category, t.severity::text AS severity, count(*) AS n FROM "Threat" t
         WHERE t."analysisId" = ANY($1::uuid[]) AND ${OPEN_ONLY} GROUP BY 1, 2`,
        analysisIds,
      )
    : [];
  const count = new Map(rows.map((r) => [`${r.category}/${r.severity}`, Number(r.n)]));
  return STRIDE_CATEGORIES.flatMap((category) => SEVERITIES.map((severity) => ({ category, severity, count: count.get(`${category}/${severity}`) ?? 0 })));
}

/**
 * Per week: fingerprints present in an analysis and not in the previous finished analysis of the same
 * template (new), and the other way round (resolved); the first analysis of a template counts all new. The
 * worker stores both counts on each analysis when it persists it, so this is a sum over an index.
 */
async function weeklyChurn(db: Db, projectIds: string[], since: Date): Promise<DashboardDto["weekly"]> {
  if (projectIds.length === 0) return [];
  const rows = await db.$queryRaw<Array<{ week: Date; new: bigint; resolved: bigint }>>`
    SELECT date_trunc('week', "finishedAt") AS week, sum("newThreatCount")::bigint AS new, sum("resolvedThreatCount")::bigint AS resolved
    FROM "Analysis"
    WHERE "projectId" = ANY(${projectIds}::uuid[]) AND status IN ('succeeded', 'partial') AND "finishedAt" >= ${since}
    GROUP BY 1 ORDER BY 1`;
  return rows.map((r) => ({ week: dayKey(r.week), new: Number(r.new), resolved: Number(r.resolved) }));
}

/** Resources carrying the most open current risk, across projects. */
async function riskiestResources(db: Db, analysisIds: string[]) {
  if (analysisIds.length === 0) return [];
  const rows = await db.$queryRawUnsafe<Array<{ projectId: string; id: string; type: string; file: string; n: bigint; score: number; worst: Severity }>>(
    `SELECT t."projectId" AS "projectId", r->>'id' AS id, coalesce(r->>'type', '') AS type, coalesce(r->>'file', '') AS file,
            count(*) AS n, sum(t.score) AS score, min(t.severity)::text AS worst
     FROM "Threat" t CROSS JOIN LATERAL jsonb_array_elements(t.resources) r
     WHERE t."analysisId" = ANY($1::uuid[]) AND ${OPEN_ONLY}
     GROUP BY 1, 2, 3, 4 ORDER BY score DESC, n DESC LIMIT 10`,
    analysisIds,
  );
  return rows.map((r) => ({ projectId: r.projectId, resourceId: r.id, resourceType: r.type, file: r.file, threatCount: Number(r.n), riskScore: r.score, worstSeverity: r.worst }));
}

/**
 * The configured model, without secrets, and each readable team's budget and spend this month.
 * `llm` is what main.ts parsed from the environment (null: rules only); `error` when it did not parse.
 */
export async function llmSettings(db: Db, actor: Actor, llm: LlmConfig | null, error: string | null, now = new Date()): Promise<LlmSettingsDto> {
  const monthStart = new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), 1));
  const teams = await db.team.findMany({ where: { id: { in: readableTeams(actor) } }, orderBy: { name: "asc" } });
  const spent = await Promise.all(
    teams.map((t) => db.analysis.aggregate({ _sum: { costUsd: true }, where: { project: { teamId: t.id }, finishedAt: { gte: monthStart } } })),
  );
  return {
    mode: llm ? "llm" : "rules",
    provider: llm?.provider ?? null,
    model: llm?.model ?? null,
    region: llm?.region ?? null,
    rpm: llm?.rpm ?? 0,
    tpm: llm?.tpm ?? 0,
    promptVersion: llm?.promptVersion ?? null,
    teams: teams.map((t, i) => ({
      id: t.id,
      name: t.name,
      budgetUsd: t.llmBudgetUsd === null ? null : Number(t.llmBudgetUsd),
      spentThisMonthUsd: Number(spent[i]?._sum.costUsd ?? 0),
    })),
    error,
  };
}
