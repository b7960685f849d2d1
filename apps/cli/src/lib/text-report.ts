import {
  SEVERITIES,
  STRIDE_CATEGORIES,
  STRIDE_LABELS,
  type ScanReport,
  type Severity,
  type Threat,
} from "@threatline/domain";
import pc from "picocolors";

type Colors = ReturnType<typeof pc.createColors>;

const SEVERITY_COLOR: Record<Severity, (c: Colors, s: string) => string> = {
  critical: (c, s) => c.bold(c.red(s)),
  high: (c, s) => c.red(s),
  medium: (c, s) => c.yellow(s),
  low: (c, s) => c.cyan(s),
  info: (c, s) => c.dim(s),
};

/** Severities grouped per file below the threats a team reads one by one (see docs/severity.md). */
const HYGIENE: ReadonlySet<Severity> = new Set(["low", "info"]);

function where(threat: Threat): string {
  const resource = threat.resources[0];
  const evidence = threat.evidence[0];
  const file = evidence?.file ?? resource?.file;
  const line = evidence?.line ?? resource?.line ?? null;
  const place = file ? `${file}${line ? `:${line}` : ""}` : "";
  const more = threat.resources.length > 1 ? ` (+${threat.resources.length - 1} more)` : "";
  return [resource ? `${resource.id}${more}` : "", place].filter(Boolean).join(" — ");
}

/**
 * The human summary of a scan: critical to medium threats grouped by STRIDE category, worst first; low and info
 * grouped per file; then file errors, lenient reads and totals.
 */
export function renderScanText(report: ScanReport, color: boolean): string {
  const c = pc.createColors(color);
  const lines: string[] = [];
  const failed = report.files.filter((f) => f.error);
  const suppressed = report.suppressed ?? {};
  const active = report.threats.filter((t) => !suppressed[t.fingerprint]);
  const suppressedCount = report.threats.length - active.length;
  lines.push(
    c.bold(`Threatline ${report.tool.version}`) +
      ` — ${report.files.length} file(s) scanned` +
      (failed.length > 0 ? `, ${failed.length} could not be analysed` : "") +
      `, ${active.length} ${report.baseline ? "new " : ""}threat(s)` +
      (suppressedCount > 0 ? ` (${suppressedCount} suppressed)` : "") +
      `, risk score ${report.summary.riskScore}`,
    "",
  );
  // Real risks one by one; hygiene (low and info) grouped per file underneath, so it never buries them.
  const hygiene = active.filter((t) => HYGIENE.has(t.severity));
  for (const category of STRIDE_CATEGORIES) {
    const threats = active
      .filter((t) => t.category === category && !HYGIENE.has(t.severity))
      .sort((a, b) => SEVERITIES.indexOf(a.severity) - SEVERITIES.indexOf(b.severity) || b.score - a.score);
    if (threats.length === 0) continue;
    lines.push(c.bold(`${STRIDE_LABELS[category]} (${threats.length})`));
    for (const t of threats) {
      lines.push(`  ${SEVERITY_COLOR[t.severity](c, t.severity.toUpperCase().padEnd(8))} ${t.title}`);
      const place = where(t);
      if (place) lines.push(`  ${" ".repeat(8)} ${c.dim(place)}`);
      const remedy = t.remediations[0]?.text;
      if (remedy) lines.push(`  ${" ".repeat(8)} ${c.green("fix:")} ${remedy}`);
    }
    lines.push("");
  }
  if (hygiene.length > 0) {
    lines.push(c.bold(`Low and info, by file (${hygiene.length})`));
    const byFile = new Map<string, Threat[]>();
    for (const t of hygiene) {
      const file = t.resources[0]?.file ?? t.evidence[0]?.file ?? "";
      byFile.set(file, [...(byFile.get(file) ?? []), t]);
    }
    for (const [file, threats] of [...byFile].sort(([a], [b]) => a.localeCompare(b))) {
      const counts = SEVERITIES.filter((s) => HYGIENE.has(s))
        .map((s) => [s, threats.filter((t) => t.severity === s).length] as const)
        .filter(([, n]) => n > 0)
        .map(([s, n]) => SEVERITY_COLOR[s](c, `${n} ${s}`));
      lines.push(
        `  ${threats.length} low/info hygiene finding${threats.length === 1 ? "" : "s"} in ${file || "(no file)"} (${counts.join(", ")})`,
      );
      const titles = new Map<string, number>();
      for (const t of threats) titles.set(t.title, (titles.get(t.title) ?? 0) + 1);
      for (const [title, n] of titles) lines.push(`  ${" ".repeat(8)} ${c.dim(`${title}${n > 1 ? ` (×${n})` : ""}`)}`);
    }
    lines.push("");
  }
  if (active.length === 0)
    lines.push(c.green(report.baseline ? "No threats beyond the baseline." : "No threats found."), "");
  if (failed.length > 0) {
    lines.push(c.bold("Not analysed"));
    for (const f of failed) {
      const at =
        f.error!.line !== undefined
          ? `:${f.error!.line}${f.error!.column !== undefined ? `:${f.error!.column}` : ""}`
          : "";
      lines.push(`  ${f.path}${at}: ${c.red(f.error!.code)} ${f.error!.message}`);
    }
    lines.push("");
  }
  const lenient = report.files.filter((f) => f.warnings && f.warnings.length > 0);
  if (lenient.length > 0) {
    lines.push(c.bold("Read leniently"));
    for (const f of lenient)
      for (const w of f.warnings!)
        lines.push(
          `  ${f.path}${w.line !== undefined ? `:${w.line}${w.column !== undefined ? `:${w.column}` : ""}` : ""}: ${c.yellow(w.code)} ${w.message}`,
        );
    lines.push("");
  }
  if (suppressedCount > 0) {
    const bySource = new Map<string, number>();
    for (const t of report.threats) {
      const s = suppressed[t.fingerprint];
      if (s) bySource.set(s.source, (bySource.get(s.source) ?? 0) + 1);
    }
    lines.push(
      `Suppressed: ${suppressedCount} threat(s) (${[...bySource].map(([source, n]) => `${n} by ${source}`).join(", ")}); --format json lists them.`,
    );
  }
  for (const e of report.expiredSuppressions ?? [])
    lines.push(
      c.yellow(
        `Expired: the suppression in ${e.source} ended ${e.until}; ${e.fingerprints.length} threat(s) count again.`,
      ),
    );
  if (report.baseline)
    lines.push(`Baseline: ${report.baseline.known} known threat(s) from ${report.baseline.file} left out.`);
  const counts = SEVERITIES.filter((s) => report.summary.bySeverity[s] > 0).map((s) =>
    SEVERITY_COLOR[s](c, `${report.summary.bySeverity[s]} ${s}`),
  );
  lines.push(`Severity: ${counts.length > 0 ? counts.join(" · ") : "none"}`);
  const omitted = report.omitted;
  if (omitted) {
    const bySeverity = SEVERITIES.filter((s) => (omitted.bySeverity[s] ?? 0) > 0).map(
      (s) => `${omitted.bySeverity[s]} ${s}`,
    );
    const byRule = Object.entries(omitted.byRule)
      .sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]))
      .map(([rule, n]) => `${rule} ${n}`);
    lines.push(
      c.yellow(`${omitted.count} more threat(s) not listed (over --max-threats): ${bySeverity.join(" · ")}`),
      c.dim(`  by rule: ${byRule.join(", ")}`),
    );
  }
  return `${lines.join("\n")}\n`;
}
