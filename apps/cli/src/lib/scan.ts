import {
  countByCategory,
  countBySeverity,
  riskScore,
  ScanReportSchema,
  type ScanReport,
  type Threat,
} from "@threatline/domain";
import { analyze, type SourceFile } from "@threatline/engine";
import type { ReportInput } from "@threatline/reports";
import { analysisUnits } from "./files.ts";

/**
 * Analyses files with the builtin engine, one unit at a time (a Terraform folder, or one other file), and
 * joins the results into the public ScanReport.
 */
export async function scanFiles(
  files: readonly SourceFile[],
  toolVersion: string,
  onUnitDone: (done: number, total: number) => void = () => {},
): Promise<ScanReport> {
  const units = analysisUnits(files);
  const reports = new Map<string, ScanReport["files"][number]>();
  const threats = new Map<string, Threat>();
  for (const [index, unit] of units.entries()) {
    const result = await analyze(unit);
    for (const f of result.files) {
      reports.set(f.path, {
        path: f.path,
        format: f.format,
        resources: f.resources,
        ...(f.error ? { error: { code: f.error.code, message: f.error.message } } : {}),
      });
    }
    for (const t of result.threats) if (!threats.has(t.fingerprint)) threats.set(t.fingerprint, t);
    onUnitDone(index + 1, units.length);
  }
  const sorted = [...threats.values()].sort((a, b) => b.score - a.score || a.fingerprint.localeCompare(b.fingerprint));
  return ScanReportSchema.parse({
    tool: { name: "threatline", version: toolVersion },
    files: files.map((f) => reports.get(f.path) ?? { path: f.path, format: null, resources: 0 }),
    threats: sorted,
    summary: { byCategory: countByCategory(sorted), bySeverity: countBySeverity(sorted), riskScore: riskScore(sorted) },
  });
}

/** The exporters' input for a local scan: no project, no triage. */
export function scanReportInput(report: ScanReport, generatedAt: string): ReportInput {
  return {
    tool: report.tool,
    generatedAt,
    scope: { kind: "scan" },
    project: null,
    files: report.files.map((f) => ({ ...f })),
    threats: report.threats,
    triage: {},
  };
}
