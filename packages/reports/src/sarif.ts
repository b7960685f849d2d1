import { STRIDE_LABELS, normalizeTitle, severityRank, type Severity, type Threat } from "@threatline/domain";
import type { ReportInput } from "./report.ts";
import { lineHashes } from "./line-hash.ts";
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

/** SARIF artifact URIs are URI references: forward slashes, each segment percent-encoded. */
export function artifactUri(file: string): string {
  return file
    .replace(/\\/g, "/")
    .replace(/^\.\/+/, "")
    .split("/")
    .map(encodeURIComponent)
    .join("/");
}

/** GitHub code scanning accepts at most this many results in one run. */
export const GITHUB_MAX_RESULTS = 25_000;

/**
 * The base URL of the rule pages (`helpUri`): `<id>.md` is appended, as the generated pages are named in docs/rules.
 * Threatline has no public documentation site, so there is no default: without a base, results carry no `helpUri`
 * (never a link to a page that does not exist) and the rule's help text is written inline (`help`), which GitHub
 * shows. Set it to wherever docs/rules is published, e.g. `https://github.com/<org>/<repo>/blob/main/docs/rules/`.
 * A base without a trailing slash gets one.
 */
export function ruleDocsBase(value: string | undefined): string | undefined {
  const trimmed = value?.trim();
  if (!trimmed) return undefined;
  const url = new URL(trimmed);
  if (url.protocol !== "https:" && url.protocol !== "http:") throw new TypeError(`not an http(s) URL: ${trimmed}`);
  return trimmed.endsWith("/") ? trimmed : `${trimmed}/`;
}

/** What SARIF says about a rule, from the rule's own metadata: the same text whatever resource it fired on. */
export interface SarifRuleInfo {
  title: string;
  /** Generic text, naming no resource. */
  description: string;
  remediation?: string;
  /** Whether the rule has a generated page under docs/rules (builtin rules do, team rules do not). */
  documented?: boolean;
}

/** Where a report's file sits relative to the source root, or its absolute path when it lies outside. */
export type ResolvedFile = { relative: string } | { absolute: string };

export interface SarifOptions {
  /** Rule metadata by rule id; a rule missing here is described by its worst threat's title. */
  rules?: Readonly<Record<string, SarifRuleInfo>>;
  /**
   * Maps a report path to the source root (`%SRCROOT%`, the repository root). Default: relative paths are
   * taken as relative to the root, absolute ones as outside it.
   */
  resolveFile?: (file: string) => ResolvedFile;
  /** File contents by report path, for GitHub's `primaryLocationLineHash`. */
  sources?: ReadonlyMap<string, string>;
  /** GitHub's analysis category, written as `automationDetails.id`. */
  category?: string;
  /** At most this many results (GitHub's limit by default); the rest are dropped, least severe first. */
  maxResults?: number;
  /** Base URL of the rule pages (`helpUri`, see `ruleDocsBase`); none: no `helpUri`. */
  ruleDocsUrl?: string;
}

export interface SarifExport {
  log: Record<string, unknown>;
  /** What the caller should tell the user: files outside the root, results dropped. */
  warnings: string[];
}

function defaultResolve(file: string): ResolvedFile {
  const slashed = file.replace(/\\/g, "/");
  return /^(\/|[A-Za-z]:\/)/.test(slashed) ? { absolute: slashed } : { relative: slashed };
}

interface SarifPhysical {
  artifactLocation: { uri: string; uriBaseId?: string };
  region: { startLine: number };
}

interface SarifLocation {
  id?: number;
  physicalLocation: SarifPhysical;
  message?: { text: string };
  logicalLocations?: Array<{ name: string; fullyQualifiedName: string; kind: string }>;
}

interface Place {
  file: string;
  line: number;
  resourceId?: string;
  what: string;
}

/** Evidence first (it points at the offending property), then the resources, each file and line once. */
function places(threat: Threat): Place[] {
  const seen = new Set<string>();
  const out: Place[] = [];
  const primary = threat.resources[0];
  const add = (file: string, line: number | null, what: string, resourceId?: string): void => {
    if (!file) return;
    const startLine = Math.max(1, line ?? 1);
    const key = `${file}\u0000${startLine}`;
    if (seen.has(key)) return;
    seen.add(key);
    out.push({ file, line: startLine, what, ...(resourceId ? { resourceId } : {}) });
  };
  for (const e of threat.evidence) {
    const own = primary && primary.file === e.file ? primary : undefined;
    add(e.file, e.line ?? own?.line ?? null, e.path ? `evidence: ${e.path}` : "evidence", own?.id);
  }
  for (const r of threat.resources) add(r.file, r.line, `resource ${r.id} (${r.type})`, r.id);
  return out;
}

/** GitHub shows at most 1,000 related locations per result. */
const MAX_RELATED = 1000;

