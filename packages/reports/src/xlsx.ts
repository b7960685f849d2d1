import ExcelJS from "exceljs";
import { SEVERITIES, type Severity, type Threat } from "@threatline/domain";
import {
  MITIGATION_STATUS_LABELS,
  mitigationLine,
  mitigationsOfThreat,
  threatStatusOf,
  triageStatusOf,
  type ReportInput,
} from "./report.ts";

/**
 * The XLSX export, written with ExcelJS (MIT): a "Threats" sheet, one row per threat with its triage decision
 * (status, owner, expiry, note), its mitigation records and where it stands from both; a "Resources" sheet, one
 * row per resource the threats name with how many threats, how many still open and the worst severity; and a
 * "Mitigations" sheet, one row per mitigation record (status, owner, ticket, the threats it covers). Each has a
 * frozen header row and an autofilter.
 *
 * Limits: text cells are strings, never formulas (ExcelJS writes a formula only when given one), so a title
 * starting with "=" is shown as typed; a cell holds at most 32,767 characters (Excel's limit: longer text is cut
 * with "…"); Excel opens at most 1,048,576 rows, far above the 5,000 threats an analysis keeps.
 */

export const XLSX_THREAT_COLUMNS = [
  { header: "Fingerprint", key: "fingerprint", width: 34 },
  { header: "Category", key: "category", width: 22 },
  { header: "Severity", key: "severity", width: 10 },
  { header: "Score", key: "score", width: 7 },
  { header: "Likelihood", key: "likelihood", width: 10 },
  { header: "Impact", key: "impact", width: 8 },
  { header: "Title", key: "title", width: 50 },
  { header: "Description", key: "description", width: 60 },
  { header: "Rule", key: "ruleId", width: 18 },
  { header: "Source", key: "source", width: 8 },
  { header: "Resources", key: "resources", width: 40 },
  { header: "File", key: "file", width: 30 },
  { header: "Line", key: "line", width: 6 },
  { header: "Remediations", key: "remediations", width: 60 },
  { header: "CWE", key: "cwe", width: 12 },
  { header: "Triage status", key: "triageStatus", width: 14 },
  { header: "Owner", key: "owner", width: 24 },
  { header: "Expires", key: "expires", width: 12 },
  { header: "Note", key: "note", width: 40 },
  { header: "Mitigations", key: "mitigations", width: 50 },
  { header: "Status", key: "status", width: 12 },
] as const;

export const XLSX_MITIGATION_COLUMNS = [
  { header: "Mitigation", key: "title", width: 40 },
  { header: "Status", key: "status", width: 12 },
  { header: "Owner", key: "owner", width: 24 },
  { header: "Ticket", key: "ticket", width: 40 },
  { header: "Description", key: "description", width: 50 },
  { header: "Threats", key: "threats", width: 60 },
  { header: "Fingerprints", key: "fingerprints", width: 34 },
] as const;

export const XLSX_RESOURCE_COLUMNS = [
  { header: "Resource", key: "id", width: 40 },
  { header: "Type", key: "type", width: 30 },
  { header: "File", key: "file", width: 30 },
  { header: "Line", key: "line", width: 6 },
  { header: "Threats", key: "threats", width: 8 },
  { header: "Open threats", key: "open", width: 12 },
  { header: "Worst severity", key: "worst", width: 14 },
] as const;

const MAX_CELL = 32_767;
const cell = (text: string): string => (text.length <= MAX_CELL ? text : `${text.slice(0, MAX_CELL - 1)}…`);

function sheet(
  workbook: ExcelJS.Workbook,
  name: string,
  columns: ReadonlyArray<{ header: string; key: string; width: number }>,
) {
  const ws = workbook.addWorksheet(name, { views: [{ state: "frozen", ySplit: 1 }] });
  ws.columns = columns.map((c) => ({ ...c }));
  ws.getRow(1).font = { bold: true };
  return ws;
}

