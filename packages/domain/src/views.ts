import { z } from "zod";
import { TriageStatusSchema, type AnalysisStatus, type TriageStatus } from "./analysis.ts";
import type { Mitigation, ThreatOriginal } from "./threat-model.ts";
import type { PersonRef } from "./follow-up.ts";
import { SeveritySchema, type Severity } from "./severity.ts";
import { StrideCategorySchema, type StrideCategory } from "./stride.ts";
import { ThreatSourceSchema, type Threat } from "./threat.ts";

/** Shapes of the dashboard, project-detail, triage and settings endpoints, shared by the API and the SPA. */

/** One point of a risk series; `analysisId` is set when the point was written by a finished analysis. */
export interface RiskPoint {
  at: string;
  riskScore: number;
  threatCount: number;
  analysisId: string | null;
  path: string | null;
}

export interface DashboardProjectRow {
  id: string;
  name: string;
  riskScore: number;
  threatCount: number;
  lastAnalyzedAt: string | null;
  /** Risk at the end of each day of the dashboard window, oldest first. */
  spark: number[];
}

export interface RecentAnalysis {
  id: string;
  projectId: string;
  projectName: string;
  path: string;
  status: AnalysisStatus;
  threatCount: number;
  riskScore: number;
  createdAt: string;
  finishedAt: string | null;
}

export interface RiskyResource {
  projectId: string;
  projectName: string;
  resourceId: string;
  resourceType: string;
  file: string;
  threatCount: number;
  riskScore: number;
  worstSeverity: Severity;
}

export interface DashboardDto {
  generatedAt: string;
  days: number;
  /** Team risk (sum over the readable projects) at the end of each day, oldest first. */
  teamRisk: { current: number; series: Array<{ day: string; riskScore: number }> };
  projects: DashboardProjectRow[];
  /** Open current threats per category and severity. */
  /** Open current threats per cell, and their summed scores (`risk`: what the heatmap is coloured by). */
  heatmap: Array<{ category: StrideCategory; severity: Severity; count: number; risk: number }>;
  /** Fingerprints that appeared / disappeared between consecutive analyses of a template, per ISO week (Monday). */
  weekly: Array<{ week: string; new: number; resolved: number }>;
  riskiestResources: RiskyResource[];
  recentAnalyses: RecentAnalysis[];
  /** BullMQ job counts; null when Redis does not answer. */
  queue: Record<string, number> | null;
  llmSpend: {
    totalUsd: number;
    days: Array<{ day: string; costUsd: number; inputTokens: number; outputTokens: number }>;
  };
}

export interface TemplateVersionSummary {
  id: string;
  sha256: string;
  size: number;
  createdAt: string;
  analyses: Array<{
    id: string;
    status: AnalysisStatus;
    threatCount: number;
    riskScore: number;
    createdAt: string;
    finishedAt: string | null;
  }>;
  /** Threats and risk of the version's latest finished analysis; null when none finished. */
  threatCount: number | null;
  riskScore: number | null;
}

export interface TemplateSummary {
  id: string;
  path: string;
  format: string | null;
  createdAt: string;
  latestAnalysisId: string | null;
  threatCount: number;
  riskScore: number;
  /** Lenient-read warnings of the latest analysis (its `warnings` lists them with line numbers). */
  warningCount: number;
  /** Newest first. */
  versions: TemplateVersionSummary[];
}

/**
 * A current threat of a project: from the latest finished analysis of its template, or written by hand
 * (`source: "manual"`, no analysis), with its triage, people's edits (the threat's fields are the edited ones,
 * `original` what the engine said) and its mitigations.
 */
export type CurrentThreatDto = Threat & {
  id: string;
  analysisId: string | null;
  path: string;
  triage: TriageStatus;
  triageOwner: string | null;
  triageExpiresAt: string | null;
  triageNote: string;
  /** What the engine said, when someone edited the title, description or severity; null when unedited. */
  original: ThreatOriginal | null;
  mitigations: Array<Pick<Mitigation, "id" | "title" | "status">>;
  /** The threat's mitigations are all done: it counts as mitigated in the risk whatever its triage. */
  mitigatedByControls: boolean;
  /** Who follows the threat up (kept by fingerprint), its ticket link and how many comments it has. */
  assignee: PersonRef | null;
  ticketUrl: string | null;
  commentCount: number;
};

export const THREAT_SORTS = ["score", "severity", "category", "title", "resource"] as const;

/**
 * How a threat list treats hygiene (low and info, docs/severity.md): `include` lists everything (the default),
 * `exclude` lists critical to medium only and counts the low and info threats per file beside them (the real
 * risks first, hygiene folded per file), `only` lists low and info only (a folded group, with `file`).
 */
export const HYGIENE_MODES = ["include", "exclude", "only"] as const;
export const HygieneModeSchema = z.enum(HYGIENE_MODES);
export type HygieneMode = z.infer<typeof HygieneModeSchema>;

/** The low and info threats a list with `hygiene=exclude` left out, per file of their primary resource. */
export interface HygieneSummary {
  total: number;
  /** Files in path order; `file` is "" for threats without a resource. */
  byFile: Array<{ file: string; low: number; info: number }>;
}

