import { z } from "zod";
import {
  AnalysisStatusSchema,
  FileWarningSchema,
  MitigationSchema,
  SEVERITIES,
  STRIDE_CATEGORIES,
  SeveritySchema,
  StrideCategorySchema,
  SuppressionRecordSchema,
  ThreatSchema,
  TriageStatusSchema,
  countByCategory,
  countBySeverity,
  mitigationsClose,
  riskScore,
  type Threat,
  type TriageStatus,
} from "@threatline/domain";

/** Version of the full JSON report; bumped on any change a consumer could notice. */
export const REPORT_VERSION = 1;

/** What a report covers: a local scan, one analysis, one batch, or a project's current state. */
export const ReportScopeSchema = z.discriminatedUnion("kind", [
  z.object({ kind: z.literal("scan") }),
  z.object({ kind: z.literal("analysis"), id: z.string() }),
  z.object({ kind: z.literal("batch"), id: z.string() }),
  z.object({ kind: z.literal("project"), id: z.string() }),
]);
export type ReportScope = z.infer<typeof ReportScopeSchema>;

/** One template in the report, with the analysis it came from when there is one. */
export const ReportFileSchema = z.object({
  path: z.string(),
  format: z.string().nullable(),
  resources: z.number().int().nonnegative(),
  analysisId: z.string().optional(),
  status: AnalysisStatusSchema.optional(),
  error: z.object({ code: z.string(), message: z.string() }).optional(),
  /** What the parser read leniently (a duplicate key: the last one wins); the file's threats stand. */
  warnings: z.array(FileWarningSchema).optional(),
});
export type ReportFile = z.infer<typeof ReportFileSchema>;

/** A triage decision as exported: keyed by fingerprint in `ReportInput.triage`. */
export const TriageEntrySchema = z.object({
  status: TriageStatusSchema,
  owner: z.string().nullable().default(null),
  expiresAt: z.string().nullable().default(null),
  note: z.string().default(""),
});
export type TriageEntry = z.infer<typeof TriageEntrySchema>;

/**
 * A mitigation record as exported: what the team does about one or more threats (linked by fingerprint), with
 * its own status, owner and ticket link.
 */
export const ReportMitigationSchema = MitigationSchema.pick({
  id: true,
  title: true,
  description: true,
  status: true,
  owner: true,
  ticketUrl: true,
  fingerprints: true,
});
export type ReportMitigation = z.infer<typeof ReportMitigationSchema>;

/**
 * Everything an exporter needs, and nothing it has to look up: exporters are pure, so the caller passes
 * the clock (`generatedAt`) and the tool version in.
 */
export const ReportInputSchema = z.object({
  tool: z.object({ name: z.literal("threatline"), version: z.string() }),
  generatedAt: z.string(),
  scope: ReportScopeSchema,
  project: z.object({ id: z.string().nullable(), name: z.string() }).nullable(),
  files: z.array(ReportFileSchema),
  threats: z.array(ThreatSchema),
  triage: z.record(z.string(), TriageEntrySchema),
  /**
   * A local scan's suppressions by fingerprint (inline `threatline:ignore` comments and the config file);
   * SARIF marks those results suppressed. The scan also records them as accepted in `triage`.
   */
  suppressions: z.record(z.string(), SuppressionRecordSchema).optional(),
  /**
   * The project's mitigation records that concern the report (a local scan has none). A threat whose
   * mitigations are all done counts as mitigated (`threatStatusOf`).
   */
  mitigations: z.array(ReportMitigationSchema).optional(),
});
export type ReportInput = z.infer<typeof ReportInputSchema>;

export const ReportSummarySchema = z.object({
  threatCount: z.number().int().nonnegative(),
  /** Threats without a closing triage decision (accepted, mitigated, false positive) nor done mitigations. */
  openCount: z.number().int().nonnegative(),
  byCategory: z.record(StrideCategorySchema, z.number().int()),
  bySeverity: z.record(SeveritySchema, z.number().int()),
  byTriage: z.record(TriageStatusSchema, z.number().int()),
  riskScore: z.number(),
});
export type ReportSummary = z.infer<typeof ReportSummarySchema>;

/** The full JSON export: the report input plus a version and a summary. Published as a JSON Schema. */
export const FullReportSchema = z
  .object({ version: z.literal(REPORT_VERSION) })
  .extend(ReportInputSchema.shape)
  .extend({ summary: ReportSummarySchema })
  .meta({
    $id: "https://threatline.dev/schemas/threatline-report.v1.schema.json",
    title: "Threatline report",
    description: "A Threatline threat model export: files, STRIDE threats with evidence, triage and a summary.",
  });
export type FullReport = z.infer<typeof FullReportSchema>;

/** The triage status of a threat; threats nobody triaged are open. */
export function triageStatusOf(input: Pick<ReportInput, "triage">, threat: Pick<Threat, "fingerprint">): TriageStatus {
  return input.triage[threat.fingerprint]?.status ?? "open";
}

