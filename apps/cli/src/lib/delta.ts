import {
  SEVERITIES,
  STRIDE_LABELS,
  countBySeverity,
  riskScore,
  type ScanReport,
  type Severity,
  type Threat,
} from "@threatline/domain";
import { escapeMarkdown } from "@threatline/reports";
import pc from "picocolors";
import { activeThreats, failedFiles } from "./scan.ts";

/** The threats a change adds, resolves and keeps, and what it does to the risk. */
export interface ThreatDelta {
  tool: { name: "threatline"; version: string };
  base: { ref: string; commit: string };
  head: { ref: string; commit: string | null };
  /** The changed template files, and the files scanned with them for context (a Terraform module's folder). */
  files: { changed: string[]; scanned: string[] };
  added: Threat[];
  resolved: Threat[];
  unchanged: Threat[];
  risk: { base: number; head: number; change: number };
  /** Head files that could not be analysed. */
  errors: Array<{ path: string; code: string; message: string }>;
  /** Threats suppressed at the head (not counted as added). */
  suppressed: number;
}

const worstFirst = (a: Threat, b: Threat): number =>
  SEVERITIES.indexOf(a.severity) - SEVERITIES.indexOf(b.severity) ||
  b.score - a.score ||
  a.fingerprint.localeCompare(b.fingerprint);

/**
 * Compares the scans of the same files at two revisions by fingerprint (lines moving change nothing). A
 * head file counts as failed when it does not parse, or when no parser recognises it any more although
 * one did at the base (a template broken into invalid YAML).
 */
export function compareScans(
  base: ScanReport,
  head: ScanReport,
  meta: Pick<ThreatDelta, "base" | "head" | "files">,
): ThreatDelta {
  const wereTemplates = new Set(base.files.filter((f) => f.format !== null).map((f) => f.path));
  const before = activeThreats(base);
  const after = activeThreats(head);
  const beforeIds = new Set(before.map((t) => t.fingerprint));
  const afterIds = new Set(after.map((t) => t.fingerprint));
  const baseRisk = riskScore(before);
  const headRisk = riskScore(after);
  return {
    tool: head.tool,
    ...meta,
    added: after.filter((t) => !beforeIds.has(t.fingerprint)).sort(worstFirst),
    resolved: before.filter((t) => !afterIds.has(t.fingerprint)).sort(worstFirst),
    unchanged: after.filter((t) => beforeIds.has(t.fingerprint)).sort(worstFirst),
    risk: { base: baseRisk, head: headRisk, change: headRisk - baseRisk },
    errors: failedFiles(head, wereTemplates).map((f) => ({
      path: f.path,
      code: f.error!.code,
      message: f.error!.message,
    })),
    suppressed: head.threats.length - after.length,
  };
}

function place(t: Threat): string {
  const r = t.resources[0];
  const e = t.evidence[0];
  const line = e?.line ?? r?.line ?? null;
  return `${r?.file ?? e?.file ?? ""}${line ? `:${line}` : ""}`;
}

const signed = (n: number): string => (n > 0 ? `+${n}` : String(n));

function severityList(threats: readonly Threat[]): string {
  const counts = countBySeverity(threats);
  const parts = SEVERITIES.filter((s) => counts[s] > 0).map((s) => `${counts[s]} ${s}`);
  return parts.length > 0 ? ` (${parts.join(", ")})` : "";
}

