import type { GraphNode } from "./types.ts";

/** Where a threat's evidence points: a property path of a file, at its line. */
export interface Location {
  file: string;
  line: number | null;
  path: string;
}

/**
 * Where `path` of `node` is written. A path the node declares is at its own line; a value a companion resource
 * sets (Terraform's `aws_s3_bucket_acl` for a bucket's `acl`) is at the companion's; a property the resource
 * does not have (the weakness is its absence) keeps its path, at the line of its nearest declared ancestor
 * (`Properties:`), or the resource's own line when none is declared.
 */
export function locate(node: GraphNode, path: string): Location {
  const own = path === "" ? node.line : node.propertyLines[path];
  if (own !== undefined) return { file: node.file, line: own, path };
  const origin = node.origins?.[path];
  if (origin) return { file: origin.file, line: origin.line, path: origin.path };
  return declared(node, path);
}

/**
 * Where `path` of `node` is written, as evidence: `locate`, except that a value a kustomize patch (or an
 * overlay's transformation) writes is evidenced at the resource's declaration first (the file a reviewer opens)
 * and at the patch as the related location.
 */
export function locateAll(node: GraphNode, path: string): Location[] {
  const origin = path === "" ? undefined : node.origins?.[path];
  if (origin?.patch && node.propertyLines[path] === undefined)
    return [declared(node, path), { file: origin.file, line: origin.line, path: origin.path }];
  return [locate(node, path)];
}

/** The line of `path`'s nearest declared ancestor (or the resource's own line), keeping the path. */
function declared(node: GraphNode, path: string): Location {
  const parts = path.split(".");
  for (let i = parts.length - 1; i > 0; i--) {
    const line = node.propertyLines[parts.slice(0, i).join(".")];
    if (line !== undefined) return { file: node.file, line, path };
  }
  return { file: node.file, line: node.line, path };
}
