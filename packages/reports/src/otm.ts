import { z } from "zod";
import {
  SEVERITIES,
  STRIDE_LABELS,
  clampRating,
  parseStrideCategory,
  severityFromScore,
  type Severity,
  type StrideCategory,
  type SystemGraph,
  type MitigationStatus,
  type Threat,
  type TriageStatus,
} from "@threatline/domain";
import { buildDiagram, type DiagramElement } from "./diagram.ts";
import { stableUuid, truncate } from "./ids.ts";
import { plural } from "./text.ts";
import { invalid, toThreats, triageOf, type Draft, type ImportOptions, type ImportResult } from "./import-common.ts";
import { mitigationsOfThreat, threatStatusOf, type ReportInput, type TriageEntry } from "./report.ts";

/**
 * Open Threat Model (OTM, iriusrisk/OpenThreatModel, `otm_schema.json` 0.2.0): trust zones, components and
 * data flows from the system graph, with a diagram representation holding their positions; threats and
 * mitigations defined once and instantiated on the components they concern, with a state from triage.
 */

export const OTM_VERSION = "0.2.0";
const REPRESENTATION = "threatline-diagram";
const DEFAULT_ZONE = "threatline-default-zone";

/** The OTM state of a threat instance for a triage decision, and back. */
const OTM_STATE: Record<TriageStatus, string> = {
  open: "exposed",
  accepted: "accepted",
  mitigated: "mitigated",
  false_positive: "not-applicable",
};

/** The OTM state of a mitigation instance for a team's mitigation record (IriusRisk's countermeasure states). */
const OTM_MITIGATION_STATE: Record<MitigationStatus, string> = {
  identified: "required",
  in_progress: "required",
  done: "implemented",
  wont_do: "rejected",
};

export interface OtmOptions {
  /** The project's system graph: its boundaries become trust zones, its nodes components, its edges data flows. */
  system?: SystemGraph;
}

type Json = Record<string, unknown>;

const TRUST_RATING: Record<string, number> = {
  internet: 0,
  account: 50,
  vpc: 60,
  "subnet-public": 40,
  "subnet-private": 80,
  cluster: 70,
  namespace: 70,
};