/** How a mitigation's status reads in a report. */
export const MITIGATION_STATUS_LABELS: Record<ReportMitigation["status"], string> = {
  identified: "identified",
  in_progress: "in progress",
  done: "done",
  wont_do: "won't do",
};

/** One line for a mitigation record: "Title (done · owner · ticket)". */
export function mitigationLine(m: ReportMitigation): string {
  return `${m.title} (${[MITIGATION_STATUS_LABELS[m.status], m.owner, m.ticketUrl].filter(Boolean).join(" · ")})`;
}

/** The mitigation records linked to a threat, in the report's order. */
export function mitigationsOfThreat(
  input: Pick<ReportInput, "mitigations">,
  threat: Pick<Threat, "fingerprint">,
): ReportMitigation[] {
  return (input.mitigations ?? []).filter((m) => m.fingerprints.includes(threat.fingerprint));
}

/**
 * Where a threat stands, from its triage decision and its mitigations, as the server counts risk: a closing
 * decision (accepted, mitigated, false positive) stands; otherwise a threat whose mitigations close it (one done,
 * none still to do: `mitigationsClose`) is mitigated; otherwise it is open.
 */
export function threatStatusOf(
  input: Pick<ReportInput, "triage" | "mitigations">,
  threat: Pick<Threat, "fingerprint">,
): TriageStatus {
  const decided = triageStatusOf(input, threat);
  if (decided !== "open") return decided;
  const statuses = mitigationsOfThreat(input, threat).map((m) => m.status);
  return mitigationsClose(statuses) ? "mitigated" : "open";
}

/** Whether a threat is mitigated by its mitigation records rather than by a triage decision. */
export function mitigatedByRecords(
  input: Pick<ReportInput, "triage" | "mitigations">,
  threat: Pick<Threat, "fingerprint">,
): boolean {
  return triageStatusOf(input, threat) === "open" && threatStatusOf(input, threat) === "mitigated";
}

/** Counts and risk of a report, with triage and mitigations applied to the risk score. */
export function summarize(input: Pick<ReportInput, "threats" | "triage" | "mitigations">): ReportSummary {
  const statuses = new Map(input.threats.map((t) => [t.fingerprint, threatStatusOf(input, t)] as const));
  const byTriage = { open: 0, accepted: 0, mitigated: 0, false_positive: 0 } satisfies Record<TriageStatus, number>;
  for (const status of statuses.values()) byTriage[status] += 1;
  const risk = riskScore(input.threats, statuses);
  return {
    threatCount: input.threats.length,
    openCount: input.threats.filter((t) => statuses.get(t.fingerprint) === "open").length,
    byCategory: countByCategory(input.threats),
    bySeverity: countBySeverity(input.threats),
    byTriage,
    riskScore: risk,
  };
}

/** Threats of one category, worst first, keeping input order among equals. */
export function threatsByCategory(threats: readonly Threat[]): Array<[(typeof STRIDE_CATEGORIES)[number], Threat[]]> {
  return STRIDE_CATEGORIES.map((category) => [
    category,
    threats
      .map((t, i) => [t, i] as const)
      .filter(([t]) => t.category === category)
      .sort(([a, ia], [b, ib]) => SEVERITIES.indexOf(a.severity) - SEVERITIES.indexOf(b.severity) || ia - ib)
      .map(([t]) => t),
  ]);
}

/** Builds the full JSON report value. */
export function toFullReport(input: ReportInput): FullReport {
  return { version: REPORT_VERSION, ...input, summary: summarize(input) };
}

/** The full JSON export: two-space indented, with a trailing newline. */
export function renderFullJson(input: ReportInput): string {
  return `${JSON.stringify(toFullReport(input), null, 2)}\n`;
}

/** The published JSON Schema of the full JSON export. */
export function fullReportJsonSchema(): Record<string, unknown> {
  return z.toJSONSchema(FullReportSchema, { io: "output" });
}

/** Low and info: hygiene a team skims file by file, after the real risks (docs/severity.md). */
export function isHygiene(threat: Pick<Threat, "severity">): boolean {
  return threat.severity === "low" || threat.severity === "info";
}

/** Low and info threats grouped by the file of their primary resource, files in path order, threats in input order. */
export function hygieneByFile(threats: readonly Threat[]): Array<[string, Threat[]]> {
  const byFile = new Map<string, Threat[]>();
  for (const t of threats) {
    if (!isHygiene(t)) continue;
    const file = t.resources[0]?.file ?? t.evidence[0]?.file ?? "";
    const list = byFile.get(file);
    if (list) list.push(t);
    else byFile.set(file, [t]);
  }
  return [...byFile].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
}

/** `path:line:column` of a lenient-read warning. */
export function warningLocation(path: string, w: { line?: number; column?: number }): string {
  return `${path}${w.line !== undefined ? `:${w.line}${w.column !== undefined ? `:${w.column}` : ""}` : ""}`;
}
