import { loadStructured, type StructuredDocument } from "../core/index.ts";
import type { SourceFile } from "../graph/types.ts";
import type { EngineLimits } from "../formats/types.ts";

type Obj = Record<string, unknown>;
type Path = Array<string | number>;

const isObj = (value: unknown): value is Obj => value !== null && typeof value === "object" && !Array.isArray(value);
const str = (value: unknown): string | undefined => (typeof value === "string" ? value : undefined);

/** Where a patched value is written: the patch's file and line. */
export interface PatchOrigin {
  file: string;
  line: number | null;
  path: string;
}

/**
 * One patch a kustomization applies: a strategic-merge patch (a partial manifest) or JSON 6902 operations, the
 * resource it targets, and where it is written (for evidence on the patched values).
 */
export interface KustomizePatch {
  /** The kustomization's folder (`""` at the top): only resources declared at or below it are patched. */
  dir: string;
  target: { kind?: string; name?: string; namespace?: string };
  file: string;
  /** The patch's document and the path of the patch inside it (null for an inline patch: no lines of its own). */
  doc: StructuredDocument | null;
  prefix: Path;
  /** Line of the kustomization entry, for inline patches. */
  line: number | null;
  merge?: Obj;
  ops?: Array<{ op: string; path: string; value?: unknown }>;
}

export interface Kustomizations {
  patches: KustomizePatch[];
  /** Documents that are patches (file and document index): they are not resources of their own. */
  patchDocuments: Set<string>;
}

/** A file kustomize reads as its configuration. */
export function isKustomizationFile(path: string): boolean {
  return /(^|\/)kustomization\.ya?ml$/i.test(path) || /(^|\/)Kustomization$/.test(path);
}

function isKustomization(path: string, value: unknown): value is Obj {
  if (!isObj(value)) return false;
  if (value.kind === "Kustomization" || value.kind === "Component") return true;
  return (
    isKustomizationFile(path) &&
    ["resources", "patches", "patchesStrategicMerge", "patchesJson6902", "bases"].some((k) => k in value)
  );
}

function folder(path: string): string {
  const i = path.lastIndexOf("/");
  return i < 0 ? "" : path.slice(0, i);
}

/** `dir/../x.yaml` → a normalised project path. */
function join(dir: string, rel: string): string {
  const out: string[] = [];
  for (const part of [...(dir ? dir.split("/") : []), ...rel.split("/")]) {
    if (part === "" || part === ".") continue;
    if (part === "..") out.pop();
    else out.push(part);
  }
  return out.join("/");
}

/**
 * The patches of every kustomization among `files` (`patchesStrategicMerge`, `patches` with a path or inline,
 * `patchesJson6902`), read from the analysed files; a patch file that is not among them is not read.
 */
export function collectKustomizations(
  loaded: ReadonlyMap<string, StructuredDocument[]>,
  readable: readonly SourceFile[],
  limits: EngineLimits,
): Kustomizations {
  const patches: KustomizePatch[] = [];
  const patchDocuments = new Set<string>();
  const byPath = new Map(readable.map((f) => [f.path, f]));
  const docsOf = (path: string): StructuredDocument[] | undefined => {
    const known = loaded.get(path);
    if (known) return known;
    const file = byPath.get(path);
    if (!file) return undefined;
    const parsed = loadStructured(file.content, { maxAliases: limits.maxAliases, maxDepth: limits.maxDepth });
    return parsed.ok ? parsed.documents : undefined;
  };
  for (const [path, docs] of loaded) {
    for (const kdoc of docs) {
      if (!isKustomization(path, kdoc.value)) continue;
      const k = kdoc.value;
      const dir = folder(path);
      const add = (
        content: { file: string; docs: StructuredDocument[] } | { inline: unknown; line: number | null },
        target: KustomizePatch["target"] | undefined,
      ) => {
        const entries: Array<{ value: unknown; doc: StructuredDocument | null; file: string; line: number | null }> =
          "docs" in content
            ? content.docs.map((d) => ({ value: d.value, doc: d, file: content.file, line: d.line }))
            : [{ value: content.inline, doc: null, file: path, line: content.line }];
        for (const e of entries) {
          if (Array.isArray(e.value)) {
            const ops = e.value.filter(
              (o): o is { op: string; path: string; value?: unknown } =>
                isObj(o) && typeof o.op === "string" && typeof o.path === "string",
            );
            if (ops.length > 0 && target)
              patches.push({ dir, target, file: e.file, doc: e.doc, prefix: [], line: e.line, ops });
          } else if (isObj(e.value)) {
            const meta = isObj(e.value.metadata) ? e.value.metadata : {};
            const own = { kind: str(e.value.kind), name: str(meta.name), namespace: str(meta.namespace) };
            const aim = target ?? own;
            if (!aim.kind && !aim.name) continue;
            patches.push({ dir, target: aim, file: e.file, doc: e.doc, prefix: [], line: e.line, merge: e.value });
            if (e.doc && "docs" in content) patchDocuments.add(`${e.file}\u0000${e.doc.index}`);
          }
        }
      };
      const fromEntry = (entry: unknown, i: number, key: string, target?: KustomizePatch["target"]) => {
        const line = kdoc.lineOf([key, i]) ?? kdoc.line;
        if (typeof entry === "string") {
          if (/\n/.test(entry)) {
            const parsed = loadStructured(entry, { maxAliases: limits.maxAliases, maxDepth: limits.maxDepth });
            if (parsed.ok) for (const d of parsed.documents) add({ inline: d.value, line }, target);
            return;
          }
          const file = join(dir, entry);
          const docs = docsOf(file);
          if (docs) add({ file, docs }, target);
        }
      };
      const targetOf = (value: unknown): KustomizePatch["target"] | undefined => {
        if (!isObj(value)) return undefined;
        const t = { kind: str(value.kind), name: str(value.name), namespace: str(value.namespace) };
        return t.kind || t.name ? t : undefined;
      };
      const list = (value: unknown): unknown[] => (Array.isArray(value) ? value : []);
      list(k.patchesStrategicMerge).forEach((entry, i) => fromEntry(entry, i, "patchesStrategicMerge"));
      list(k.patches).forEach((entry, i) => {
        if (typeof entry === "string") return fromEntry(entry, i, "patches");
        if (!isObj(entry)) return;
        const target = targetOf(entry.target);
        if (typeof entry.path === "string") fromEntry(entry.path, i, "patches", target);
        else if (typeof entry.patch === "string") {
          const parsed = loadStructured(entry.patch, { maxAliases: limits.maxAliases, maxDepth: limits.maxDepth });
          const line = kdoc.lineOf(["patches", i, "patch"]) ?? kdoc.line;
          if (parsed.ok) for (const d of parsed.documents) add({ inline: d.value, line }, target);
        }
      });
      list(k.patchesJson6902).forEach((entry, i) => {
        if (!isObj(entry)) return;
        const target = targetOf(entry.target);
        if (typeof entry.path === "string") fromEntry(entry.path, i, "patchesJson6902", target);
        else if (typeof entry.patch === "string") {
          const parsed = loadStructured(entry.patch, { maxAliases: limits.maxAliases, maxDepth: limits.maxDepth });
          if (parsed.ok)
            for (const d of parsed.documents)
              add({ inline: d.value, line: kdoc.lineOf(["patchesJson6902", i]) ?? kdoc.line }, target);
        }
      });
    }
  }
  return { patches, patchDocuments };
}

