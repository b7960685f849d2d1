import {
  AppError,
  type AnalysisSourceDto,
  type CurrentThreatDto,
  type CurrentThreatQuery,
  type HygieneSummary,
  type TemplateSummary,
  type TextDiffDto,
  type Threat,
  type ThreatDiffDto,
  mitigationsClose,
  riskScore,
} from "@threatline/domain";
import { type Prisma, type Db } from "@threatline/db";
import { buildGraph, maskSecrets } from "@threatline/engine";
import { audit } from "./audit.service.ts";
import type { Actor } from "../auth/context.ts";
import { THREAT_ORDER, hygieneSummary, threatFilters, triageFilter } from "../lib/threat-order.ts";
import { textDiff } from "../lib/text-diff.ts";
import { getAnalysisRow, toThreat, withEdit } from "./analyses.service.ts";
import { getProjectFor } from "./projects.service.ts";

type Tx = Prisma.TransactionClient | Db;

/**
 * The latest finished analysis of every template of the given projects: the analyses whose threats are a
 * project's current threats. Same rule as `refreshProjectRisk`, so the list and the risk agree.
 */
export async function currentAnalyses(
  db: Tx,
  projectIds: string[],
): Promise<Array<{ id: string; templateId: string; projectId: string; path: string }>> {
  if (projectIds.length === 0) return [];
  // Each template points at its latest finished analysis (kept by refreshProjectRisk in @threatline/db).
  return db.$queryRaw<Array<{ id: string; templateId: string; projectId: string; path: string }>>`
    SELECT t."currentAnalysisId" AS id, t.id AS "templateId", t."projectId" AS "projectId", t.path
    FROM "Template" t
    WHERE t."projectId" = ANY(${projectIds}::uuid[]) AND t."currentAnalysisId" IS NOT NULL
    ORDER BY t.id`;
}

/** A project's templates with every version and the analyses of each version, newest first. */
export async function listTemplates(db: Db, actor: Actor, projectId: string): Promise<TemplateSummary[]> {
  await getProjectFor(db, actor, projectId);
  const [templates, current] = await Promise.all([
    db.template.findMany({
      where: { projectId },
      orderBy: { path: "asc" },
      include: {
        versions: {
          orderBy: { createdAt: "desc" },
          include: {
            blob: { select: { size: true } },
            analyses: {
              orderBy: { createdAt: "desc" },
              take: 20,
              select: {
                id: true,
                status: true,
                threatCount: true,
                riskScore: true,
                createdAt: true,
                finishedAt: true,
                format: true,
                warnings: true,
              },
            },
          },
        },
      },
    }),
    currentAnalyses(db, [projectId]),
  ]);
  const latestByTemplate = new Map(current.map((c) => [c.templateId, c.id]));
  return templates.map((t) => {
    const latestId = latestByTemplate.get(t.id) ?? null;
    const latest = t.versions.flatMap((v) => v.analyses).find((a) => a.id === latestId);
    const format = t.versions.flatMap((v) => v.analyses).find((a) => a.format)?.format ?? null;
    return {
      id: t.id,
      path: t.path,
      format,
      createdAt: t.createdAt.toISOString(),
      latestAnalysisId: latestId,
      threatCount: latest?.threatCount ?? 0,
      riskScore: latest?.riskScore ?? 0,
      warningCount: Array.isArray(latest?.warnings) ? latest.warnings.length : 0,
      versions: t.versions.map((v) => {
        const finished = v.analyses.find((a) => a.status === "succeeded" || a.status === "partial");
        return {
          id: v.id,
          sha256: v.sha256,
          size: v.blob.size,
          createdAt: v.createdAt.toISOString(),
          threatCount: finished?.threatCount ?? null,
          riskScore: finished?.riskScore ?? null,
          analyses: v.analyses.map((a) => ({
            id: a.id,
            status: a.status,
            threatCount: a.threatCount,
            riskScore: a.riskScore,
            createdAt: a.createdAt.toISOString(),
            finishedAt: a.finishedAt?.toISOString() ?? null,
          })),
        };
      }),
    };
  });
}

/**
 * A project's current threats (latest finished analysis of each template, and those written by hand) with their
 * triage, people's edits and mitigations, filtered, sorted and paginated in the database so a project with tens
 * of thousands of threats pages quickly. An edited severity is filtered on as edited; sorting uses the engine's.
 */
