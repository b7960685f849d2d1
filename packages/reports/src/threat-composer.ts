import { STRIDE_CATEGORIES, type StrideCategory, type Threat } from "@threatline/domain";
import { stableUuid, truncate } from "./ids.ts";
import { prototypePriority } from "./prototype.ts";
import type { ReportInput } from "./report.ts";

/**
 * AWS Threat Composer's data exchange format (schema 1), as its export writes it. Limits are Threat
 * Composer's own: statement fields 200 characters, comments and mitigation content 1000, tags 30.
 */
export const TC_LIMITS = { field: 200, statement: 1400, content: 1000, tag: 30, appName: 200 } as const;

export type TcMetadata =
  | { key: "STRIDE"; value: string[] }
  | { key: "Priority"; value: "High" | "Medium" | "Low" }
  | { key: "Comments"; value: string };

export interface TcThreat {
  id: string;
  numericId: number;
  displayOrder: number;
  threatSource: string;
  prerequisites: string;
  threatAction: string;
  threatImpact: string;
  impactedGoal: string[];
  impactedAssets: string[];
  statement: string;
  status: "threatIdentified" | "threatResolved" | "threatResolvedNotUseful";
  metadata: TcMetadata[];
  tags: string[];
}

export interface TcMitigation {
  id: string;
  numericId: number;
  displayOrder: number;
  content: string;
  status: "mitigationIdentified" | "mitigationInProgress" | "mitigationResolved" | "mitigationResolvedAbandoned";
}

export interface ThreatComposerDocument {
  schema: 1;
  applicationInfo: { name: string; description: string };
  architecture: { description: string };
  dataflow: { description: string };
  assumptions: never[];
  mitigations: TcMitigation[];
  assumptionLinks: never[];
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

function firstSentence(text: string): string {
  const match = /^(.+?[.!?])(\s|$)/s.exec(text.trim());
  return (match?.[1] ?? text).replace(/\s+/g, " ").trim();
}

function lowerFirst(text: string): string {
  return /^[A-Z][a-z]/.test(text) ? text[0]!.toLowerCase() + text.slice(1) : text;
}

function tcStatus(input: ReportInput, threat: Threat): TcThreat["status"] {
  switch (input.triage[threat.fingerprint]?.status) {
    case "mitigated":
      return "threatResolved";
    case "false_positive":
      return "threatResolvedNotUseful";
    case "accepted":
    case "open":
    case undefined:
      return "threatIdentified";
  }
}

function tags(threat: Threat): string[] {
  const all = ["threatline", threat.severity, threat.source, threat.ruleId ?? ""];
  return [...new Set(all.filter((t) => t.length > 0 && t.length <= TC_LIMITS.tag))];
}

/**
 * Threat statements in Threat Composer's grammar: "A [source] [prerequisites] can [action], which leads to
 * [impact], resulting in reduced [goal] of [assets]". The threat's title is the action and its full
 * description travels in the Comments metadata, so an import gets both back.
 */
export function toThreatComposer(input: ReportInput): ThreatComposerDocument {
  const mitigations = new Map<string, TcMitigation>();
  const links: ThreatComposerDocument["mitigationLinks"] = [];
  const threats = input.threats.map((threat, index): TcThreat => {
    const id = stableUuid(`threat:${threat.fingerprint}:${index}`);
    const assets = [...new Set(threat.resources.map((r) => truncate(r.id, TC_LIMITS.field)))];
    const primary = assets[0];
    const threatSource = "threat actor";
    const prerequisites = primary ? truncate(`with access to ${primary}`, TC_LIMITS.field) : "";
    const threatAction = truncate(lowerFirst(threat.title), TC_LIMITS.field);
    const threatImpact = truncate(lowerFirst(firstSentence(threat.description) || threat.title), TC_LIMITS.field);
    const goal = IMPACTED_GOAL[threat.category];
    const statement = truncate(
      `A ${threatSource}${prerequisites ? ` ${prerequisites}` : ""} can ${threatAction}, which leads to ${threatImpact.replace(/[.!?]$/, "")}, resulting in reduced ${goal}${assets.length > 0 ? ` of ${assets.join(", ")}` : ""}`,
      TC_LIMITS.statement,
    );
    for (const remediation of threat.remediations) {
      const content = truncate(remediation.text, TC_LIMITS.content);
      let mitigation = mitigations.get(content);
      if (!mitigation) {
        const n = mitigations.size + 1;
        mitigation = {
          id: stableUuid(`mitigation:${content}`),
          numericId: n,
          displayOrder: n,
          content,
          status: "mitigationIdentified",
        };
        mitigations.set(content, mitigation);
      }
      if (!links.some((l) => l.mitigationId === mitigation.id && l.linkedId === id))
        links.push({ mitigationId: mitigation.id, linkedId: id });
    }
    return {
      id,
      numericId: index + 1,
      displayOrder: index + 1,
      threatSource,
      prerequisites,
      threatAction,
      threatImpact,
      impactedGoal: [goal],
      impactedAssets: assets,
      statement,
      status: tcStatus(input, threat),
      metadata: [
        { key: "STRIDE", value: [STRIDE_LETTERS[threat.category]] },
        { key: "Priority", value: prototypePriority(threat.severity) },
        { key: "Comments", value: truncate(`${threat.title}\n\n${threat.description}`, TC_LIMITS.content) },
      ],
      tags: tags(threat),
    };
  });
  const name = input.project?.name ?? "Threatline scan";
  const files = input.files.map((f) => f.path);
  return {
    schema: 1,
    applicationInfo: {
      name: truncate(name, TC_LIMITS.appName),
      description: `Threat model generated by ${input.tool.name} ${input.tool.version} on ${input.generatedAt} from ${files.length} template(s)${files.length > 0 ? `: ${files.join(", ")}` : ""}.`,
    },
    architecture: { description: "" },
    dataflow: { description: "" },
    assumptions: [],
    mitigations: [...mitigations.values()],
    assumptionLinks: [],
    mitigationLinks: links,
    threats,
  };
}

/** Threat Composer JSON, two-space indented, trailing newline. */
export function renderThreatComposer(input: ReportInput): string {
  return `${JSON.stringify(toThreatComposer(input), null, 2)}\n`;
}

/** STRIDE letter → category, for imports. */
export const CATEGORY_BY_LETTER: Record<string, StrideCategory> = Object.fromEntries(
  STRIDE_CATEGORIES.map((c) => [STRIDE_LETTERS[c], c]),
);
