import type { ResourceRef, Threat } from "@threatline/domain";
import { mitigationLine, mitigationsOfThreat, threatStatusOf, triageStatusOf, type ReportInput } from "./report.ts";

export const CSV_COLUMNS = [
  "fingerprint",
  "category",
  "severity",
  "score",
  "likelihood",
  "impact",
  "title",
  "description",
  "rule_id",
  "source",
  "resource_id",
  "resource_type",
  "file",
  "line",
  "evidence",
  "remediations",
  "cwe",
  "triage_status",
  "triage_owner",
  "triage_expires_at",
  "triage_note",
  "mitigations",
  "status",
] as const;

/** Characters that make Excel, LibreOffice or Sheets read a cell as a formula (OWASP CSV injection). */
const FORMULA_START = /^[=+\-@\t\r]/;

/**
 * One CSV cell: defused against formula injection by a leading `'`, then quoted per RFC 4180 when it holds
 * a quote, a comma or a line break.
 */
export function csvCell(value: string | number | null | undefined): string {
  let text = value === null || value === undefined ? "" : String(value);
  if (FORMULA_START.test(text)) text = `'${text}`;
  return /[",\r\n]/.test(text) ? `"${text.replaceAll('"', '""')}"` : text;
}

function row(cells: Array<string | number | null | undefined>): string {
  return cells.map(csvCell).join(",");
}

/**
 * The UTF-8 byte order mark. Excel reads a CSV file without it in the machine's ANSI code page, so "für" comes
 * out as "fÃ¼r"; with it, Excel, LibreOffice, Sheets and Numbers all read UTF-8. Readers that do not expect it
 * (Python's `utf-8` codec, `cut`) see it glued to the first header name, which is `fingerprint` and never data.
 */
export const UTF8_BOM = "\uFEFF";

/**
 * CSV with one row per threat × resource (a threat without resources gets one row), CRLF line ends, led by a
 * UTF-8 byte order mark so that spreadsheets read non-ASCII text right. `triage_*` is the triage decision,
 * `mitigations` the threat's mitigation records ("title (status · owner · ticket)", `|`-separated), and `status`
 * where the threat stands from both (mitigated when its mitigations are all done).
 */
export function renderCsv(input: Pick<ReportInput, "threats" | "triage" | "mitigations">): string {
  const lines = [UTF8_BOM + row([...CSV_COLUMNS])];
  for (const threat of input.threats) {
    const triage = input.triage[threat.fingerprint];
    const resources: Array<ResourceRef | null> = threat.resources.length > 0 ? threat.resources : [null];
    const mitigations = mitigationsOfThreat(input, threat).map(mitigationLine).join(" | ");
    for (const resource of resources)
      lines.push(
        row([
          ...threatRow(threat, resource, triageStatusOf(input, threat), triage),
          mitigations,
          threatStatusOf(input, threat),
        ]),
      );
  }
  return `${lines.join("\r\n")}\r\n`;
}

function threatRow(
  threat: Threat,
  resource: ResourceRef | null,
  status: string,
  triage: ReportInput["triage"][string] | undefined,
): Array<string | number | null> {
  return [
    threat.fingerprint,
    threat.category,
    threat.severity,
    threat.score,
    threat.likelihood,
    threat.impact,
    threat.title,
    threat.description,
    threat.ruleId,
    threat.source,
    resource?.id ?? null,
    resource?.type ?? null,
    resource?.file ?? threat.evidence[0]?.file ?? null,
    resource?.line ?? null,
    threat.evidence
      .map((e) => `${e.file}${e.line === null ? "" : `:${e.line}`}${e.path ? ` ${e.path}` : ""}`)
      .join("; "),
    threat.remediations.map((r) => r.text).join(" | "),
    threat.references.cwe.join(" "),
    status,
    triage?.owner ?? null,
    triage?.expiresAt ?? null,
    triage?.note ?? null,
  ];
}
