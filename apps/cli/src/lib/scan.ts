import {
  capThreats,
  countByCategory,
  countBySeverity,
  DEFAULT_MAX_THREATS,
  emptySeverityCounts,
  type OmittedThreats,
  riskScore,
  ScanReportSchema,
  type ScanReport,
  type Severity,
  type SuppressionRecord,
  type Threat,
} from "@threatline/domain";
import {
  analyze,
  applySuppressions,
  findInlineSuppressions,
  type PathFrame,
  type Rule,
  type SourceFile,
  type Suppression,
  type SuppressionProblem,
} from "@threatline/engine";
import type { ReportInput } from "@threatline/reports";
import { overriddenSeverity } from "./config.ts";
import { scanUnits } from "./files.ts";

/**
 * Analyses files with the engine, one unit at a time (a Terraform folder, or one other file; an OpenAPI spec with
 * the infrastructure that serves it as context), and joins
 * the results into the public ScanReport. `rules` replaces the builtin rule set (skip/only, team rules).
 * At most `maxThreats` threats are reported, the highest-scoring (as the server keeps them); the rest are
 * counted in `omitted`. The engine builds only the kept threats of each unit (`analyze({ maxThreats })`) and
 * the running total is capped again as units finish, so time and memory stay bounded however many threats a file
 * would yield. `bases`: files of kustomize bases read from outside the scanned paths, context for the overlays.
 */
export async function scanFiles(
  files: readonly SourceFile[],
  toolVersion: string,
  onUnitDone: (done: number, total: number) => void = () => {},
  rules?: readonly Rule[],
  maxThreats: number = DEFAULT_MAX_THREATS,
  bases: readonly SourceFile[] = [],
): Promise<ScanReport> {
  const units = scanUnits(files, bases);
  const reports = new Map<string, ScanReport["files"][number]>();
  let threats = new Map<string, Threat>();
  const omitted: OmittedThreats = { count: 0, bySeverity: emptySeverityCounts(), byRule: {} };
  const keep = (list: readonly Threat[]): Threat[] => {
    const { kept, omitted: left } = capThreats(list, maxThreats);
    if (left) addOmitted(omitted, left);
    return kept;
  };
  for (const [index, unit] of units.entries()) {
    const focus = unit.context.length > 0 ? { focus: unit.files.map((f) => f.path) } : {};
    const result = await analyze([...unit.files, ...unit.context], {
      ...focus,
      ...(rules ? { rules } : {}),
      maxThreats,
    });
    if (result.omitted) addOmitted(omitted, result.omitted);
    const own = new Set(unit.files.map((f) => f.path));
    for (const f of result.files) {
      if (!own.has(f.path)) continue;
      reports.set(f.path, {
        path: f.path,
        format: f.format,
        resources: f.resources,
        ...(f.error ? { error: f.error } : {}),
        ...(f.warnings && f.warnings.length > 0 ? { warnings: f.warnings } : {}),
      });
    }
    for (const t of keep(result.threats)) if (!threats.has(t.fingerprint)) threats.set(t.fingerprint, t);
    if (threats.size > maxThreats) threats = new Map(keep([...threats.values()]).map((t) => [t.fingerprint, t]));
    onUnitDone(index + 1, units.length);
  }
  return summarizeScan({
    tool: { name: "threatline", version: toolVersion },
    files: files.map((f) => reports.get(f.path) ?? { path: f.path, format: null, resources: 0 }),
    threats: [...threats.values()],
    ...(omitted.count > 0 ? { omitted } : {}),
  });
}

function addOmitted(into: OmittedThreats, more: OmittedThreats): void {
  into.count += more.count;
  for (const [severity, n] of Object.entries(more.bySeverity) as Array<[keyof OmittedThreats["bySeverity"], number]>)
    into.bySeverity[severity] += n;
  for (const [rule, n] of Object.entries(more.byRule)) into.byRule[rule] = (into.byRule[rule] ?? 0) + n;
}

/** Sorts the threats worst first and computes the summary over those neither suppressed nor in the baseline. */
export function summarizeScan(report: Omit<ScanReport, "summary">): ScanReport {
  const threats = [...report.threats].sort((a, b) => b.score - a.score || a.fingerprint.localeCompare(b.fingerprint));
  const suppressed = report.suppressed ?? {};
  const counted = threats.filter((t) => !suppressed[t.fingerprint]);
  const count = Object.keys(suppressed).length;
  return ScanReportSchema.parse({
    ...report,
    threats,
    summary: {
      byCategory: countByCategory(counted),
      bySeverity: countBySeverity(counted),
      riskScore: riskScore(counted),
      ...(report.suppressed ? { suppressed: count } : {}),
    },
  });
}

