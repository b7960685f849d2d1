import { z } from "zod";
import type { Queue } from "bullmq";
import { enqueue } from "@threatline/queue";
import {
  AppError,
  FileWarningSchema,
  type AnalysisDto,
  type BatchListQuery,
  type FileWarning,
  type HygieneSummary,
  type AnalysisStatus,
  type BatchDto,
  type OmittedThreats,
  type StatusCounts,
  type Threat,
  type ThreatQuery,
  type ThreatSummaryDto,
  type ThreatOriginal,
  isFinalStatus,
  RejectedFileSchema,
  scoreForSeverity,
} from "@threatline/domain";
import type { Prisma, Db } from "@threatline/db";
import { type Actor, readableTeams, requireRole } from "../auth/context.ts";
import { THREAT_ORDER, hygieneSummary, threatFilters, triageFilter } from "../lib/threat-order.ts";

const analysisInclude = { templateVersion: { include: { template: true } }, project: true } as const;
type AnalysisRow = Prisma.AnalysisGetPayload<{ include: typeof analysisInclude }>;

export function toAnalysisDto(a: AnalysisRow): AnalysisDto {
  return {
    id: a.id,
    projectId: a.projectId,
    teamId: a.project.teamId,
    batchId: a.batchId,
    path: a.templateVersion.template.path,
    templateVersionId: a.templateVersionId,
    sha256: a.templateVersion.sha256,
    status: a.status,
    format: a.format,
    resourceCount: a.resourceCount,
    provider: a.provider,
    model: a.model,
    attempts: a.attempts,
    createdAt: a.createdAt.toISOString(),
    startedAt: a.startedAt?.toISOString() ?? null,
    finishedAt: a.finishedAt?.toISOString() ?? null,
    durationMs: a.durationMs,
    inputTokens: a.inputTokens,
    outputTokens: a.outputTokens,
    costUsd: Number(a.costUsd),
    llmCacheHit: a.llmCacheHit,
    threatCount: a.threatCount,
    omittedThreatCount: a.omittedThreatCount,
    omittedSummary: (a.omittedSummary ?? null) as OmittedThreats | null,
    riskScore: a.riskScore,
    severityCounts: (a.severityCounts ?? {}) as Record<string, number>,
    errorCode: a.errorCode,
    errorMessage: a.errorMessage,
    warnings: storedWarnings(a.warnings),
  };
}

/** The stored lenient-read warnings, kept only where they have the documented shape. */
function storedWarnings(value: Prisma.JsonValue): FileWarning[] {
  const parsed = z.array(FileWarningSchema).safeParse(value);
  return parsed.success ? parsed.data : [];
}

const analysisNotFound = () => new AppError("analysis/not-found", "No such analysis.");
const batchNotFound = () => new AppError("batch/not-found", "No such batch.");

export async function getAnalysisRow(
  db: Db,
  actor: Actor,
  id: string,
  need: "viewer" | "editor" = "viewer",
): Promise<AnalysisRow> {
  const row = await db.analysis.findUnique({ where: { id }, include: analysisInclude });
  if (!row) throw analysisNotFound();
  requireRole(actor, row.project.teamId, need, analysisNotFound());
  return row;
}

export async function getAnalysis(db: Db, actor: Actor, id: string): Promise<AnalysisDto> {
  return toAnalysisDto(await getAnalysisRow(db, actor, id));
}

/** Threat rows as the public Threat shape, plus their database id and triage status. */
export type ThreatDto = Threat & { id: string; analysisId: string; triage: string; original: ThreatOriginal | null };

export function toThreat(row: {
  fingerprint: string;
  ruleId: string | null;
  category: Threat["category"];
  title: string;
  description: string;
  severity: Threat["severity"];
  likelihood: number;
  impact: number;
  score: number;
  resources: unknown;
  evidence: unknown;
  remediations: unknown;
  references: unknown;
  source: string;
  contributingRules?: unknown;
}): Threat {
  return {
    fingerprint: row.fingerprint,
    ruleId: row.ruleId,
    category: row.category,
    title: row.title,
    description: row.description,
    severity: row.severity,
    likelihood: row.likelihood,
    impact: row.impact,
    score: row.score,
    resources: row.resources as Threat["resources"],
    evidence: row.evidence as Threat["evidence"],
    remediations: row.remediations as Threat["remediations"],
    references: row.references as Threat["references"],
    source: row.source as Threat["source"],
    ...(Array.isArray(row.contributingRules) && row.contributingRules.length > 0
      ? { contributingRules: row.contributingRules as NonNullable<Threat["contributingRules"]> }
      : {}),
  };
}

