import { createRequire } from "node:module";
import { z } from "zod";
import { AppError, FileWarningSchema, type SystemGraph } from "@threatline/domain";
import type { Db } from "@threatline/db";
import { RULES } from "@threatline/engine";
import {
  EXPORT_FORMATS,
  EXPORT_FORMAT_INFO,
  exportFileName,
  renderReport,
  sarifRuleCatalog,
  systemForFiles,
  type ExportFormat,
  type ExportOptions,
  type ReportFile,
  type ReportInput,
  type TriageEntry,
} from "@threatline/reports";
import { type Actor } from "../auth/context.ts";
import { getAnalysisRow, getBatch, toThreat, withEdit } from "./analyses.service.ts";
import { getProjectFor } from "./projects.service.ts";
import { mitigationsOf } from "./threat-model.service.ts";
import { currentAnalyses } from "./templates.service.ts";

const pkg = createRequire(import.meta.url)("../../package.json") as { version: string };

/** A rendered export, ready to be sent as a download. */
export interface ExportFile {
  /** Text, or the bytes of a binary format (XLSX). */
  body: string | Buffer;
  contentType: string;
  filename: string;
}

/** Checks `?format=`: an unknown format is `export/unsupported-format`, naming the ones there are. */
export function parseExportFormat(value: string | undefined): ExportFormat {
  const format = (value ?? "json").toLowerCase();
  if ((EXPORT_FORMATS as readonly string[]).includes(format)) return format as ExportFormat;
  throw new AppError(
    "export/unsupported-format",
    `Unknown export format "${value}". Use one of: ${EXPORT_FORMATS.join(", ")}.`,
  );
}

async function triageOf(
  db: Db,
  projectId: string,
  fingerprints: readonly string[],
): Promise<Record<string, TriageEntry>> {
  if (fingerprints.length === 0) return {};
  const rows = await db.triage.findMany({ where: { projectId, fingerprint: { in: [...new Set(fingerprints)] } } });
  return Object.fromEntries(
    rows.map((r) => [
      r.fingerprint,
      { status: r.status, owner: r.owner, expiresAt: r.expiresAt?.toISOString() ?? null, note: r.note },
    ]),
  );
}

interface AnalysisForReport {
  id: string;
  status: ReportFile["status"];
  format: string | null;
  resourceCount: number | null;
  errorCode: string | null;
  errorMessage: string | null;
  path: string;
  /** The stored lenient-read warnings (JSON); absent when not selected. */
  warnings?: unknown;
}

function toReportFile(a: AnalysisForReport): ReportFile {
  return {
    path: a.path,
    format: a.format,
    resources: a.resourceCount ?? 0,
    analysisId: a.id,
    status: a.status,
    ...(a.errorCode ? { error: { code: a.errorCode, message: a.errorMessage ?? "" } } : {}),
    ...warningsOf(a.warnings),
  };
}

function warningsOf(stored: unknown): Pick<ReportFile, "warnings"> {
  const parsed = z.array(FileWarningSchema).safeParse(stored);
  return parsed.success && parsed.data.length > 0 ? { warnings: parsed.data } : {};
}

async function buildInput(
  db: Db,
  project: { id: string; name: string },
  scope: ReportInput["scope"],
  analyses: AnalysisForReport[],
  now: Date,
): Promise<ReportInput> {
  // A project's export also carries the threats written by hand; every export shows people's edits.
  const ids = { analysisId: { in: analyses.map((a) => a.id) } };
  const [rows, edits] = await Promise.all([
    db.threat.findMany({
      where: scope.kind === "project" ? { OR: [ids, { projectId: project.id, analysisId: null }] } : ids,
    }),
    db.threatEdit.findMany({ where: { projectId: project.id } }),
  ]);
  const editByFp = new Map(edits.map((e) => [e.fingerprint, e]));
  const threats = rows
    .map((r) => {
      const { original: _original, ...threat } = withEdit(toThreat(r), editByFp.get(r.fingerprint));
      return threat;
    })
    .sort((a, b) => b.score - a.score || (a.fingerprint < b.fingerprint ? -1 : a.fingerprint > b.fingerprint ? 1 : 0));
  const inReport = new Set(threats.map((t) => t.fingerprint));
  // A project's export carries every mitigation record; an analysis's or batch's those about its threats. Each
  // names only the report's threats (a threat fixed since is no longer in it).
  const mitigations = (await mitigationsOf(db, project.id))
    .map((m) => ({
      id: m.id,
      title: m.title,
      description: m.description,
      status: m.status,
      owner: m.owner,
      ticketUrl: m.ticketUrl,
      fingerprints: m.threats.map((t) => t.fingerprint).filter((f) => inReport.has(f)),
    }))
    .filter((m) => scope.kind === "project" || m.fingerprints.length > 0);
  return {
    tool: { name: "threatline", version: pkg.version },
    generatedAt: now.toISOString(),
    scope,
    project: { id: project.id, name: project.name },
    files: analyses.map(toReportFile),
    threats,
    triage: await triageOf(
      db,
      project.id,
      threats.map((t) => t.fingerprint),
    ),
    mitigations,
  };
}

