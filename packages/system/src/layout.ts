import type { Severity, SystemBoundary, SystemEdge, SystemGraph, SystemNode } from "@threatline/domain";

/**
 * Laying a system graph out with ELK (elkjs): the graph becomes ELK's nested JSON (boundaries are compound nodes
 * holding their nodes and inner boundaries), ELK's layered algorithm places everything, and the result is read
 * back as a flat scene with absolute coordinates that the SPA draws and the CLI renders to SVG. Browser-safe: no
 * Node imports, and ELK itself is passed in (the SPA runs it in a web worker, the CLI in-process).
 */

/** The part of elkjs's API used here (its `ELK` class satisfies it). */
export interface ElkLike {
  layout(graph: ElkGraphNode): Promise<ElkGraphNode>;
}

export interface ElkGraphNode {
  id: string;
  x?: number;
  y?: number;
  width?: number;
  height?: number;
  layoutOptions?: Record<string, string>;
  children?: ElkGraphNode[];
  edges?: ElkGraphEdge[];
  labels?: Array<{ text: string; width?: number; height?: number }>;
}

export interface ElkGraphEdge {
  id: string;
  sources: string[];
  targets: string[];
  sections?: Array<{
    startPoint: Point;
    endPoint: Point;
    bendPoints?: Point[];
  }>;
}

export interface Point {
  x: number;
  y: number;
}

/** What a diff marks on a node or an edge. */
export type DiffStatus = "added" | "removed" | "same";

export interface SceneBox {
  id: string;
  boundary: SystemBoundary;
  x: number;
  y: number;
  width: number;
  height: number;
  depth: number;
}

export interface SceneNode {
  id: string;
  node: SystemNode;
  x: number;
  y: number;
  width: number;
  height: number;
  diff: DiffStatus;
}

export interface SceneEdge {
  id: string;
  edge: SystemEdge;
  points: Point[];
  diff: DiffStatus;
}

export interface Scene {
  width: number;
  height: number;
  boxes: SceneBox[];
  nodes: SceneNode[];
  edges: SceneEdge[];
}

export const NODE_WIDTH = 190;
export const NODE_HEIGHT = 54;
const BOX = "box:";

const ROOT_OPTIONS: Record<string, string> = {
  "elk.algorithm": "layered",
  "elk.direction": "RIGHT",
  "elk.hierarchyHandling": "INCLUDE_CHILDREN",
  "elk.edgeRouting": "ORTHOGONAL",
  "elk.layered.spacing.nodeNodeBetweenLayers": "48",
  "elk.spacing.nodeNode": "18",
  "elk.spacing.edgeNode": "12",
  "elk.layered.considerModelOrder.strategy": "NODES_AND_EDGES",
  // Every coordinate relative to the root: the scene needs no walk up the tree to place anything.
  "elk.json.shapeCoords": "ROOT",
  "elk.json.edgeCoords": "ROOT",
};
const BOX_OPTIONS: Record<string, string> = { "elk.padding": "[top=30,left=14,bottom=14,right=14]" };

/** The graph as ELK's nested JSON: boundaries hold their nodes and inner boundaries; edges sit on the root. */
export function toElk(graph: Pick<SystemGraph, "nodes" | "edges" | "boundaries">): ElkGraphNode {
  const root: ElkGraphNode = { id: "root", layoutOptions: ROOT_OPTIONS, children: [], edges: [] };
  const boxes = new Map<string, ElkGraphNode>();
  for (const b of graph.boundaries) boxes.set(b.id, { id: BOX + b.id, layoutOptions: BOX_OPTIONS, children: [] });
  const parentOf = (boundary: string | null): ElkGraphNode => (boundary ? boxes.get(boundary) : undefined) ?? root;
  for (const b of graph.boundaries) parentOf(b.parent === b.id ? null : b.parent).children!.push(boxes.get(b.id)!);
  const ids = new Set<string>();
  for (const n of graph.nodes) {
    ids.add(n.id);
    parentOf(n.boundary).children!.push({ id: n.id, width: NODE_WIDTH, height: NODE_HEIGHT });
  }
  for (const e of graph.edges)
    if (ids.has(e.from) && ids.has(e.to) && e.from !== e.to)
      root.edges!.push({ id: e.id, sources: [e.from], targets: [e.to] });
  // Empty boundaries would be drawn as empty boxes: leave them out.
  const prune = (node: ElkGraphNode): boolean => {
    if (!node.id.startsWith(BOX)) return true;
    node.children = node.children!.filter(prune);
    return node.children.length > 0;
  };
  root.children = root.children!.filter(prune);
  return root;
}