export async function listCurrentThreats(
  db: Db,
  actor: Actor,
  projectId: string,
  query: CurrentThreatQuery,
): Promise<{ total: number; items: CurrentThreatDto[]; hygiene?: HygieneSummary }> {
  await getProjectFor(db, actor, projectId);
  const [current, triage, edits] = await Promise.all([
    currentAnalyses(db, [projectId]),
    db.triage.findMany({ where: { projectId } }),
    db.threatEdit.findMany({ where: { projectId } }),
  ]);
  const pathByAnalysis = new Map(current.map((c) => [c.id, c.path]));
  const { severity, ...filters } = query;
  const and: Prisma.ThreatWhereInput[] = [
    { OR: [{ analysisId: { in: current.map((c) => c.id) } }, { analysisId: null }] },
    threatFilters(filters),
  ];
  if (severity) {
    const editedAway = edits.filter((e) => e.severity && e.severity !== severity).map((e) => e.fingerprint);
    const editedTo = edits.filter((e) => e.severity === severity).map((e) => e.fingerprint);
    and.push({ OR: [{ severity, fingerprint: { notIn: editedAway } }, { fingerprint: { in: editedTo } }] });
  }
  const triageByFp = new Map(triage.map((t) => [t.fingerprint, t]));
  const editByFp = new Map(edits.map((e) => [e.fingerprint, e]));
  if (query.triage) and.push({ fingerprint: triageFilter(triage, query.triage) });
  if (query.assignee) and.push({ fingerprint: await assigneeFilter(db, actor, projectId, query.assignee) });
  const where: Prisma.ThreatWhereInput = { projectId, AND: and };
  const [total, rows, hygiene] = await Promise.all([
    db.threat.count({ where }),
    db.threat.findMany({
      where,
      orderBy: [...THREAT_ORDER[query.sort](query.order), { id: "asc" }],
      take: query.limit,
      skip: query.offset,
    }),
    // Hygiene is the engine's low and info here (an edited severity does not move a threat between groups).
    query.hygiene === "exclude"
      ? hygieneSummary(db, {
          projectId,
          AND: and.map((f, i) => (i === 1 ? threatFilters({ ...filters, hygiene: "include" }) : f)),
        })
      : undefined,
  ]);
  const fingerprints = rows.map((r) => r.fingerprint);
  const [links, followUps, comments] = await Promise.all([
    db.mitigationThreat.findMany({
      where: { projectId, fingerprint: { in: fingerprints } },
      include: { mitigation: { select: { id: true, title: true, status: true } } },
      orderBy: { mitigation: { createdAt: "asc" } },
    }),
    db.threatFollowUp.findMany({
      where: { projectId, fingerprint: { in: fingerprints } },
      include: { assignee: { select: { id: true, name: true, email: true } } },
    }),
    db.threatComment.groupBy({
      by: ["fingerprint"],
      where: { projectId, fingerprint: { in: fingerprints } },
      _count: { _all: true },
    }),
  ]);
  const followUpByFp = new Map(followUps.map((f) => [f.fingerprint, f]));
  const commentsByFp = new Map(comments.map((c) => [c.fingerprint, c._count._all]));
  return {
    total,
    ...(hygiene ? { hygiene } : {}),
    items: rows.map((r) => {
      const t = triageByFp.get(r.fingerprint);
      const mitigations = links.filter((l) => l.fingerprint === r.fingerprint).map((l) => l.mitigation);
      return {
        ...withEdit(toThreat(r), editByFp.get(r.fingerprint)),
        id: r.id,
        analysisId: r.analysisId,
        path: r.analysisId ? (pathByAnalysis.get(r.analysisId) ?? "") : "",
        triage: t?.status ?? "open",
        triageOwner: t?.owner ?? null,
        triageExpiresAt: t?.expiresAt?.toISOString() ?? null,
        triageNote: t?.note ?? "",
        mitigations,
        mitigatedByControls: mitigationsClose(mitigations.map((m) => m.status)),
        assignee: followUpByFp.get(r.fingerprint)?.assignee ?? null,
        ticketUrl: followUpByFp.get(r.fingerprint)?.ticketUrl ?? null,
        commentCount: commentsByFp.get(r.fingerprint) ?? 0,
      };
    }),
  };
}

/** Fingerprints assigned to a user (`me`: the caller), or with no assignee (`none`). */
async function assigneeFilter(
  db: Db,
  actor: Actor,
  projectId: string,
  assignee: NonNullable<CurrentThreatQuery["assignee"]>,
): Promise<Prisma.ThreatWhereInput["fingerprint"]> {
  if (assignee === "none") {
    const assigned = await db.threatFollowUp.findMany({
      where: { projectId, assigneeId: { not: null } },
      select: { fingerprint: true },
    });
    return { notIn: assigned.map((a) => a.fingerprint) };
  }
  const userId = assignee === "me" ? actor.userId : assignee;
  if (!userId) return { in: [] };
  const rows = await db.threatFollowUp.findMany({
    where: { projectId, assigneeId: userId },
    select: { fingerprint: true },
  });
  return { in: rows.map((r) => r.fingerprint) };
}

const versionNotFound = () => new AppError("request/not-found", "No such template version in this project.");

/**
 * New, resolved, changed and unchanged threats between two versions of one template, by fingerprint, comparing
 * the latest finished analysis of each version; the risk of each; and the template text diff.
 */
