import { AppError, type SystemGraph, type SystemGraphDto } from "@threatline/domain";
import type { Db } from "@threatline/db";
import type { Actor } from "../auth/context.ts";
import { getProjectFor } from "./projects.service.ts";

/** Triage that takes a threat off the diagram: decided, not open. */
const CLOSED = ["accepted", "mitigated", "false_positive"] as const;

/**
 * A project's system graph: the latest stored version, or the one asked for, with the project's triage applied
 * (accepted, mitigated and false-positive threats are not drawn). Built by the worker, never here.
 */
export async function getSystemGraph(
  db: Db,
  actor: Actor,
  projectId: string,
  version?: number,
): Promise<SystemGraphDto> {
  await getProjectFor(db, actor, projectId);
  const [row, versions, closed] = await Promise.all([
    db.systemGraph.findFirst({
      where: { projectId, ...(version === undefined ? {} : { version }) },
      orderBy: { version: "desc" },
    }),
    db.systemGraph.findMany({
      where: { projectId },
      orderBy: { version: "desc" },
      take: 200,
      select: { version: true, createdAt: true, nodeCount: true },
    }),
    db.triage.findMany({ where: { projectId, status: { in: [...CLOSED] } }, select: { fingerprint: true } }),
  ]);
  if (!row)
    throw new AppError(
      "system-graph/not-found",
      version === undefined
        ? "This project has no system graph yet: it is drawn once an analysis has finished."
        : `This project has no system graph version ${version}.`,
    );
  const graph = row.graph as unknown as SystemGraph;
  const hidden = new Set(closed.map((t) => t.fingerprint));
  const open = <T extends { threats: Array<{ fingerprint: string }> }>(item: T): T => ({
    ...item,
    threats: item.threats.filter((t) => !hidden.has(t.fingerprint)),
  });
  return {
    projectId,
    version: row.version,
    createdAt: row.createdAt.toISOString(),
    versions: versions.map((v) => ({
      version: v.version,
      createdAt: v.createdAt.toISOString(),
      nodeCount: v.nodeCount,
    })),
    nodes: graph.nodes.map(open),
    edges: graph.edges,
    boundaries: graph.boundaries.map(open),
    threats: graph.threats.filter((t) => !hidden.has(t.fingerprint)),
    files: graph.files,
  };
}
