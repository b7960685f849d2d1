import type { SourceFile } from "../graph/types.ts";
import { dirname, joinPath } from "./paths.ts";

/** `source = "./x"` or `"../x"`: a local module call's source (registry and Git sources are not local). */
const LOCAL_SOURCE = /^[ \t]*source[ \t]*=[ \t]*"(\.{1,2}(?:\/[^"]*)?)"/gm;

/**
 * Folders of the local modules a Terraform file calls, in the same space as its path: `examples/complete/main.tf`
 * with `source = "../../"` gives `""`. Read from the text without parsing, so the CLI and the worker can gather
 * a module's files before the analysis that evaluates them with the caller's arguments.
 */
export function localModuleDirs(file: SourceFile): string[] {
  if (!/\.tf$/i.test(file.path)) return [];
  const dir = dirname(file.path);
  const out = new Set<string>();
  for (const m of file.content.matchAll(LOCAL_SOURCE)) out.add(joinPath(dir, m[1]!));
  return [...out];
}

/** `file("${path.module}/policy.json")`, `templatefile("policies/q.json.tpl", …)`: literal local file paths. */
const FILE_READ = /\b(?:file|templatefile)\(\s*"(?:\$\{path\.(?:module|root|cwd)\}\/)?([^"$]+)"/g;

/**
 * Files a Terraform file reads with `file()` or `templatefile()` (a policy JSON next to it), in the same space
 * as its path, for the CLI and the worker to hand to the engine with the module. Paths with interpolations
 * other than `path.module` are left out, and so are absolute ones and any above the top of the paths given.
 */
export function localFileRefs(file: SourceFile): string[] {
  if (!/\.tf$/i.test(file.path)) return [];
  const dir = dirname(file.path);
  const out = new Set<string>();
  for (const m of file.content.matchAll(FILE_READ)) {
    const relative = m[1]!;
    const target = joinPath(dir, relative);
    if (!relative.startsWith("/") && target !== ".." && !target.startsWith("../")) out.add(target);
  }
  return [...out];
}