export async function diffVersions(
  db: Db,
  actor: Actor,
  projectId: string,
  fromId: string,
  toId: string,
): Promise<ThreatDiffDto> {
  await getProjectFor(db, actor, projectId);
  const versions = await db.templateVersion.findMany({
    where: { id: { in: [fromId, toId] }, template: { projectId } },
    include: { template: true, blob: { select: { content: true } } },
  });
  const from = versions.find((v) => v.id === fromId);
  const to = versions.find((v) => v.id === toId);
  if (!from || !to) throw versionNotFound();
  if (from.templateId !== to.templateId)
    throw new AppError("request/invalid", "Both versions must belong to the same template.");
  const latest = (versionId: string) =>
    db.analysis.findFirst({
      where: { templateVersionId: versionId, status: { in: ["succeeded", "partial"] } },
      orderBy: [{ finishedAt: "desc" }, { id: "desc" }],
      include: { threats: { orderBy: { score: "desc" } } },
    });
  const [a, b, triage] = await Promise.all([
    latest(fromId),
    latest(toId),
    db.triage.findMany({ where: { projectId }, select: { fingerprint: true, status: true } }),
  ]);
  const before = new Map((a?.threats ?? []).map((t) => [t.fingerprint, toThreat(t)]));
  const after = new Map((b?.threats ?? []).map((t) => [t.fingerprint, toThreat(t)]));
  const moved = (t: Threat) => {
    const old = before.get(t.fingerprint);
    return !!old && (old.severity !== t.severity || old.score !== t.score);
  };
  const pick = (m: Map<string, Threat>, keep: (t: Threat) => boolean) => [...m.values()].filter(keep);
  const triageByFp = new Map(triage.map((t) => [t.fingerprint, t.status]));
  return {
    templateId: from.templateId,
    path: from.template.path,
    from: { versionId: fromId, analysisId: a?.id ?? null },
    to: { versionId: toId, analysisId: b?.id ?? null },
    new: pick(after, (t) => !before.has(t.fingerprint)),
    resolved: pick(before, (t) => !after.has(t.fingerprint)),
    changed: pick(after, moved).map((t) => ({ before: before.get(t.fingerprint)!, after: t })),
    unchanged: pick(after, (t) => before.has(t.fingerprint) && !moved(t)),
    risk: {
      before: riskScore(before.values()),
      after: riskScore(after.values()),
      openBefore: riskScore(before.values(), triageByFp),
      openAfter: riskScore(after.values(), triageByFp),
    },
    text: maskDiff(
      textDiff(from.blob.content, to.blob.content),
      { raw: from.blob.content, masked: (await maskSource(from.template.path, from.blob.content)).content },
      { raw: to.blob.content, masked: (await maskSource(to.template.path, to.blob.content)).content },
    ),
  };
}

/**
 * A template's text with its secret values masked where the engine finds them (the graph's secret findings and
 * any secret shape in the text), every line kept in place: what the evidence view and the version diff show.
 */
async function maskSource(path: string, content: string) {
  const { graph } = await buildGraph([{ path, content }]);
  return maskSecrets(
    content,
    graph.facts.secrets.filter((s) => s.file === path),
  );
}

/**
 * The diff's lines with each line the masking changed taken from the masked text, by line number (masking keeps
 * every line in place): the diff is computed on the texts as written, so a changed secret still shows as a
 * changed line, but neither value does.
 */
function maskDiff(
  diff: TextDiffDto,
  before: { raw: string; masked: string },
  after: { raw: string; masked: string },
): TextDiffDto {
  const lines = (side: { raw: string; masked: string }) => {
    const raw = side.raw.split(/\r?\n/);
    const masked = side.masked.split(/\r?\n/);
    return (i: number, line: string) =>
      raw.length !== masked.length || raw[i] !== masked[i] ? `${line[0]}${masked[i] ?? ""}` : line;
  };
  const fromLine = lines(before);
  const toLine = lines(after);
  return {
    ...diff,
    hunks: diff.hunks.map((hunk) => {
      let o = hunk.oldStart - 1;
      let n = hunk.newStart - 1;
      return {
        ...hunk,
        lines: hunk.lines.map((line) => {
          if (line.startsWith("-")) return fromLine(o++, line);
          if (line.startsWith("+")) return toLine(n++, line);
          o += 1;
          return toLine(n++, line);
        }),
      };
    }),
  };
}

/**
 * The analysed file's content, for showing evidence lines next to a threat. Secret values are masked where the
 * engine finds them (the same detection that redacts them before a model sees the file), keeping every line in
 * place. `reveal` shows them as written: it needs the editor role on the project's team and leaves an audit event.
 */
export async function analysisSource(
  db: Db,
  actor: Actor,
  analysisId: string,
  reveal = false,
): Promise<AnalysisSourceDto> {
  const row = await getAnalysisRow(db, actor, analysisId, reveal ? "editor" : "viewer");
  const blob = await db.blob.findUniqueOrThrow({ where: { sha256: row.templateVersion.sha256 } });
  const path = row.templateVersion.template.path;
  const base = { analysisId, path, format: row.format, sha256: blob.sha256 };
  const masking = await maskSource(path, blob.content);
  if (!reveal) return { ...base, content: masking.content, masked: masking.masked, revealed: false };
  await audit(
    { db, actor },
    "analysis.source.reveal",
    { type: "analysis", id: analysisId, projectId: row.projectId },
    {
      path,
      secrets: masking.masked.length,
    },
  );
  return { ...base, content: blob.content, masked: masking.masked, revealed: true };
}
