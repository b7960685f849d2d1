import type { ResourceRef, SystemGraph, Threat } from "@threatline/domain";
import { stableUuid } from "./ids.ts";

/**
 * A data-flow diagram for the tools that draw one (OWASP Threat Dragon, Open Threat Model): the project's system
 * graph (packages/system) when the caller has one, else one element per resource the threats name, with every
 * threat attached to the element of its first resource. Positions come from a simple deterministic shelf layout:
 * a trust boundary is a box holding its own elements in rows of four, with its inner boundaries side by side below
 * them. Good enough to open and rearrange in the target tool; Threatline's own System view uses ELK.
 */

export type DiagramKind = "actor" | "process" | "store" | "flow";

export interface DiagramElement {
  /** A UUID, stable for the same element id. */
  uuid: string;
  /** The system graph's node id, or the resource id for elements made from threats. */
  key: string;
  label: string;
  kind: Exclude<DiagramKind, "flow">;
  boundary: string | null;
  resources: ResourceRef[];
  threats: Threat[];
  x: number;
  y: number;
  width: number;
  height: number;
}

export interface DiagramFlow {
  uuid: string;
  key: string;
  label: string;
  from: DiagramElement | null;
  to: DiagramElement | null;
  resources: ResourceRef[];
  threats: Threat[];
  /** End points, used when the flow has no element at an end. */
  points: { source: { x: number; y: number }; target: { x: number; y: number } };
}

export interface DiagramBoundary {
  uuid: string;
  key: string;
  label: string;
  kind: string;
  parent: string | null;
  x: number;
  y: number;
  width: number;
  height: number;
}

export interface Diagram {
  elements: DiagramElement[];
  flows: DiagramFlow[];
  boundaries: DiagramBoundary[];
}

export const ELEMENT_WIDTH = 160;
export const ELEMENT_HEIGHT = 80;
const GAP = 40;
const PAD = 30;
const PER_ROW = 4;

/** Threat Dragon's and OTM's element kinds for a resource type Threatline imported from them. */
const KIND_OF_TYPE: Record<string, DiagramKind> = {
  "tm.Actor": "actor",
  "tm.Process": "process",
  "tm.Store": "store",
  "tm.Flow": "flow",
  "otm.component": "process",
  "otm.dataflow": "flow",
};

function kindOfResource(ref: ResourceRef): DiagramKind {
  const known = KIND_OF_TYPE[ref.type];
  if (known) return known;
  if (/(bucket|table|database|db\.|rds|dynamodb|s3|queue|topic|secret|store|volume|cache|log-group)/i.test(ref.type))
    return "store";
  return "process";
}

function sameResource(a: ResourceRef, b: ResourceRef): boolean {
  return a.id === b.id && (a.file === b.file || a.file === "" || b.file === "");
}

/** Builds the diagram of a report's threats, on the system graph when there is one. */
export function buildDiagram(threats: readonly Threat[], system?: SystemGraph): Diagram {
  const elements: DiagramElement[] = [];
  const flows: DiagramFlow[] = [];
  const boundaries: DiagramBoundary[] = [];
  const byKey = new Map<string, DiagramElement>();
  const newElement = (
    key: string,
    label: string,
    kind: DiagramElement["kind"],
    boundary: string | null,
    resources: ResourceRef[],
  ): DiagramElement => {
    const element: DiagramElement = {
      uuid: stableUuid(`element:${key}`),
      key,
      label,
      kind,
      boundary,
      resources,
      threats: [],
      x: 0,
      y: 0,
      width: ELEMENT_WIDTH,
      height: ELEMENT_HEIGHT,
    };
    elements.push(element);
    byKey.set(key, element);
    return element;
  };
  if (system) {
    const drawn = new Set(system.boundaries.map((b) => b.id));
    for (const b of system.boundaries)
      boundaries.push({
        uuid: stableUuid(`boundary:${b.id}`),
        key: b.id,
        label: b.label,
        kind: b.kind,
        parent: b.parent !== null && b.parent !== b.id && drawn.has(b.parent) ? b.parent : null,
        x: 0,
        y: 0,
        width: 0,
        height: 0,
      });
    for (const n of system.nodes)
      newElement(
        n.id,
        n.label,
        n.element === "actor" ? "actor" : n.element === "store" ? "store" : "process",
        n.boundary !== null && drawn.has(n.boundary) ? n.boundary : null,
        n.resources,
      );
  }
  const flowByKey = new Map<string, DiagramFlow>();
  const unplaced: Threat[] = [];
  for (const threat of threats) {
    const first = threat.resources[0];
    const owner = first ? elements.find((e) => e.resources.some((r) => sameResource(r, first))) : undefined;
    if (owner) owner.threats.push(threat);
    else unplaced.push(threat);
  }
  // Threats on resources the graph does not draw (or every threat, without a graph): an element per resource.
  for (const threat of unplaced) {
    const ref: ResourceRef = threat.resources[0] ?? {
      id: threat.evidence[0]?.file ?? "threat model",
      type: "tm.Process",
      file: threat.evidence[0]?.file ?? "",
      line: null,
    };
    const kind = kindOfResource(ref);
    if (kind === "flow") {
      let flow = flowByKey.get(ref.id);
      if (!flow) {
        flow = {
          uuid: stableUuid(`flow:${ref.id}`),
          key: ref.id,
          label: ref.id,
          from: null,
          to: null,
          resources: [ref],
          threats: [],
          points: { source: { x: 0, y: 0 }, target: { x: 0, y: 0 } },
        };
        flowByKey.set(ref.id, flow);
        flows.push(flow);
      }
      flow.threats.push(threat);
      continue;
    }
    const element = byKey.get(`resource:${ref.id}`) ?? newElement(`resource:${ref.id}`, ref.id, kind, null, [ref]);
    element.threats.push(threat);
  }
  if (system) {
    for (const e of system.edges) {
      const from = byKey.get(e.from);
      const to = byKey.get(e.to);
      if (!from || !to || from === to) continue;
      flows.push({
        uuid: stableUuid(`edge:${e.id}`),
        key: e.id,
        label: e.label || e.kind,
        from,
        to,
        resources: [],
        threats: [],
        points: { source: { x: 0, y: 0 }, target: { x: 0, y: 0 } },
      });
    }
  }
  // Boundaries with nothing drawn inside (at any depth) are left out.
  const used = new Set<string>();
  for (const e of elements)
    for (let b = e.boundary, n = 0; b !== null && !used.has(b) && n < 50; n += 1) {
      used.add(b);
      b = boundaries.find((x) => x.key === b)?.parent ?? null;
    }
  const kept = boundaries.filter((b) => used.has(b.key));
  boundaries.length = 0;
  boundaries.push(...kept);
  layout(elements, boundaries);
  // Free-standing flows (imported flows whose ends Threatline does not know) sit in a column right of the rest.
  const right = Math.max(0, ...elements.map((e) => e.x + e.width), ...boundaries.map((b) => b.x + b.width)) + GAP;
  flows
    .filter((f) => !f.from || !f.to)
    .forEach((f, i) => {
      f.points = { source: { x: right, y: PAD + i * GAP * 2 }, target: { x: right + 200, y: PAD + i * GAP * 2 } };
    });
  return { elements, flows, boundaries };
}

