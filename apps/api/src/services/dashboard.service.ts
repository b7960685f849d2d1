import type { Queue } from "bullmq";
import {
  type AnalysisStatus,
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
export function endOfDaySeries(
  days: string[],
  snapshots: Array<{ at: Date; riskScore: number }>,
  initial: number,
): number[] {
  const out: number[] = [];
  let value = initial;
  let i = 0;
  for (const day of days) {
    while (i < snapshots.length && dayKey(snapshots[i]!.at) <= day) value = snapshots[i++]!.riskScore;
    out.push(value);
  }
  return out;
}

type FinishedDay = Awaited<ReturnType<typeof finishedPerDay>>[number];
type RiskyResource = Awaited<ReturnType<typeof riskiestResources>>[number];

/** One project's part of the dashboard that changes only when its risk is refreshed. */
interface ProjectAggregates {
  series: number[];
  cells: Array<{ category: StrideCategory; severity: Severity; count: number; risk: number }>;
  resources: RiskyResource[];
}

/**
 * The dashboard's aggregates, kept in this process under a stamp of the rows they were computed from, read from
 * PostgreSQL on every request, so no writer has to remember to invalidate them:
 * - each project's risk series, heatmap cells and riskiest resources, per window, are written only by
 *   `refreshProjectRisk`, which updates the project's row in the same transaction (an analysis finishing, triage,
 *   an import): the key holds the row's version (`xmin`, the last writing transaction), so a refresh is a new
 *   key for that project alone, and the other projects' entries (shared by every team that reads them) stay;
 * - LLM spend and churn, per set of readable teams and window, are sums over the analyses finished in the window:
 *   the key holds their count and the sum and maximum of their `finishedAt`, read from the (projectId,
 *   finishedAt) index, so an analysis finishing, failing, being cancelled or re-queued is a new key.
 * Stamps are read before the aggregates, so an entry is never older than its key. Concurrent misses of one key
 * share one computation. Projects, recent analyses and queue counts are read live on every request.
 */
export function createDashboardCache(maxEntries = 20_000) {
  const entries = new Map<string, Promise<unknown>>();
  const stats = { hits: 0, misses: 0 };
  function cached<T>(key: string, compute: () => Promise<T>): Promise<T> {
    const hit = entries.get(key);
    if (hit) {
      stats.hits += 1;
      entries.delete(key);
      entries.set(key, hit);
      return hit as Promise<T>;
    }
    stats.misses += 1;
    const value = compute();
    entries.set(key, value);
    value.catch(() => entries.delete(key));
    while (entries.size > maxEntries) entries.delete(entries.keys().next().value!);
    return value;
  }
  return { cached, has: (key: string) => entries.has(key), stats, size: () => entries.size };
}
export type DashboardCache = ReturnType<typeof createDashboardCache>;

/**
 * Everything the team dashboard draws, over the projects the actor can read, in one answer: the charts
 * share the same window and the same notion of "current threats". Current-threat figures (heatmap, riskiest
 * resources) and the per-project series are read from the aggregates `refreshProjectRisk` keeps in
 * @threatline/db, never from the threats themselves, so the cost does not grow with the history; with a
 * `cache`, they are computed once per change (see `createDashboardCache`).
 */
export async function getDashboard(
  db: Db,
  queue: Queue,
  actor: Actor,
  days: number,
  now = new Date(),
  cache: DashboardCache = createDashboardCache(0),
): Promise<DashboardDto> {
  const teamIds = readableTeams(actor);
  const projects = await db.$queryRaw<
    Array<{
      id: string;
      name: string;
      riskScore: number;
      threatCount: number;
      lastAnalyzedAt: Date | null;
      version: string;
    }>
  >`
    SELECT id, name, "riskScore", "threatCount", "lastAnalyzedAt", xmin::text AS version
    FROM "Project" WHERE "teamId" = ANY(${teamIds}::uuid[])
    ORDER BY "riskScore" DESC, id`;
  const projectIds = projects.map((p) => p.id);
  const window = windowDays(now, days);
  const since = new Date(`${window[0]}T00:00:00.000Z`);

  const scope = `${days}|${window[0]}|${[...teamIds].sort().join(",")}`;
  // Every project's aggregates from the cache; those missing (or whose row changed) computed in one batch.
  const missing = projects.filter((p) => !cache.has(projectKey(days, window[0]!, p)));
  const batch =
    missing.length > 0
      ? projectAggregates(
          db,
          missing.map((p) => p.id),
          window,
        )
      : Promise.resolve(new Map<string, ProjectAggregates>());
  const perProject = projects.map((p) =>
    cache.cached(projectKey(days, window[0]!, p), async () => (await batch).get(p.id)!),
  );
  const [finished, recent, queueCounts, aggregates] = await Promise.all([
    finishedStamp(db, projectIds, since),
    recentAnalyses(db, projectIds),
    queue.getJobCounts("waiting", "active", "delayed", "failed", "completed", "prioritized").catch(() => null),
    Promise.all(perProject),
  ]);
  const spend = await cache.cached<FinishedDay[]>(
    `spend|${scope}|${projectIds.slice().sort().join(",")}|${finished}`,
    () => finishedPerDay(db, projectIds, since),
  );
  const series = new Map(projects.map((p, i) => [p.id, aggregates[i]!.series]));
  const heat = mergeCells(aggregates.flatMap((a) => a.cells));
  const resources = aggregates
    .flatMap((a) => a.resources)
    .sort(
      (x, y) =>
        y.riskScore - x.riskScore ||
        y.threatCount - x.threatCount ||
        (x.projectId < y.projectId ? -1 : x.projectId > y.projectId ? 1 : 0) ||
        x.rank - y.rank,
    )
    .slice(0, 10)
    .map(({ rank: _rank, ...r }) => r);

  const rows = projects.map((p) => ({
    id: p.id,
    name: p.name,
    riskScore: p.riskScore,
    threatCount: p.threatCount,
    lastAnalyzedAt: p.lastAnalyzedAt?.toISOString() ?? null,
    spark: series.get(p.id) ?? window.map(() => 0),
  }));
  const teamSeries = window.map((day, i) => ({ day, riskScore: rows.reduce((sum, r) => sum + (r.spark[i] ?? 0), 0) }));
  const nameOf = new Map(projects.map((p) => [p.id, p.name]));

  const spendByDay = new Map(spend.map((s) => [dayKey(s.day), s]));
  return {
    generatedAt: now.toISOString(),
    days,
    teamRisk: { current: projects.reduce((sum, p) => sum + p.riskScore, 0), series: teamSeries },
    projects: rows,
    heatmap: heat,
    weekly: weeklyChurn(spend),
    riskiestResources: resources.map((r) => ({ ...r, projectName: nameOf.get(r.projectId) ?? "" })),
    recentAnalyses: recent.map((a) => ({
      id: a.id,
      projectId: a.projectId,
      projectName: a.projectName,
      path: a.path,
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
        return {
          day,
          costUsd: s ? Number(s.cost) : 0,
          inputTokens: s ? Number(s.input) : 0,
          outputTokens: s ? Number(s.output) : 0,
        };
      }),
    },
  };
}

/**
 * Each project's risk at the end of every day of the window, from its closing risk per day
 * (`ProjectRiskDay`, the last snapshot of each day) and the last day before the window, carried forward.
 * One row per project with the window's days as arrays, so the cost is per project, not per snapshot.
 */
async function riskSeries(db: Db, projectIds: string[], window: string[]): Promise<Map<string, number[]>> {
  if (projectIds.length === 0) return new Map();
  const start = new Date(`${window[0]}T00:00:00.000Z`);
  // Days come back as offsets from the window's first day: integers are far cheaper to build than date strings.
  const rows = await db.$queryRaw<
    Array<{ projectId: string; anchor: number | null; offsets: number[] | null; risks: number[] | null }>
  >`
    SELECT p.id AS "projectId", before."riskScore" AS anchor, inside.offsets, inside.risks
    FROM unnest(${projectIds}::uuid[]) AS p(id)
    LEFT JOIN LATERAL (
      SELECT d."riskScore" FROM "ProjectRiskDay" d WHERE d."projectId" = p.id AND d.day < ${window[0]}::date ORDER BY d.day DESC LIMIT 1
    ) before ON true
    LEFT JOIN LATERAL (
      SELECT array_agg(x.day - ${window[0]}::date) AS offsets, array_agg(x."riskScore") AS risks
      FROM (SELECT d.day, d."riskScore" FROM "ProjectRiskDay" d WHERE d."projectId" = p.id AND d.day >= ${window[0]}::date ORDER BY d.day) x
    ) inside ON true`;
  return new Map(
    rows.map((r) => {
      const closes = (r.offsets ?? []).map((offset, i) => ({
        at: new Date(start.getTime() + Number(offset) * DAY_MS),
        riskScore: r.risks?.[i] ?? 0,
      }));
      return [r.projectId, endOfDaySeries(window, closes, r.anchor ?? 0)];
    }),
  );
}

/**
 * The 10 latest analyses across the projects: the 10 latest of each project (an index range each), the best 10
 * of those, and only then their project and path.
 */
async function recentAnalyses(db: Db, projectIds: string[]) {
  if (projectIds.length === 0) return [];
  return db.$queryRaw<
    Array<{
      id: string;
      projectId: string;
      projectName: string;
      path: string;
      status: AnalysisStatus;
      threatCount: number;
      riskScore: number;
      createdAt: Date;
      finishedAt: Date | null;
    }>
  >`
    SELECT a.id, a."projectId", p.name AS "projectName", tp.path, a.status::text AS status, a."threatCount", a."riskScore", a."createdAt", a."finishedAt"
    FROM (
      SELECT a.* FROM unnest(${projectIds}::uuid[]) AS pid(id)
      CROSS JOIN LATERAL (SELECT * FROM "Analysis" WHERE "projectId" = pid.id ORDER BY "createdAt" DESC, id DESC LIMIT 10) a
      ORDER BY a."createdAt" DESC, a.id DESC LIMIT 10
    ) a
    JOIN "Project" p ON p.id = a."projectId"
    JOIN "TemplateVersion" tv ON tv.id = a."templateVersionId"
    JOIN "Template" tp ON tp.id = tv."templateId"
    ORDER BY a."createdAt" DESC, a.id DESC
    LIMIT 10`;
}

/** A project's cache key: the window and the version of its row (see `createDashboardCache`). */
function projectKey(days: number, firstDay: string, project: { id: string; version: string }): string {
  return `project|${days}|${firstDay}|${project.id}@${project.version}`;
}

/** The risk series, heatmap cells and riskiest resources of some projects, three queries in all. */
async function projectAggregates(
  db: Db,
  projectIds: string[],
  window: string[],
): Promise<Map<string, ProjectAggregates>> {
  const [series, cells, resources] = await Promise.all([
    riskSeries(db, projectIds, window),
    threatCells(db, projectIds),
    riskiestResources(db, projectIds),
  ]);
  return new Map(
    projectIds.map((id) => [
      id,
      {
        series: series.get(id) ?? window.map(() => 0),
        cells: cells.filter((c) => c.projectId === id).map(({ projectId: _p, ...c }) => c),
        resources: resources.filter((r) => r.projectId === id),
      },
    ]),
  );
}

/** Open current threats per project, STRIDE category and severity (the cells that have any). */
async function threatCells(db: Db, projectIds: string[]) {
  if (projectIds.length === 0) return [];
  const rows = await db.$queryRaw<
    Array<{ projectId: string; category: StrideCategory; severity: Severity; n: number; risk: number }>
  >`
    SELECT "projectId", category::text AS category, severity::text AS severity, "threatCount" AS n,
           "riskScore" AS risk
    FROM "ProjectThreatCell" WHERE "projectId" = ANY(${projectIds}::uuid[]) AND "threatCount" > 0`;
  return rows.map((r) => ({
    projectId: r.projectId,
    category: r.category,
    severity: r.severity,
    count: Number(r.n),
    risk: Number(r.risk),
  }));
}

/** The heatmap over some projects' cells: every category and severity present (zeros included). */
function mergeCells(
  cells: Array<{ category: StrideCategory; severity: Severity; count: number; risk: number }>,
): DashboardDto["heatmap"] {
  const count = new Map<string, number>();
  const risk = new Map<string, number>();
  for (const c of cells) {
    const key = `${c.category}/${c.severity}`;
    count.set(key, (count.get(key) ?? 0) + c.count);
    risk.set(key, (risk.get(key) ?? 0) + (c.risk ?? 0));
  }
  return STRIDE_CATEGORIES.flatMap((category) =>
    SEVERITIES.map((severity) => ({
      category,
      severity,
      count: count.get(`${category}/${severity}`) ?? 0,
      risk: risk.get(`${category}/${severity}`) ?? 0,
    })),
  );
}

/**
 * LLM spend and churn of the analyses finished in the window, per UTC day, in one pass over
 * Analysis(projectId, finishedAt): spend counts every finished analysis, churn only succeeded and partial ones.
 */
async function finishedPerDay(db: Db, projectIds: string[], since: Date) {
  if (projectIds.length === 0) return [];
  return db.$queryRaw<
    Array<{ day: Date; cost: string; input: bigint; output: bigint; new: bigint; resolved: bigint; finished: bigint }>
  >`
    SELECT date_trunc('day', "finishedAt") AS day, sum("costUsd")::text AS cost,
           sum("inputTokens")::bigint AS input, sum("outputTokens")::bigint AS output,
           coalesce(sum("newThreatCount") FILTER (WHERE status IN ('succeeded', 'partial')), 0)::bigint AS new,
           coalesce(sum("resolvedThreatCount") FILTER (WHERE status IN ('succeeded', 'partial')), 0)::bigint AS resolved,
           count(*) FILTER (WHERE status IN ('succeeded', 'partial')) AS finished
    FROM "Analysis"
    WHERE "projectId" = ANY(${projectIds}::uuid[]) AND "finishedAt" >= ${since}
    GROUP BY 1 ORDER BY 1`;
}

/**
 * What `finishedPerDay` depends on, cheaply: how many analyses of the projects finished in the window, and the
 * sum and maximum of their finish times (an index-only read of Analysis(projectId, finishedAt)).
 */
async function finishedStamp(db: Db, projectIds: string[], since: Date): Promise<string> {
  if (projectIds.length === 0) return "none";
  const [row] = await db.$queryRaw<Array<{ n: bigint; total: string | null; last: Date | null }>>`
    SELECT count(*) AS n, sum(extract(epoch FROM "finishedAt"))::text AS total, max("finishedAt") AS last
    FROM "Analysis" WHERE "projectId" = ANY(${projectIds}::uuid[]) AND "finishedAt" >= ${since}`;
  return `${row?.n ?? 0}:${row?.total ?? 0}:${row?.last?.toISOString() ?? "-"}`;
}

/** The Monday (UTC) starting the ISO week of a day, as PostgreSQL's `date_trunc('week', ...)`. */
export function weekOf(day: Date): string {
  return dayKey(new Date(day.getTime() - ((day.getUTCDay() + 6) % 7) * DAY_MS));
}

/**
 * Per week: fingerprints present in an analysis and not in the previous finished analysis of the same
 * template (new), and the other way round (resolved); the first analysis of a template counts all new. The
 * worker stores both counts on each analysis when it persists it, so this sums the days of `finishedPerDay`.
 * A week is listed when a succeeded or partial analysis finished in it.
 */
function weeklyChurn(
  days: Array<{ day: Date; new: bigint; resolved: bigint; finished: bigint }>,
): DashboardDto["weekly"] {
  const weeks = new Map<string, { week: string; new: number; resolved: number }>();
  for (const d of days) {
    if (Number(d.finished) === 0) continue;
    const week = weekOf(d.day);
    const w = weeks.get(week) ?? { week, new: 0, resolved: 0 };
    w.new += Number(d.new);
    w.resolved += Number(d.resolved);
    weeks.set(week, w);
  }
  return [...weeks.values()];
}

/**
 * Each project's kept riskiest resources (`ProjectRiskyResource`, at most 10 each, with the project's rank); the
 * dashboard takes the best 10 across projects, ties broken by project, then as each project ranked them.
 */
async function riskiestResources(db: Db, projectIds: string[]) {
  if (projectIds.length === 0) return [];
  const rows = await db.$queryRaw<
    Array<{
      projectId: string;
      rank: number;
      id: string;
      type: string;
      file: string;
      n: number;
      score: number;
      worst: Severity;
    }>
  >`
    SELECT "projectId", rank, "resourceId" AS id, "resourceType" AS type, file, "threatCount" AS n, "riskScore" AS score, "worstSeverity"::text AS worst
    FROM "ProjectRiskyResource" WHERE "projectId" = ANY(${projectIds}::uuid[])`;
  return rows.map((r) => ({
    rank: Number(r.rank),
    projectId: r.projectId,
    resourceId: r.id,
    resourceType: r.type,
    file: r.file,
    threatCount: Number(r.n),
    riskScore: r.score,
    worstSeverity: r.worst,
  }));
}

/**
 * The configured model, without secrets, and each readable team's budget and spend this month.
 * `llm` is what main.ts parsed from the environment (null: rules only); `error` when it did not parse.
 */
export async function llmSettings(
  db: Db,
  actor: Actor,
  llm: LlmConfig | null,
  error: string | null,
  now = new Date(),
): Promise<LlmSettingsDto> {
  const monthStart = new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), 1));
  const teams = await db.team.findMany({ where: { id: { in: readableTeams(actor) } }, orderBy: { name: "asc" } });
  const spent = await Promise.all(
    teams.map((t) =>
      db.analysis.aggregate({
        _sum: { costUsd: true },
        where: { project: { teamId: t.id }, finishedAt: { gte: monthStart } },
      }),
    ),
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
