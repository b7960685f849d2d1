import { existsSync } from "node:fs";
import { readdir, readFile, realpath, stat } from "node:fs/promises";
import path from "node:path";
import {
  decodeText,
  MAX_TEMPLATE_CONTEXT,
  detectFormat,
  informsTemplate,
  isKustomizationFile,
  kustomizationFolderRefs,
  kustomizationReferences,
  localFileRefs,
  localModuleDirs,
  renderedFolders,
  servesSpec,
  type SourceFile,
} from "@threatline/engine";

/** Folders that hold dependencies, VCS data or provider caches, never the user's own templates. */
export const SKIPPED_DIRS = new Set(["node_modules", ".git", ".terraform"]);

/** Threatline's own config files, never templates. */
export const SKIPPED_FILES = new Set([".threatline.yaml", ".threatline.yml"]);

/** Extensions picked up when walking a folder; a file named explicitly is always taken. */
export const TEMPLATE_EXTENSIONS = [".yaml", ".yml", ".json", ".tf", ".template"];

/** A usage problem (bad option, unreadable path): the CLI exits 2 with the message. */
export class UsageError extends Error {
  override readonly name = "UsageError";
}

function isTemplateName(name: string): boolean {
  const lower = name.toLowerCase();
  return TEMPLATE_EXTENSIONS.some((ext) => lower.endsWith(ext));
}

/** The path reports show: relative to the working directory when inside it, always with forward slashes. */
export function displayPath(absolute: string, cwd: string): string {
  const rel = path.relative(cwd, absolute);
  const shown = rel && !rel.startsWith("..") && !path.isAbsolute(rel) ? rel : absolute;
  return shown.split(path.sep).join("/");
}

async function walk(dir: string, out: string[]): Promise<void> {
  const entries = await readdir(dir, { withFileTypes: true });
  entries.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  for (const entry of entries) {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) {
      if (!SKIPPED_DIRS.has(entry.name)) await walk(full, out);
    } else if (entry.isFile() && isTemplateName(entry.name) && !SKIPPED_FILES.has(entry.name)) {
      out.push(full);
    }
  }
}

/**
 * Expands the command's arguments into template files: folders are walked (skipping dependency and VCS
 * folders), files are taken as named. Throws a UsageError for a path that does not exist or cannot be read.
 */
export async function findTemplateFiles(args: readonly string[], cwd: string): Promise<string[]> {
  const found = new Set<string>();
  for (const arg of args) {
    const absolute = path.resolve(cwd, arg);
    let info;
    try {
      info = await stat(absolute);
    } catch {
      throw new UsageError(`Cannot read '${arg}': no such file or folder.`);
    }
    const list: string[] = [];
    try {
      if (info.isDirectory()) await walk(absolute, list);
      else list.push(absolute);
    } catch (error) {
      throw new UsageError(`Cannot read '${arg}': ${(error as NodeJS.ErrnoException).code ?? String(error)}.`);
    }
    for (const file of list) found.add(file);
  }
  return [...found];
}

/** Files read at once: enough to keep the disk busy, few enough never to run out of file descriptors. */
const READ_CONCURRENCY = 32;

/** Reads the files as text (UTF-8, or UTF-16 with a byte order mark), with the paths reports will show, in the order given. */
export async function readTemplateFiles(files: readonly string[], cwd: string): Promise<SourceFile[]> {
  const out: SourceFile[] = new Array<SourceFile>(files.length);
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < files.length) {
      const index = next++;
      const file = files[index]!;
      try {
        out[index] = { path: displayPath(file, cwd), content: decodeText(await readFile(file)) };
      } catch (error) {
        throw new UsageError(
          `Cannot read '${displayPath(file, cwd)}': ${(error as NodeJS.ErrnoException).code ?? String(error)}.`,
        );
      }
    }
  };
  await Promise.all(Array.from({ length: Math.min(READ_CONCURRENCY, files.length) }, worker));
  return out;
}

