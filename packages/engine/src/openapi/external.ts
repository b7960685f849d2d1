/**
 * Local external `$ref`s (`./schemas/pet.yaml#/Pet`, `common.json`): the files handed in with the spec (the same
 * analysis) are embedded under one key of the spec's root and every reference into them is rewritten to a local
 * pointer, so the parser follows them like any other `$ref` (cycles included). Nothing is ever fetched: a URL, or a
 * file that was not handed in, stays unresolved and is reported as a warning on the spec.
 */
import { loadStructured } from "../core/index.ts";
import type { FileWarning, SourceFile } from "../graph/types.ts";
import type { EngineLimits } from "../formats/types.ts";

/** Where embedded files live in the spec's root. */
export const EMBED_KEY = "x-threatline-external";

type Obj = Record<string, unknown>;

/** `a/b/../c` → `a/c` (the engine runs in browsers too, so no node:path). */
function normalize(path: string): string {
  const out: string[] = [];
  for (const part of path.split("/")) {
    if (part === "" || part === ".") continue;
    if (part === ".." && out.length > 0 && out[out.length - 1] !== "..") out.pop();
    else out.push(part);
  }
  return (path.startsWith("/") ? "/" : "") + out.join("/");
}

function dirname(path: string): string {
  const i = path.lastIndexOf("/");
  return i < 0 ? "" : path.slice(0, i);
}

function isObj(value: unknown): value is Obj {
  return value !== null && typeof value === "object" && !Array.isArray(value);
}

/** Whether a reference names another file by a relative path (not a URL, not `#...`). */
function fileRef(ref: string): { file: string; pointer: string } | undefined {
  if (ref.startsWith("#") || /^[a-z][a-z0-9+.-]*:/i.test(ref) || ref.startsWith("//")) return undefined;
  const hash = ref.indexOf("#");
  const file = hash < 0 ? ref : ref.slice(0, hash);
  const pointer = hash < 0 ? "" : ref.slice(hash + 1);
  return file ? { file, pointer } : undefined;
}

function escapeKey(path: string): string {
  return path.replace(/~/g, "~0").replace(/\//g, "~1");
}

export interface Bundled {
  /** The files whose content was embedded (they are part of this spec, not unsupported files). */
  used: string[];
  warnings: FileWarning[];
}

/**
 * Embeds the local files `root` references (transitively) and rewrites references to point into them. Mutates
 * `root` (the parser's own copy of the document).
 */
export function bundleExternalRefs(
  specPath: string,
  root: Obj,
  siblings: ReadonlyMap<string, SourceFile>,
  limits: Pick<EngineLimits, "maxAliases" | "maxDepth">,
): Bundled {
  const embedded: Obj = {};
  const used: string[] = [];
  const warnings: FileWarning[] = [];
  const unresolved = new Set<string>();
  const queue: Array<{ value: unknown; base: string; self: string | undefined }> = [
    { value: root, base: dirname(specPath), self: undefined },
  ];
  const loaded = new Map<string, boolean>();

  const rewrite = (ref: string, base: string, self: string | undefined): string | undefined => {
    if (ref.startsWith("#")) return self === undefined ? undefined : `#/${EMBED_KEY}/${escapeKey(self)}${ref.slice(1)}`;
    const target = fileRef(ref);
    if (!target) {
      unresolved.add(ref);
      return undefined;
    }
    const path = normalize(base ? `${base}/${target.file}` : target.file);
    if (path === specPath) return `#${target.pointer}`;
    if (!loaded.has(path)) {
      const file = siblings.get(path);
      let ok = false;
      if (file) {
        const doc = loadStructured(file.content, limits);
        if (doc.ok && doc.documents[0]) {
          embedded[path] = doc.documents[0].value;
          used.push(path);
          queue.push({ value: embedded[path], base: dirname(path), self: path });
          ok = true;
        }
      }
      loaded.set(path, ok);
    }
    if (!loaded.get(path)) {
      unresolved.add(ref);
      return undefined;
    }
    return `#/${EMBED_KEY}/${escapeKey(path)}${target.pointer}`;
  };

  let visited = 0;
  while (queue.length > 0) {
    const { value, base, self } = queue.pop()!;
    const stack: unknown[] = [value];
    while (stack.length > 0 && visited < 500_000) {
      const node = stack.pop();
      visited += 1;
      if (node === null || typeof node !== "object") continue;
      if (isObj(node) && typeof node.$ref === "string") {
        const next = rewrite(node.$ref, base, self);
        if (next !== undefined) node.$ref = next;
      }
      for (const child of Array.isArray(node) ? node : Object.values(node)) stack.push(child);
    }
  }
  if (used.length > 0) root[EMBED_KEY] = embedded;
  for (const ref of [...unresolved].sort().slice(0, 50))
    warnings.push({
      code: "openapi/unresolved-ref",
      message: /^[a-z][a-z0-9+.-]*:|^\/\//i.test(ref)
        ? `\`$ref: ${ref}\` is remote and is never fetched: what it describes was not analysed.`
        : `\`$ref: ${ref}\` names a file that was not analysed with the spec: what it describes was not analysed.`,
    });
  if (unresolved.size > 50)
    warnings.push({
      code: "openapi/unresolved-ref",
      message: `${unresolved.size - 50} more references could not be followed.`,
    });
  return { used, warnings };
}
