/** Local JSON-pointer `$ref` resolution that never fetches and never loops. */

export interface Resolved {
  value: unknown;
  /** Absolute path of the resolved value inside the document, for source lines. */
  path: (string | number)[];
  /** Set when the reference points outside the document; it is left unresolved. */
  remote?: string;
  /** Set when following the reference would loop. */
  circular?: string;
  /** Set when a local reference names nothing. */
  missing?: string;
}

/** Whether a `$ref` points outside this document (another file, a URL). Those are never fetched. */
export function isRemoteRef(ref: string): boolean {
  return !ref.startsWith("#");
}

function decodeSegment(segment: string): string {
  let text = segment;
  try {
    text = decodeURIComponent(segment);
  } catch {
    // Keep the raw segment: a malformed escape simply names nothing.
  }
  return text.replace(/~1/g, "/").replace(/~0/g, "~");
}

export function pointerSegments(ref: string): string[] {
  const pointer = ref.slice(1);
  if (pointer === "" || pointer === "/") return [];
  return pointer.split("/").slice(1).map(decodeSegment);
}

function lookup(root: unknown, segments: readonly string[]): unknown {
  let node = root;
  for (const segment of segments) {
    if (Array.isArray(node) && /^\d+$/.test(segment)) node = node[Number(segment)];
    else if (node !== null && typeof node === "object" && Object.prototype.hasOwnProperty.call(node, segment))
      node = (node as Record<string, unknown>)[segment];
    else return undefined;
  }
  return node;
}

function refOf(value: unknown): string | undefined {
  if (value === null || typeof value !== "object" || Array.isArray(value)) return undefined;
  const ref = (value as Record<string, unknown>).$ref;
  return typeof ref === "string" ? ref : undefined;
}

/**
 * Follows `$ref` chains from `value` (found at `path`). `seen` holds the references already being expanded
 * up the walk: meeting one again is a cycle, answered with `circular` instead of recursion.
 */
export function deref(
  root: unknown,
  value: unknown,
  path: (string | number)[],
  seen: ReadonlySet<string> = new Set(),
): Resolved & { seen: Set<string> } {
  const chain = new Set(seen);
  let current = value;
  let at = path;
  for (let hops = 0; hops < 32; hops++) {
    const ref = refOf(current);
    if (ref === undefined) return { value: current, path: at, seen: chain };
    if (isRemoteRef(ref)) return { value: undefined, path: at, remote: ref, seen: chain };
    if (chain.has(ref)) return { value: undefined, path: at, circular: ref, seen: chain };
    chain.add(ref);
    const segments = pointerSegments(ref);
    current = lookup(root, segments);
    at = segments;
    if (current === undefined) return { value: undefined, path: at, missing: ref, seen: chain };
  }
  return { value: undefined, path: at, circular: "(chain too long)", seen: chain };
}

/** Every `$ref` string in a document that points outside it, without following anything. */
export function collectRemoteRefs(root: unknown, limit = 200): string[] {
  const found = new Set<string>();
  const stack: Array<[unknown, number]> = [[root, 0]];
  let visited = 0;
  while (stack.length > 0 && visited < 200_000) {
    const [node, depth] = stack.pop()!;
    visited += 1;
    if (node === null || typeof node !== "object" || depth > 100) continue;
    const ref = refOf(node);
    if (ref !== undefined && isRemoteRef(ref) && found.size < limit) found.add(ref);
    for (const child of Array.isArray(node) ? node : Object.values(node)) stack.push([child, depth + 1]);
  }
  return [...found].sort();
}
