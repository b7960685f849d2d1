import ELK from "elkjs/lib/elk.bundled.js";
import type { SourceFile } from "@threatline/engine";
import { buildSystemGraph, type AttachedThreat } from "@threatline/system";
import { layoutSystem, type ElkLike } from "@threatline/system/layout";
import { renderSvg } from "@threatline/system/render";

/**
 * `scan --format dfd-svg`: the scanned files as one system (the SPA's System view), laid out with ELK and drawn
 * as a standalone SVG, with the scan's open threats as badges: a diagram a CI run can keep as an artefact.
 */
export async function renderDfdSvg(files: readonly SourceFile[], threats: readonly AttachedThreat[]): Promise<string> {
  const graph = await buildSystemGraph(files, { threats });
  const scene = await layoutSystem(graph, new ELK() as unknown as ElkLike);
  const combos = graph.threats.length;
  return renderSvg(
    scene,
    `Threatline system view: ${graph.nodes.length} nodes, ${graph.edges.length} flows, ${combos} threat(s) across files`,
  );
}
