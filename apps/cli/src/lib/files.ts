import { readdir, readFile, stat } from "node:fs/promises";
import path from "node:path";
import { detectFormat, type SourceFile } from "@threatline/engine";

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

/** Reads the files as UTF-8 text, with the paths reports will show, in the order given. */
export async function readTemplateFiles(files: readonly string[], cwd: string): Promise<SourceFile[]> {
  const out: SourceFile[] = new Array<SourceFile>(files.length);
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < files.length) {
      const index = next++;
      const file = files[index]!;
      try {
        out[index] = { path: displayPath(file, cwd), content: await readFile(file, "utf8") };
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

/**
 * Splits files into analysis units: all `.tf` files of one folder are one Terraform module and are analysed
 * together (resources reference each other across files), and so are the Kubernetes manifests of one folder (a
 * NetworkPolicy or RBAC binding in a sibling file applies to the workloads of the others); every other file is
 * analysed alone, so two templates that both declare `AppBucket` never collide.
 */
export function analysisUnits(files: readonly SourceFile[]): SourceFile[][] {
  const folders = new Map<string, SourceFile[]>();
  const units: SourceFile[][] = [];
  for (const file of files) {
    const kind = file.path.toLowerCase().endsWith(".tf")
      ? "terraform"
      : detectFormat(file) === "kubernetes"
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
      units.push([file]);
    }
  }
  return units;
}
