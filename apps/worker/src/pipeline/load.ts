import { posix } from "node:path";
import type { Db } from "@threatline/db";
import { TeamRuleSetSchema, type TeamRule } from "@threatline/domain";
import {
  MAX_TEMPLATE_CONTEXT,
  detectFormat,
  informsTemplate,
  isKustomizationFile,
  kustomizationFolderRefs,
  kustomizationReferences,
  localFileRefs,
  localModuleDirs,
  servesSpec,
  type SourceFile,
} from "@threatline/engine";

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
 * An OpenAPI spec gets the files its `$ref`s name and the infrastructure that may serve it (TL-API-INFRA-001).
 * A Terraform plan JSON gets the `.tf` files of its folder and their local modules, so its threats point at the
 * lines where the planned resources are written (the engine keeps a focused plan's threats wherever they point).
 */
const kubernetesSibling = (f: SourceFile): boolean =>
  (/\.(ya?ml|json)$/i.test(f.path) || isKustomizationFile(f.path)) && detectFormat(f) === "kubernetes";

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
      ? kubernetesSibling
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
    const folderFiles = siblings.flatMap((sibling) => {
      const latest = sibling.versions[0];
      return latest && posix.dirname(sibling.path) === dir
        ? [{ path: sibling.path, content: latest.blob.content }]
        : [];
    });
    // A kustomization's patches apply to the folder's manifests, even one written as JSON 6902 operations.
    const named = context === kubernetesSibling ? kustomizationReferences(folderFiles) : new Set<string>();
    for (const file of folderFiles) if (context(file) || named.has(file.path)) files.push(file);
    // A kustomize overlay is analysed as rendered: the folders it renders (`resources: [../../base]`) come along.
    if (context === kubernetesSibling) files.push(...(await kustomizeBases(db, analysis.projectId, files)));
  }
  if (detectFormat(self) === "cloudformation") {
    files.push(...(await siblingTemplates(db, analysis.projectId, template.id, self)));
  }
  if (template.path.endsWith(".tf")) {
    files.push(...(await localModules(db, analysis.projectId, files)));
    files.push(...(await filesRead(db, analysis.projectId, files)));
  }
  // A plan JSON (`terraform show -json`) with the configuration it was planned from: the `.tf` files of its
  // folder and of the local modules they call say where each planned resource is written (file and line).
  if (!context && detectFormat(self) === "terraform-plan") {
    const tf = await folderTerraform(db, analysis.projectId, template.path);
    files.push(...tf);
    files.push(...(await localModules(db, analysis.projectId, [self, ...tf])));
  }
  if (!context && detectFormat(self) === "openapi") {
    files.push(...(await referencedFragments(db, analysis.projectId, self)));
    files.push(...(await servingInfrastructure(db, analysis.projectId, self, new Set(files.map((f) => f.path)))));
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

/**
 * The project's other CloudFormation templates in the template's folder that may hold its buckets', queues' or
 * topics' policies or its queues' redrive sources (literal names, `Fn::ImportValue` of its exports), latest
 * versions, at most MAX_TEMPLATE_CONTEXT: context only, their own threats come from their own analyses.
 */
async function siblingTemplates(
  db: Db,
  projectId: string,
  templateId: string,
  self: SourceFile,
): Promise<SourceFile[]> {
  const dir = posix.dirname(self.path);
  const rows = await db.template.findMany({
    where: {
      projectId,
      id: { not: templateId },
      ...(dir === "." ? {} : { path: { startsWith: `${dir}/` } }),
      OR: [".yaml", ".yml", ".json", ".template"].map((ext) => ({ path: { endsWith: ext } })),
    },
    orderBy: { path: "asc" },
    include: { versions: { orderBy: { createdAt: "desc" }, take: 1, include: { blob: true } } },
  });
  const out: SourceFile[] = [];
  for (const row of rows) {
    const latest = row.versions[0];
    if (!latest || posix.dirname(row.path) !== dir) continue;
    const file = { path: row.path, content: latest.blob.content };
    if (detectFormat(file) === "cloudformation" && informsTemplate(self, file)) out.push(file);
    if (out.length >= MAX_TEMPLATE_CONTEXT) break;
  }
  return out;
}

/** Most files an overlay brings along from the folders it renders. */
const MAX_BASE_FILES = 500;

/**
 * The project's files in the folders the kustomizations among `files` render (`resources: [../../base]`,
 * `bases`, `components`), transitively, latest versions: context for an overlay, whose threats on the base's
 * resources the engine keeps for the overlay's kustomization (and drops where the base alone has them). Only
 * folders inside the project (the engine's path join refuses to leave its top), at most MAX_BASE_FILES files.
 */
async function kustomizeBases(db: Db, projectId: string, files: readonly SourceFile[]): Promise<SourceFile[]> {
  const seen = new Set(files.map((f) => folderOf(f.path)));
  const out: SourceFile[] = [];
  let frontier = files.filter((f) => isKustomizationFile(f.path));
  for (let depth = 0; depth < 8 && frontier.length > 0 && out.length < MAX_BASE_FILES; depth++) {
    const dirs = kustomizationFolderRefs(frontier).filter((d) => !seen.has(d));
    if (dirs.length === 0) break;
    for (const d of dirs) seen.add(d);
    const rows = await db.template.findMany({
      where: {
        projectId,
        OR: dirs.map((d) => ({ path: { startsWith: d ? `${d}/` : "" } })),
      },
      include: { versions: { orderBy: { createdAt: "desc" }, take: 1, include: { blob: true } } },
      orderBy: { path: "asc" },
      take: MAX_BASE_FILES * 4,
    });
    const found = rows
      .filter((t) => dirs.includes(folderOf(t.path)) && t.versions[0] && !t.path.endsWith(".tf"))
      .slice(0, MAX_BASE_FILES - out.length)
      .map((t) => ({ path: t.path, content: t.versions[0]!.blob.content }));
    out.push(...found);
    frontier = found.filter((f) => isKustomizationFile(f.path));
  }
  return out;
}

/** A file's folder as the engine joins module sources (`""` for the project's top, not `.`). */
function folderOf(path: string): string {
  const dir = posix.dirname(path);
  return dir === "." ? "" : dir;
}

/**
 * The project's `.tf` files of the local modules a Terraform folder calls (`source = "../modules/queue"`), and
 * of the modules those call, as context: the engine evaluates them with the caller's arguments and links the
 * caller's resources to their outputs. Never outside the project (a source above its top is left alone).
 */
async function localModules(db: Db, projectId: string, files: readonly SourceFile[]): Promise<SourceFile[]> {
  const seen = new Set(files.map((f) => folderOf(f.path)));
  const out: SourceFile[] = [];
  let frontier: readonly SourceFile[] = files;
  for (let depth = 0; depth < 8 && frontier.length > 0; depth++) {
    const dirs = [...new Set(frontier.flatMap(localModuleDirs))].filter(
      (d) => !seen.has(d) && d !== ".." && !d.startsWith("../") && !d.startsWith("/"),
    );
    if (dirs.length === 0) break;
    for (const d of dirs) seen.add(d);
    const found = await db.template.findMany({
      where: {
        projectId,
        AND: [{ path: { endsWith: ".tf" } }, { OR: dirs.map((d) => ({ path: { startsWith: d ? `${d}/` : "" } })) }],
      },
      include: { versions: { orderBy: { createdAt: "desc" }, take: 1, include: { blob: true } } },
      orderBy: { path: "asc" },
    });
    frontier = found
      .filter((t) => dirs.includes(folderOf(t.path)) && t.versions[0])
      .map((t) => ({ path: t.path, content: t.versions[0]!.blob.content }));
    out.push(...frontier);
  }
  return out;
}

/** The latest versions of the project's `.tf` files in the folder of `path` (not below it). */
async function folderTerraform(db: Db, projectId: string, path: string): Promise<SourceFile[]> {
  const dir = posix.dirname(path);
  const rows = await db.template.findMany({
    where: { projectId, path: { endsWith: ".tf", ...(dir === "." ? {} : { startsWith: `${dir}/` }) } },
    include: { versions: { orderBy: { createdAt: "desc" }, take: 1, include: { blob: true } } },
    orderBy: { path: "asc" },
  });
  return rows.flatMap((row) =>
    posix.dirname(row.path) === dir && row.versions[0]
      ? [{ path: row.path, content: row.versions[0].blob.content }]
      : [],
  );
}

/**
 * The project's files the module's `.tf` files read with `file()` / `templatefile()` (`policy = file("policy.json")`),
 * at their latest versions: the engine evaluates such a policy like an inline one.
 */
async function filesRead(db: Db, projectId: string, files: readonly SourceFile[]): Promise<SourceFile[]> {
  const have = new Set(files.map((f) => f.path));
  const wanted = [...new Set(files.flatMap(localFileRefs))].filter((p) => !have.has(p));
  if (wanted.length === 0) return [];
  const rows = await db.template.findMany({
    where: { projectId, path: { in: wanted } },
    include: { versions: { orderBy: { createdAt: "desc" }, take: 1, include: { blob: true } } },
    orderBy: { path: "asc" },
  });
  return rows.flatMap((row) => (row.versions[0] ? [{ path: row.path, content: row.versions[0].blob.content }] : []));
}

/**
 * The project's files an OpenAPI spec `$ref`s by relative path (`./schemas/pet.yaml#/Pet`), transitively, at their
 * latest versions: the engine follows references only into files it is handed, and never fetches.
 */
async function referencedFragments(db: Db, projectId: string, spec: SourceFile): Promise<SourceFile[]> {
  const found: SourceFile[] = [];
  const seen = new Set([spec.path]);
  let frontier = [spec];
  while (frontier.length > 0 && seen.size < 200) {
    const wanted = [...new Set(frontier.flatMap(fileRefs))].filter((p) => !seen.has(p));
    for (const p of wanted) seen.add(p);
    if (wanted.length === 0) break;
    const rows = await db.template.findMany({
      where: { projectId, path: { in: wanted } },
      include: { versions: { orderBy: { createdAt: "desc" }, take: 1, include: { blob: true } } },
    });
    frontier = rows.flatMap((row) => {
      const latest = row.versions[0];
      return latest ? [{ path: row.path, content: latest.blob.content }] : [];
    });
    found.push(...frontier);
  }
  return found;
}

/** Relative file targets of `$ref`s in a YAML or JSON text, resolved against the file's folder. */
function fileRefs(file: SourceFile): string[] {
  const out: string[] = [];
  for (const m of file.content.matchAll(/["']?\$ref["']?\s*:\s*["']?([^"'#\s,}]+\.(?:ya?ml|json))/gi)) {
    const target = m[1]!;
    if (/^[a-z][a-z0-9+.-]*:|^\/\//i.test(target)) continue;
    out.push(posix.normalize(posix.join(posix.dirname(file.path), target)));
  }
  return out;
}

const INFRA_EXTENSIONS = [".yaml", ".yml", ".json", ".template", ".tf"];

/**
 * The project's templates and manifests (latest versions) that may serve an OpenAPI spec: those that declare
 * HTTP routes in the spec's folder, or name the spec's file from a folder above it (SAM `DefinitionUri`). A
 * Terraform file comes with the rest of its folder (the module is evaluated whole). They are context: the spec's
 * analysis reports only the spec's threats, which link its operations to the routes that serve them.
 */
async function servingInfrastructure(
  db: Db,
  projectId: string,
  spec: SourceFile,
  taken: ReadonlySet<string>,
): Promise<SourceFile[]> {
  const above = (dir: string): boolean => dir === "" || spec.path.startsWith(`${dir}/`);
  const rows = await db.template.findMany({
    where: { projectId, OR: INFRA_EXTENSIONS.map((ext) => ({ path: { endsWith: ext } })) },
    select: { id: true, path: true },
    orderBy: { path: "asc" },
  });
  const near = rows.filter((r) => !taken.has(r.path) && above(folderOf(r.path)));
  const latest = async (ids: string[]): Promise<SourceFile[]> => {
    if (ids.length === 0) return [];
    const found = await db.template.findMany({
      where: { id: { in: ids } },
      include: { versions: { orderBy: { createdAt: "desc" }, take: 1, include: { blob: true } } },
      orderBy: { path: "asc" },
    });
    return found.flatMap((t) => (t.versions[0] ? [{ path: t.path, content: t.versions[0].blob.content }] : []));
  };
  const serving = (await latest(near.map((r) => r.id))).filter((f) => servesSpec(spec, f));
  const modules = new Set(serving.filter((f) => f.path.endsWith(".tf")).map((f) => folderOf(f.path)));
  const rest = near.filter(
    (r) => r.path.endsWith(".tf") && modules.has(folderOf(r.path)) && !serving.some((f) => f.path === r.path),
  );
  return [...serving, ...(await latest(rest.map((r) => r.id)))];
}
