import type {
  ResourceRef,
  SystemBoundary,
  SystemEdge,
  SystemEdgeKind,
  SystemGraph,
  SystemNode,
  SystemThreatRef,
  Threat,
} from "@threatline/domain";
import { severityRank } from "@threatline/domain";
import type { GraphEdge, GraphNode, SourceFile } from "@threatline/engine";
import { placeInBoundaries } from "./boundaries.ts";
import { BOUNDARY_RESOURCES, FOLDED, elementOf, serviceOf } from "./kinds.ts";
import { crossFileLinks } from "./links.ts";
import { combinationThreats } from "./threats.ts";
import { groupUnits, parseUnits, type ParsedUnit } from "./units.ts";

/** One engine resource of the project, with the unit it was parsed in. */
export interface Entry {
  key: string;
  unit: string;
  node: GraphNode;
}

/** What the builders share while they put the system together. */
export interface Assembly {
  units: ParsedUnit[];
  entries: Map<string, Entry>;
  /** Entry key → the drawn node it belongs to (itself when drawn; null for boundary resources). */
  owner: Map<string, string | null>;
  nodes: Map<string, SystemNode>;
  edges: Map<string, SystemEdge>;
  boundaries: Map<string, SystemBoundary>;
  /** Boundary-defining entry key → boundary id. */
  boundaryOf: Map<string, string>;
  /** Engine edges by entry key, both ways. */
  adj: Map<string, Neighbour[]>;
}

export interface Neighbour {
  edge: GraphEdge;
  other: string;
  out: boolean;
}

export const INTERNET = "actor:internet";

export const keyOf = (node: Pick<GraphNode, "file" | "id">): string => `${node.file}#${node.id}`;

export const refOf = (node: GraphNode): ResourceRef => ({
  id: node.id,
  type: node.type,
  file: node.file,
  line: node.line,
});

/** What of a per-file threat the diagram keeps. */
export type AttachedThreat = Pick<Threat, "fingerprint" | "ruleId" | "category" | "severity" | "title" | "resources">;

export interface BuildOptions {
  /** The per-file threats of the project (the current analyses): attached to the nodes of their resources. */
  threats?: readonly AttachedThreat[];
  /** The analysis each file came from, for the record. */
  analysisOf?: Readonly<Record<string, string>>;
}

/**
 * One project version as a system: the engine's per-unit graphs merged (node ids qualified by their file), folded
 * into what a data-flow diagram draws, placed in trust boundaries, linked across files by names, ARNs, hostnames
 * and routes, with the internet as an actor and the combination threats only the whole project shows.
 */
export async function buildSystemGraph(files: readonly SourceFile[], options: BuildOptions = {}): Promise<SystemGraph> {
  const units = await parseUnits(groupUnits(files));
  return assemble(units, options);
}

/** The system of units already parsed (the engine graphs of a scan can be reused). */
export function assemble(units: ParsedUnit[], options: BuildOptions = {}): SystemGraph {
  const a: Assembly = {
    units,
    entries: new Map(),
    owner: new Map(),
    nodes: new Map(),
    edges: new Map(),
    boundaries: new Map(),
    boundaryOf: new Map(),
    adj: new Map(),
  };
  for (const unit of units)
    for (const node of unit.graph.nodes) {
      const key = keyOf(node);
      // A module two roots call under the same name is the same resource: the first one stands.
      if (!a.entries.has(key)) a.entries.set(key, { key, unit: unit.key, node });
    }
  a.adj = adjacency(a);
  resolveOwners(a);
  drawNodes(a);
  placeInBoundaries(a);
  engineEdges(a);
  crossFileLinks(a);
  internetEdges(a);
  dropRedundantLinks(a);
  const threats = combinationThreats(a);
  attachThreats(a, options.threats ?? []);
  const files = [...new Set(units.flatMap((u) => u.files.map((f) => f.path)))].sort();
  return {
    nodes: [...a.nodes.values()].sort((x, y) => x.id.localeCompare(y.id)),
    edges: [...a.edges.values()].sort((x, y) => x.id.localeCompare(y.id)),
    boundaries: [...a.boundaries.values()],
    threats,
    files: files.map((path) => ({ path, analysisId: options.analysisOf?.[path] ?? null })),
  };
}

