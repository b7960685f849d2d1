import type { SourceFile } from "../graph/types.ts";
import { dirname, joinPath } from "./parse.ts";

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
