import { z } from "zod";
import {
  STRIDE_LABELS,
  parseStrideCategory,
  type Severity,
  type StrideCategory,
  type SystemGraph,
  type Threat,
  type TriageStatus,
} from "@threatline/domain";
import { buildDiagram, type DiagramBoundary, type DiagramElement, type DiagramFlow } from "./diagram.ts";
import { stableUuid } from "./ids.ts";
import { plural } from "./text.ts";
import {
  invalid,
  prototypeSeverity,
  toThreats,
  triageOf,
  type Draft,
  type ImportOptions,
  type ImportResult,
} from "./import-common.ts";
import { mitigationLine, mitigationsOfThreat, threatStatusOf, type ReportInput, type TriageEntry } from "./report.ts";

/**
 * OWASP Threat Dragon's v2 model (td.vue/src/assets/schema/threat-dragon-v2.schema.json): one STRIDE diagram
 * whose cells are the system's actors, processes, stores, flows and trust boundaries, each carrying its threats.
 */

/** The Threat Dragon version the export claims: the v2 schema's, as Threat Dragon 2.3 writes it. */
export const THREAT_DRAGON_VERSION = "2.3.0";

export interface TdThreat {
  id: string;
  threatId: string;
  number: number;
  title: string;
  type: string;
  modelType: string;
  status: string;
  severity: string;
  description: string;
  mitigation: string;
  score: string;
}

export type TdCell = Record<string, unknown> & { id: string; shape: string; zIndex: number };

export interface ThreatDragonModel {
  version: string;
  summary: { title: string; owner: string; description: string; id: number };
  detail: {
    contributors: Array<{ name: string }>;
    diagrams: Array<{
      id: number;
      title: string;
      diagramType: string;
      placeholder: string;
      thumbnail: string;
      version: string;
      description: string;
      cells: TdCell[];
    }>;
    diagramTop: number;
    reviewer: string;
    threatTop: number;
  };
}

/** Threat Dragon's statuses (td.vue/src/service/threats/status.js) for a triage decision. */
const TD_STATUS: Record<TriageStatus, string> = {
  open: "Open",
  accepted: "Accepted",
  mitigated: "Mitigated",
  false_positive: "NotApplicable",
};

/** Threat Dragon's severities are TBD, Low, Medium, High and Critical: info becomes Low. */
const TD_SEVERITY: Record<Severity, string> = {
  critical: "Critical",
  high: "High",
  medium: "Medium",
  low: "Low",
  info: "Low",
};

const TD_TYPE: Record<DiagramElement["kind"] | "flow", string> = {
  actor: "tm.Actor",
  process: "tm.Process",
  store: "tm.Store",
  flow: "tm.Flow",
};

export interface ThreatDragonOptions {
  /** The project's system graph, drawn as the diagram; without it, one cell per resource the threats name. */
  system?: SystemGraph;
}

function tdThreat(input: ReportInput, threat: Threat, number: number): TdThreat {
  const id = stableUuid(`td-threat:${threat.fingerprint}`);
  return {
    id,
    threatId: id,
    number,
    title: threat.title,
    type: STRIDE_LABELS[threat.category],
    modelType: "STRIDE",
    status: TD_STATUS[threatStatusOf(input, threat)],
    severity: TD_SEVERITY[threat.severity],
    description: threat.description,
    // Threat Dragon has one mitigation text per threat: the team's mitigation records, then the remediations.
    mitigation: [
      ...mitigationsOfThreat(input, threat).map((m) => `Mitigation: ${mitigationLine(m)}`),
      ...threat.remediations.map((r) => r.text),
    ].join("\n\n"),
    score: String(threat.score),
  };
}

function stroke(threats: TdThreat[]): { stroke: string; strokeWidth: number; strokeDasharray: null } {
  // Threat Dragon draws an element with open threats in red, as its own demo models show.
  return threats.some((t) => t.status === "Open")
    ? { stroke: "red", strokeWidth: 2.5, strokeDasharray: null }
    : { stroke: "#333333", strokeWidth: 1, strokeDasharray: null };
}

function elementData(kind: DiagramElement["kind"] | "flow", name: string, description: string, threats: TdThreat[]) {
  return {
    type: TD_TYPE[kind],
    name,
    description,
    outOfScope: false,
    reasonOutOfScope: "",
    isTrustBoundary: false,
    hasOpenThreats: threats.some((t) => t.status === "Open"),
    threats,
    ...(kind === "actor" ? { providesAuthentication: false } : {}),
    ...(kind === "process"
      ? { privilegeLevel: "", handlesCardPayment: false, handlesGoodsOrServices: false, isWebApplication: false }
      : {}),
    ...(kind === "store"
      ? { isALog: false, isEncrypted: false, isSigned: false, storesCredentials: false, storesInventory: false }
      : {}),
    ...(kind === "flow" ? { isBidirectional: false, isEncrypted: false, isPublicNetwork: false, protocol: "" } : {}),
  };
}