class LocationWriter {
  readonly outside = new Set<string>();
  private readonly hashes = new Map<string, string[]>();

  constructor(private readonly options: SarifOptions) {}

  physical(file: string, line: number): SarifPhysical {
    const resolved = (this.options.resolveFile ?? defaultResolve)(file);
    if ("absolute" in resolved) {
      this.outside.add(file);
      // A file URI of the whole path: GitHub cannot place it in the repository, but it is never a wrong path.
      const uri = `file://${resolved.absolute.startsWith("/") ? "" : "/"}${artifactUri(resolved.absolute)}`;
      return { artifactLocation: { uri }, region: { startLine: line } };
    }
    return {
      artifactLocation: { uri: artifactUri(resolved.relative), uriBaseId: "%SRCROOT%" },
      region: { startLine: line },
    };
  }

  lineHash(file: string, line: number): string | undefined {
    const text = this.options.sources?.get(file);
    if (text === undefined) return undefined;
    let table = this.hashes.get(file);
    if (!table) {
      table = lineHashes(text);
      this.hashes.set(file, table);
    }
    return table[line] || undefined;
  }

  location(place: Place, id?: number): SarifLocation {
    return {
      ...(id === undefined ? {} : { id }),
      physicalLocation: this.physical(place.file, place.line),
      ...(id === undefined ? {} : { message: { text: place.what } }),
      ...(place.resourceId
        ? {
            logicalLocations: [
              { name: place.resourceId, fullyQualifiedName: `${place.file}#${place.resourceId}`, kind: "resource" },
            ],
          }
        : {}),
    };
  }
}

function ruleHelp(info: SarifRuleInfo | undefined, worst: Threat): { text: string; markdown: string } {
  if (info) {
    const text = [info.description, info.remediation ? `Fix: ${info.remediation}` : ""].filter(Boolean).join("\n\n");
    return { text, markdown: text };
  }
  const text = worst.remediations.map((r) => r.text).join("\n") || worst.title;
  const markdown = worst.remediations
    .map((r) => (r.fix ? `- ${r.text}\n\n${codeFence(r.fix)}\n${r.fix}\n${codeFence(r.fix)}` : `- ${r.text}`))
    .join("\n");
  return { text, markdown: markdown || worst.title };
}

type SuppressionInput = Pick<ReportInput, "suppressions"> & Partial<Pick<ReportInput, "triage">>;

/**
 * A scan's own suppressions keep their kind (`inSource` for a template comment); a triage decision that closes
 * a threat without fixing it (accepted, false positive) is an `external` suppression with its reasons.
 */
function suppressionsOf(input: SuppressionInput, fingerprint: string): Array<Record<string, string>> | undefined {
  const own = input.suppressions?.[fingerprint];
  if (own)
    return [
      {
        kind: own.kind,
        status: "accepted",
        justification: [
          own.reason ?? "no reason given",
          own.owner ? `owner ${own.owner}` : "",
          own.until ? `until ${own.until}` : "",
          `(${own.source})`,
        ]
          .filter(Boolean)
          .join("; "),
      },
    ];
  const triage = input.triage?.[fingerprint];
  if (!triage || (triage.status !== "accepted" && triage.status !== "false_positive")) return undefined;
  return [
    {
      kind: "external",
      status: "accepted",
      justification: [
        triage.status === "accepted" ? "accepted risk" : "false positive",
        triage.note,
        triage.owner ? `owner ${triage.owner}` : "",
        triage.expiresAt ? `until ${triage.expiresAt}` : "",
        "(Threatline triage)",
      ]
        .filter(Boolean)
        .join("; "),
    },
  ];
}

/** The threats a run keeps under the results limit: the most severe, then the highest score, in input order. */
function capped(threats: readonly Threat[], max: number): Threat[] {
  if (threats.length <= max) return [...threats];
  const keep = new Set(
    threats
      .map((t, i) => [t, i] as const)
      .sort(([a, ia], [b, ib]) => severityRank(a.severity) - severityRank(b.severity) || b.score - a.score || ia - ib)
      .slice(0, max)
      .map(([t]) => t),
  );
  return threats.filter((t) => keep.has(t));
}

type SarifReportInput = Pick<ReportInput, "threats" | "tool" | "suppressions"> & Partial<Pick<ReportInput, "triage">>;

/**
 * SARIF 2.1.0 as GitHub code scanning reads it: one reporting descriptor per rule id with the rule's own
 * generic text and its page, one result per threat with one location (the evidence) and the other places as
 * related locations, repository-relative URIs under `%SRCROOT%`, GitHub's `primaryLocationLineHash` when the
 * file's text is known besides our own fingerprint, triage decisions as suppressions.
 */