/** The report of one analysis: its template and threats, with the project's triage decisions. */
export async function analysisReport(db: Db, actor: Actor, id: string, now: Date): Promise<ReportInput> {
  const row = await getAnalysisRow(db, actor, id);
  return buildInput(
    db,
    row.project,
    { kind: "analysis", id },
    [{ ...row, path: row.templateVersion.template.path }],
    now,
  );
}

/** The report of one batch: every analysis of the submission. */
export async function batchReport(db: Db, actor: Actor, id: string, now: Date): Promise<ReportInput> {
  const batch = await getBatch(db, actor, id);
  const project = await getProjectFor(db, actor, batch.projectId);
  const analyses = await db.analysis.findMany({
    where: { batchId: id },
    select: { id: true, resourceCount: true, warnings: true },
  });
  const resources = new Map(analyses.map((a) => [a.id, a]));
  return buildInput(
    db,
    project,
    { kind: "batch", id },
    batch.analyses.map((a) => ({
      ...a,
      resourceCount: resources.get(a.id)?.resourceCount ?? null,
      warnings: resources.get(a.id)?.warnings,
    })),
    now,
  );
}

/**
 * A project's current state: the latest finished (succeeded or partial) analysis of every template — the
 * same set the project's risk score is computed over — with triage decisions.
 */
export async function projectReport(db: Db, actor: Actor, id: string, now: Date): Promise<ReportInput> {
  const project = await getProjectFor(db, actor, id);
  const latest = await currentAnalyses(db, [project.id]);
  const analyses = await db.analysis.findMany({
    where: { id: { in: latest.map((l) => l.id) } },
    include: { templateVersion: { include: { template: true } } },
  });
  const files = analyses
    .map((a) => ({ ...a, path: a.templateVersion.template.path }))
    .sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
  return buildInput(db, project, { kind: "project", id: project.id }, files, now);
}

/** The builtin rules' own text for SARIF (team rules have no page; their threats are described by title). */
const SARIF_RULES = sarifRuleCatalog(RULES);

/** Formats that read the templates' text: SARIF (GitHub's line hashes), Threat Composer (imported documents). */
const NEEDS_SOURCES: ReadonlySet<ExportFormat> = new Set(["sarif", "threat-composer"]);

/** Formats that draw the project's system graph as their diagram. */
const NEEDS_SYSTEM: ReadonlySet<ExportFormat> = new Set(["threat-dragon", "otm"]);

/**
 * The project's latest system graph (built by the worker after each analysis), cut to the report's files for an
 * analysis or batch export; none yet (or a report without a project) gives one diagram element per resource.
 */
async function systemOf(db: Db, input: ReportInput): Promise<SystemGraph | undefined> {
  const projectId = input.project?.id;
  if (!projectId) return undefined;
  const row = await db.systemGraph.findFirst({ where: { projectId }, orderBy: { version: "desc" } });
  if (!row) return undefined;
  const graph = row.graph as unknown as SystemGraph;
  return input.scope.kind === "project"
    ? graph
    : systemForFiles(
        graph,
        input.files.map((f) => f.path),
      );
}

/**
 * What a format needs besides the report. SARIF: the rules' text, and each template's text so that the file
 * carries GitHub's `primaryLocationLineHash` (GitHub's REST upload does not compute it); template paths are
 * relative to the submission's root, which is taken as the repository root. Threat Composer: an imported
 * document (stored as its analysis's template) is written back as it was, so export → import → export is stable.
 * `ruleDocsUrl` (the `RULE_DOCS_URL` setting) gives SARIF rules a `helpUri`.
 */
export async function exportOptions(
  db: Db,
  format: ExportFormat,
  input: ReportInput,
  ruleDocsUrl?: string,
): Promise<ExportOptions> {
  if (NEEDS_SYSTEM.has(format)) return { system: await systemOf(db, input) };
  if (!NEEDS_SOURCES.has(format)) return {};
  const ids = input.files.map((f) => f.analysisId).filter((id): id is string => id !== undefined);
  const rows = await db.analysis.findMany({
    where: { id: { in: ids } },
    select: {
      templateVersion: { select: { template: { select: { path: true } }, blob: { select: { content: true } } } },
    },
  });
  const sources = new Map(rows.map((r) => [r.templateVersion.template.path, r.templateVersion.blob.content]));
  return { sources, sarif: { rules: SARIF_RULES, ...(ruleDocsUrl?.trim() ? { ruleDocsUrl } : {}) } };
}

/** Renders a report as a download. */
export async function renderExport(
  format: ExportFormat,
  input: ReportInput,
  options: ExportOptions = {},
): Promise<ExportFile> {
  const body = await renderReport(format, input, options);
  return {
    body: typeof body === "string" ? body : Buffer.from(body),
    contentType: EXPORT_FORMAT_INFO[format].mediaType,
    filename: exportFileName(format, input),
  };
}
