import { z } from "zod";
import { renderCsv } from "./csv.ts";
import { renderHtml } from "./html.ts";
import { renderMarkdown } from "./markdown.ts";
import { renderPrototypeJson } from "./prototype.ts";
import { renderFullJson, type ReportInput } from "./report.ts";
import { renderSarif, type SarifOptions } from "./sarif.ts";
import { renderThreatComposer } from "./threat-composer.ts";
import { renderThreatDragon } from "./threat-dragon.ts";
import { renderOtm } from "./otm.ts";
import { renderXlsx } from "./xlsx.ts";
import type { SystemGraph } from "@threatline/domain";

/** Every export format, as the API's `?format=` and the CLI's `--format` spell them. */
export const EXPORT_FORMATS = [
  "json",
  "prototype-json",
  "csv",
  "markdown",
  "sarif",
  "threat-composer",
  "html",
  "threat-dragon",
  "otm",
  "xlsx",
] as const;
export const ExportFormatSchema = z.enum(EXPORT_FORMATS);
export type ExportFormat = z.infer<typeof ExportFormatSchema>;

/** What some formats take besides the report. */
export interface ExportOptions {
  /**
   * The text of the report's files by path: GitHub's line hashes in SARIF, and the imported documents that
   * Threat Composer exports write back as they were.
   */
  sources?: ReadonlyMap<string, string>;
  /** SARIF's source root, rule text and category. */
  sarif?: SarifOptions;
  /** The project's system graph: Threat Dragon's and OTM's diagram (without it, one element per resource). */
  system?: SystemGraph;
}

export interface ExportFormatInfo {
  label: string;
  mediaType: string;
  extension: string;
  /** Text formats give a string; binary ones (XLSX) the file's bytes, asynchronously. */
  render: (input: ReportInput, options: ExportOptions) => string | Promise<Uint8Array>;
}

export const EXPORT_FORMAT_INFO: Record<ExportFormat, ExportFormatInfo> = {
  json: {
    label: "Threatline JSON",
    mediaType: "application/json; charset=utf-8",
    extension: "json",
    render: renderFullJson,
  },
  "prototype-json": {
    label: "Prototype JSON",
    mediaType: "application/json; charset=utf-8",
    extension: "json",
    render: renderPrototypeJson,
  },
  csv: { label: "CSV", mediaType: "text/csv; charset=utf-8", extension: "csv", render: renderCsv },
  markdown: { label: "Markdown", mediaType: "text/markdown; charset=utf-8", extension: "md", render: renderMarkdown },
  sarif: {
    label: "SARIF 2.1.0",
    mediaType: "application/sarif+json; charset=utf-8",
    extension: "sarif",
    render: (input, options) => renderSarif(input, { sources: options.sources, ...options.sarif }),
  },
  "threat-composer": {
    label: "AWS Threat Composer",
    mediaType: "application/json; charset=utf-8",
    extension: "tc.json",
    render: (input, options) => renderThreatComposer(input, { sources: options.sources }),
  },
  html: { label: "HTML report", mediaType: "text/html; charset=utf-8", extension: "html", render: renderHtml },
  "threat-dragon": {
    label: "OWASP Threat Dragon v2",
    mediaType: "application/json; charset=utf-8",
    extension: "td.json",
    render: (input, options) => renderThreatDragon(input, { system: options.system }),
  },
  otm: {
    label: "Open Threat Model (OTM)",
    mediaType: "application/json; charset=utf-8",
    extension: "otm.json",
    render: (input, options) => renderOtm(input, { system: options.system }),
  },
  xlsx: {
    label: "Excel workbook (XLSX)",
    mediaType: "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    extension: "xlsx",
    render: renderXlsx,
  },
};

/** Renders a report in one format: text, or the bytes of a binary format. */
export async function renderReport(
  format: ExportFormat,
  input: ReportInput,
  options: ExportOptions = {},
): Promise<string | Uint8Array> {
  return EXPORT_FORMAT_INFO[format].render(input, options);
}

function slug(text: string, max: number): string {
  return text
    .toLowerCase()
    .normalize("NFKD")
    .replace(/[^a-z0-9]+/g, "-")
    .replace(/^-+|-+$/g, "")
    .slice(0, max)
    .replace(/-+$/, "");
}

/**
 * A download name that says what it holds and when, so two exports never overwrite each other:
 * `threatline-payments-app-stack-20261126-100000.sarif` (an analysis: its template's name),
 * `threatline-payments-batch-0194c3a0-20261126-100000.csv`, `threatline-payments-project-20261126-100000.html`.
 * ASCII letters, digits, dots and dashes only.
 */
export function exportFileName(
  format: ExportFormat,
  input: Pick<ReportInput, "project" | "scope" | "generatedAt" | "files">,
): string {
  const project = slug(input.project?.name ?? "", 40);
  const template =
    input.files[0]?.path
      .split("/")
      .pop()
      ?.replace(/\.[^.]+$/, "") ?? "";
  const subject =
    input.scope.kind === "analysis"
      ? slug(template, 40) || "analysis"
      : input.scope.kind === "batch"
        ? `batch-${slug(input.scope.id, 8)}`
        : input.scope.kind;
  const time = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2}):(\d{2})/.exec(input.generatedAt);
  const stamp = time ? `${time[1]}${time[2]}${time[3]}-${time[4]}${time[5]}${time[6]}` : "";
  const parts = ["threatline", project, subject, stamp].filter((p) => p.length > 0);
  const suffix = format === "prototype-json" ? ".prototype" : "";
  return `${parts.join("-")}${suffix}.${EXPORT_FORMAT_INFO[format].extension}`;
}