/** What the repository decided about its threats, applied after the engine has run. */
export interface ScanPolicy {
  /** Severity by rule id or STRIDE category. */
  severity: Readonly<Record<string, Severity>>;
  /** The config's suppressions (inline comments are read from the files). */
  suppressions: readonly Suppression[];
  /** Maps a report path to the frame the config's globs are written in. */
  pathFrame?: PathFrame;
  /** Today, `YYYY-MM-DD`: suppressions past their date no longer hold. */
  today: string;
  /** Fingerprints of an earlier report: these threats are known and left out. */
  baseline?: { file: string; fingerprints: ReadonlySet<string> };
}

/**
 * Applies severity overrides, suppressions (inline comments and config) and the baseline to a scan. The
 * suppressed threats stay in the report, marked; the baseline's are left out and counted.
 */
export function applyPolicy(
  report: ScanReport,
  files: readonly SourceFile[],
  policy: ScanPolicy,
): { report: ScanReport; problems: SuppressionProblem[] } {
  const problems: SuppressionProblem[] = [];
  const inline: Suppression[] = [];
  for (const file of files) {
    const found = findInlineSuppressions(file);
    inline.push(...found.suppressions);
    problems.push(...found.problems);
  }
  let threats = report.threats.map((t) => {
    const severity = overriddenSeverity(t, policy.severity);
    return severity === t.severity ? t : { ...t, severity };
  });
  let baseline: ScanReport["baseline"];
  if (policy.baseline) {
    const known = policy.baseline.fingerprints;
    const before = threats.length;
    threats = threats.filter((t) => !known.has(t.fingerprint));
    baseline = { file: policy.baseline.file, known: before - threats.length };
  }
  const all = [...inline, ...policy.suppressions];
  const outcome = applySuppressions(threats, all, policy.today, policy.pathFrame);
  return {
    report: summarizeScan({
      tool: report.tool,
      files: report.files,
      threats,
      ...(all.length > 0 ? { suppressed: outcome.suppressed, expiredSuppressions: outcome.expired } : {}),
      ...(baseline ? { baseline } : {}),
      ...(report.omitted ? { omitted: report.omitted } : {}),
    }),
    problems,
  };
}

/** The threats a gate looks at: found, not suppressed (baseline threats are already out of the report). */
export function activeThreats(report: ScanReport): Threat[] {
  const suppressed = report.suppressed ?? {};
  return report.threats.filter((t) => !suppressed[t.fingerprint]);
}

/**
 * Files that failed: a parse error or a limit, or a file named on the command line that is no template.
 * Files a folder walk picked up by extension but that are no template (`package.json`, or minified or deeply
 * nested JSON that no format recognised) are not failures.
 */
export function failedFiles(report: ScanReport, named: ReadonlySet<string>): ScanReport["files"] {
  return report.files.filter(
    (f) => f.error !== undefined && (named.has(f.path) || !(f.format === null && NOT_A_TEMPLATE.has(f.error.code))),
  );
}

/** Why an unrecognised file was not analysed, when a folder walk merely picked it up by its extension. */
const NOT_A_TEMPLATE: ReadonlySet<string> = new Set([
  "template/unsupported-format",
  "template/empty",
  "template/line-too-long",
  "template/too-deep",
]);

/**
 * The exporters' input for a local scan: no project; suppressed threats are recorded as accepted in the
 * triage (so CSV, HTML and Threat Composer show them closed) and in `suppressions` (SARIF's kinds).
 */
export function scanReportInput(report: ScanReport, generatedAt: string): ReportInput {
  const suppressed: Record<string, SuppressionRecord> = report.suppressed ?? {};
  return {
    tool: report.tool,
    generatedAt,
    scope: { kind: "scan" },
    project: null,
    files: report.files.map((f) => ({ ...f })),
    threats: report.threats,
    triage: Object.fromEntries(
      Object.entries(suppressed).map(([fp, s]) => [
        fp,
        {
          status: "accepted" as const,
          owner: s.owner,
          expiresAt: s.until,
          note: [s.reason ?? "", `suppressed in ${s.source}`].filter(Boolean).join(" — "),
        },
      ]),
    ),
    ...(report.suppressed ? { suppressions: suppressed } : {}),
  };
}