interface Box {
  width: number;
  height: number;
  place: (x: number, y: number) => void;
}

/** Shelf layout: each boundary is a box of its elements (rows of four) over its inner boundaries (side by side). */
function layout(elements: DiagramElement[], boundaries: DiagramBoundary[]): void {
  const children = new Map<string | null, { elements: DiagramElement[]; boundaries: DiagramBoundary[] }>();
  const slot = (key: string | null) => {
    let s = children.get(key);
    if (!s) children.set(key, (s = { elements: [], boundaries: [] }));
    return s;
  };
  for (const e of elements) slot(e.boundary).elements.push(e);
  for (const b of boundaries) slot(b.parent).boundaries.push(b);
  const boxOf = (key: string | null, seen: Set<string>): Box => {
    const own = children.get(key) ?? { elements: [], boundaries: [] };
    const inner = own.boundaries
      .filter((b) => !seen.has(b.key))
      .map((b) => ({ b, box: boxOf(b.key, new Set([...seen, b.key])) }));
    const pad = key === null ? 0 : PAD;
    const cols = Math.min(PER_ROW, own.elements.length);
    const rows = Math.ceil(own.elements.length / PER_ROW);
    const gridWidth = cols * ELEMENT_WIDTH + Math.max(0, cols - 1) * GAP;
    const gridHeight = rows * ELEMENT_HEIGHT + Math.max(0, rows - 1) * GAP;
    const innerWidth = inner.reduce((w, i) => w + i.box.width, 0) + Math.max(0, inner.length - 1) * GAP;
    const innerHeight = Math.max(0, ...inner.map((i) => i.box.height));
    const width = Math.max(gridWidth, innerWidth, ELEMENT_WIDTH) + 2 * pad;
    const height = gridHeight + (rows > 0 && inner.length > 0 ? GAP : 0) + innerHeight + 2 * pad;
    return {
      width,
      height,
      place: (x, y) => {
        const boundary = boundaries.find((b) => b.key === key);
        if (boundary) Object.assign(boundary, { x, y, width, height });
        own.elements.forEach((e, i) => {
          e.x = x + pad + (i % PER_ROW) * (ELEMENT_WIDTH + GAP);
          e.y = y + pad + Math.floor(i / PER_ROW) * (ELEMENT_HEIGHT + GAP);
        });
        let cx = x + pad;
        const cy = y + pad + gridHeight + (rows > 0 && inner.length > 0 ? GAP : 0);
        for (const i of inner) {
          i.box.place(cx, cy);
          cx += i.box.width + GAP;
        }
      },
    };
  };
  boxOf(null, new Set()).place(PAD, PAD);
}

/**
 * The part of a project's system graph that a report's files declare: their nodes, the actors linked to them, the
 * edges between those, and all boundaries (empty ones are not drawn). A project export keeps the whole graph.
 */
export function systemForFiles(system: SystemGraph, paths: readonly string[]): SystemGraph {
  const files = new Set(paths);
  const declared = new Set(system.nodes.filter((n) => n.file !== null && files.has(n.file)).map((n) => n.id));
  const linked = new Set(declared);
  for (const e of system.edges) {
    if (declared.has(e.from) && !system.nodes.find((n) => n.id === e.to)?.file) linked.add(e.to);
    if (declared.has(e.to) && !system.nodes.find((n) => n.id === e.from)?.file) linked.add(e.from);
  }
  return {
    ...system,
    nodes: system.nodes.filter((n) => linked.has(n.id)),
    edges: system.edges.filter((e) => linked.has(e.from) && linked.has(e.to)),
    threats: system.threats.filter((t) => t.path.every((id) => linked.has(id))),
    files: system.files.filter((f) => files.has(f.path)),
  };
}
