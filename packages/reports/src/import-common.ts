import {
  AppError,
  threatFingerprint,
  threatScore,
  type ResourceRef,
  type Severity,
  type StrideCategory,
  type Threat,
} from "@threatline/domain";
import type { TriageEntry } from "./report.ts";

/** What importers share: the formats, the result, and how drafts become threats. */

export const IMPORT_FORMATS = ["prototype-json", "threat-composer", "threat-dragon", "otm", "stride-gpt"] as const;
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
export const RATINGS: Record<Severity, [number, number]> = {
  critical: [5, 4],
  high: [4, 4],
  medium: [3, 3],
  low: [2, 2],
  info: [1, 2],
};

export function invalid(message: string, details?: unknown): AppError {
  return new AppError("import/invalid", message, details);
}

export interface Draft {
  category: StrideCategory;
  title: string;
  description: string;
  severity: Severity;
  remediations: Array<string | { text: string; fix?: string }>;
  resources: ResourceRef[];
  /** Where in the imported document the threat came from, so that SARIF and reports can point at it. */
  at: string;
  /** A decision the source recorded about the threat. */
  triage?: TriageEntry;
}

/** Turns drafts into threats, keeping fingerprints unique (a repeated title gets a ` (2)` suffix). */
export function toThreats(drafts: Draft[], sourceName: string): Threat[] {
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

/** The decisions drafts carried, keyed by the fingerprints their threats got. */
export function triageOf(drafts: readonly Draft[], threats: readonly Threat[]): Record<string, TriageEntry> {
  const out: Record<string, TriageEntry> = {};
  drafts.forEach((d, i) => {
    if (d.triage) out[threats[i]!.fingerprint] = d.triage;
  });
  return out;
}