/** Reads ELK's result back as a flat scene. */
export function sceneFrom(
  laid: ElkGraphNode,
  graph: Pick<SystemGraph, "nodes" | "edges" | "boundaries">,
  diff: ReadonlyMap<string, DiffStatus> = new Map(),
): Scene {
  const nodes = new Map(graph.nodes.map((n) => [n.id, n]));
  const boundaries = new Map(graph.boundaries.map((b) => [b.id, b]));
  const edges = new Map(graph.edges.map((e) => [e.id, e]));
  const scene: Scene = { width: laid.width ?? 0, height: laid.height ?? 0, boxes: [], nodes: [], edges: [] };
  const walk = (parent: ElkGraphNode, depth: number): void => {
    for (const child of parent.children ?? []) {
      const frame = { x: child.x ?? 0, y: child.y ?? 0, width: child.width ?? 0, height: child.height ?? 0 };
      if (child.id.startsWith(BOX)) {
        const boundary = boundaries.get(child.id.slice(BOX.length))!;
        scene.boxes.push({ id: boundary.id, boundary, depth, ...frame });
        walk(child, depth + 1);
      } else {
        const node = nodes.get(child.id);
        if (node) scene.nodes.push({ id: node.id, node, diff: diff.get(node.id) ?? "same", ...frame });
      }
    }
  };
  walk(laid, 0);
  for (const e of laid.edges ?? []) {
    const edge = edges.get(e.id);
    const section = e.sections?.[0];
    if (!edge || !section) continue;
    scene.edges.push({
      id: edge.id,
      edge,
      points: [section.startPoint, ...(section.bendPoints ?? []), section.endPoint],
      diff: diff.get(edge.id) ?? "same",
    });
  }
  return scene;
}

/** Lays a graph out: ELK JSON, ELK, scene. */
export async function layoutSystem(
  graph: Pick<SystemGraph, "nodes" | "edges" | "boundaries">,
  elk: ElkLike,
  diff?: ReadonlyMap<string, DiffStatus>,
): Promise<Scene> {
  return sceneFrom(await elk.layout(toElk(graph)), graph, diff);
}

/**
 * Two versions as one graph to draw: everything of the newer one, plus what the older one had and the newer
 * one lost (its nodes in their old boundaries), each marked added, removed or the same (by id: `file#resource`).
 */
export function diffGraphs(
  before: Pick<SystemGraph, "nodes" | "edges" | "boundaries">,
  after: Pick<SystemGraph, "nodes" | "edges" | "boundaries">,
): { graph: Pick<SystemGraph, "nodes" | "edges" | "boundaries">; diff: Map<string, DiffStatus> } {
  const diff = new Map<string, DiffStatus>();
  const oldNodes = new Set(before.nodes.map((n) => n.id));
  const oldEdges = new Set(before.edges.map((e) => e.id));
  const newNodes = new Set(after.nodes.map((n) => n.id));
  const newEdges = new Set(after.edges.map((e) => e.id));
  for (const n of after.nodes) diff.set(n.id, oldNodes.has(n.id) ? "same" : "added");
  for (const e of after.edges) diff.set(e.id, oldEdges.has(e.id) ? "same" : "added");
  const lostNodes = before.nodes.filter((n) => !newNodes.has(n.id));
  const lostEdges = before.edges.filter((e) => !newEdges.has(e.id));
  for (const n of lostNodes) diff.set(n.id, "removed");
  for (const e of lostEdges) diff.set(e.id, "removed");
  const boundaryIds = new Set(after.boundaries.map((b) => b.id));
  return {
    graph: {
      nodes: [...after.nodes, ...lostNodes],
      edges: [...after.edges, ...lostEdges],
      boundaries: [...after.boundaries, ...before.boundaries.filter((b) => !boundaryIds.has(b.id))],
    },
    diff,
  };
}

const ORDER: readonly Severity[] = ["critical", "high", "medium", "low", "info"];

/** The worst severity among a node's threats (after filters), or null. */
export function worstSeverity(threats: ReadonlyArray<{ severity: Severity }>): Severity | null {
  let best: Severity | null = null;
  for (const t of threats) if (best === null || ORDER.indexOf(t.severity) < ORDER.indexOf(best)) best = t.severity;
  return best;
}

/** Severity colours shared by the SPA and the SVG export. */
export const SEVERITY_COLOURS: Record<Severity, string> = {
  critical: "#b3261e",
  high: "#e8590c",
  medium: "#d9a400",
  low: "#4c8bf5",
  info: "#8a8f98",
};
