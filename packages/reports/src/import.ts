import { z } from "zod";
import {
  AppError,
  SEVERITIES,
  parseStrideCategory,
  threatFingerprint,
  threatScore,
  type ResourceRef,
  type Severity,
  type StrideCategory,
  type Threat,
} from "@threatline/domain";
import type { TriageEntry } from "./report.ts";
import { CATEGORY_BY_LETTER, fixFromComments, isThreatComposerDocument } from "./threat-composer.ts";

export const IMPORT_FORMATS = ["prototype-json", "threat-composer"] as const;
export type ImportFormat = (typeof IMPORT_FORMATS)[number];

export interface ImportOptions {
  /** The imported file's name; it stands in for the template path in fingerprints and resources. */
  sourceName: string;
}

export interface ImportResult {
  format: ImportFormat;
  threats: Threat[];
  /** Decisions the source recorded (Threat Composer's resolved statuses), keyed by fingerprint. */
  triage: Record<string, TriageEntry>;
  /** What was guessed or dropped, for the user to review. */
  warnings: string[];
  /** The application's name, when the source has one. */
  name: string | null;
}

/**
 * Ratings an imported priority stands for: chosen so that likelihood × impact falls in the same
 * severity band (High 16 → high, Medium 9 → medium, Low 4 → low).
 */
const RATINGS: Record<Severity, [number, number]> = {
  critical: [5, 4],
  high: [4, 4],
  medium: [3, 3],
  low: [2, 2],
  info: [1, 2],
};

function invalid(message: string, details?: unknown): AppError {
  return new AppError("import/invalid", message, details);
}

interface Draft {
  category: StrideCategory;
  title: string;
  description: string;
  severity: Severity;
  remediations: Array<string | { text: string; fix?: string }>;
  resources: ResourceRef[];
  /** Where in the imported document the threat came from, so that SARIF and reports can point at it. */
  at: string;
}

/** Turns drafts into threats, keeping fingerprints unique (a repeated title gets a ` (2)` suffix). */
function toThreats(drafts: Draft[], sourceName: string): Threat[] {
  const seen = new Set<string>();
  return drafts.map((d) => {
    const [likelihood, impact] = RATINGS[d.severity];
    const score = threatScore(likelihood, impact);
    let title = d.title;
    let fingerprint = "";
    for (let n = 2; ; n += 1) {
      fingerprint = threatFingerprint({
        category: d.category,
        ruleId: null,
        title,
        file: sourceName,
        resourceId: d.resources[0]?.id ?? "",
      });
      if (!seen.has(fingerprint)) break;
      title = `${d.title} (${n})`;
    }
    seen.add(fingerprint);
    return {
      fingerprint,
      ruleId: null,
      category: d.category,
      title,
      description: d.description,
      severity: d.severity,
      likelihood,
      impact,
      score,
      resources: d.resources,
      evidence: [{ file: sourceName, line: null, path: d.at }],
      remediations: d.remediations
        .map((r) => (typeof r === "string" ? { text: r } : r))
        .filter((r) => r.text.trim().length > 0),
      references: { cwe: [], capec: [], attack: [] },
      source: "import" as const,
    };
  });
}

const PrototypeThreatSchema = z.object({
  description: z.string().default(""),
  priority: z.string().default("Medium"),
  remediations: z.array(z.union([z.string(), z.object({ text: z.string() }).transform((r) => r.text)])).default([]),
});

/** Every spelling of a priority seen in prototype downloads and hand-edited files, by severity. */
const PRIORITY_SPELLINGS: Record<string, Severity> = {
  critical: "critical",
  crit: "critical",
  "very high": "critical",
  high: "high",
  medium: "medium",
  med: "medium",
  moderate: "medium",
  low: "low",
  info: "info",
  informational: "info",
  information: "info",
  none: "info",
};

/** A priority in any case and spelling (Critical, HIGH, med, Info …); an unknown one is medium, with a warning. */
export function prototypeSeverity(priority: string, where: string, warnings: string[]): Severity {
  const key = priority
    .trim()
    .toLowerCase()
    .replace(/[\s_-]+/g, " ");
  const known =
    PRIORITY_SPELLINGS[key] ??
    (/^\d$/.test(key)
      ? (["info", "low", "medium", "high", "critical"] as const)[Math.min(4, Math.max(0, Number(key) - 1))]
      : undefined);
  if (known) return known;
  warnings.push(`Unknown priority '${priority}' at ${where}: imported as medium.`);
  return "medium";
}

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

/** Tells a Threat Composer export (it has a numeric `schema`) from a prototype download (category keys). */
export function detectImportFormat(value: unknown): ImportFormat {
  if (typeof value !== "object" || value === null || Array.isArray(value))
    throw invalid("An import must be a JSON object.");
  const record = value as Record<string, unknown>;
  if (isThreatComposerDocument(value)) return "threat-composer";
  const keys = Object.keys(record);
  if (keys.length > 0 && keys.every((k) => parseStrideCategory(k) !== undefined)) return "prototype-json";
  throw invalid("Unrecognised import: expected a Threatline prototype JSON download or an AWS Threat Composer export.");
}

/** Imports either format, detected from the content. */
export function importThreats(value: unknown, options: ImportOptions): ImportResult {
  return detectImportFormat(value) === "threat-composer"
    ? importThreatComposer(value, options)
    : importPrototypeJson(value, options);
}
