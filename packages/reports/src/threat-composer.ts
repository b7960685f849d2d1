import {
  STRIDE_CATEGORIES,
  type MitigationStatus,
  type StrideCategory,
  type Threat,
  type TriageStatus,
} from "@threatline/domain";
import { stableUuid, truncate } from "./ids.ts";
import { prototypePriority } from "./prototype.ts";
import { mitigatedByRecords, threatStatusOf, type ReportInput, type ReportMitigation } from "./report.ts";
import { composeTcStatement } from "./tc-statement.ts";
import { codeFence, plural } from "./text.ts";

/**
 * AWS Threat Composer's data exchange format (schema 1), as its export writes it. Limits are Threat
 * Composer's own: statement fields 200 characters, comments and mitigation content 1000, tags 30.
 */
export const TC_LIMITS = { field: 200, statement: 1400, content: 1000, tag: 30, appName: 200 } as const;

export type TcMetadata = { key: string; value: string | string[] };

export type TcThreatStatus = "threatIdentified" | "threatResolved" | "threatResolvedNotUseful";
export type TcMitigationStatus =
  "mitigationIdentified" | "mitigationInProgress" | "mitigationResolved" | "mitigationResolvedWillNotAction";

export interface TcThreat {
  id: string;
  numericId: number;
  displayOrder?: number;
  threatSource?: string;
  prerequisites?: string;
  threatAction?: string;
  threatImpact?: string;
  impactedGoal?: string[];
  impactedAssets?: string[];
  statement?: string;
  status?: TcThreatStatus;
  metadata?: TcMetadata[];
  tags?: string[];
  [field: string]: unknown;
}

export interface TcMitigation {
  id: string;
  numericId: number;
  displayOrder?: number;
  content: string;
  status?: TcMitigationStatus;
  metadata?: TcMetadata[];
  tags?: string[];
  [field: string]: unknown;
}

export interface TcAssumption {
  id: string;
  numericId: number;
  content: string;
  [field: string]: unknown;
}

export interface ThreatComposerDocument {
  schema: 1;
  applicationInfo: { name?: string; description?: string };
  architecture: { description?: string; image?: string };
  dataflow: { description?: string; image?: string };
  assumptions: TcAssumption[];
  mitigations: TcMitigation[];
  assumptionLinks: Array<{ type: string; assumptionId: string; linkedId: string }>;
  mitigationLinks: Array<{ mitigationId: string; linkedId: string }>;
  threats: TcThreat[];
}

/** Threat Composer tags a threat with STRIDE letters. */
export const STRIDE_LETTERS: Record<StrideCategory, string> = {
  Spoofing: "S",
  Tampering: "T",
  Repudiation: "R",
  InformationDisclosure: "I",
  DenialOfService: "D",
  ElevationOfPrivilege: "E",
};

/** The security property each STRIDE category attacks: Threat Composer's "impacted goal". */
const IMPACTED_GOAL: Record<StrideCategory, string> = {
  Spoofing: "authenticity",
  Tampering: "integrity",
  Repudiation: "non-repudiation",
  InformationDisclosure: "confidentiality",
  DenialOfService: "availability",
  ElevationOfPrivilege: "authorization",
};

/** What an attacker does, per STRIDE category, as the verb phrase Threat Composer's "can …" expects. */
const ACTION: Record<StrideCategory, (asset: string) => string> = {
  Spoofing: (a) => `pass as a trusted identity toward ${a}`,
  Tampering: (a) => `tamper with ${a}`,
  Repudiation: (a) => `act on ${a} without leaving a reliable trace`,
  InformationDisclosure: (a) => `read data exposed by ${a}`,
  DenialOfService: (a) => `make ${a} unavailable`,
  ElevationOfPrivilege: (a) => `gain privileges through ${a}`,
};

const ABBREVIATION = /(?:^|\s)(?:e\.g|i\.e|etc|vs|cf|approx|incl|a\.k\.a|Mr|Ms|Dr|No)\.$/i;

/** The first sentence of a text: a stop followed by a capital, not an abbreviation's ("e.g.") nor a version's. */
export function firstSentence(text: string): string {
  const flat = text.replace(/\s+/g, " ").trim();
  for (const m of flat.matchAll(/[.!?](?= [^a-z]|$)/g)) {
    const upTo = flat.slice(0, m.index + 1);
    if (!ABBREVIATION.test(upTo)) return upTo;
  }
  return flat;
}