function threatRow(input: ReportInput, t: Threat): Record<string, string | number | Date | null> {
  const triage = input.triage[t.fingerprint];
  return {
    fingerprint: t.fingerprint,
    category: t.category,
    severity: t.severity,
    score: t.score,
    likelihood: t.likelihood,
    impact: t.impact,
    title: cell(t.title),
    description: cell(t.description),
    ruleId: t.ruleId ?? "",
    source: t.source,
    resources: cell(t.resources.map((r) => r.id).join("\n")),
    file: t.resources[0]?.file ?? t.evidence[0]?.file ?? "",
    line: t.resources[0]?.line ?? t.evidence[0]?.line ?? null,
    remediations: cell(t.remediations.map((r) => r.text).join("\n")),
    cwe: t.references.cwe.join(" "),
    triageStatus: triageStatusOf(input, t),
    owner: triage?.owner ?? "",
    expires: triage?.expiresAt ? new Date(triage.expiresAt) : null,
    note: cell(triage?.note ?? ""),
    mitigations: cell(mitigationsOfThreat(input, t).map(mitigationLine).join("\n")),
    status: threatStatusOf(input, t),
  };
}

/** The workbook of a report (ExcelJS's object, for callers that add to it). */
export function buildXlsx(input: ReportInput): ExcelJS.Workbook {
  const workbook = new ExcelJS.Workbook();
  workbook.creator = `${input.tool.name} ${input.tool.version}`;
  workbook.created = new Date(input.generatedAt);
  workbook.modified = new Date(input.generatedAt);
  workbook.title = input.project?.name ?? "Threatline scan";

  const threats = sheet(workbook, "Threats", XLSX_THREAT_COLUMNS);
  for (const t of input.threats) threats.addRow(threatRow(input, t));
  threats.getColumn("expires").numFmt = "yyyy-mm-dd";
  threats.autoFilter = { from: { row: 1, column: 1 }, to: { row: 1, column: XLSX_THREAT_COLUMNS.length } };
  for (const key of ["title", "description", "resources", "remediations", "note", "mitigations"])
    threats.getColumn(key).alignment = { wrapText: true, vertical: "top" };

  const byResource = new Map<
    string,
    { id: string; type: string; file: string; line: number | null; threats: Threat[] }
  >();
  for (const t of input.threats)
    for (const r of t.resources) {
      const key = `${r.file}\u0000${r.id}`;
      let entry = byResource.get(key);
      if (!entry) byResource.set(key, (entry = { id: r.id, type: r.type, file: r.file, line: r.line, threats: [] }));
      if (!entry.threats.includes(t)) entry.threats.push(t);
    }
  const resources = sheet(workbook, "Resources", XLSX_RESOURCE_COLUMNS);
  for (const r of byResource.values()) {
    const worst = r.threats.reduce<Severity>(
      (w, t) => (SEVERITIES.indexOf(t.severity) < SEVERITIES.indexOf(w) ? t.severity : w),
      "info",
    );
    resources.addRow({
      id: cell(r.id),
      type: r.type,
      file: r.file,
      line: r.line,
      threats: r.threats.length,
      open: r.threats.filter((t) => threatStatusOf(input, t) === "open").length,
      worst,
    });
  }
  resources.autoFilter = { from: { row: 1, column: 1 }, to: { row: 1, column: XLSX_RESOURCE_COLUMNS.length } };

  const records = input.mitigations ?? [];
  if (records.length > 0) {
    const titles = new Map(input.threats.map((t) => [t.fingerprint, t.title]));
    const mitigations = sheet(workbook, "Mitigations", XLSX_MITIGATION_COLUMNS);
    for (const m of records)
      mitigations.addRow({
        title: cell(m.title),
        status: MITIGATION_STATUS_LABELS[m.status],
        owner: m.owner ?? "",
        ticket: !m.ticketUrl
          ? ""
          : /^https?:\/\//i.test(m.ticketUrl)
            ? { text: m.ticketUrl, hyperlink: m.ticketUrl }
            : m.ticketUrl,
        description: cell(m.description),
        threats: cell(m.fingerprints.map((f) => titles.get(f) ?? f).join("\n")),
        fingerprints: m.fingerprints.join("\n"),
      });
    mitigations.autoFilter = {
      from: { row: 1, column: 1 },
      to: { row: 1, column: XLSX_MITIGATION_COLUMNS.length },
    };
    for (const key of ["title", "description", "threats", "fingerprints"])
      mitigations.getColumn(key).alignment = { wrapText: true, vertical: "top" };
  }
  return workbook;
}

/** The XLSX file of a report. */
export async function renderXlsx(input: ReportInput): Promise<Uint8Array> {
  return new Uint8Array(await buildXlsx(input).xlsx.writeBuffer());
}