/** Builds the OTM document of a report. */
export function toOtm(input: ReportInput, options: OtmOptions = {}): Json {
  const diagram = buildDiagram(input.threats, options.system);
  const zoneId = new Map(diagram.boundaries.map((b) => [b.key, b.uuid]));
  const trustZones: Json[] = diagram.boundaries.map((b) => ({
    id: b.uuid,
    name: b.label,
    type: b.kind,
    risk: { trustRating: TRUST_RATING[b.kind] ?? 50 },
    ...(b.parent && zoneId.has(b.parent) ? { parent: { trustZone: zoneId.get(b.parent)! } } : {}),
    representations: [
      {
        representation: REPRESENTATION,
        id: `${b.uuid}-shape`,
        position: { x: b.x, y: b.y },
        size: { width: b.width, height: b.height },
      },
    ],
  }));
  const needsDefault =
    diagram.elements.some((e) => e.boundary === null || !zoneId.has(e.boundary)) ||
    diagram.flows.some((f) => !f.from || !f.to);
  if (needsDefault)
    trustZones.push({ id: DEFAULT_ZONE, name: "Outside every boundary", type: "default", risk: { trustRating: 50 } });

  const threats: Json[] = [];
  const mitigations = new Map<string, Json>();
  const instances = (list: Threat[]): Json[] =>
    list.map((t) => {
      const id = stableUuid(`otm-threat:${t.fingerprint}`);
      const status = threatStatusOf(input, t);
      const records = mitigationsOfThreat(input, t).map((m) => {
        if (!mitigations.has(m.id))
          mitigations.set(m.id, {
            id: m.id,
            name: truncate(m.title, 200),
            description: m.description || m.title,
            riskReduction: 50,
            attributes: { status: m.status, owner: m.owner, ticketUrl: m.ticketUrl },
          });
        return { mitigation: m.id, state: OTM_MITIGATION_STATE[m.status] };
      });
      threats.push({
        id,
        name: t.title,
        description: t.description,
        categories: [STRIDE_LABELS[t.category]],
        cwes: t.references.cwe,
        risk: { likelihood: t.likelihood * 20, impact: t.impact * 20 },
        tags: ["threatline", t.severity, ...(t.ruleId ? [t.ruleId] : [])],
        attributes: { severity: t.severity, ruleId: t.ruleId, fingerprint: t.fingerprint, source: t.source },
      });
      return {
        threat: id,
        state: OTM_STATE[status],
        mitigations: [
          ...records,
          ...t.remediations.map((r) => {
            const mid = stableUuid(`otm-mitigation:${r.text}`);
            if (!mitigations.has(mid))
              mitigations.set(mid, {
                id: mid,
                name: truncate(firstLine(r.text), 200),
                description: r.text,
                riskReduction: 50,
              });
            return { mitigation: mid, state: status === "mitigated" ? "implemented" : "recommended" };
          }),
        ],
      };
    });
  const shape = (uuid: string, e: { x: number; y: number; width: number; height: number }) => [
    {
      representation: REPRESENTATION,
      id: `${uuid}-shape`,
      position: { x: e.x, y: e.y },
      size: { width: e.width, height: e.height },
    },
  ];
  const components: Json[] = diagram.elements.map((e: DiagramElement) => ({
    id: e.uuid,
    name: e.label,
    type: e.resources[0]?.type ?? e.kind,
    description: e.resources.map((r) => `${r.type} ${r.id}${r.file ? ` (${r.file})` : ""}`).join("\n"),
    parent: { trustZone: (e.boundary && zoneId.get(e.boundary)) || DEFAULT_ZONE },
    representations: shape(e.uuid, e),
    tags: [e.kind],
    threats: instances(e.threats),
  }));
  const dataflows: Json[] = [];
  for (const f of diagram.flows) {
    if (f.from && f.to)
      dataflows.push({
        id: f.uuid,
        name: f.label,
        source: f.from.uuid,
        destination: f.to.uuid,
        threats: instances(f.threats),
      });
    // A flow whose ends Threatline does not know (an imported one) cannot be an OTM data flow: it is a component.
    else
      components.push({
        id: f.uuid,
        name: f.label,
        type: f.resources[0]?.type ?? "dataflow",
        parent: { trustZone: DEFAULT_ZONE },
        tags: ["flow"],
        threats: instances(f.threats),
      });
  }
  const files = input.files.map((f) => f.path);
  const width = Math.max(
    0,
    ...diagram.elements.map((e) => e.x + e.width),
    ...diagram.boundaries.map((b) => b.x + b.width),
  );
  const height = Math.max(
    0,
    ...diagram.elements.map((e) => e.y + e.height),
    ...diagram.boundaries.map((b) => b.y + b.height),
  );
  return {
    otmVersion: OTM_VERSION,
    project: {
      name: input.project?.name ?? "Threatline scan",
      id: input.project?.id ?? "threatline-scan",
      description: `Threat model generated by ${input.tool.name} ${input.tool.version} on ${input.generatedAt} from ${plural(files.length, "file")}${files.length > 0 ? `: ${files.join(", ")}` : ""}.`,
      tags: ["threatline"],
    },
    representations: [
      {
        name: "Threatline diagram",
        id: REPRESENTATION,
        type: "diagram",
        size: { width: width + 30, height: height + 30 },
      },
    ],
    trustZones,
    components,
    dataflows,
    threats,
    mitigations: [...mitigations.values()],
  };
}

function firstLine(text: string): string {
  return text.split("\n")[0]!.trim() || text.trim();
}

/** OTM JSON, two-space indented, trailing newline. */
export function renderOtm(input: ReportInput, options: OtmOptions = {}): string {
  return `${JSON.stringify(toOtm(input, options), null, 2)}\n`;
}

// ---------------------------------------------------------------------------------------------------------------
// Import

const InstanceSchema = z
  .object({
    threat: z.string(),
    state: z.string().nullish(),
    mitigations: z
      .array(z.object({ mitigation: z.string().nullish(), state: z.string().nullish() }).loose().nullable())
      .nullish(),
  })
  .loose();

const OtmSchema = z
  .object({
    otmVersion: z.string(),
    project: z.object({ name: z.string(), id: z.string() }).loose(),
    components: z
      .array(
        z
          .object({
            id: z.string(),
            name: z.string(),
            type: z.string().nullish(),
            threats: z.array(InstanceSchema).nullish(),
          })
          .loose(),
      )
      .nullish(),
    dataflows: z
      .array(z.object({ id: z.string(), name: z.string(), threats: z.array(InstanceSchema).nullish() }).loose())
      .nullish(),
    threats: z
      .array(
        z
          .object({
            id: z.string(),
            name: z.string(),
            description: z.string().nullish(),
            categories: z.array(z.string()).nullish(),
            risk: z.object({ likelihood: z.number().nullish(), impact: z.number().nullish() }).loose().nullish(),
            attributes: z.record(z.string(), z.unknown()).nullish(),
          })
          .loose(),
      )
      .nullish(),
    mitigations: z
      .array(z.object({ id: z.string(), name: z.string(), description: z.string().nullish() }).loose())
      .nullish(),
  })
  .loose();

/** Whether a value looks like an OTM document. */
export function isOtmDocument(value: unknown): boolean {
  if (typeof value !== "object" || value === null || Array.isArray(value)) return false;
  const v = value as Record<string, unknown>;
  return typeof v.otmVersion === "string" && typeof v.project === "object" && v.project !== null;
}