/** The status Threat Composer shows for a triage decision. */
function tcThreatStatus(status: TriageStatus | undefined): TcThreatStatus | undefined {
  switch (status) {
    case "mitigated":
      return "threatResolved";
    case "false_positive":
      return "threatResolvedNotUseful";
    case "accepted":
    case "open":
      return "threatIdentified";
    case undefined:
      return undefined;
  }
}

function tags(threat: Threat): string[] {
  const all = ["threatline", threat.severity, threat.source, threat.ruleId ?? ""];
  return [...new Set(all.filter((t) => t.length > 0 && t.length <= TC_LIMITS.tag))];
}

/** The Threat Composer documents among the report's files (imports), by path, from the files' text. */
function originalDocuments(sources: ReadonlyMap<string, string> | undefined): Map<string, ThreatComposerDocument> {
  const out = new Map<string, ThreatComposerDocument>();
  for (const [path, text] of sources ?? []) {
    if (!/"schema"\s*:/.test(text)) continue;
    try {
      const value = JSON.parse(text) as unknown;
      if (isThreatComposerDocument(value)) out.set(path, value);
    } catch {
      // Not JSON: a template, not an import.
    }
  }
  return out;
}

/** Whether a value has Threat Composer's shape (a numeric `schema` and its threat list). */
export function isThreatComposerDocument(value: unknown): value is ThreatComposerDocument {
  if (typeof value !== "object" || value === null || Array.isArray(value)) return false;
  const record = value as Record<string, unknown>;
  return (
    typeof record.schema === "number" && ("threats" in record || "mitigations" in record || "applicationInfo" in record)
  );
}

/** The imported Threat Composer threat a Threatline threat came from (its evidence points at it), if any. */
function originOf(
  threat: Threat,
  originals: ReadonlyMap<string, ThreatComposerDocument>,
): { doc: ThreatComposerDocument; threat: TcThreat } | undefined {
  for (const e of threat.evidence) {
    const doc = originals.get(e.file);
    const index = /^threats\[(\d+)\]$/.exec(e.path)?.[1];
    const original = doc && index !== undefined ? doc.threats?.[Number(index)] : undefined;
    if (doc && original) return { doc, threat: original };
  }
  return undefined;
}

export interface ThreatComposerOptions {
  /**
   * The text of the report's files by path. Threats imported from a Threat Composer document come back as they
   * were written there (statement fields, tags, comments, ids, assumptions, mitigations and their status,
   * descriptions), with only the status following later triage; so export → import → export changes nothing.
   */
  sources?: ReadonlyMap<string, string>;
}

/** Builds the Threat Composer statement of a threat found by Threatline. */
function composeThreat(input: ReportInput, threat: Threat, id: string, n: number): TcThreat {
  const assets = [...new Set(threat.resources.map((r) => truncate(r.id, TC_LIMITS.field)))];
  const primary = assets[0];
  const fields = {
    threatSource: "threat actor",
    prerequisites: primary ? truncate(`with access to ${primary}`, TC_LIMITS.field) : "",
    threatAction: truncate(ACTION[threat.category](primary ?? "the system"), TC_LIMITS.field),
    threatImpact: truncate(firstSentence(threat.description || threat.title).replace(/[.!?]$/, ""), TC_LIMITS.field),
    impactedGoal: [IMPACTED_GOAL[threat.category]],
    impactedAssets: assets,
  };
  return {
    id,
    numericId: n,
    displayOrder: n,
    ...fields,
    statement: truncate(composeTcStatement(fields), TC_LIMITS.statement),
    status: tcThreatStatus(threatStatusOf(input, threat)) ?? "threatIdentified",
    metadata: [
      { key: "STRIDE", value: [STRIDE_LETTERS[threat.category]] },
      { key: "Priority", value: prototypePriority(threat.severity) },
      { key: "Comments", value: truncate(`${threat.title}\n\n${threat.description}`, TC_LIMITS.content) },
    ],
    tags: tags(threat),
  };
}

