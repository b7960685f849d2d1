import { STRIDE_LABELS, normalizeTitle, severityRank, type Severity, type Threat } from "@threatline/domain";
import type { ReportInput } from "./report.ts";
import { SEVERITY_LABELS, codeFence } from "./text.ts";

export type SarifLevel = "error" | "warning" | "note";

export function sarifLevel(severity: Severity): SarifLevel {
  switch (severity) {
    case "critical":
    case "high":
      return "error";
    case "medium":
      return "warning";
    case "low":
    case "info":
      return "note";
  }
}

/**
 * GitHub code scanning reads `security-severity` (0.0–10.0) into its own bands: critical ≥ 9.0, high ≥ 7.0,
 * medium ≥ 4.0, low above 0. One value per severity keeps the two scales in the same band.
 */
export const SECURITY_SEVERITY: Record<Severity, string> = {
  critical: "9.5",
  high: "8.0",
  medium: "5.5",
  low: "3.0",
  info: "1.0",
};

/** A rule id for a threat no rule produced (the model's, an import's): stable for the same category and title. */
export function sarifRuleId(threat: Pick<Threat, "ruleId" | "category" | "title">): string {
  if (threat.ruleId) return threat.ruleId;
  const slug = normalizeTitle(threat.title).replaceAll(" ", "-").slice(0, 64).replace(/-+$/, "") || "untitled";
  return `threatline.model.${threat.category}.${slug}`;
}

/** SARIF artifact URIs are URI references: relative, forward slashes, each segment percent-encoded. */
export function artifactUri(file: string): string {
  return file
    .replace(/\\/g, "/")
    .replace(/^\.\/+/, "")
    .replace(/^\/+/, "")
    .split("/")
    .map(encodeURIComponent)
    .join("/");
}

interface SarifLocation {
  physicalLocation: { artifactLocation: { uri: string }; region: { startLine: number } };
  logicalLocations?: Array<{ name: string; fullyQualifiedName: string; kind: string }>;
}

/** Evidence first (it points at the offending property), then the resources; at most 10, as GitHub allows. */
function locations(threat: Threat): SarifLocation[] {
  const seen = new Set<string>();
  const out: SarifLocation[] = [];
  const add = (file: string, line: number | null, resourceId?: string): void => {
    if (!file) return;
    const startLine = Math.max(1, line ?? 1);
    const key = `${file}\u0000${startLine}`;
    if (seen.has(key) || out.length >= 10) return;
    seen.add(key);
    const loc: SarifLocation = {
      physicalLocation: { artifactLocation: { uri: artifactUri(file) }, region: { startLine } },
    };
    if (resourceId)
      loc.logicalLocations = [{ name: resourceId, fullyQualifiedName: `${file}#${resourceId}`, kind: "resource" }];
    out.push(loc);
  };
  const primary = threat.resources[0];
  for (const e of threat.evidence)
    add(e.file, e.line ?? primary?.line ?? null, primary && primary.file === e.file ? primary.id : undefined);
  for (const r of threat.resources) add(r.file, r.line, r.id);
  return out;
}

function ruleHelp(threat: Threat): { text: string; markdown: string } {
  const text = threat.remediations.map((r) => r.text).join("\n") || threat.description;
  const markdown = threat.remediations
    .map((r) => (r.fix ? `- ${r.text}\n\n${codeFence(r.fix)}\n${r.fix}\n${codeFence(r.fix)}` : `- ${r.text}`))
    .join("\n");
  return { text, markdown: markdown || threat.description };
}

/**
 * SARIF 2.1.0 as GitHub code scanning accepts it: one reporting descriptor per rule id (help, STRIDE tags,
 * security-severity), one result per threat with physical locations and our fingerprint as a partial
 * fingerprint, so alerts follow a threat across runs.
 */
export function toSarif(input: Pick<ReportInput, "threats" | "tool" | "suppressions">): Record<string, unknown> {
  const rules = new Map<string, { index: number; worst: Threat }>();
  const ruleOrder: string[] = [];
  for (const threat of input.threats) {
    const id = sarifRuleId(threat);
    const known = rules.get(id);
    if (!known) {
      rules.set(id, { index: ruleOrder.length, worst: threat });
      ruleOrder.push(id);
    } else if (severityRank(threat.severity) < severityRank(known.worst.severity)) {
      known.worst = threat;
    }
  }
  const descriptors = ruleOrder.map((id) => {
    const worst = rules.get(id)!.worst;
    return {
      id,
      name: id.replace(/[^A-Za-z0-9]+(.)?/g, (_, c: string | undefined) => (c ? c.toUpperCase() : "")),
      shortDescription: { text: worst.title },
      fullDescription: { text: worst.ruleId ? worst.description : worst.title },
      help: ruleHelp(worst),
      defaultConfiguration: { level: sarifLevel(worst.severity) },
      properties: {
        // SARIF requires unique tags; "Spoofing" is both the category and its label.
        tags: [
          ...new Set([
            "security",
            "threat-model",
            "STRIDE",
            worst.category,
            STRIDE_LABELS[worst.category],
            ...worst.references.cwe.map((c) => `external/cwe/${c.toLowerCase()}`),
          ]),
        ],
        "security-severity": SECURITY_SEVERITY[worst.severity],
        precision: worst.source === "rule" || worst.source === "rule+llm" ? "high" : "medium",
        "problem.severity": sarifLevel(worst.severity) === "note" ? "recommendation" : sarifLevel(worst.severity),
      },
    };
  });
  const results = input.threats.map((threat) => {
    const id = sarifRuleId(threat);
    const locs = locations(threat);
    const suppression = input.suppressions?.[threat.fingerprint];
    return {
      ruleId: id,
      ruleIndex: rules.get(id)!.index,
      level: sarifLevel(threat.severity),
      message: { text: threat.description ? `${threat.title}: ${threat.description}` : threat.title },
      ...(locs.length > 0 ? { locations: locs } : {}),
      partialFingerprints: { "threatlineFingerprint/v1": threat.fingerprint },
      ...(suppression
        ? {
            suppressions: [
              {
                kind: suppression.kind,
                status: "accepted",
                justification: [
                  suppression.reason ?? "no reason given",
                  suppression.owner ? `owner ${suppression.owner}` : "",
                  suppression.until ? `until ${suppression.until}` : "",
                  `(${suppression.source})`,
                ]
                  .filter(Boolean)
                  .join("; "),
              },
            ],
          }
        : {}),
      properties: {
        category: threat.category,
        severity: threat.severity,
        "security-severity": SECURITY_SEVERITY[threat.severity],
        score: threat.score,
        source: threat.source,
        resources: threat.resources.map((r) => r.id),
        tags: [threat.category, SEVERITY_LABELS[threat.severity]],
      },
    };
  });
  return {
    $schema: "https://json.schemastore.org/sarif-2.1.0.json",
    version: "2.1.0",
    runs: [
      {
        tool: {
          driver: {
            name: "Threatline",
            semanticVersion: input.tool.version,
            version: input.tool.version,
            rules: descriptors,
          },
        },
        columnKind: "utf16CodeUnits",
        results,
      },
    ],
  };
}

/** SARIF 2.1.0 log as a string, two-space indented, trailing newline. */
export function renderSarif(input: Pick<ReportInput, "threats" | "tool" | "suppressions">): string {
  return `${JSON.stringify(toSarif(input), null, 2)}\n`;
}
