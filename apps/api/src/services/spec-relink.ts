import { posix } from "node:path";
import type { Prisma } from "@threatline/db";
import { declaresRoutes, detectFormat, servesSpec, type SourceFile } from "@threatline/engine";

/** A submitted file whose content is new for its template (a new version, not a re-upload). */
export interface ChangedFile {
  templateId: string;
  path: string;
  content: string;
  /** The content of the template's version that was newest before this submission, if any. */
  previous?: string;
}

/** A spec to analyse again: its template and the version the worker will load (its newest). */
export interface Relink {
  path: string;
  templateVersionId: string;
}

function folderOf(path: string): string {
  const dir = posix.dirname(path);
  return dir === "." ? "" : dir;
}

const SPEC_EXTENSIONS = [".yaml", ".yml", ".json"];

/**
 * The OpenAPI specs of a project whose analysis takes one of the changed files as context (the worker's
 * `servingInfrastructure`: infrastructure that declares routes in the spec's folder or names the spec's file; a
 * Terraform file with the rest of its module), before or after the change. Their TL-API-INFRA-001 threats link
 * operations to the routes that serve them, so a new gateway template makes them stale: each gets a new analysis
 * of its newest version. Specs in the submission itself are analysed anyway and are left out.
 *
 * Reads within the submission's transaction: `changed` holds the submitted contents, stored files are read at
 * their newest versions, the way the worker will load them.
 */
export async function specsServedBy(
  tx: Prisma.TransactionClient,
  projectId: string,
  changed: readonly ChangedFile[],
  submitted: readonly SourceFile[],
): Promise<Relink[]> {
  const infra = changed.filter(
    (f) => !SPEC_EXTENSIONS.some((ext) => f.path.endsWith(ext)) || detectFormat(f) !== "openapi",
  );
  if (infra.length === 0) return [];
  const submittedPaths = submitted.map((f) => f.path);
  // Every content that may serve a spec: the new and the previous one of each changed file, and for a changed
  // Terraform file every file of its module (the worker loads the module whole once one of its files serves).
  const serving: SourceFile[] = [];
  for (const f of infra) {
    serving.push({ path: f.path, content: f.content });
    if (f.previous !== undefined) serving.push({ path: f.path, content: f.previous });
  }
  const modules = new Set(infra.filter((f) => f.path.endsWith(".tf")).map((f) => folderOf(f.path)));
  if (modules.size > 0) {
    const inModule = (path: string): boolean => path.endsWith(".tf") && modules.has(folderOf(path));
    serving.push(...submitted.filter((f) => inModule(f.path) && !infra.some((c) => c.path === f.path)));
    const stored = await tx.template.findMany({
      where: { projectId, path: { endsWith: ".tf", notIn: submittedPaths } },
      select: { id: true, path: true },
    });
    const ids = stored.filter((t) => inModule(t.path)).map((t) => t.id);
    if (ids.length > 0) {
      const rest = await tx.template.findMany({
        where: { id: { in: ids } },
        include: { versions: { orderBy: { createdAt: "desc" }, take: 1, include: { blob: true } } },
      });
      for (const t of rest) if (t.versions[0]) serving.push({ path: t.path, content: t.versions[0].blob.content });
    }
  }
  const routed = serving.filter(declaresRoutes);
  if (routed.length === 0) return [];

  // `servesSpec` reads the spec's path, not its content: narrow by path first, then load the few candidates.
  const candidates = await tx.template.findMany({
    where: {
      projectId,
      path: { notIn: submittedPaths },
      OR: SPEC_EXTENSIONS.map((ext) => ({ path: { endsWith: ext } })),
    },
    select: { id: true, path: true },
  });
  const near = candidates.filter((t) => routed.some((f) => servesSpec({ path: t.path, content: "" }, f)));
  if (near.length === 0) return [];
  const specs = await tx.template.findMany({
    where: { id: { in: near.map((t) => t.id) } },
    include: { versions: { orderBy: { createdAt: "desc" }, take: 1, include: { blob: true } } },
    orderBy: { path: "asc" },
  });
  return specs.flatMap((t) => {
    const latest = t.versions[0];
    if (!latest || detectFormat({ path: t.path, content: latest.blob.content }) !== "openapi") return [];
    return [{ path: t.path, templateVersionId: latest.id }];
  });
}