/** The delta for a terminal: new threats in full, resolved ones by title, the risk change. */
export function renderDeltaText(delta: ThreatDelta, color: boolean): string {
  const c = pc.createColors(color);
  const sev: Record<Severity, (s: string) => string> = {
    critical: (s) => c.bold(c.red(s)),
    high: c.red,
    medium: c.yellow,
    low: c.cyan,
    info: c.dim,
  };
  const lines = [
    c.bold(`Threatline ${delta.tool.version}`) +
      ` — ${delta.base.ref} (${delta.base.commit.slice(0, 12)}) → ${delta.head.ref}: ` +
      `${delta.files.changed.length} changed template(s), ${delta.files.scanned.length} scanned`,
    `Risk ${delta.risk.base} → ${delta.risk.head} (${signed(delta.risk.change)})`,
    "",
  ];
  const section = (title: string, threats: readonly Threat[], mark: string, full: boolean): void => {
    lines.push(c.bold(`${title}: ${threats.length}${severityList(threats)}`));
    for (const t of threats) {
      lines.push(`  ${mark} ${sev[t.severity](t.severity.toUpperCase().padEnd(8))} ${t.title}`);
      lines.push(
        `             ${c.dim(`${t.resources[0]?.id ?? ""} — ${place(t)} [${t.ruleId ?? STRIDE_LABELS[t.category]}]`)}`,
      );
      if (full && t.remediations[0]) lines.push(`             ${c.green("fix:")} ${t.remediations[0].text}`);
    }
    lines.push("");
  };
  section("Added", delta.added, c.red("+"), true);
  section("Resolved", delta.resolved, c.green("-"), false);
  lines.push(`Unchanged: ${delta.unchanged.length}${severityList(delta.unchanged)}`);
  if (delta.suppressed > 0) lines.push(`Suppressed at the head: ${delta.suppressed}`);
  for (const e of delta.errors) lines.push(c.red(`Not analysed: ${e.path}: ${e.code} ${e.message}`));
  return `${lines.join("\n")}\n`;
}

const SEVERITY_ICON: Record<Severity, string> = {
  critical: "🟥",
  high: "🟧",
  medium: "🟨",
  low: "🟦",
  info: "⬜",
};

function table(threats: readonly Threat[]): string[] {
  if (threats.length === 0) return ["_None._", ""];
  const cell = (s: string) => escapeMarkdown(s);
  // Inside a code span backslashes show literally: drop backticks and escape only the table's pipe.
  const code = (s: string) => `\`${s.replace(/[`\r\n]/g, " ").replaceAll("|", "\\|")}\``;
  return [
    "| Severity | Threat | Resource | Where | Rule |",
    "| --- | --- | --- | --- | --- |",
    ...threats.map(
      (t) =>
        `| ${SEVERITY_ICON[t.severity]} ${t.severity} | ${cell(t.title)} | ${code(t.resources[0]?.id ?? "")} | ${code(place(t))} | ${cell(t.ruleId ?? STRIDE_LABELS[t.category])} |`,
    ),
    "",
  ];
}

/** The delta as Markdown for a pull-request comment or `$GITHUB_STEP_SUMMARY`. */
export function renderDeltaMarkdown(delta: ThreatDelta): string {
  const headline =
    delta.added.length === 0 && delta.resolved.length === 0
      ? "no threat added or resolved"
      : `${delta.added.length} threat(s) added${severityList(delta.added)}, ${delta.resolved.length} resolved`;
  const lines = [
    `## Threatline: ${headline}`,
    "",
    `Risk **${delta.risk.base} → ${delta.risk.head} (${signed(delta.risk.change)})** · ` +
      `${delta.files.changed.length} changed template(s) against \`${escapeMarkdown(delta.base.ref)}\` (${delta.base.commit.slice(0, 12)})` +
      (delta.suppressed > 0 ? ` · ${delta.suppressed} suppressed` : ""),
    "",
    `### Added (${delta.added.length})`,
    "",
    ...table(delta.added),
  ];
  for (const t of delta.added.filter((x) => x.remediations[0]))
    lines.push(
      `- **${escapeMarkdown(t.title)}** on ${escapeMarkdown(t.resources[0]?.id ?? "")}: ${escapeMarkdown(t.remediations[0]!.text)}`,
    );
  if (delta.added.some((x) => x.remediations[0])) lines.push("");
  lines.push(`### Resolved (${delta.resolved.length})`, "", ...table(delta.resolved));
  lines.push(
    "<details>",
    `<summary>Unchanged (${delta.unchanged.length})</summary>`,
    "",
    ...table(delta.unchanged),
    "</details>",
    "",
  );
  if (delta.errors.length > 0) {
    lines.push("### Not analysed", "");
    for (const e of delta.errors)
      lines.push(`- ${escapeMarkdown(e.path)}: ${escapeMarkdown(e.code)} ${escapeMarkdown(e.message)}`);
    lines.push("");
  }
  return `${lines.join("\n")}\n`;
}