/** Filters every threat list shares: the hygiene mode and the file of the primary resource. */
export const ThreatListFilterShape = {
  hygiene: HygieneModeSchema.default("include"),
  /** Threats whose primary resource is declared in this file (`infra/api.yaml`). */
  file: z.string().max(512).optional(),
};

export const CurrentThreatQuerySchema = z.object({
  category: StrideCategorySchema.optional(),
  severity: SeveritySchema.optional(),
  source: ThreatSourceSchema.optional(),
  triage: TriageStatusSchema.optional(),
  q: z.string().max(200).optional(),
  /** Exact resource id (`AppBucket`, `aws_s3_bucket.data`, `Deployment/prod/api`). */
  resource: z.string().max(300).optional(),
  /** A user id, `me` (the caller) or `none` (unassigned). */
  assignee: z.union([z.literal("me"), z.literal("none"), z.uuid()]).optional(),
  ...ThreatListFilterShape,
  sort: z.enum(THREAT_SORTS).default("score"),
  order: z.enum(["asc", "desc"]).default("desc"),
  limit: z.coerce.number().int().min(1).max(500).default(50),
  offset: z.coerce.number().int().min(0).default(0),
});
export type CurrentThreatQuery = z.infer<typeof CurrentThreatQuerySchema>;

/** A threat found in both versions whose severity or score moved. */
export interface ChangedThreat {
  before: Threat;
  after: Threat;
}

/** One hunk of a line diff (unified-diff numbering: 1-based, `lines` prefixed with " ", "-" or "+"). */
export interface TextDiffHunk {
  oldStart: number;
  oldLines: number;
  newStart: number;
  newLines: number;
  lines: string[];
}

/** The template text diff between two versions. */
export interface TextDiffDto {
  /** False when the files differ too much to diff line by line within the server's budget (no hunks then). */
  computed: boolean;
  added: number;
  removed: number;
  hunks: TextDiffHunk[];
  /** Hunk lines past the most the server sends were left out. */
  truncated: boolean;
}

export interface ThreatDiffDto {
  templateId: string;
  path: string;
  from: { versionId: string; analysisId: string | null };
  to: { versionId: string; analysisId: string | null };
  new: Threat[];
  resolved: Threat[];
  /** Same fingerprint, severity or score changed. */
  changed: ChangedThreat[];
  /** Same fingerprint, same severity and score. */
  unchanged: Threat[];
  /** Sum of threat scores of each version's analysis (0 without one), and the same less closed triage. */
  risk: { before: number; after: number; openBefore: number; openAfter: number };
  text: TextDiffDto;
}

/** A triage decision. Accepting a risk needs an owner and an expiry, so that acceptances come back for review. */
export const TriageDecisionSchema = z
  .object({
    status: TriageStatusSchema,
    owner: z.string().trim().max(200).nullish(),
    expiresAt: z.iso.datetime({ offset: true }).or(z.iso.date()).nullish(),
    note: z.string().max(4000).default(""),
  })
  .superRefine((d, ctx) => {
    if (d.status !== "accepted") return;
    if (!d.owner) ctx.addIssue({ code: "custom", path: ["owner"], message: "accepting a risk needs an owner" });
    if (!d.expiresAt)
      ctx.addIssue({ code: "custom", path: ["expiresAt"], message: "accepting a risk needs an expiry date" });
  });
export type TriageDecision = z.infer<typeof TriageDecisionSchema>;

export const BulkTriageSchema = z.object({
  fingerprints: z.array(z.string().min(1).max(200)).min(1).max(1000),
  decision: TriageDecisionSchema,
});
export type BulkTriageInput = z.infer<typeof BulkTriageSchema>;

export interface TriageDto {
  fingerprint: string;
  status: TriageStatus;
  owner: string | null;
  expiresAt: string | null;
  note: string;
  updatedAt: string;
}

export interface TriageResultDto {
  updated: TriageDto[];
  project: { riskScore: number; threatCount: number };
}

/** A secret value hidden in a shown template: where it starts, how many lines it spans, what kind it is. */
export interface MaskedSecretDto {
  line: number;
  lines: number;
  kind: string;
}

/**
 * An analysed file's text. Secret values are masked (`masked` says where) unless `revealed`: a reveal needs the
 * editor role and is audited.
 */
export interface AnalysisSourceDto {
  analysisId: string;
  path: string;
  format: string | null;
  sha256: string;
  content: string;
  masked: MaskedSecretDto[];
  revealed: boolean;
}

export interface LlmSettingsDto {
  /** `rules` when no model is configured. */
  mode: "rules" | "llm";
  provider: string | null;
  model: string | null;
  region: string | null;
  /** Requests and tokens per minute this deployment may spend; 0 = unlimited. */
  rpm: number;
  tpm: number;
  promptVersion: string | null;
  /** Monthly budget per team in USD, null = unlimited. */
  teams: Array<{ id: string; name: string; budgetUsd: number | null; spentThisMonthUsd: number }>;
  /** Why the configuration could not be read, when it could not. */
  error: string | null;
}
