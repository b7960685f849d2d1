import { z } from "zod";
export {
  IMPORT_FORMATS,
  prototypeSeverity,
  type ImportFormat,
  type ImportOptions,
  type ImportResult,
} from "./import-common.ts";
import { SEVERITIES, parseStrideCategory, type Severity, type StrideCategory } from "@threatline/domain";
import type { TriageEntry } from "./report.ts";
import {
  invalid,
  prototypeSeverity,
  toThreats,
  type Draft,
  type ImportOptions,
  type ImportResult,
  type ImportFormat,
} from "./import-common.ts";
import { importOtm, isOtmDocument } from "./otm.ts";
import { importStrideGptJson, importStrideGptMarkdown, isStrideGptJson, isStrideGptMarkdown } from "./stride-gpt.ts";
import { importThreatDragon, isThreatDragonModel } from "./threat-dragon.ts";
import { CATEGORY_BY_LETTER, fixFromComments, isThreatComposerDocument } from "./threat-composer.ts";

const PrototypeThreatSchema = z.object({
  description: z.string().default(""),
  priority: z.string().default("Medium"),
  remediations: z.array(z.union([z.string(), z.object({ text: z.string() }).transform((r) => r.text)])).default([]),
});

/** Reads the prototype's download (`{ Category: { title: { description, priority, remediations } } }`). */
export function importPrototypeJson(value: unknown, options: ImportOptions): ImportResult {
  if (typeof value !== "object" || value === null || Array.isArray(value))
    throw invalid("Expected an object keyed by STRIDE category.");
  const drafts: Draft[] = [];
  const warnings: string[] = [];
  for (const [key, threats] of Object.entries(value)) {
    const category = parseStrideCategory(key);
    if (!category) throw invalid(`Unknown STRIDE category '${key}'.`);
    if (typeof threats !== "object" || threats === null || Array.isArray(threats))
      throw invalid(`'${key}' must map threat titles to threats.`);
    for (const [title, raw] of Object.entries(threats as Record<string, unknown>)) {
      const parsed = PrototypeThreatSchema.safeParse(raw);
      if (!parsed.success)
        throw invalid(`Threat '${title}' in '${key}' is not a prototype threat.`, z.treeifyError(parsed.error));
      if (title.trim().length === 0) throw invalid(`A threat in '${key}' has an empty title.`);
      drafts.push({
        category,
        title,
        description: parsed.data.description,
        severity: prototypeSeverity(parsed.data.priority, `${key} › ${title}`, warnings),
        remediations: parsed.data.remediations,
        resources: [],
        at: `${key}.${title}`,
      });
    }
  }
  return {
    format: "prototype-json",
    threats: toThreats(drafts, options.sourceName),
    triage: {},
    warnings,
    name: null,
  };
}

const TcMetadataSchema = z.object({ key: z.string(), value: z.union([z.string(), z.array(z.string())]) });
const TcDocumentSchema = z.object({
  schema: z.number(),
  applicationInfo: z.object({ name: z.string().optional() }).loose().optional(),
  threats: z
    .array(
      z
        .object({
          id: z.string(),
          numericId: z.number().optional(),
          threatSource: z.string().optional(),
          prerequisites: z.string().optional(),
          threatAction: z.string().optional(),
          threatImpact: z.string().optional(),
          impactedAssets: z.array(z.string()).optional(),
          statement: z.string().optional(),
          status: z.string().optional(),
          metadata: z.array(TcMetadataSchema).optional(),
          tags: z.array(z.string()).optional(),
        })
        .loose(),
    )
    .default([]),
  mitigations: z
    .array(z.object({ id: z.string(), content: z.string(), metadata: z.array(TcMetadataSchema).optional() }).loose())
    .default([]),
  mitigationLinks: z.array(z.object({ mitigationId: z.string(), linkedId: z.string() }).loose()).default([]),
});

function meta(metadata: z.infer<typeof TcMetadataSchema>[] | undefined, key: string): string | string[] | undefined {
  return metadata?.find((m) => m.key === key)?.value;
}

