import { posix } from "node:path";
import type { Db } from "@threatline/db";
import type { SourceFile } from "@threatline/engine";

export interface LoadedAnalysis {
  id: string;
  projectId: string;
  batchId: string | null;
  teamId: string;
  status: string;
  force: boolean;
  path: string;
  sha256: string;
  /** The analysed file first, then context files (the rest of its Terraform module). */
  files: SourceFile[];
}

/**
 * Loads an analysis and its file. A `.tf` file is one part of a module (its folder): the latest versions of
 * the project's other `.tf` files in the same folder come along as context, and only threats about resources
 * declared in the analysed file are kept.
 */
export async function loadAnalysis(db: Db, analysisId: string): Promise<LoadedAnalysis | null> {
  const analysis = await db.analysis.findUnique({
    where: { id: analysisId },
    include: { project: true, templateVersion: { include: { template: true, blob: true } } },
  });
  if (!analysis) return null;
  const { template, blob } = analysis.templateVersion;
  const files: SourceFile[] = [{ path: template.path, content: blob.content }];
  if (template.path.endsWith(".tf")) {
    const dir = posix.dirname(template.path);
    const siblings = await db.template.findMany({
      where: { projectId: analysis.projectId, id: { not: template.id }, path: { endsWith: ".tf" } },
      include: { versions: { orderBy: { createdAt: "desc" }, take: 1, include: { blob: true } } },
    });
    for (const sibling of siblings) {
      const latest = sibling.versions[0];
      if (latest && posix.dirname(sibling.path) === dir)
        files.push({ path: sibling.path, content: latest.blob.content });
    }
  }
  return {
    id: analysis.id,
    projectId: analysis.projectId,
    batchId: analysis.batchId,
    teamId: analysis.project.teamId,
    status: analysis.status,
    force: analysis.force,
    path: template.path,
    sha256: analysis.templateVersion.sha256,
    files,
  };
}
