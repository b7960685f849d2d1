import { pushTo } from "../collections.ts";
import type { Exposure, FactDeriver, GraphEdge, GraphNode } from "../graph/types.ts";
import type { WorkloadAttrs } from "./parse.ts";

/** Why a Service is reachable from outside the cluster, or undefined when it is not. */
export function serviceExposure(node: GraphNode): string | undefined {
  const a = node.attrs;
  const ranges = (a.loadBalancerSourceRanges as string[] | undefined) ?? [];
  const open = ranges.length === 0 || ranges.some((r) => r === "0.0.0.0/0" || r === "::/0");
  if (a.type === "LoadBalancer" && a.internal !== true && open) return "LoadBalancer Service";
  if (a.type === "NodePort") return "NodePort Service";
  if (((a.externalIPs as string[] | undefined) ?? []).length > 0) return "Service with externalIPs";
  return undefined;
}

/**
 * Exposure: LoadBalancer/NodePort Services and Ingresses are entry points; the workloads they select are
 * reachable through them, and so are pods binding a host port. Identities: service accounts. Data stores:
 * Secrets and volume claims.
 */
export const kubernetesFacts: FactDeriver = (nodes: readonly GraphNode[], edges: readonly GraphEdge[]) => {
  const exposures: Exposure[] = [];
  const byFrom = new Map<string, GraphEdge[]>();
  for (const e of edges) pushTo(byFrom, e.from, e);
  const selected = (id: string): string[] =>
    (byFrom.get(id) ?? []).filter((e) => e.kind === "selects").map((e) => e.to);

  for (const node of nodes) {
    if (node.kind === "k8s.service") {
      const reason = serviceExposure(node);
      if (!reason) continue;
      exposures.push({ nodeId: node.id, path: [node.id], reason });
      for (const w of selected(node.id)) exposures.push({ nodeId: w, path: [node.id, w], reason });
    } else if (node.kind === "k8s.ingress") {
      exposures.push({ nodeId: node.id, path: [node.id], reason: "Ingress" });
      for (const e of (byFrom.get(node.id) ?? []).filter((x) => x.kind === "routes-to")) {
        exposures.push({ nodeId: e.to, path: [node.id, e.to], reason: "Ingress backend" });
        for (const w of selected(e.to))
          exposures.push({ nodeId: w, path: [node.id, e.to, w], reason: "Ingress backend" });
      }
    } else if (node.kind === "k8s.workload") {
      const a = node.attrs as unknown as WorkloadAttrs;
      if (a.containers.some((c) => c.ports.some((p) => p.hostPort !== undefined)))
        exposures.push({ nodeId: node.id, path: [node.id], reason: "hostPort" });
    }
  }
  return {
    exposures,
    identities: nodes.filter((n) => n.kind === "k8s.service-account").map((n) => n.id),
    dataStores: nodes.filter((n) => n.kind === "k8s.secret" || n.kind === "k8s.volume").map((n) => n.id),
  };
};