/** A STRIDE category as tools write it in OTM ("Elevation of Privileges", "Information Disclosure"). */
function otmCategory(value: string): StrideCategory | undefined {
  return parseStrideCategory(value) ?? parseStrideCategory(value.replace(/s$/i, ""));
}

function otmTriage(state: string | null | undefined): TriageEntry | undefined {
  const s = (state ?? "")
    .trim()
    .toLowerCase()
    .replace(/[\s_]+/g, "-");
  const entry = (status: TriageStatus): TriageEntry => ({
    status,
    owner: null,
    expiresAt: null,
    note: `OTM state '${state}'`,
  });
  if (["mitigated", "mitigate", "implemented", "resolved", "closed"].includes(s)) return entry("mitigated");
  if (["accepted", "accept"].includes(s)) return entry("accepted");
  if (["not-applicable", "na", "n/a", "hidden", "false-positive"].includes(s)) return entry("false_positive");
  return undefined;
}

/** Percentages (OTM's 0–100) as a 1–5 rating. */
const rating = (percent: number | null | undefined): number =>
  percent === null || percent === undefined ? 3 : clampRating(Math.round(percent / 20));

/**
 * Reads an OTM document: every threat instance on a component or data flow becomes a threat on that element
 * (a resource named after it, typed by the component's type or `otm.dataflow`), with the instance's mitigations as
 * remediations and its state as triage; a threat defined but instantiated nowhere is imported without a resource.
 * Severity: Threatline's own when the threat carries it, else from OTM's likelihood × impact.
 */
export function importOtm(value: unknown, options: ImportOptions): ImportResult {
  const parsed = OtmSchema.safeParse(value);
  if (!parsed.success) throw invalid("Not an Open Threat Model document.", z.treeifyError(parsed.error));
  const doc = parsed.data;
  const warnings: string[] = [];
  const threatById = new Map((doc.threats ?? []).map((t) => [t.id, t]));
  const mitigationById = new Map((doc.mitigations ?? []).map((m) => [m.id, m]));
  const used = new Set<string>();
  const drafts: Draft[] = [];
  const draft = (
    id: string,
    where: string,
    at: string,
    resource: Draft["resources"][number] | null,
    instance: z.infer<typeof InstanceSchema> | null,
  ): void => {
    const t = threatById.get(id);
    if (!t) {
      warnings.push(`${where}: threat '${id}' is not defined in 'threats'; skipped.`);
      return;
    }
    used.add(id);
    const categories = (t.categories ?? []).map((c) => [c, otmCategory(c)] as const);
    let category = categories.find(([, c]) => c)?.[1];
    if (!category) {
      category = "Tampering";
      warnings.push(
        `${where}: threat '${t.name}' has no STRIDE category (${(t.categories ?? []).join(", ") || "none"}); imported as Tampering.`,
      );
    }
    const own = t.attributes?.severity;
    const severity: Severity =
      typeof own === "string" && (SEVERITIES as readonly string[]).includes(own)
        ? (own as Severity)
        : severityFromScore(rating(t.risk?.likelihood) * rating(t.risk?.impact));
    const remediations = (instance?.mitigations ?? []).flatMap((m) => {
      const mitigation = m?.mitigation ? mitigationById.get(m.mitigation) : undefined;
      return mitigation ? [mitigation.description?.trim() ? mitigation.description : mitigation.name] : [];
    });
    drafts.push({
      category,
      title: t.name,
      description: t.description ?? "",
      severity,
      remediations,
      resources: resource ? [resource] : [],
      at,
      triage: otmTriage(instance?.state),
    });
  };
  (doc.components ?? []).forEach((c, ci) =>
    (c.threats ?? []).forEach((instance, i) =>
      draft(
        instance.threat,
        `component '${c.name}'`,
        `components[${ci}].threats[${i}]`,
        { id: c.name, type: c.type ?? "otm.component", file: options.sourceName, line: null },
        instance,
      ),
    ),
  );
  (doc.dataflows ?? []).forEach((f, fi) =>
    (f.threats ?? []).forEach((instance, i) =>
      draft(
        instance.threat,
        `data flow '${f.name}'`,
        `dataflows[${fi}].threats[${i}]`,
        { id: f.name, type: "otm.dataflow", file: options.sourceName, line: null },
        instance,
      ),
    ),
  );
  (doc.threats ?? []).forEach((t, i) => {
    if (!used.has(t.id)) draft(t.id, `threat '${t.name}'`, `threats[${i}]`, null, null);
  });
  const threats = toThreats(drafts, options.sourceName);
  return { format: "otm", threats, triage: triageOf(drafts, threats), warnings, name: doc.project.name };
}
