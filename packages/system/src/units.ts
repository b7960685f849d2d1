import { posix } from "node:path";
import { buildGraph, detectFormat, localModuleDirs, type ResourceGraph, type SourceFile } from "@threatline/engine";

/** Files the engine reads together, as the worker analyses them: a Terraform or Kubernetes folder, any other file alone. */
export interface Unit {
  key: string;
  files: SourceFile[];
}

export interface ParsedUnit extends Unit {
  graph: ResourceGraph;
}

const folder = (path: string): string => {
  const dir = posix.dirname(path);
  return dir === "." ? "" : dir;
};

/**
 * Groups a project's files into units: every `.tf` of a folder together with the local modules it calls (a folder
 * only ever called as a module is not a unit of its own: its resources appear under the caller's addresses), the
 * Kubernetes manifests of a folder together, any other file alone.
 */
export function groupUnits(files: readonly SourceFile[]): Unit[] {
  const tf = new Map<string, SourceFile[]>();
  const k8s = new Map<string, SourceFile[]>();
  const units: Unit[] = [];
  for (const file of files) {
    if (file.path.endsWith(".tf")) push(tf, folder(file.path), file);
    else if (detectFormat(file) === "kubernetes") push(k8s, folder(file.path), file);
    else units.push({ key: file.path, files: [file] });
  }
  const called = new Set<string>();
  for (const group of tf.values()) for (const dir of group.flatMap(localModuleDirs)) called.add(dir);
  for (const [dir, group] of tf) {
    if (called.has(dir)) continue;
    units.push({ key: `${dir || "."}/*.tf`, files: [...group, ...modulesOf(group, tf)] });
  }
  for (const [dir, group] of k8s) units.push({ key: `${dir || "."}/*.k8s`, files: group });
  return units.sort((a, b) => a.key.localeCompare(b.key));
}

function push(map: Map<string, SourceFile[]>, key: string, file: SourceFile): void {
  const list = map.get(key);
  if (list) list.push(file);
  else map.set(key, [file]);
}

/** The `.tf` files of the local modules a folder calls, transitively. */
function modulesOf(group: readonly SourceFile[], tf: ReadonlyMap<string, SourceFile[]>): SourceFile[] {
  const seen = new Set([folder(group[0]!.path)]);
  const out: SourceFile[] = [];
  let frontier: readonly SourceFile[] = group;
  while (frontier.length > 0) {
    const next: SourceFile[] = [];
    for (const dir of new Set(frontier.flatMap(localModuleDirs))) {
      if (seen.has(dir)) continue;
      seen.add(dir);
      next.push(...(tf.get(dir) ?? []));
    }
    out.push(...next);
    frontier = next;
  }
  return out;
}

/** Parses every unit with the engine (never throws: a refused file is simply absent from the graph). */
export async function parseUnits(units: readonly Unit[]): Promise<ParsedUnit[]> {
  const out: ParsedUnit[] = [];
  for (const unit of units) out.push({ ...unit, graph: (await buildGraph(unit.files)).graph });
  return out;
}