/** The status of a threat that someone decided on or mitigated; none for a threat nobody touched. */
function decidedStatus(input: ReportInput, threat: Threat): TriageStatus | undefined {
  return input.triage[threat.fingerprint] || mitigatedByRecords(input, threat)
    ? threatStatusOf(input, threat)
    : undefined;
}

const TC_MITIGATION_STATUS: Record<MitigationStatus, TcMitigationStatus> = {
  identified: "mitigationIdentified",
  in_progress: "mitigationInProgress",
  done: "mitigationResolved",
  wont_do: "mitigationResolvedWillNotAction",
};

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/**
 * A team's mitigation record as a Threat Composer mitigation: the title is its content, the description its
 * Comments; owner and ticket link are custom metadata (Threat Composer keeps `custom:` keys it does not know).
 */
function recordMitigation(m: ReportMitigation, n: number): TcMitigation {
  const metadata: TcMetadata[] = [];
  if (m.description.trim()) metadata.push({ key: "Comments", value: truncate(m.description, TC_LIMITS.content) });
  if (m.owner) metadata.push({ key: "custom:owner", value: m.owner });
  if (m.ticketUrl) metadata.push({ key: "custom:ticket", value: m.ticketUrl });
  return {
    id: UUID.test(m.id) ? m.id.toLowerCase() : stableUuid(`mitigation-record:${m.id}`),
    numericId: n,
    displayOrder: n,
    content: truncate(m.title, TC_LIMITS.content),
    status: TC_MITIGATION_STATUS[m.status],
    ...(metadata.length > 0 ? { metadata } : {}),
    tags: ["threatline"],
  };
}

/** A mitigation's status from its threats' triage: resolved when all are mitigated, in progress when some are. */
function mitigationStatus(statuses: Array<TriageStatus | undefined>): TcMitigationStatus {
  const done = statuses.filter((s) => s === "mitigated").length;
  if (done > 0 && done === statuses.length) return "mitigationResolved";
  return done > 0 ? "mitigationInProgress" : "mitigationIdentified";
}

/**
 * Threat Composer's data exchange format (schema 1). Threats Threatline found become statements in Threat
 * Composer's own grammar ("A threat actor with access to X can tamper with X, which leads to …, resulting in
 * reduced integrity of X"), with STRIDE and priority metadata, the title and description in Comments, and a
 * status from triage and mitigations (a threat whose mitigation records are all done is resolved). The team's
 * mitigation records come first, with their own status, owner and ticket, linked to their threats; then the
 * threats' remediations as mitigations (fix snippets in the mitigation's Comments) whose status follows the
 * threats'. Threats
 * imported from a Threat Composer document are written back as they were, with that document's assumptions,
 * mitigations, links and descriptions.
 */
