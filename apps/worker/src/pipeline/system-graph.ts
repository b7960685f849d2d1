import { createHash } from "node:crypto";
import type { Queue } from "bullmq";
import type { Db, Prisma } from "@threatline/db";
import type { SystemGraph, Threat } from "@threatline/domain";
import { enqueue } from "@threatline/queue";
import { type BuildOptions, buildSystemGraph } from "@threatline/system";
import type { SourceFile } from "@threatline/engine";

/** The current analyses of a project (each template's latest finished one) and a key for that set. */
export async function currentState(
  db: Db | Prisma.TransactionClient,
  projectId: string,
): Promise<{ analysisIds: string[]; stateKey: string }> {
  const rows = await db.template.findMany({
    where: { projectId, currentAnalysisId: { not: null } },
    select: { currentAnalysisId: true },
  });
  const analysisIds = rows.map((r) => r.currentAnalysisId!).sort();
  return { analysisIds, stateKey: createHash("sha256").update(analysisIds.join(",")).digest("hex") };
}

/**
 * Asks for the project's system graph to be rebuilt once its current analyses settle. The job id carries the
 * state, so the analyses of one batch finishing together ask once per state, and a state already built or
 * superseded is skipped by the job itself.
 */
export async function requestSystemGraph(db: Db, queue: Queue, projectId: string): Promise<void> {
  const { stateKey } = await currentState(db, projectId);
  await enqueue(queue, "system-graph", { projectId }, `system-graph-${projectId}-${stateKey.slice(0, 24)}`);
}

/**
 * Builds and stores the project's system graph for its current analyses, unless that state is already stored
 * or has moved on while building (then the job of the newer state stores it). Returns the version stored, or null.
 */
export async function buildProjectSystemGraph(
  db: Db,
  projectId: string,
  /** Where the graph is built: an engine thread in a worker (see EnginePool), here by default. */
  build: (files: SourceFile[], options: BuildOptions) => Promise<SystemGraph> = buildSystemGraph,
): Promise<number | null> {
  const { analysisIds, stateKey } = await currentState(db, projectId);
  if (analysisIds.length === 0) return null;
  const known = await db.systemGraph.findUnique({ where: { projectId_stateKey: { projectId, stateKey } } });
  if (known) return null;
  const analyses = await db.analysis.findMany({
    where: { id: { in: analysisIds } },
    select: {
      id: true,
      templateVersion: { select: { template: { select: { path: true } }, blob: { select: { content: true } } } },
      threats: {
        select: { fingerprint: true, ruleId: true, category: true, severity: true, title: true, resources: true },
      },
    },
  });
  const files = analyses.map((a) => ({
    path: a.templateVersion.template.path,
    content: a.templateVersion.blob.content,
  }));
  const threats = analyses.flatMap((a) =>
    a.threats.map((t) => ({ ...t, resources: t.resources as Threat["resources"] })),
  );
  const analysisOf = Object.fromEntries(analyses.map((a) => [a.templateVersion.template.path, a.id]));
  const graph: SystemGraph = await build(files, { threats, analysisOf });
  return db.$transaction(async (tx) => {
    // One writer per project at a time, and only for the state that is still current.
    await tx.$queryRaw`SELECT id FROM "Project" WHERE id = ${projectId}::uuid FOR NO KEY UPDATE`;
    if ((await currentState(tx, projectId)).stateKey !== stateKey) return null;
    const last = await tx.systemGraph.findFirst({ where: { projectId }, orderBy: { version: "desc" } });
    const version = (last?.version ?? 0) + 1;
    await tx.systemGraph.create({
      data: {
        projectId,
        version,
        stateKey,
        nodeCount: graph.nodes.length,
        edgeCount: graph.edges.length,
        graph,
      },
    });
    return version;
  });
}