function describe(resources: DiagramElement["resources"]): string {
  return resources
    .map((r) => `${r.type} ${r.id}${r.file ? ` (${r.file}${r.line === null ? "" : `:${r.line}`})` : ""}`)
    .join("\n");
}

/** Builds Threat Dragon's v2 model of a report. */
export function toThreatDragon(input: ReportInput, options: ThreatDragonOptions = {}): ThreatDragonModel {
  const diagram = buildDiagram(input.threats, options.system);
  let number = 0;
  const threatsOf = (threats: Threat[]): TdThreat[] => threats.map((t) => tdThreat(input, t, (number += 1)));
  const cells: TdCell[] = [];
  let z = 0;
  // Boundaries first (outermost lowest), so that Threat Dragon draws the elements above them.
  const depth = (b: DiagramBoundary): number => {
    let d = 0;
    for (let p = b.parent; p !== null && d < 50; d += 1)
      p = diagram.boundaries.find((x) => x.key === p)?.parent ?? null;
    return d;
  };
  for (const b of [...diagram.boundaries].filter((b) => b.width > 0).sort((a, c) => depth(a) - depth(c))) {
    cells.push({
      id: b.uuid,
      shape: "trust-boundary-box",
      zIndex: (z += 1),
      visible: true,
      position: { x: b.x, y: b.y },
      size: { width: b.width, height: b.height },
      attrs: { label: { text: b.label }, body: { stroke: "#333333", strokeWidth: 3, strokeDasharray: "7 5" } },
      data: {
        type: "tm.BoundaryBox",
        name: b.label,
        description: b.kind,
        isTrustBoundary: true,
        hasOpenThreats: false,
      },
    });
  }
  for (const e of diagram.elements) {
    const threats = threatsOf(e.threats);
    cells.push({
      id: e.uuid,
      shape: e.kind,
      zIndex: (z += 1),
      visible: true,
      position: { x: e.x, y: e.y },
      size: { width: e.width, height: e.height },
      attrs:
        e.kind === "store"
          ? { text: { text: e.label }, topLine: stroke(threats), bottomLine: stroke(threats) }
          : { text: { text: e.label }, body: stroke(threats) },
      data: elementData(e.kind, e.label, describe(e.resources), threats),
    });
  }
  for (const f of diagram.flows) cells.push(flowCell(f, threatsOf(f.threats), (z += 1)));
  const files = input.files.map((f) => f.path);
  return {
    version: THREAT_DRAGON_VERSION,
    summary: {
      title: input.project?.name ?? "Threatline scan",
      owner: "",
      description: `Threat model generated by ${input.tool.name} ${input.tool.version} on ${input.generatedAt} from ${plural(files.length, "file")}${files.length > 0 ? `: ${files.join(", ")}` : ""}.`,
      id: 0,
    },
    detail: {
      contributors: [],
      diagrams: [
        {
          id: 0,
          title: options.system ? "System" : "Threats by resource",
          diagramType: "STRIDE",
          placeholder: "",
          thumbnail: "./public/content/images/thumbnail.stride.jpg",
          version: THREAT_DRAGON_VERSION,
          description: options.system
            ? "The project's system graph, laid out by Threatline: open threats on the elements they concern."
            : "One element per resource the threats concern.",
          cells,
        },
      ],
      diagramTop: 1,
      reviewer: "",
      threatTop: number,
    },
  };
}

function flowCell(f: DiagramFlow, threats: TdThreat[], zIndex: number): TdCell {
  return {
    id: f.uuid,
    shape: "flow",
    zIndex,
    connector: "smooth",
    attrs: {
      line: {
        stroke: threats.some((t) => t.status === "Open") ? "red" : "#333333",
        targetMarker: { name: "block" },
        strokeDasharray: null,
      },
    },
    labels: [{ position: 0.5, attrs: { label: { text: f.label } } }],
    source: f.from ? { cell: f.from.uuid } : f.points.source,
    target: f.to ? { cell: f.to.uuid } : f.points.target,
    vertices: [],
    data: elementData("flow", f.label, describe(f.resources), threats),
  };
}

/** Threat Dragon JSON as it saves a model: two-space indented, trailing newline. */
export function renderThreatDragon(input: ReportInput, options: ThreatDragonOptions = {}): string {
  return `${JSON.stringify(toThreatDragon(input, options), null, 2)}\n`;
}

// ---------------------------------------------------------------------------------------------------------------
// Import

const TdThreatSchema = z
  .object({
    title: z.string().default(""),
    type: z.string().default(""),
    modelType: z.string().optional(),
    status: z.string().default("Open"),
    severity: z.string().default(""),
    description: z.string().default(""),
    mitigation: z.string().default(""),
  })
  .loose();

const TdCellSchema = z
  .object({
    id: z.string(),
    shape: z.string(),
    attrs: z.unknown().optional(),
    data: z
      .object({
        type: z.string().optional(),
        name: z.string().optional(),
        threats: z.array(TdThreatSchema).nullish(),
      })
      .loose()
      .optional(),
  })
  .loose();

