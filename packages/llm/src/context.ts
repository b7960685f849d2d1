import type { Threat } from "@threatline/domain";
import {
  compactGraph,
  estimateTokens,
  redact,
  type GraphEdge,
  type GraphNode,
  type ResourceGraph,
  type SourceFile,
} from "@threatline/engine";

/** The engine functions the prompt is built with (injectable so tests can pin them). */
export interface PromptEngine {
  redact(files: readonly SourceFile[], graph: ResourceGraph): { files: SourceFile[]; graph: ResourceGraph };
  compactGraph(graph: ResourceGraph, options: { ruleThreats?: readonly Threat[] }): { text: string; tokens: number };
  estimateTokens(text: string): number;
}

/** The engine's own functions: the production path. */
export function defaultPromptEngine(): PromptEngine {
  return { redact, compactGraph, estimateTokens };
}

/** A part of the graph small enough for one call: some nodes, the edges touching them, their facts. */
export interface GraphChunk {
  graph: ResourceGraph;
  nodeIds: string[];
  ruleThreats: Threat[];
}

/** The nodes in breadth-first order over references, so that linked resources land in the same chunk. */
function connectedOrder(graph: ResourceGraph): GraphNode[] {
  const byId = new Map(graph.nodes.map((n) => [n.id, n]));
  const neighbours = new Map<string, string[]>();
  for (const e of graph.edges) {
    neighbours.set(e.from, [...(neighbours.get(e.from) ?? []), e.to]);
    neighbours.set(e.to, [...(neighbours.get(e.to) ?? []), e.from]);
  }
  const order: GraphNode[] = [];
  const seen = new Set<string>();
  for (const start of graph.nodes) {
    if (seen.has(start.id)) continue;
    const queue = [start.id];
    seen.add(start.id);
    while (queue.length > 0) {
      const id = queue.shift()!;
      const node = byId.get(id);
      if (node) order.push(node);
      for (const next of neighbours.get(id) ?? []) {
        if (!seen.has(next) && byId.has(next)) {
          seen.add(next);
          queue.push(next);
        }
      }
    }
  }
  return order;
}

/** The subgraph of some nodes: their edges (either end inside) and the facts about them. */
export function subgraph(
  graph: ResourceGraph,
  nodes: readonly GraphNode[],
  ruleThreats: readonly Threat[],
): GraphChunk {
  const ids = new Set(nodes.map((n) => n.id));
  const edges: GraphEdge[] = graph.edges.filter((e) => ids.has(e.from) || ids.has(e.to));
  return {
    nodeIds: nodes.map((n) => n.id),
    graph: {
      nodes: [...nodes],
      edges,
      facts: {
        exposures: graph.facts.exposures.filter((x) => ids.has(x.nodeId)),
        dataStores: graph.facts.dataStores.filter((id) => ids.has(id)),
        identities: graph.facts.identities.filter((id) => ids.has(id)),
        secrets: graph.facts.secrets.filter((s) => s.nodeId === null || ids.has(s.nodeId)),
      },
    },
    ruleThreats: ruleThreats.filter((t) => t.resources[0] && ids.has(t.resources[0].id)),
  };
}

/**
 * Splits a graph into chunks whose compact text fits `budget` tokens, along references. A single node
 * larger than the budget still gets a chunk of its own (compaction already cut its long strings).
 */
export function chunkGraph(
  graph: ResourceGraph,
  ruleThreats: readonly Threat[],
  budget: number,
  seams: PromptEngine,
): GraphChunk[] {
  const whole = seams.compactGraph(graph, { ruleThreats });
  if (whole.tokens <= budget || graph.nodes.length <= 1) return [subgraph(graph, graph.nodes, ruleThreats)];
  const chunks: GraphChunk[] = [];
  let current: GraphNode[] = [];
  let used = 0;
  for (const node of connectedOrder(graph)) {
    const cost = seams.compactGraph(subgraph(graph, [node], ruleThreats).graph, {}).tokens;
    if (current.length > 0 && used + cost > budget) {
      chunks.push(subgraph(graph, current, ruleThreats));
      current = [];
      used = 0;
    }
    current.push(node);
    used += cost;
  }
  if (current.length > 0) chunks.push(subgraph(graph, current, ruleThreats));
  return chunks;
}

/** Halves a chunk, for an answer that did not fit `maxTokens`. */
export function splitChunk(graph: ResourceGraph, chunk: GraphChunk): [GraphChunk, GraphChunk] | null {
  if (chunk.nodeIds.length < 2) return null;
  const nodes = chunk.graph.nodes;
  const half = Math.ceil(nodes.length / 2);
  return [
    subgraph(graph, nodes.slice(0, half), chunk.ruleThreats),
    subgraph(graph, nodes.slice(half), chunk.ruleThreats),
  ];
}