/** Engine edges of a unit, both ways, by entry key. */
function adjacency(a: Assembly): Map<string, Neighbour[]> {
  const adj = new Map<string, Neighbour[]>();
  const add = (key: string, item: Neighbour): void => {
    const list = adj.get(key);
    if (list) list.push(item);
    else adj.set(key, [item]);
  };
  for (const unit of a.units) {
    const byId = new Map(unit.graph.nodes.map((n) => [n.id, keyOf(n)]));
    for (const edge of unit.graph.edges) {
      const from = byId.get(edge.from);
      const to = byId.get(edge.to);
      if (!from || !to || from === to) continue;
      add(from, { edge, other: to, out: true });
      add(to, { edge, other: from, out: false });
    }
  }
  return adj;
}

const EDGE_PRIORITY: Record<string, number> = {
  "iam-role": 0,
  "iam-policy": 1,
  contains: 2,
  "security-group": 3,
  references: 4,
  "routes-to": 5,
  selects: 6,
};

/**
 * A folded resource belongs to the drawn resource it configures: a neighbour of the same service first (a
 * listener to its load balancer, a bucket policy to its bucket), then by how direct the reference is. A folded
 * resource with no drawn neighbour is drawn itself, so that nothing (and none of its threats) disappears.
 */
function resolveOwners(a: Assembly): void {
  const adj = a.adj;
  const resolving = new Set<string>();
  const resolve = (key: string): string | null => {
    const known = a.owner.get(key);
    if (known !== undefined) return known;
    const entry = a.entries.get(key)!;
    if (BOUNDARY_RESOURCES.has(entry.node.kind)) {
      a.owner.set(key, null);
      return null;
    }
    if (!FOLDED.has(entry.node.kind) || resolving.has(key)) {
      if (!FOLDED.has(entry.node.kind)) a.owner.set(key, key);
      return resolving.has(key) ? null : key;
    }
    resolving.add(key);
    const service = serviceOf(entry.node.kind);
    const candidates = (adj.get(key) ?? [])
      .filter((c) => c.edge.kind !== "depends-on")
      .map((c) => ({ ...c, kind: a.entries.get(c.other)!.node.kind }))
      .sort(
        (x, y) =>
          Number(serviceOf(y.kind) === service) - Number(serviceOf(x.kind) === service) ||
          Number(FOLDED.has(x.kind)) - Number(FOLDED.has(y.kind)) ||
          (EDGE_PRIORITY[x.edge.kind] ?? 9) - (EDGE_PRIORITY[y.edge.kind] ?? 9) ||
          Number(y.out) - Number(x.out),
      );
    let found: string | null = null;
    for (const c of candidates) {
      const owner = resolve(c.other);
      if (owner !== null && owner !== key) {
        found = owner;
        break;
      }
    }
    resolving.delete(key);
    const result = found ?? key;
    a.owner.set(key, result);
    return result;
  };
  for (const key of a.entries.keys()) resolve(key);
}

function labelOf(node: GraphNode): string {
  if (node.kind === "openapi.api") return node.id.replace(/^API /, "");
  return node.id;
}

function drawNodes(a: Assembly): void {
  for (const [key, owner] of a.owner) {
    if (owner !== key) continue;
    const { node } = a.entries.get(key)!;
    a.nodes.set(key, {
      id: key,
      label: labelOf(node),
      kind: node.kind,
      element: elementOf(node.kind),
      file: node.file,
      line: node.line,
      resources: [refOf(node)],
      boundary: null,
      exposed: false,
      threats: [],
    });
  }
  for (const [key, owner] of a.owner) {
    if (owner === null || owner === key) continue;
    a.nodes.get(owner)!.resources.push(refOf(a.entries.get(key)!.node));
  }
}

/** Adds an edge (merging labels of the same kind between the same nodes). */
export function addEdge(
  a: Assembly,
  from: string,
  to: string,
  kind: SystemEdgeKind,
  label: string,
  crossFile = false,
): void {
  if (from === to || !a.nodes.has(from) || !a.nodes.has(to)) return;
  const id = `${kind}:${from}->${to}`;
  const known = a.edges.get(id);
  if (known) {
    if (label && !known.label.split(", ").includes(label))
      known.label = known.label ? `${known.label}, ${label}` : label;
    known.crossFile ||= crossFile;
    return;
  }
  a.edges.set(id, { id, from, to, kind, label, crossFile });
}