/** `$ref` targets that name another local file (`./schemas/pet.yaml#/Pet`), resolved against the file's folder. */
function referencedFiles(file: SourceFile): string[] {
  const found = new Set<string>();
  for (const m of file.content.matchAll(/["']?\$ref["']?\s*:\s*["']?([^"'#\s,}]+\.(?:ya?ml|json))(?:#[^"'\s,}]*)?/gi)) {
    const target = m[1]!;
    if (/^[a-z][a-z0-9+.-]*:|^\/\//i.test(target)) continue;
    found.add(path.posix.normalize(path.posix.join(path.posix.dirname(file.path), target)));
  }
  return [...found];
}

const SPEC_VERSION = /^["']?(openapi|swagger)["']?\s*:/m;

/**
 * Splits files into analysis units: all `.tf` files of one folder are one Terraform module and are analysed
 * together (resources reference each other across files), and so are the Kubernetes manifests of one folder (a
 * NetworkPolicy or RBAC binding in a sibling file applies to the workloads of the others); an OpenAPI spec is
 * analysed with the local files its `$ref`s name (transitively), which are not analysed alone unless they are
 * specs themselves; a file a Terraform folder reads with `file()` / `templatefile()` (a policy JSON) goes with
 * that folder, not alone; every other file is analysed alone, so two templates that both declare `AppBucket`
 * never collide.
 */
export function analysisUnits(files: readonly SourceFile[]): SourceFile[][] {
  const folders = new Map<string, SourceFile[]>();
  const units: SourceFile[][] = [];
  const byPath = new Map(files.map((f) => [f.path, f]));
  const withRefs = (file: SourceFile): SourceFile[] => {
    const unit = [file];
    const seen = new Set([file.path]);
    for (let i = 0; i < unit.length; i++)
      for (const ref of referencedFiles(unit[i]!)) {
        const target = byPath.get(ref);
        if (target && !seen.has(ref)) {
          seen.add(ref);
          unit.push(target);
        }
      }
    return unit;
  };
  const fragments = new Set(
    files
      .filter((f) => !f.path.toLowerCase().endsWith(".tf") && f.content.includes("$ref"))
      .flatMap((f) => withRefs(f).slice(1))
      .filter((f) => !SPEC_VERSION.test(f.content))
      .map((f) => f.path),
  );
  // Files Terraform folders read (`policy = file("${path.module}/policy.json")`), by the folders reading them.
  const readBy = new Map<string, Set<string>>();
  for (const tf of files.filter(isTerraform))
    for (const target of localFileRefs(tf)) {
      const readers = readBy.get(target) ?? new Set<string>();
      readers.add(path.posix.dirname(tf.path));
      readBy.set(target, readers);
    }
  const read: Array<[SourceFile, Set<string>]> = [];
  const kustomized = kustomizationReferences(files);
  for (const file of files) {
    if (fragments.has(file.path)) continue;
    const format = file.path.toLowerCase().endsWith(".tf") ? "terraform" : detectFormat(file);
    const readers = format === null ? readBy.get(file.path) : undefined;
    if (readers) {
      read.push([file, readers]);
      continue;
    }
    // A plan JSON goes with the .tf files of its folder: they say where each planned resource is written.
    // A kustomization's patches go with the folder's manifests, JSON 6902 operation files included.
    const kind =
      format === "terraform" || format === "terraform-plan"
        ? "terraform"
        : format === "kubernetes" || (format === null && kustomized.has(file.path))
          ? "kubernetes"
          : null;
    if (kind) {
      const key = `${kind}\u0000${path.posix.dirname(file.path)}`;
      const group = folders.get(key);
      if (group) group.push(file);
      else {
        const created = [file];
        folders.set(key, created);
        units.push(created);
      }
    } else {
      units.push(file.content.includes("$ref") ? withRefs(file) : [file]);
    }
  }
  for (const [file, readers] of read) {
    const groups = [...readers]
      .map((dir) => folders.get(`terraform\u0000${dir}`))
      .filter((g): g is SourceFile[] => g !== undefined);
    if (groups.length === 0) units.push([file]);
    for (const group of groups) group.push(file);
  }
  return joinTerraformModules(units);
}

/** An analysis unit with the files it is analysed with but not reported on. */
export interface ScanUnit {
  files: SourceFile[];
  /** Analysed with `files` as context only: their threats come from their own unit. */
  context: SourceFile[];
}

/**
 * The analysis units of a scan (see `analysisUnits`), each OpenAPI spec with the infrastructure that may serve
 * it as context: the units (a template, a Terraform module, a folder's manifests) that declare HTTP routes in
 * the spec's folder or name the spec's file. The spec's threats then link its operations to the gateway routes
 * (TL-API-INFRA-001); the infrastructure's own threats still come from its own unit, once.
 */
export function scanUnits(files: readonly SourceFile[], bases: readonly SourceFile[] = []): ScanUnit[] {
  const units = analysisUnits(files);
  const known = [...files, ...bases];
  const specs = new Set(files.filter((f) => detectFormat(f) === "openapi").map((f) => f.path));
  const templates = files.filter((f) => detectFormat(f) === "cloudformation");
  const infra = units.filter((u) => !specs.has(u[0]!.path));
  return units.map((unit) => {
    const spec = unit[0]!;
    if (unit.length === 1 && templates.includes(spec)) {
      // A template with the templates of its folder that may hold its buckets' policies or its queues' redrive
      // sources: context only, their own threats come from their own unit.
      const dir = path.posix.dirname(spec.path);
      const context = templates
        .filter((t) => path.posix.dirname(t.path) === dir && informsTemplate(spec, t))
        .slice(0, MAX_TEMPLATE_CONTEXT);
      return { files: unit, context };
    }
    const kustomizations = unit.filter((f) => isKustomizationFile(f.path));
    if (kustomizations.length > 0) {
      // A kustomize overlay with the folders it renders (`resources: [../../base]`, components): analysed as
      // rendered; the base's own threats come from the base's unit.
      const dirs = new Set(kustomizations.flatMap((k) => [...renderedFolders(k.path, known)]));
      const context = known.filter((f) => dirs.has(path.posix.dirname(f.path)) && !unit.includes(f));
      if (context.length > 0) return { files: unit, context };
    }
    if (!specs.has(spec.path)) return { files: unit, context: [] };
    return { files: unit, context: infra.filter((u) => u.some((f) => servesSpec(spec, f))).flat() };
  });
}

const isTerraform = (file: SourceFile): boolean => file.path.toLowerCase().endsWith(".tf");

/** A file's folder as the engine joins module sources (`""` for the top, not `.`). */
function moduleDir(filePath: string): string {
  const dir = path.posix.dirname(filePath);
  return dir === "." ? "" : dir;
}

/**
 * A Terraform folder that calls local modules (`source = "../../"`) is analysed together with their folders,
 * so the modules' resources are evaluated with its arguments; a folder that other scanned folders call is not
 * analysed on its own (Terraform never applies it on its own), unless nothing calls it from outside a cycle.
 */
function joinTerraformModules(units: SourceFile[][]): SourceFile[][] {
  const dirOf = (unit: SourceFile[]): string | undefined => {
    const tf = unit.find(isTerraform);
    return tf ? moduleDir(tf.path) : undefined;
  };
  const byDir = new Map<string, SourceFile[]>();
  for (const unit of units) {
    const dir = dirOf(unit);
    if (dir !== undefined) byDir.set(dir, unit);
  }
  if (byDir.size < 2) return units;
  const calls = new Map<string, string[]>();
  for (const [dir, unit] of byDir)
    calls.set(
      dir,
      [...new Set(unit.flatMap(localModuleDirs))].filter((d) => d !== dir && byDir.has(d)),
    );
  const called = new Set([...calls.values()].flat());
  const covered = new Set<string>();
  const out: SourceFile[][] = [];
  for (const unit of units) {
    const dir = dirOf(unit);
    if (dir === undefined) out.push(unit);
    if (dir === undefined || called.has(dir)) continue;
    const reached = [dir];
    for (let i = 0; i < reached.length; i++)
      for (const next of calls.get(reached[i]!) ?? []) if (!reached.includes(next)) reached.push(next);
    for (const d of reached) covered.add(d);
    out.push(reached.flatMap((d) => byDir.get(d) ?? []));
  }
  for (const unit of units) {
    const dir = dirOf(unit);
    if (dir !== undefined && !covered.has(dir)) out.push(unit);
  }
  return out;
}

/** Most module files a scan reads from outside what it was given. */
const MAX_MODULE_FILES = 1_000;

/** The folder modules may be read from: the repository around `dir` (nearest `.git`), else the working directory. */
function moduleRoot(dir: string, cwd: string): string | undefined {
  for (let current = dir; ; current = path.dirname(current)) {
    if (existsSync(path.join(current, ".git"))) return current;
    if (path.dirname(current) === current) break;
  }
  const rel = path.relative(cwd, dir);
  return rel.startsWith("..") || path.isAbsolute(rel) ? undefined : cwd;
}

function inside(root: string, target: string): boolean {
  const rel = path.relative(root, target);
  return rel === "" || (!rel.startsWith("..") && !path.isAbsolute(rel));
}

/**
 * The `.tf` files of local modules that the scanned Terraform folders call from outside what was found (the
 * usual `examples/complete` calling `source = "../../"`), and the modules those call. Read-only, never from
 * outside the repository (or, without one, the working directory) of the calling folder, symbolic links not
 * followed; paths are written the way the caller's are, so the engine joins `source` to them.
 */
export async function readLocalModules(files: readonly SourceFile[], cwd: string): Promise<SourceFile[]> {
  const queue = files.filter(isTerraform);
  const seen = new Set(queue.map((f) => moduleDir(f.path)));
  const out: SourceFile[] = [];
  for (let i = 0; i < queue.length; i++) {
    const caller = queue[i]!;
    for (const dir of localModuleDirs(caller)) {
      if (seen.has(dir)) continue;
      seen.add(dir);
      const root = moduleRoot(path.resolve(cwd, moduleDir(caller.path) || "."), cwd);
      if (!root) continue;
      let real: string;
      let entries;
      try {
        real = await realpath(path.resolve(cwd, dir || "."));
        if (!inside(await realpath(root), real)) continue;
        entries = await readdir(real, { withFileTypes: true });
      } catch {
        continue;
      }
      entries.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
      for (const entry of entries) {
        if (!entry.isFile() || !entry.name.toLowerCase().endsWith(".tf")) continue;
        const file = {
          path: dir ? `${dir}/${entry.name}` : entry.name,
          content: decodeText(await readFile(path.join(real, entry.name))),
        };
        out.push(file);
        queue.push(file);
        if (out.length >= MAX_MODULE_FILES) return out;
      }
    }
  }
  return out;
}

/** Most files a scan reads from kustomize bases outside what it was given, and the largest it reads. */
const MAX_BASE_FILES = 500;
const MAX_BASE_FILE_BYTES = 1024 * 1024;

/**
 * The files of the folders that scanned kustomize overlays render (`resources: [../../base]`, components) and
 * that the scan did not find itself (`threatline scan overlays/prod`): context for the overlay, never reported
 * on their own. The same bounds as modules: inside the repository (or the working directory) of the overlay,
 * real paths only, the folder's own manifests (no walk below it), regular files up to 1 MB, at most 500.
 */
export async function readKustomizeBases(files: readonly SourceFile[], cwd: string): Promise<SourceFile[]> {
  const have = new Set(files.map((f) => path.posix.dirname(f.path)));
  const out: SourceFile[] = [];
  const queue = files.filter((f) => isKustomizationFile(f.path));
  for (let i = 0; i < queue.length; i++) {
    const k = queue[i]!;
    const root = moduleRoot(path.resolve(cwd, path.posix.dirname(k.path)), cwd);
    if (!root) continue;
    for (const dir of kustomizationFolderRefs([k])) {
      if (have.has(dir)) continue;
      have.add(dir);
      let real: string;
      let entries;
      try {
        real = await realpath(path.resolve(cwd, dir));
        if (!inside(await realpath(root), real)) continue;
        entries = await readdir(real, { withFileTypes: true });
      } catch {
        continue;
      }
      entries.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
      for (const entry of entries) {
        if (!entry.isFile() || !(isTemplateName(entry.name) || entry.name === "Kustomization")) continue;
        if (entry.name.toLowerCase().endsWith(".tf")) continue;
        try {
          const full = path.join(real, entry.name);
          if ((await stat(full)).size > MAX_BASE_FILE_BYTES) continue;
          const file = { path: `${dir}/${entry.name}`, content: decodeText(await readFile(full)) };
          out.push(file);
          if (isKustomizationFile(file.path)) queue.push(file);
        } catch {
          continue;
        }
        if (out.length >= MAX_BASE_FILES) return out;
      }
    }
  }
  return out;
}

/** Largest file a module reads with `file()` that the scan takes along (a policy is a few kilobytes). */
const MAX_READ_FILE_BYTES = 1024 * 1024;

/**
 * The files that the Terraform files read with `file()` / `templatefile()` (a policy JSON, a `.json.tpl`) and that
 * the scan did not find itself (not a template extension, or outside the paths given), so the engine evaluates
 * `policy = file("policy.json")` like an inline policy. The same bounds as modules: inside the repository (or
 * the working directory), real paths only, regular files up to 1 MB.
 */
export async function readLocalFileRefs(files: readonly SourceFile[], cwd: string): Promise<SourceFile[]> {
  const have = new Set(files.map((f) => f.path));
  const out: SourceFile[] = [];
  for (const tf of files.filter(isTerraform)) {
    const root = moduleRoot(path.resolve(cwd, moduleDir(tf.path) || "."), cwd);
    if (!root) continue;
    for (const target of localFileRefs(tf)) {
      if (have.has(target)) continue;
      have.add(target);
      try {
        const real = await realpath(path.resolve(cwd, target));
        const info = await stat(real);
        if (!inside(await realpath(root), real) || !info.isFile() || info.size > MAX_READ_FILE_BYTES) continue;
        out.push({ path: target, content: decodeText(await readFile(real)) });
      } catch {
        continue;
      }
    }
  }
  return out;
}
