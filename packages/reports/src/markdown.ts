import { SEVERITIES, STRIDE_CATEGORIES, STRIDE_LABELS, type Threat } from "@threatline/domain";
import {
  hygieneByFile,
  MITIGATION_STATUS_LABELS,
  isHygiene,
  mitigatedByRecords,
  mitigationsOfThreat,
  summarize,
  threatsByCategory,
  triageStatusOf,
  warningLocation,
  type ReportInput,
  type ReportMitigation,
} from "./report.ts";
import { SEVERITY_LABELS, codeFence, escapeMarkdown as md, plural, snippetLanguage } from "./text.ts";

/** A heading for what the report covers. */
export function reportTitle(input: Pick<ReportInput, "scope" | "project">): string {
  const project = input.project ? ` — ${input.project.name}` : "";
  switch (input.scope.kind) {
    case "scan":
      return `Threatline scan${project}`;
    case "analysis":
      return `Threat model of analysis ${input.scope.id}${project}`;
    case "batch":
      return `Threat model of batch ${input.scope.id}${project}`;
    case "project":
      return `Threat model${project}`;
  }
}

function location(file: string, line: number | null): string {
  return line === null ? file : `${file}:${line}`;
}

function threatSection(threat: Threat, input: ReportInput): string[] {
  const out: string[] = [];
  const status = triageStatusOf(input, threat);
  out.push(`### ${md(threat.title)}`, "");
  const facts = [
    `**Severity:** ${SEVERITY_LABELS[threat.severity]} (score ${threat.score}: likelihood ${threat.likelihood} × impact ${threat.impact})`,
    `**Source:** ${threat.source}${threat.ruleId ? ` · rule \`${threat.ruleId.replaceAll("`", "")}\`` : ""}`,
    `**Triage:** ${status.replace("_", " ")}${input.triage[threat.fingerprint]?.note ? ` — ${md(input.triage[threat.fingerprint]!.note)}` : ""}`,
    ...(mitigatedByRecords(input, threat) ? ["**Status:** mitigated (its mitigations are done)"] : []),
    `**Fingerprint:** \`${threat.fingerprint}\``,
  ];
  out.push(...facts.map((f) => `- ${f}`), "");
  if (threat.description) out.push(md(threat.description), "");
  const records = mitigationsOfThreat(input, threat);
  if (records.length > 0) {
    out.push("**Mitigations**", "");
    for (const m of records) out.push(`- ${mitigationFacts(m)}`);
    out.push("");
  }
  if (threat.resources.length > 0) {
    out.push("**Resources**", "");
    for (const r of threat.resources)
      out.push(`- \`${r.id.replaceAll("`", "")}\` (${md(r.type)}) in ${md(location(r.file, r.line))}`);
    out.push("");
  }
  if (threat.evidence.length > 0) {
    out.push("**Evidence**", "");
    for (const e of threat.evidence)
      out.push(`- ${md(location(e.file, e.line))}${e.path ? ` — \`${e.path.replaceAll("`", "")}\`` : ""}`);
    out.push("");
  }
  const refs = [...threat.references.cwe, ...threat.references.capec, ...threat.references.attack];
  if (refs.length > 0) out.push(`**References:** ${refs.map(md).join(", ")}`, "");
  if (threat.remediations.length > 0) {
    out.push("**Remediation**", "");
    const lang = snippetLanguage(threat.resources[0]?.file ?? threat.evidence[0]?.file);
    for (const r of threat.remediations) {
      out.push(`- ${md(r.text)}`);
      if (r.fix) {
        const fence = codeFence(r.fix);
        out.push("", `  ${fence}${lang}`, ...r.fix.split(/\r?\n/).map((l) => `  ${l}`), `  ${fence}`, "");
      }
    }
    out.push("");
  }
  return out;
}

function mitigationFacts(m: ReportMitigation): string {
  return [
    md(m.title),
    `**${MITIGATION_STATUS_LABELS[m.status]}**`,
    ...(m.owner ? [md(m.owner)] : []),
    ...(m.ticketUrl ? [md(m.ticketUrl)] : []),
  ].join(" · ");
}

/** A Markdown report: a summary table, then the threats grouped by STRIDE category with evidence and fixes. */
export function renderMarkdown(input: ReportInput): string {
  const summary = summarize(input);
  const out: string[] = [`# ${md(reportTitle(input))}`, ""];
  out.push(
    `Generated ${input.generatedAt} by ${input.tool.name} ${input.tool.version}. ` +
      `${plural(input.files.length, "file")}, ${plural(summary.threatCount, "threat")}, ${summary.openCount} open, risk score ${summary.riskScore}.`,
    "",
  );
  out.push("## Summary", "");
  out.push(`| Category | ${SEVERITIES.map((s) => SEVERITY_LABELS[s]).join(" | ")} | Total |`);
  out.push(`|---|${SEVERITIES.map(() => "---:").join("|")}|---:|`);
  for (const category of STRIDE_CATEGORIES) {
    const inCategory = input.threats.filter((t) => t.category === category);
    const cells = SEVERITIES.map((s) => inCategory.filter((t) => t.severity === s).length);
    out.push(`| ${STRIDE_LABELS[category]} | ${cells.join(" | ")} | ${inCategory.length} |`);
  }
  out.push(`| **Total** | ${SEVERITIES.map((s) => summary.bySeverity[s]).join(" | ")} | ${summary.threatCount} |`, "");

  if (input.files.length > 0) {
    out.push("## Files", "", "| File | Format | Resources | Status |", "|---|---|---:|---|");
    for (const f of input.files) {
      const status = f.error
        ? `${f.status ?? "error"}: ${md(f.error.code)} — ${md(f.error.message)}`
        : (f.status ?? "ok");
      out.push(`| ${md(f.path)} | ${md(f.format ?? "—")} | ${f.resources} | ${status} |`);
    }
    out.push("");
  }

  const records = input.mitigations ?? [];
  if (records.length > 0) {
    const titles = new Map(input.threats.map((t) => [t.fingerprint, t.title]));
    out.push(`## Mitigations (${records.length})`, "", "| Mitigation | Status | Owner | Ticket | Threats |");
    out.push("|---|---|---|---|---|");
    for (const m of records) {
      const threats = m.fingerprints.map((f) => md(titles.get(f) ?? f)).join("<br>");
      const cells = [
        md(m.title),
        MITIGATION_STATUS_LABELS[m.status],
        md(m.owner ?? "—"),
        m.ticketUrl ? md(m.ticketUrl) : "—",
      ];
      // Every cell is escaped text (md escapes `|`), so none can break the table.
      out.push(`| ${[...cells, threats || "—"].join(" | ")} |`);
    }
    out.push("");
  }

  const lenient = input.files.flatMap((f) => (f.warnings ?? []).map((w) => [f.path, w] as const));
  if (lenient.length > 0) {
    out.push(`## Read leniently (${lenient.length})`, "");
    out.push("The parser accepted these and the files' threats stand; check that the file says what was meant.", "");
    for (const [path, w] of lenient)
      out.push(`- ${md(warningLocation(path, w))} — \`${w.code.replaceAll("`", "")}\` ${md(w.message)}`);
    out.push("");
  }

  // Real risks one by one; low and info grouped per file underneath, folded (docs/severity.md).
  for (const [category, threats] of threatsByCategory(input.threats.filter((t) => !isHygiene(t)))) {
    if (threats.length === 0) continue;
    out.push(`## ${STRIDE_LABELS[category]} (${threats.length})`, "");
    for (const threat of threats) out.push(...threatSection(threat, input));
  }
  const hygiene = hygieneByFile(input.threats);
  if (hygiene.length > 0) {
    out.push(`## Low and info, by file (${hygiene.reduce((n, [, list]) => n + list.length, 0)})`, "");
    for (const [file, threats] of hygiene) {
      out.push(
        "<details>",
        `<summary>${threats.length} low/info hygiene finding${threats.length === 1 ? "" : "s"} in ${md(file || "(no file)")}</summary>`,
        "",
      );
      for (const threat of threatsByCategory(threats).flatMap(([, list]) => list))
        out.push(...threatSection(threat, input));
      out.push("</details>", "");
    }
  }
  if (input.threats.length === 0) out.push("No threats found.", "");
  return `${out
    .join("\n")
    .replace(/\n{3,}/g, "\n\n")
    .trimEnd()}\n`;
}
