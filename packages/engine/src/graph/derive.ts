import type { GraphEdge, GraphFacts, GraphNode, SecretFinding } from "./types.ts";
import { openApiFacts } from "../openapi/facts.ts";
import { kubernetesFacts } from "../kubernetes/facts.ts";
import { awsFacts } from "../aws/facts.ts";

/** Derives whole-graph facts (exposure, data stores, identities) for one family of resources. */
export type FactDeriver = (
  nodes: readonly GraphNode[],
  edges: readonly GraphEdge[],
) => Partial<Omit<GraphFacts, "secrets">>;

/** Every family's deriver. Each family's module adds its own. */
export const FACT_DERIVERS: FactDeriver[] = [];
FACT_DERIVERS.push(openApiFacts);
FACT_DERIVERS.push(kubernetesFacts);
FACT_DERIVERS.push(awsFacts);

export function deriveFacts(
  nodes: readonly GraphNode[],
  edges: readonly GraphEdge[],
  secrets: SecretFinding[],
): GraphFacts {
  const facts: GraphFacts = { exposures: [], dataStores: [], identities: [], secrets };
  for (const derive of FACT_DERIVERS) {
    const part = derive(nodes, edges);
    facts.exposures.push(...(part.exposures ?? []));
    facts.dataStores.push(...(part.dataStores ?? []));
    facts.identities.push(...(part.identities ?? []));
  }
  return facts;
}