/** Whether `patch` applies to a resource of `kind`/`name`/`namespace` declared in `file`. */
export function patchApplies(
  patch: KustomizePatch,
  resource: { kind: string; name: string; namespace: string; file: string },
): boolean {
  if (patch.dir !== "" && resource.file !== patch.dir && !resource.file.startsWith(`${patch.dir}/`)) return false;
  if (patch.file === resource.file && patch.doc) return false;
  const t = patch.target;
  if (t.kind && t.kind !== resource.kind) return false;
  if (t.name && t.name !== resource.name) return false;
  if (t.namespace && t.namespace !== resource.namespace) return false;
  return true;
}

/** Lists merged by a key instead of replaced (Kubernetes' `patchMergeKey`s of the pod spec). */
const MERGE_KEYS: Record<string, string> = {
  containers: "name",
  initContainers: "name",
  ephemeralContainers: "name",
  env: "name",
  volumes: "name",
  volumeMounts: "mountPath",
  volumeDevices: "devicePath",
  imagePullSecrets: "name",
  hostAliases: "ip",
  ports: "containerPort",
  // NetworkPolicy, Service and friends replace their lists.
};

type OnSet = (path: Path, origin: Path) => void;

const clone = <T>(value: T): T => (value === undefined ? value : (JSON.parse(JSON.stringify(value)) as T));

/** Every path under `value` (itself included), for recording where patched values come from. */
function eachPath(value: unknown, path: Path, origin: Path, onSet: OnSet, depth = 0): void {
  onSet(path, origin);
  if (depth > 16) return;
  if (Array.isArray(value)) value.forEach((v, i) => eachPath(v, [...path, i], [...origin, i], onSet, depth + 1));
  else if (isObj(value))
    for (const [k, v] of Object.entries(value)) eachPath(v, [...path, k], [...origin, k], onSet, depth + 1);
}

/**
 * Kubernetes strategic merge: maps merge key by key, `null` deletes, lists with a merge key (containers by
 * name, env by name …) merge item by item, other lists and scalars are replaced; `$patch: delete` on a list item
 * removes it; other `$` directives are ignored. `onSet` hears every path the patch writes.
 */
