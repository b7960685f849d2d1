import type { Exposure, FactDeriver, GraphEdge, GraphNode } from "../graph/types.ts";

function isPrivateUrl(url: string): boolean {
  return (
    /^[a-z]+:\/\/(localhost|127\.|0\.0\.0\.0|10\.|192\.168\.|172\.(1[6-9]|2\d|3[01])\.|\[::1\]|[^/:]*\.(local|internal|localhost|svc|cluster\.local))(:|\/|$)/i.test(
      url,
    ) || !/^[a-z]+:\/\//i.test(url)
  );
}

/** An operation is reachable from the internet when one of its servers is a public URL. */
export const openApiFacts: FactDeriver = (nodes: readonly GraphNode[], _edges: readonly GraphEdge[]) => {
  const exposures: Exposure[] = [];
  for (const node of nodes) {
    if (node.kind !== "openapi.operation" && node.kind !== "openapi.api") continue;
    const servers = Array.isArray(node.attrs.servers)
      ? (node.attrs.servers as unknown[]).filter((s): s is string => typeof s === "string")
      : [];
    const url = servers.find((s) => !isPrivateUrl(s));
    if (url) exposures.push({ nodeId: node.id, path: [node.id], reason: `served at ${url}` });
  }
  return { exposures };
};
