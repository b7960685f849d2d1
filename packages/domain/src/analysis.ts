import { z } from "zod";
import { SeveritySchema } from "./severity.ts";
import { StrideCategorySchema } from "./stride.ts";
import { ThreatSchema } from "./threat.ts";

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

/** The public JSON report of `threatline scan --format json`: a stable contract for CI pipelines. */
export const ScanReportSchema = z.object({
  tool: z.object({ name: z.literal("threatline"), version: z.string() }),
  files: z.array(
    z.object({
      path: z.string(),
      format: z.string().nullable(),
      resources: z.number().int().nonnegative(),
      error: z.object({ code: z.string(), message: z.string() }).optional(),
    }),
  ),
  threats: z.array(ThreatSchema),
  summary: z.object({
    byCategory: z.record(StrideCategorySchema, z.number().int()),
    bySeverity: z.record(SeveritySchema, z.number().int()),
    riskScore: z.number(),
  }),
});
export type ScanReport = z.infer<typeof ScanReportSchema>;