/** Reads an AWS Threat Composer export (schema 1): threat statements, their mitigations and links. */
export function importThreatComposer(value: unknown, options: ImportOptions): ImportResult {
  const parsed = TcDocumentSchema.safeParse(value);
  if (!parsed.success) throw invalid("Not a Threat Composer export.", z.treeifyError(parsed.error));
  const doc = parsed.data;
  const warnings: string[] = [];
  const mitigationById = new Map(
    doc.mitigations.map((m) => {
      const comments = meta(m.metadata, "Comments");
      const fix = typeof comments === "string" ? fixFromComments(comments) : undefined;
      return [m.id, fix === undefined ? { text: m.content } : { text: m.content, fix }];
    }),
  );
  const resolved = new Map<number, TriageEntry>();
  const drafts = doc.threats.map((t, index): Draft => {
    const label = `threat ${t.numericId ?? index + 1}`;
    const ours = t.tags?.includes("threatline") ?? false;
    const comments = meta(t.metadata, "Comments");
    const commentText = typeof comments === "string" ? comments : "";
    // Our own exports carry "title\n\ndescription" in Comments; anyone else's Comments is a description.
    const split = ours ? /^([^\n]+)\n\n([\s\S]*)$/.exec(commentText) : null;
    const title = (split?.[1] ?? t.threatAction ?? t.statement ?? "").trim() || `Threat ${t.numericId ?? index + 1}`;
    const description = split?.[2] ?? (commentText || t.statement || "");
    const stride = meta(t.metadata, "STRIDE");
    const letters = (Array.isArray(stride) ? stride : typeof stride === "string" ? [stride] : []).map((s) =>
      s.trim().toUpperCase(),
    );
    let category = letters.map((l) => CATEGORY_BY_LETTER[l]).find((c): c is StrideCategory => c !== undefined);
    if (!category) {
      category = "Tampering";
      warnings.push(`${label} has no STRIDE category; imported as Tampering.`);
    } else if (letters.length > 1) {
      warnings.push(`${label} has several STRIDE categories (${letters.join(", ")}); imported as ${category}.`);
    }
    const ownSeverity = ours
      ? t.tags?.find((tag): tag is Severity => (SEVERITIES as readonly string[]).includes(tag))
      : undefined;
    const priority = meta(t.metadata, "Priority");
    let severity: Severity;
    if (ownSeverity) severity = ownSeverity;
    else if (typeof priority === "string" && ["high", "medium", "low"].includes(priority.toLowerCase()))
      severity = priority.toLowerCase() as Severity;
    else {
      severity = "medium";
      warnings.push(`${label} has no priority; imported as medium.`);
    }
    if (t.status === "threatResolved")
      resolved.set(index, { status: "mitigated", owner: null, expiresAt: null, note: "Resolved in Threat Composer" });
    if (t.status === "threatResolvedNotUseful")
      resolved.set(index, {
        status: "false_positive",
        owner: null,
        expiresAt: null,
        note: "Not useful in Threat Composer",
      });
    return {
      category,
      title,
      description,
      severity,
      remediations: doc.mitigationLinks
        .filter((l) => l.linkedId === t.id)
        .flatMap((l) => mitigationById.get(l.mitigationId) ?? []),
      resources: [...new Set(t.impactedAssets ?? [])].map((id) => ({
        id,
        type: "asset",
        file: options.sourceName,
        line: null,
      })),
      at: `threats[${index}]`,
    };
  });
  const threats = toThreats(drafts, options.sourceName);
  const triage: Record<string, TriageEntry> = {};
  for (const [index, entry] of resolved) triage[threats[index]!.fingerprint] = entry;
  return { format: "threat-composer", threats, triage, warnings, name: doc.applicationInfo?.name ?? null };
}

/**
 * Tells the formats apart by content: Threat Composer (a numeric `schema`), Threat Dragon v2 (`version` 2.x with
 * `summary` and `detail.diagrams`), OTM (`otmVersion`), STRIDE GPT (`threat_model`, or an agent report's
 * `subsystems`; or Markdown with its threat table), a prototype download (STRIDE category keys).
 */
export function detectImportFormat(value: unknown): ImportFormat {
  if (typeof value === "string") {
    if (isStrideGptMarkdown(value)) return "stride-gpt";
    throw invalid(
      "Unrecognised text import: expected STRIDE GPT Markdown (a | Threat Type | Scenario | Potential Impact | table) or a JSON document.",
    );
  }
  if (typeof value !== "object" || value === null || Array.isArray(value))
    throw invalid("An import must be a JSON object (or STRIDE GPT Markdown).");
  const record = value as Record<string, unknown>;
  if (isThreatComposerDocument(value)) return "threat-composer";
  if (isThreatDragonModel(value)) return "threat-dragon";
  if (isOtmDocument(value)) return "otm";
  if (isStrideGptJson(value)) return "stride-gpt";
  const keys = Object.keys(record);
  if (keys.length > 0 && keys.every((k) => parseStrideCategory(k) !== undefined)) return "prototype-json";
  throw invalid(
    "Unrecognised import: expected a Threatline prototype JSON download, an AWS Threat Composer export, an OWASP Threat Dragon v2 model, an Open Threat Model document or STRIDE GPT output.",
  );
}

/** Imports any format, detected from the content: a parsed JSON value, or the text of a Markdown file. */
export function importThreats(value: unknown, options: ImportOptions): ImportResult {
  switch (detectImportFormat(value)) {
    case "threat-composer":
      return importThreatComposer(value, options);
    case "threat-dragon":
      return importThreatDragon(value, options);
    case "otm":
      return importOtm(value, options);
    case "stride-gpt":
      return typeof value === "string" ? importStrideGptMarkdown(value, options) : importStrideGptJson(value, options);
    case "prototype-json":
      return importPrototypeJson(value, options);
  }
}