/** The meaning of an engine edge between two drawn nodes, or null when the diagram has no line for it. */
function systemKind(edge: GraphEdge, from: SystemNode, to: SystemNode): [SystemEdgeKind, string] | null {
  switch (edge.kind) {
    case "routes-to":
      return ["flow", "routes"];
    case "selects":
      return ["flow", "selects"];
    case "iam-role":
      return from.element === "identity" ? null : ["assumes", "runs as"];
    case "logs-to":
      return ["flow", "logs"];
    case "encrypted-by":
      return ["link", "encrypted by"];
    case "references":
      if (from.element === "identity" && to.element === "store") return ["access", "IAM"];
      if (to.element === "identity" && from.element !== "identity") return ["assumes", "runs as"];
      if (to.element === "store" || from.element === "store") return ["flow", viaLabel(edge.via)];
      return ["link", viaLabel(edge.via)];
    default:
      return null;
  }
}

/** `environment.0.variables.TABLE` → `TABLE`: the last meaningful step of the property path. */
function viaLabel(via: string | undefined): string {
  if (!via) return "";
  const steps = via.split(".").filter((s) => !/^\d+$/.test(s) && s !== "Properties");
  return steps[steps.length - 1] ?? "";
}

function engineEdges(a: Assembly): void {
  for (const unit of a.units) {
    const byId = new Map(unit.graph.nodes.map((n) => [n.id, keyOf(n)]));
    for (const edge of unit.graph.edges) {
      const from = a.owner.get(byId.get(edge.from) ?? "");
      const to = a.owner.get(byId.get(edge.to) ?? "");
      if (!from || !to || from === to) continue;
      const fromNode = a.nodes.get(from)!;
      const toNode = a.nodes.get(to)!;
      // A policy folded into its role that names a store is the role's access to it.
      const folded = a.entries.get(byId.get(edge.from)!)!.node.kind;
      const kind =
        folded === "aws.iam.policy" && toNode.element === "store"
          ? (["access", "IAM"] as [SystemEdgeKind, string])
          : systemKind(edge, fromNode, toNode);
      if (kind) addEdge(a, from, to, kind[0], kind[1], fromNode.file !== toNode.file);
    }
  }
}

/**
 * The internet as an actor: an edge to every entry point the engine found exposed (internet-facing load balancers,
 * public APIs, public buckets, LoadBalancer Services, specs served at public URLs), labelled with the reason.
 */
function internetEdges(a: Assembly): void {
  a.nodes.set(INTERNET, {
    id: INTERNET,
    label: "Internet",
    kind: "actor.internet",
    element: "actor",
    file: null,
    line: null,
    resources: [],
    boundary: "internet",
    exposed: true,
    threats: [],
  });
  a.boundaries.set("internet", {
    id: "internet",
    kind: "internet",
    label: "Internet",
    parent: null,
    resources: [],
    threats: [],
  });
  for (const unit of a.units) {
    const byId = new Map(unit.graph.nodes.map((n) => [n.id, keyOf(n)]));
    for (const exposure of unit.graph.facts.exposures) {
      const owner = a.owner.get(byId.get(exposure.nodeId) ?? "");
      if (!owner) continue;
      a.nodes.get(owner)!.exposed = true;
      if (exposure.path.length > 1) continue;
      addEdge(a, INTERNET, owner, "network", exposure.reason);
    }
  }
}

/** A bare reference between two nodes a flow, an access or a route already connects says nothing more. */
function dropRedundantLinks(a: Assembly): void {
  const pair = (e: SystemEdge) => [e.from, e.to].sort().join("\u0000");
  const meaningful = new Set([...a.edges.values()].filter((e) => e.kind !== "link").map(pair));
  for (const [id, edge] of a.edges) if (edge.kind === "link" && meaningful.has(pair(edge))) a.edges.delete(id);
}

/** The open threats of each node's resources, worst first. */
function attachThreats(a: Assembly, threats: readonly AttachedThreat[]): void {
  for (const threat of threats) {
    const primary = threat.resources[0];
    if (!primary) continue;
    const owner = a.owner.get(`${primary.file}#${primary.id}`);
    const target = owner ? a.nodes.get(owner) : undefined;
    const boundary =
      owner === null ? a.boundaries.get(a.boundaryOf.get(`${primary.file}#${primary.id}`) ?? "") : undefined;
    const ref = {
      fingerprint: threat.fingerprint,
      ruleId: threat.ruleId,
      category: threat.category,
      severity: threat.severity,
      title: threat.title,
    };
    if (target) target.threats.push(ref);
    else boundary?.threats.push(ref);
  }
  const worstFirst = (x: SystemThreatRef, y: SystemThreatRef) => severityRank(x.severity) - severityRank(y.severity);
  for (const node of a.nodes.values()) node.threats.sort(worstFirst);
  for (const boundary of a.boundaries.values()) boundary.threats.sort(worstFirst);
}
