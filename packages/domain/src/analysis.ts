import { z } from "zod";
import { SeveritySchema } from "./severity.ts";
import { StrideCategorySchema } from "./stride.ts";
import { ThreatSchema } from "./threat.ts";
import { OmittedThreatsSchema } from "./bounds.ts";

export const ANALYSIS_STATUSES = ["queued", "running", "succeeded", "partial", "failed", "canceled"] as const;
export const AnalysisStatusSchema = z.enum(ANALYSIS_STATUSES);
export type AnalysisStatus = z.infer<typeof AnalysisStatusSchema>;

/** Statuses an analysis never leaves. */
export const FINAL_STATUSES: readonly AnalysisStatus[] = ["succeeded", "partial", "failed", "canceled"];

export function isFinalStatus(status: AnalysisStatus): boolean {
  return FINAL_STATUSES.includes(status);
}

export const TRIAGE_STATUSES = ["open", "accepted", "mitigated", "false_positive"] as const;
export const TriageStatusSchema = z.enum(TRIAGE_STATUSES);
export type TriageStatus = z.infer<typeof TriageStatusSchema>;

/** Triage decisions that take a threat out of the risk score. */
export const CLOSED_TRIAGE: readonly TriageStatus[] = ["accepted", "mitigated", "false_positive"];

export const ROLES = ["admin", "editor", "viewer"] as const;
export const RoleSchema = z.enum(ROLES);
export type Role = z.infer<typeof RoleSchema>;

/** Why a threat is suppressed: a `threatline:ignore` comment in the template, or the config file. */
export const SuppressionRecordSchema = z.object({
  /** SARIF's words: `inSource` for a comment in the template, `external` for the config file. */
  kind: z.enum(["inSource", "external"]),
  /** The rule ids the suppression names (empty when it names one fingerprint). */
  ruleIds: z.array(z.string()),
  reason: z.string().nullable(),
  owner: z.string().nullable(),
  /** Last day it holds, `YYYY-MM-DD`, or null for no expiry. */
  until: z.string().nullable(),
  /** Where it is written: `infra/app.yaml:12`, `.threatline.yaml suppressions[0]`. */
  source: z.string(),
});
export type SuppressionRecord = z.infer<typeof SuppressionRecordSchema>;

/**
 * Something a parser accepted but a reader should know (a duplicate key where the last one wins, a tab read as
 * indentation, a `$ref` it could not resolve): stable `area/reason` code, one line, where it is.
 */
export const FileWarningSchema = z.object({
  code: z.string(),
  message: z.string(),
  line: z.number().optional(),
  column: z.number().optional(),
});
export type FileWarning = z.infer<typeof FileWarningSchema>;

/** The public JSON report of `threatline scan --format json`: a stable contract for CI pipelines. */
export const ScanReportSchema = z.object({
  tool: z.object({ name: z.literal("threatline"), version: z.string() }),
  files: z.array(
    z.object({
      path: z.string(),
      format: z.string().nullable(),
      resources: z.number().int().nonnegative(),
      /** Why the file was not analysed, and where the parser stopped. */
      error: z
        .object({ code: z.string(), message: z.string(), line: z.number().optional(), column: z.number().optional() })
        .optional(),
      /** What was read leniently (a duplicate key, a tab in the indentation); the file's threats stand. */
      warnings: z.array(FileWarningSchema).optional(),
    }),
  ),
  /** Every threat found, the suppressed ones included (see `suppressed`). */
  threats: z.array(ThreatSchema),
  /** Suppressed threats by fingerprint: listed in `threats`, left out of the summary and of `--fail-on`. */
  suppressed: z.record(z.string(), SuppressionRecordSchema).optional(),
  /** Suppressions past their `until` date: they suppress nothing, and the threats they named count again. */
  expiredSuppressions: z.array(SuppressionRecordSchema.extend({ fingerprints: z.array(z.string()) })).optional(),
  /** With `--baseline`: the report compared against, and how many threats it already held (left out). */
  baseline: z.object({ file: z.string(), known: z.number().int().nonnegative() }).optional(),
  /** Threats found beyond `--max-threats` (the lowest-scoring) and left out of `threats`, counted. */
  omitted: OmittedThreatsSchema.optional(),
  /** Counts and risk of the threats that are neither suppressed nor in the baseline. */
  summary: z.object({
    byCategory: z.record(StrideCategorySchema, z.number().int()),
    bySeverity: z.record(SeveritySchema, z.number().int()),
    riskScore: z.number(),
    /** How many threats suppressions took out. */
    suppressed: z.number().int().nonnegative().optional(),
  }),
});
export type ScanReport = z.infer<typeof ScanReportSchema>;