/**
 * A threat with people's edit (kept by fingerprint) applied, and what the engine said as `original` when there
 * is an edit, so both can be shown.
 */
export function withEdit(
  threat: Threat,
  edit: { title: string | null; description: string | null; severity: Threat["severity"] | null } | undefined,
): Threat & { original: ThreatOriginal | null } {
  if (!edit) return { ...threat, original: null };
  const severity = edit.severity ?? threat.severity;
  return {
    ...threat,
    title: edit.title ?? threat.title,
    description: edit.description ?? threat.description,
    severity,
    score: scoreForSeverity(severity, threat),
    original: { title: threat.title, description: threat.description, severity: threat.severity, score: threat.score },
  };
}

export async function listAnalysisThreats(
  db: Db,
  actor: Actor,
  id: string,
  query: ThreatQuery,
): Promise<{ total: number; items: ThreatDto[]; hygiene?: HygieneSummary }> {
  const analysis = await getAnalysisRow(db, actor, id);
  const triage = await db.triage.findMany({ where: { projectId: analysis.projectId } });
  const triageByFp = new Map(triage.map((t) => [t.fingerprint, t.status as string]));
  const edits = await db.threatEdit.findMany({ where: { projectId: analysis.projectId } });
  const editByFp = new Map(edits.map((e) => [e.fingerprint, e]));
  const where: Prisma.ThreatWhereInput = {
    analysisId: id,
    ...threatFilters(query),
  };
  if (query.triage) where.fingerprint = triageFilter(triage, query.triage);
  const [total, rows, hygiene] = await Promise.all([
    db.threat.count({ where }),
    db.threat.findMany({
      where,
      orderBy: [...THREAT_ORDER[query.sort](query.order), { fingerprint: "asc" }],
      take: query.limit,
      skip: query.offset,
    }),
    query.hygiene === "exclude"
      ? hygieneSummary(db, {
          analysisId: id,
          ...threatFilters({ ...query, hygiene: "include" }),
          ...(where.fingerprint ? { fingerprint: where.fingerprint } : {}),
        })
      : undefined,
  ]);
  return {
    total,
    ...(hygiene ? { hygiene } : {}),
    items: rows.map((r) => ({
      ...withEdit(toThreat(r), editByFp.get(r.fingerprint)),
      id: r.id,
      analysisId: id,
      triage: triageByFp.get(r.fingerprint) ?? "open",
    })),
  };
}

/**
 * Counts per STRIDE category and severity and the distinct resource ids of one analysis' threats, so the
 * Analysis view draws its chart and resource picker without loading every threat.
 */
export async function analysisThreatSummary(db: Db, actor: Actor, id: string): Promise<ThreatSummaryDto> {
  await getAnalysisRow(db, actor, id);
  const [groups, resources] = await Promise.all([
    db.threat.groupBy({ by: ["category", "severity"], where: { analysisId: id }, _count: { _all: true } }),
    db.$queryRaw<
      Array<{ id: string }>
    >`SELECT DISTINCT r->>'id' AS id FROM "Threat" t, jsonb_array_elements(t.resources) r WHERE t."analysisId" = ${id}::uuid AND r->>'id' IS NOT NULL ORDER BY 1 LIMIT 1000`,
  ]);
  return {
    cells: groups.map((g) => ({ category: g.category, severity: g.severity, count: g._count._all })),
    resources: resources.map((r) => r.id),
  };
}

/**
 * A batch's status, derived from its analyses (nothing is stored that could disagree with them) and the files
 * refused at submission: a batch with a refused file never finishes `succeeded`, it is `partial`.
 */