export function toThreatComposer(input: ReportInput, options: ThreatComposerOptions = {}): ThreatComposerDocument {
  const originals = originalDocuments(options.sources);
  const origins = input.threats.map((t) => originOf(t, originals));
  const docsUsed = [...new Set(origins.flatMap((o) => (o ? [o.doc] : [])))];
  let next = Math.max(0, ...origins.map((o) => o?.threat.numericId ?? 0));
  // Imported threats keep their document's order (reports sort threats by score); Threatline's own follow.
  const present = new Map<TcThreat, TcThreat>();
  input.threats.forEach((threat, index) => {
    const origin = origins[index];
    if (!origin) return;
    const status = tcThreatStatus(decidedStatus(input, threat));
    present.set(
      origin.threat,
      status && status !== origin.threat.status ? { ...origin.threat, status } : origin.threat,
    );
  });
  const threats: TcThreat[] = docsUsed.flatMap((d) => d.threats.flatMap((t) => present.get(t) ?? []));
  // Every statement a fingerprint became (a report may hold one fingerprint twice), for the mitigation links.
  const statementIds = new Map<string, string[]>();
  const addStatement = (fingerprint: string, id: string) =>
    statementIds.set(fingerprint, [...(statementIds.get(fingerprint) ?? []), id]);
  input.threats.forEach((threat, index) => {
    const origin = origins[index];
    if (origin) addStatement(threat.fingerprint, origin.threat.id);
  });
  const generated: Array<{ threat: Threat; id: string }> = [];
  input.threats.forEach((threat, index) => {
    if (origins[index]) return;
    const id = stableUuid(`threat:${threat.fingerprint}:${index}`);
    next += 1;
    threats.push(composeThreat(input, threat, id, next));
    generated.push({ threat, id });
    addStatement(threat.fingerprint, id);
  });
  const mitigations: TcMitigation[] = docsUsed.flatMap((d) => d.mitigations ?? []);
  const mitigationLinks = docsUsed.flatMap((d) => d.mitigationLinks ?? []);
  const assumptions = docsUsed.flatMap((d) => d.assumptions ?? []);
  const assumptionLinks = docsUsed.flatMap((d) => d.assumptionLinks ?? []);
  const link = (mitigationId: string, linkedId: string) => {
    if (!mitigationLinks.some((l) => l.mitigationId === mitigationId && l.linkedId === linkedId))
      mitigationLinks.push({ mitigationId, linkedId });
  };

  let nextMitigation = Math.max(0, ...mitigations.map((m) => m.numericId));
  // The team's own mitigation records, with their status, linked to every statement of their threats.
  for (const record of input.mitigations ?? []) {
    const mitigation = recordMitigation(record, nextMitigation + 1);
    if (mitigations.some((m) => m.id === mitigation.id)) continue;
    nextMitigation += 1;
    mitigations.push(mitigation);
    for (const fingerprint of record.fingerprints)
      for (const threatId of statementIds.get(fingerprint) ?? []) link(mitigation.id, threatId);
  }

  const ours = new Map<string, { mitigation: TcMitigation; statuses: Array<TriageStatus | undefined> }>();
  for (const { threat, id } of generated) {
    for (const remediation of threat.remediations) {
      const content = truncate(remediation.text, TC_LIMITS.content);
      const key = `${content}\u0000${remediation.fix ?? ""}`;
      let entry = ours.get(key);
      if (!entry) {
        nextMitigation += 1;
        entry = {
          mitigation: {
            id: stableUuid(`mitigation:${key}`),
            numericId: nextMitigation,
            displayOrder: nextMitigation,
            content,
            status: "mitigationIdentified",
            ...(remediation.fix
              ? { metadata: [{ key: "Comments", value: truncate(fencedFix(remediation.fix), TC_LIMITS.content) }] }
              : {}),
          },
          statuses: [],
        };
        ours.set(key, entry);
      }
      entry.statuses.push(threatStatusOf(input, threat));
      link(entry.mitigation.id, id);
    }
  }
  for (const { mitigation, statuses } of ours.values())
    mitigations.push({ ...mitigation, status: mitigationStatus(statuses) });

  const single = docsUsed.length === 1 && generated.length === 0 ? docsUsed[0] : undefined;
  const name = input.project?.name ?? "Threatline scan";
  const files = input.files.map((f) => f.path);
  return {
    schema: 1,
    applicationInfo: single?.applicationInfo ?? {
      name: truncate(name, TC_LIMITS.appName),
      description: `Threat model generated by ${input.tool.name} ${input.tool.version} on ${input.generatedAt} from ${plural(files.length, "template")}${files.length > 0 ? `: ${files.join(", ")}` : ""}.`,
    },
    architecture: single?.architecture ?? { description: "" },
    dataflow: single?.dataflow ?? { description: "" },
    assumptions,
    mitigations,
    assumptionLinks,
    mitigationLinks,
    threats,
  };
}

function fencedFix(fix: string): string {
  const fence = codeFence(fix);
  return `Fix:\n\n${fence}\n${fix}\n${fence}`;
}

/** The fix snippet a mitigation's Comments carry, as `toThreatComposer` writes it. */
export function fixFromComments(comments: string): string | undefined {
  return /^Fix:\n\n(`{3,})\n([\s\S]*)\n\1$/.exec(comments)?.[2];
}

/** Threat Composer JSON, two-space indented, trailing newline. */
export function renderThreatComposer(input: ReportInput, options: ThreatComposerOptions = {}): string {
  return `${JSON.stringify(toThreatComposer(input, options), null, 2)}\n`;
}

/** STRIDE letter → category, for imports. */
export const CATEGORY_BY_LETTER: Record<string, StrideCategory> = Object.fromEntries(
  STRIDE_CATEGORIES.map((c) => [STRIDE_LETTERS[c], c]),
);
