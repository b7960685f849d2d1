import type { Severity, StrideCategory, SystemThreat, SystemThreatRef } from "@threatline/domain";
import { SEVERITIES } from "@threatline/domain";
import type { Scene } from "@threatline/system/layout";

/** What the diagram shows of each node's threats. */
export interface SystemFilters {
  /** STRIDE categories to show; empty shows all. */
  categories: StrideCategory[];
  /** The least severity shown. */
  minSeverity: Severity;
}

/** A node's threats that pass the filters. */
export function visibleThreats(threats: readonly SystemThreatRef[], filters: SystemFilters): SystemThreatRef[] {
  const limit = SEVERITIES.indexOf(filters.minSeverity);
  return threats.filter(
    (t) =>
      SEVERITIES.indexOf(t.severity) <= limit &&
      (filters.categories.length === 0 || filters.categories.includes(t.category)),
  );
}

/** The nodes and edges of a combination threat's path, for the diagram to highlight. */
export function pathOf(threat: SystemThreat | null, scene: Scene | null): { nodes: Set<string>; edges: Set<string> } {
  const nodes = new Set(threat?.path ?? []);
  const edges = new Set<string>();
  if (!threat || !scene) return { nodes, edges };
  const steps = new Set(threat.path.slice(1).map((to, i) => `${threat.path[i]!}\u0000${to}`));
  for (const e of scene.edges) if (steps.has(`${e.edge.from}\u0000${e.edge.to}`)) edges.add(e.id);
  return { nodes, edges };
}

/** The view box that shows the whole scene in a viewport of the given size, with a margin. */
export function fitTransform(
  scene: Pick<Scene, "width" | "height">,
  viewport: { width: number; height: number },
  margin = 24,
): { x: number; y: number; k: number } {
  if (scene.width === 0 || scene.height === 0) return { x: margin, y: margin, k: 1 };
  const k = Math.min((viewport.width - margin * 2) / scene.width, (viewport.height - margin * 2) / scene.height, 1.5);
  return {
    x: (viewport.width - scene.width * k) / 2,
    y: Math.max(margin, (viewport.height - scene.height * k) / 2),
    k,
  };
}