export function strategicMerge(
  base: unknown,
  patch: unknown,
  onSet: OnSet,
  path: Path = [],
  origin: Path = [],
): unknown {
  if (!isObj(patch) || !isObj(base)) {
    eachPath(patch, path, origin, onSet);
    return clone(patch);
  }
  const out: Obj = { ...base };
  for (const [key, value] of Object.entries(patch)) {
    if (key.startsWith("$")) continue;
    const here = [...path, key];
    const from = [...origin, key];
    if (value === null) {
      delete out[key];
      continue;
    }
    const current = out[key];
    const mergeKey = MERGE_KEYS[key];
    if (Array.isArray(value) && Array.isArray(current) && mergeKey) {
      const merged: unknown[] = [...(current as unknown[])];
      (value as unknown[]).forEach((item, i) => {
        const id = isObj(item) ? item[mergeKey] : undefined;
        const at = id === undefined ? -1 : merged.findIndex((m) => isObj(m) && m[mergeKey] === id);
        if (isObj(item) && item.$patch === "delete") {
          if (at >= 0) merged.splice(at, 1);
          return;
        }
        if (at >= 0) merged[at] = strategicMerge(merged[at], item, onSet, [...here, at], [...from, i]);
        else {
          eachPath(item, [...here, merged.length], [...from, i], onSet);
          merged.push(clone(item));
        }
      });
      out[key] = merged;
    } else if (isObj(value) && isObj(current)) {
      out[key] = strategicMerge(current, value, onSet, here, from);
    } else {
      eachPath(value, here, from, onSet);
      out[key] = clone(value);
    }
  }
  return out;
}

/** RFC 6902 `add`, `replace` and `remove` on a copy of `base` (others are skipped); `onSet` hears what is written. */
export function applyJson6902(
  base: Obj,
  ops: ReadonlyArray<{ op: string; path: string; value?: unknown }>,
  onSet: OnSet,
): Obj {
  const out = clone(base);
  ops.forEach((op, i) => {
    const parts = op.path
      .split("/")
      .slice(1)
      .map((p) => p.replaceAll("~1", "/").replaceAll("~0", "~"));
    if (parts.length === 0) return;
    let parent: unknown = out;
    const resolved: Path = [];
    for (const part of parts.slice(0, -1)) {
      const key = Array.isArray(parent) ? Number(part) : part;
      const next: unknown = Array.isArray(parent)
        ? (parent as unknown[])[key as number]
        : isObj(parent)
          ? parent[part]
          : undefined;
      if (next === undefined || next === null || typeof next !== "object") {
        if (op.op !== "add" || !isObj(parent)) return;
        parent[part] = {};
        parent = parent[part];
      } else parent = next;
      resolved.push(key);
    }
    const last = parts[parts.length - 1]!;
    if (Array.isArray(parent)) {
      const index = last === "-" ? parent.length : Number(last);
      if (!Number.isInteger(index) || index < 0 || index > parent.length) return;
      if (op.op === "remove") parent.splice(index, 1);
      else if (op.op === "add") parent.splice(index, 0, clone(op.value));
      else if (op.op === "replace") parent[index] = clone(op.value);
      else return;
      if (op.op !== "remove") eachPath(op.value, [...resolved, index], [i, "value"], onSet);
    } else if (isObj(parent)) {
      if (op.op === "remove") delete parent[last];
      else if (op.op === "add" || op.op === "replace") {
        parent[last] = clone(op.value);
        eachPath(op.value, [...resolved, last], [i, "value"], onSet);
      }
    }
  });
  return out;
}

/**
 * A manifest with the patches that apply to it, and where each patched value is written (by the dotted path
 * the engine's evidence uses).
 */
export function applyPatches(
  value: Obj,
  patches: readonly KustomizePatch[],
): { value: Obj; origins: Record<string, PatchOrigin> } {
  let current = value;
  const origins: Record<string, PatchOrigin> = {};
  for (const patch of patches) {
    const onSet: OnSet = (path, origin) => {
      const line = patch.doc ? (patch.doc.lineOf([...patch.prefix, ...origin]) ?? patch.doc.line) : patch.line;
      origins[path.join(".")] = { file: patch.file, line, path: origin.join(".") };
    };
    try {
      if (patch.merge) {
        const { apiVersion: _a, kind: _k, metadata, ...rest } = patch.merge;
        // The patch's name and namespace select the target; its labels and annotations merge in.
        const meta = isObj(metadata) ? { ...metadata } : undefined;
        if (meta) {
          delete meta.name;
          delete meta.namespace;
        }
        const body = meta && Object.keys(meta).length > 0 ? { ...rest, metadata: meta } : rest;
        current = strategicMerge(current, body, onSet) as Obj;
      } else if (patch.ops) current = applyJson6902(current, patch.ops, onSet);
    } catch {
      // A patch shaped unlike its target leaves the manifest as it was.
    }
  }
  return { value: current, origins };
}

/**
 * The files kustomizations among `files` name (resources, patches), by project path: what a loader brings along
 * with a folder's manifests, so a patch written as JSON 6902 operations (no manifest of its own) is read too.
 */
export function kustomizationReferences(files: ReadonlyArray<{ path: string; content: string }>): Set<string> {
  const out = new Set<string>();
  for (const file of files) {
    if (!isKustomizationFile(file.path) && !/^kind\s*:\s*["']?Kustomization/m.test(file.content)) continue;
    const dir = folder(file.path);
    for (const m of file.content.matchAll(/(?:^|[\s"'[,-])((?:\.{1,2}\/)?[\w.-]+(?:\/[\w.-]+)*\.(?:ya?ml|json))\b/gm))
      out.add(join(dir, m[1]!));
  }
  return out;
}
