import type { FactDeriver, GraphEdge, GraphFacts, GraphNode, SecretFinding } from "./types.ts";
import { openApiFacts } from "../openapi/facts.ts";
import { kubernetesFacts } from "../kubernetes/facts.ts";
import { awsFacts } from "../aws/facts.ts";

/** Every family's deriver. The list is kept here, not filled by the families' modules, which import nothing from here. */
export const FACT_DERIVERS: readonly FactDeriver[] = [openApiFacts, kubernetesFacts, awsFacts];

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
