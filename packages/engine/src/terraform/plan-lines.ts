import type { RawResource } from "../aws/values.ts";
import type { SourceFile } from "../graph/types.ts";
import { type HclBlock, scanHcl } from "./hcl-lines.ts";
import { dirname, joinPath } from "./paths.ts";

/** `module.net[0].module.sg["a"].aws_security_group.this[1]` → [["net", "sg"], "aws_security_group", "this"]. */
function parseAddress(address: string): { modules: string[]; type: string; name: string } | undefined {
  const parts = address.replace(/\[[^\]]*\]/g, "").split(".");
  const modules: string[] = [];
  while (parts[0] === "module" && parts.length > 2) {
    modules.push(parts[1]!);
    parts.splice(0, 2);
  }
  if (parts.length !== 2) return undefined;
  return { modules, type: parts[0]!, name: parts[1]! };
}

interface Scanned {
  file: SourceFile;
  blocks: HclBlock[];
}

/**
 * Points plan resources back at the `.tf` files they were planned from, when those files are part of the same
 * analysis: the resource's block gives the file, its line and its attributes' lines (a plan has none, so SARIF
 * would say line 1). Module resources follow the module calls' local sources from the plan's own folder, the
 * root module. A resource whose block is not found keeps the plan file and no line.
 */
export function mapPlanToConfiguration(
  resources: RawResource[],
  planPath: string,
  tfFiles: readonly SourceFile[],
): void {
  if (tfFiles.length === 0) return;
  const byDir = new Map<string, Scanned[]>();
  for (const file of tfFiles) {
    const list = byDir.get(dirname(file.path)) ?? [];
    list.push({ file, blocks: scanHcl(file.content, 64).blocks });
    byDir.set(dirname(file.path), list);
  }
  const planDir = dirname(planPath);
  const rootDir = byDir.has(planDir) ? planDir : [...byDir.keys()].sort((a, b) => a.length - b.length)[0]!;
  const moduleDir = (dir: string, name: string): string | undefined => {
    for (const { file, blocks } of byDir.get(dir) ?? []) {
      const block = blocks.find((b) => b.labels[0] === "module" && b.labels[1] === name);
      if (!block) continue;
      const after = file.content
        .split("\n")
        .slice(block.line - 1)
        .join("\n");
      const source = /^[ \t]*source[ \t]*=[ \t]*"(\.{1,2}(?:\/[^"]*)?)"/m.exec(after)?.[1];
      return source === undefined ? undefined : joinPath(dir, source);
    }
    return undefined;
  };
  for (const resource of resources) {
    if (resource.line !== null) continue;
    const address = parseAddress(resource.id);
    if (!address) continue;
    let dir: string | undefined = rootDir;
    for (const name of address.modules) dir = dir === undefined ? undefined : moduleDir(dir, name);
    if (dir === undefined) continue;
    for (const { file, blocks } of byDir.get(dir) ?? []) {
      const block = blocks.find(
        (b) => b.labels[0] === "resource" && b.labels[1] === address.type && b.labels[2] === address.name,
      );
      if (!block) continue;
      resource.file = file.path;
      resource.line = block.line;
      resource.propertyLines = block.lines;
      break;
    }
  }
}
