import { posix } from "node:path";
import type { Db } from "@threatline/db";
import { TeamRuleSetSchema, type TeamRule } from "@threatline/domain";
import { detectFormat, type SourceFile } from "@threatline/engine";

export interface LoadedAnalysis {
  id: string;
  projectId: string;
  batchId: string | null;
  teamId: string;
  status: string;
  force: boolean;
  path: string;
  sha256: string;
  /** The analysed file first, then context files (the rest of its Terraform module, its sibling manifests). */
  files: SourceFile[];
  /** The team's own rules (PUT /teams/:id/rules), run next to the builtin ones. */
  teamRules: TeamRule[];
}

/** The team's rule set from its settings, parsed again at this boundary; an invalid one runs no team rules. */
function teamRulesOf(settings: unknown): TeamRule[] {
  const stored =
    settings !== null && typeof settings === "object" ? (settings as Record<string, unknown>).teamRules : undefined;
  if (stored === undefined) return [];
  const parsed = TeamRuleSetSchema.safeParse(stored);
  return parsed.success ? parsed.data.rules : [];
}

/**
 * Loads an analysis and its file. A `.tf` file is one part of a module (its folder): the latest versions of
 * the project's other `.tf` files in the same folder come along as context, and only threats about resources
 * declared in the analysed file are kept. A Kubernetes manifest gets the other manifests of its folder the same way.
 */
export async function loadAnalysis(db: Db, analysisId: string): Promise<LoadedAnalysis | null> {
  const analysis = await db.analysis.findUnique({
    where: { id: analysisId },
    include: { project: { include: { team: true } }, templateVersion: { include: { template: true, blob: true } } },
  });
  if (!analysis) return null;
  const { template, blob } = analysis.templateVersion;
  const files: SourceFile[] = [{ path: template.path, content: blob.content }];
  const self = files[0]!;
  // Context from the same folder: the rest of a Terraform module, or the other manifests next to a Kubernetes one
  // (a NetworkPolicy or binding in a sibling file applies to this file's workloads).
  const context = template.path.endsWith(".tf")
    ? (f: SourceFile) => f.path.endsWith(".tf")
    : detectFormat(self) === "kubernetes"
      ? (f: SourceFile) => /\.(ya?ml|json)$/i.test(f.path) && detectFormat(f) === "kubernetes"
      : undefined;
  if (context) {
    const dir = posix.dirname(template.path);
    const extensions = template.path.endsWith(".tf") ? [".tf"] : [".yaml", ".yml", ".json"];
    const siblings = await db.template.findMany({
      where: {
        projectId: analysis.projectId,
        id: { not: template.id },
        ...(dir === "." ? {} : { path: { startsWith: `${dir}/` } }),
        OR: extensions.map((ext) => ({ path: { endsWith: ext } })),
      },
      include: { versions: { orderBy: { createdAt: "desc" }, take: 1, include: { blob: true } } },
    });
    for (const sibling of siblings) {
      const latest = sibling.versions[0];
      if (!latest || posix.dirname(sibling.path) !== dir) continue;
      const file = { path: sibling.path, content: latest.blob.content };
      if (context(file)) files.push(file);
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
    teamRules: teamRulesOf(analysis.project.team.settings),
  };
}