export function buildSarif(input: SarifReportInput, options: SarifOptions = {}): SarifExport {
  const warnings: string[] = [];
  const max = options.maxResults ?? GITHUB_MAX_RESULTS;
  const threats = capped(input.threats, max);
  if (threats.length < input.threats.length)
    warnings.push(
      `${input.threats.length} threats exceed the ${max} results one SARIF run may hold on GitHub; the ${input.threats.length - threats.length} least severe were left out.`,
    );
  const rules = new Map<string, { index: number; worst: Threat }>();
  const ruleOrder: string[] = [];
  for (const threat of threats) {
    const id = sarifRuleId(threat);
    const known = rules.get(id);
    if (!known) {
      rules.set(id, { index: ruleOrder.length, worst: threat });
      ruleOrder.push(id);
    } else if (severityRank(threat.severity) < severityRank(known.worst.severity)) {
      known.worst = threat;
    }
  }
  const docsUrl = ruleDocsBase(options.ruleDocsUrl);
  const descriptors = ruleOrder.map((id) => {
    const worst = rules.get(id)!.worst;
    const info = options.rules?.[id];
    return {
      id,
      name: id.replace(/[^A-Za-z0-9]+(.)?/g, (_, c: string | undefined) => (c ? c.toUpperCase() : "")),
      shortDescription: { text: info?.title ?? worst.title },
      fullDescription: { text: info?.description ?? worst.title },
      ...(info?.documented && docsUrl ? { helpUri: `${docsUrl}${encodeURIComponent(id)}.md` } : {}),
      help: ruleHelp(info, worst),
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
  const writer = new LocationWriter(options);
  const results = threats.map((threat) => {
    const id = sarifRuleId(threat);
    const [primary, ...others] = places(threat);
    const related = others.slice(0, MAX_RELATED).map((p, i) => writer.location(p, i + 1));
    const lineHash = primary ? writer.lineHash(primary.file, primary.line) : undefined;
    const suppressions = suppressionsOf(input, threat.fingerprint);
    return {
      ruleId: id,
      ruleIndex: rules.get(id)!.index,
      level: sarifLevel(threat.severity),
      message: { text: threat.description ? `${threat.title}: ${threat.description}` : threat.title },
      ...(primary ? { locations: [writer.location(primary)] } : {}),
      ...(related.length > 0 ? { relatedLocations: related } : {}),
      partialFingerprints: {
        ...(lineHash ? { primaryLocationLineHash: lineHash } : {}),
        "threatlineFingerprint/v1": threat.fingerprint,
      },
      ...(suppressions ? { suppressions } : {}),
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
  if (writer.outside.size > 0)
    warnings.push(
      `${writer.outside.size} file(s) lie outside the source root, so GitHub cannot show them in the repository: ${[...writer.outside].join(", ")}. Scan from the repository or pass --source-root.`,
    );
  const category = options.category?.trim();
  const run: Record<string, unknown> = {
    tool: {
      driver: {
        name: "Threatline",
        semanticVersion: input.tool.version,
        version: input.tool.version,
        rules: descriptors,
      },
    },
    ...(category ? { automationDetails: { id: category.endsWith("/") ? category : `${category}/` } } : {}),
    columnKind: "utf16CodeUnits",
    ...(warnings.length > 0
      ? {
          invocations: [
            {
              executionSuccessful: true,
              toolExecutionNotifications: warnings.map((text) => ({ level: "warning", message: { text } })),
            },
          ],
        }
      : {}),
    results,
  };
  return {
    log: { $schema: "https://json.schemastore.org/sarif-2.1.0.json", version: "2.1.0", runs: [run] },
    warnings,
  };
}

/** The SARIF log value (see `buildSarif`). */
export function toSarif(input: SarifReportInput, options: SarifOptions = {}): Record<string, unknown> {
  return buildSarif(input, options).log;
}

/** SARIF 2.1.0 log as a string, two-space indented, trailing newline. */
export function renderSarif(input: SarifReportInput, options: SarifOptions = {}): string {
  return `${JSON.stringify(toSarif(input, options), null, 2)}\n`;
}

/** The rule metadata SARIF needs; the engine's `Rule` has this shape. */
export interface RuleMetadata {
  id: string;
  title: string;
  description: string;
  remediation: { text: string };
}

/**
 * SARIF rule text from rule metadata: the `{resource}` placeholder of a rule's description reads "the resource",
 * so the text is the same whichever resource a run found. `documented` rules link to their generated page.
 */
export function sarifRuleCatalog(
  rules: Iterable<RuleMetadata>,
  documented: (id: string) => boolean = () => true,
): Record<string, SarifRuleInfo> {
  const out: Record<string, SarifRuleInfo> = {};
  for (const rule of rules) {
    const description = rule.description.replaceAll("{resource}", "the resource");
    out[rule.id] = {
      title: rule.title,
      description: description.charAt(0).toUpperCase() + description.slice(1),
      remediation: rule.remediation.text,
      documented: documented(rule.id),
    };
  }
  return out;
}