export function batchStatus(counts: StatusCounts, rejected = 0): BatchDto["status"] {
  const n = (s: AnalysisStatus) => counts[s] ?? 0;
  const total = Object.values(counts).reduce((a, b) => a + b, 0);
  if (n("running") > 0 || (n("queued") > 0 && n("queued") < total)) return "running";
  if (n("queued") === total) return "queued";
  if (n("succeeded") === total) return rejected > 0 ? "partial" : "succeeded";
  if (n("failed") + n("canceled") === total) return "failed";
  return "partial";
}

export async function getBatch(db: Db, actor: Actor, id: string): Promise<BatchDto> {
  const batch = await db.batch.findUnique({
    where: { id },
    include: {
      project: true,
      analyses: { include: { templateVersion: { include: { template: true } } }, orderBy: { createdAt: "asc" } },
    },
  });
  if (!batch) throw batchNotFound();
  requireRole(actor, batch.project.teamId, "viewer", batchNotFound());
  const counts: StatusCounts = {};
  for (const a of batch.analyses) counts[a.status] = (counts[a.status] ?? 0) + 1;
  const rejected = RejectedFileSchema.array().catch([]).parse(batch.rejectedFiles);
  return {
    id: batch.id,
    projectId: batch.projectId,
    source: batch.source,
    fileCount: batch.fileCount,
    createdAt: batch.createdAt.toISOString(),
    status: batchStatus(counts, rejected.length),
    counts,
    rejected,
    analyses: batch.analyses.map((a) => ({
      id: a.id,
      path: a.templateVersion.template.path,
      status: a.status,
      format: a.format,
      threatCount: a.threatCount,
      errorCode: a.errorCode,
      errorMessage: a.errorMessage,
      severityCounts: (a.severityCounts ?? {}) as Record<string, number>,
    })),
  };
}

export async function listBatches(db: Db, actor: Actor, filter: BatchListQuery): Promise<BatchDto[]> {
  const batches = await db.batch.findMany({
    where: {
      project: { teamId: { in: readableTeams(actor) } },
      ...(filter.projectId ? { projectId: filter.projectId } : {}),
    },
    orderBy: { createdAt: "desc" },
    take: filter.limit,
    select: { id: true },
  });
  return Promise.all(batches.map((b) => getBatch(db, actor, b.id)));
}

/**
 * Puts a finished analysis back in the queue under the same id. The old job is removed first: BullMQ
 * ignores an add whose job id it still holds.
 */
export async function retryAnalysis(
  db: Db,
  queue: Queue,
  actor: Actor,
  id: string,
  force: boolean,
): Promise<AnalysisDto> {
  const row = await getAnalysisRow(db, actor, id, "editor");
  if (!isFinalStatus(row.status))
    throw new AppError(
      "analysis/not-retryable",
      `The analysis is ${row.status}; only finished analyses can be retried.`,
    );
  const old = await queue.getJob(id);
  if (old) await old.remove();
  await db.analysis.update({
    where: { id },
    data: {
      status: "queued",
      force,
      errorCode: null,
      errorMessage: null,
      startedAt: null,
      finishedAt: null,
      durationMs: null,
    },
  });
  await enqueue(queue, "analyze-template", { analysisId: id }, id);
  return getAnalysis(db, actor, id);
}

/**
 * Cancels a batch: queued analyses are taken off the queue, and running ones are marked canceled so that their
 * worker stops the engine and writes nothing (it checks every few seconds, and before writing).
 */
export async function cancelBatch(db: Db, queue: Queue, actor: Actor, id: string): Promise<BatchDto> {
  const batch = await db.batch.findUnique({ where: { id }, include: { project: true } });
  if (!batch) throw batchNotFound();
  requireRole(actor, batch.project.teamId, "editor", batchNotFound());
  const queued = await db.analysis.findMany({ where: { batchId: id, status: "queued" }, select: { id: true } });
  await db.analysis.updateMany({
    where: { batchId: id, status: { in: ["queued", "running"] } },
    data: { status: "canceled", finishedAt: new Date() },
  });
  await Promise.all(
    queued.map(async ({ id: jobId }) => {
      const job = await queue.getJob(jobId);
      // A job a worker already holds is locked and cannot be removed; the processor sees `canceled` and stops.
      if (job) await job.remove().catch(() => undefined);
    }),
  );
  return getBatch(db, actor, id);
}
