import { z } from "zod";
import { renderCsv } from "./csv.ts";
import { renderHtml } from "./html.ts";
import { renderMarkdown } from "./markdown.ts";
import { renderPrototypeJson } from "./prototype.ts";
import { renderFullJson, type ReportInput } from "./report.ts";
import { renderSarif, type SarifOptions } from "./sarif.ts";
import { renderThreatComposer } from "./threat-composer.ts";

/** Every export format, as the API's `?format=` and the CLI's `--format` spell them. */
export const EXPORT_FORMATS = [
  "json",
  "prototype-json",
  "csv",
  "markdown",
  "sarif",
  "threat-composer",
  "html",
] as const;
export const ExportFormatSchema = z.enum(EXPORT_FORMATS);
export type ExportFormat = z.infer<typeof ExportFormatSchema>;

/** What some formats take besides the report: SARIF's source root, rule text and category. */
export interface ExportOptions {
  sarif?: SarifOptions;
}

export interface ExportFormatInfo {
  label: string;
  mediaType: string;
  extension: string;
  render: (input: ReportInput, options: ExportOptions) => string;
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
    render: (input, options) => renderSarif(input, options.sarif),
  },
  "threat-composer": {
    label: "AWS Threat Composer",
    mediaType: "application/json; charset=utf-8",
    extension: "tc.json",
    render: renderThreatComposer,
  },
  html: { label: "HTML report", mediaType: "text/html; charset=utf-8", extension: "html", render: renderHtml },
};

/** Renders a report in one format. */
export function renderReport(format: ExportFormat, input: ReportInput, options: ExportOptions = {}): string {
  return EXPORT_FORMAT_INFO[format].render(input, options);
}

/** A download name that says what it holds: `threatline-payments-project-2026-11-26.sarif`. */
export function exportFileName(
  format: ExportFormat,
  input: Pick<ReportInput, "project" | "scope" | "generatedAt">,
): string {
  const slug = (input.project?.name ?? "")
    .toLowerCase()
    .normalize("NFKD")
    .replace(/[^a-z0-9]+/g, "-")
    .replace(/^-+|-+$/g, "")
    .slice(0, 40);
  const day = /^\d{4}-\d{2}-\d{2}/.exec(input.generatedAt)?.[0];
  const parts = ["threatline", slug, input.scope.kind, day].filter((p): p is string => Boolean(p));
  const suffix = format === "prototype-json" ? ".prototype" : "";
  return `${parts.join("-")}${suffix}.${EXPORT_FORMAT_INFO[format].extension}`;
}