const TdModelSchema = z.object({
  version: z.string(),
  summary: z.object({ title: z.string().optional(), description: z.string().optional() }).loose(),
  detail: z
    .object({
      diagrams: z.array(z.object({ title: z.string().optional(), cells: z.array(TdCellSchema).default([]) }).loose()),
    })
    .loose(),
});

/** Whether a value looks like a Threat Dragon v2 model (version 2.x, summary and diagrams). */
export function isThreatDragonModel(value: unknown): boolean {
  if (typeof value !== "object" || value === null || Array.isArray(value)) return false;
  const v = value as Record<string, unknown>;
  const detail = v.detail as Record<string, unknown> | undefined;
  return (
    typeof v.version === "string" &&
    /^2(\.|$)/.test(v.version) &&
    typeof v.summary === "object" &&
    typeof detail === "object" &&
    detail !== null &&
    Array.isArray(detail.diagrams)
  );
}

/** The other threat model types Threat Dragon offers, mapped to the STRIDE category nearest to each. */
const NEAREST_STRIDE: Record<string, StrideCategory> = {
  confidentiality: "InformationDisclosure",
  integrity: "Tampering",
  availability: "DenialOfService",
  "non-repudiation": "Repudiation",
  "disclosure of information": "InformationDisclosure",
  linkability: "InformationDisclosure",
  identifiability: "InformationDisclosure",
  detectability: "InformationDisclosure",
  unawareness: "InformationDisclosure",
  "non-compliance": "Repudiation",
};

/** Threat Dragon's statuses as triage: Open is no decision; Transferred, Avoided and Eliminated keep their name. */
function tdTriage(status: string): TriageEntry | undefined {
  const note = (what: string) => `${what} in Threat Dragon`;
  switch (status.trim().toLowerCase()) {
    case "":
    case "open":
      return undefined;
    case "mitigated":
      return { status: "mitigated", owner: null, expiresAt: null, note: note("Mitigated") };
    case "accepted":
      return { status: "accepted", owner: null, expiresAt: null, note: note("Accepted") };
    case "transferred":
      return { status: "accepted", owner: null, expiresAt: null, note: note("Transferred") };
    case "avoided":
      return { status: "mitigated", owner: null, expiresAt: null, note: note("Avoided") };
    case "eliminated":
      return { status: "mitigated", owner: null, expiresAt: null, note: note("Eliminated") };
    case "na":
    case "notapplicable":
    case "not applicable":
      return { status: "false_positive", owner: null, expiresAt: null, note: note("Not applicable") };
    default:
      return undefined;
  }
}

function cellName(cell: z.infer<typeof TdCellSchema>): string {
  const name = cell.data?.name?.replace(/\s+/g, " ").trim();
  return name || cell.id;
}

/**
 * Reads a Threat Dragon v2 model: every threat of every cell of every diagram, on a resource named after its
 * cell (type `tm.Process`, `tm.Store`, `tm.Actor`, `tm.Flow`), with its mitigation as the remediation and its status
 * as triage. Threats of other model types (CIA, LINDDUN …) take the nearest STRIDE category, with a warning.
 */
export function importThreatDragon(value: unknown, options: ImportOptions): ImportResult {
  const parsed = TdModelSchema.safeParse(value);
  if (!parsed.success) throw invalid("Not a Threat Dragon v2 model.", z.treeifyError(parsed.error));
  const model = parsed.data;
  const warnings: string[] = [];
  const drafts: Draft[] = [];
  model.detail.diagrams.forEach((diagram, d) => {
    diagram.cells.forEach((cell, c) => {
      (cell.data?.threats ?? []).forEach((t, i) => {
        const where = `diagram ${d + 1}, ${cellName(cell)}, threat ${i + 1}`;
        const type = t.type.trim();
        let category = parseStrideCategory(type);
        if (!category) {
          category = NEAREST_STRIDE[type.toLowerCase()] ?? "Tampering";
          warnings.push(`${where}: ${t.modelType ?? "threat"} type '${type}' imported as ${category}.`);
        }
        const severity = prototypeSeverity(t.severity || "unset", where, warnings);
        drafts.push({
          category,
          title: t.title.trim() || `${STRIDE_LABELS[category]} threat on ${cellName(cell)}`,
          description: t.description,
          severity,
          remediations: t.mitigation.trim() ? [t.mitigation] : [],
          resources: [
            { id: cellName(cell), type: cell.data?.type ?? `tm.${cell.shape}`, file: options.sourceName, line: null },
          ],
          at: `detail.diagrams[${d}].cells[${c}].data.threats[${i}]`,
          triage: tdTriage(t.status),
        });
      });
    });
  });
  const threats = toThreats(drafts, options.sourceName);
  return {
    format: "threat-dragon",
    threats,
    triage: triageOf(drafts, threats),
    warnings,
    name: model.summary.title ?? null,
  };
}
