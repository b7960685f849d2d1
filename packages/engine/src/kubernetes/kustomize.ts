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

/**
 * `dir/../x.yaml` → a normalised project path; undefined for an absolute path or one that leaves the project
 * (`../../../etc`): nothing outside the files the user gave is named, let alone read.
 */
function join(dir: string, rel: string): string | undefined {
  if (rel.startsWith("/") || /^[a-z]:[\\/]/i.test(rel)) return undefined;
  const out: string[] = [];
  for (const part of [...(dir ? dir.split("/") : []), ...rel.split("/")]) {
    if (part === "" || part === ".") continue;
    if (part === "..") {
      if (out.length === 0) return undefined;
      out.pop();
    } else out.push(part);
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
          const docs = file === undefined ? undefined : docsOf(file);
          if (docs && file !== undefined) add({ file, docs }, target);
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
    for (const m of file.content.matchAll(/(?:^|[\s"'[,-])((?:\.{1,2}\/)?[\w.-]+(?:\/[\w.-]+)*\.(?:ya?ml|json))\b/gm)) {
      const target = join(dir, m[1]!);
      if (target !== undefined) out.add(target);
    }
  }
  return out;
}

/** Most levels of kustomizations one render follows (overlay → base → …), and most resources it yields. */
const MAX_RENDER_DEPTH = 8;
const MAX_RENDERED = 2_000;

/** Whether a `resources`/`bases` entry is a remote one (a Git URL, `github.com/…?ref=`): never fetched. */
const isRemote = (entry: string): boolean => /:\/\/|^git@|^github\.com\/|\?ref=|^ssh:/i.test(entry);

/** Whether a `resources` entry names a manifest file rather than another kustomization's folder. */
const isFileEntry = (entry: string): boolean => /\.(ya?ml|json)$/i.test(entry);

const listOf = (value: unknown): unknown[] => (Array.isArray(value) ? value : []);

/**
 * The folders a kustomization renders (`resources: [../../base]`, the older `bases`, `components`), as project paths. Remote
 * entries and paths leaving the project are left out: only files the user gave (or the project holds) are read.
 */
export function kustomizationDirs(path: string, value: unknown): string[] {
  if (!isKustomization(path, value)) return [];
  const dir = folder(path);
  const out: string[] = [];
  for (const entry of [...listOf(value.resources), ...listOf(value.bases), ...listOf(value.components)]) {
    if (typeof entry !== "string" || isRemote(entry) || isFileEntry(entry)) continue;
    const target = join(dir, entry);
    if (target !== undefined && target !== dir && !out.includes(target)) out.push(target);
  }
  return out;
}

/**
 * The folders the kustomizations among `files` render, from their text (for loaders that bring them along):
 * every folder a kustomization names in `resources`/`bases`, inside the project, never a remote one.
 */
export function kustomizationFolderRefs(files: ReadonlyArray<{ path: string; content: string }>): string[] {
  const out = new Set<string>();
  for (const file of files) {
    if (!isKustomizationFile(file.path) && !/^kind\s*:\s*["']?Kustomization/m.test(file.content)) continue;
    const parsed = loadStructured(file.content, { maxAliases: 50, maxDepth: 64 });
    if (!parsed.ok) continue;
    for (const doc of parsed.documents) for (const dir of kustomizationDirs(file.path, doc.value)) out.add(dir);
  }
  return [...out];
}

/** A resource as a kustomization renders it: where it is declared, what it becomes, and where each change is written. */
export interface RenderedResource {
  file: string;
  doc: StructuredDocument;
  prefix: Path;
  declared: Obj;
  value: Obj;
  origins: Record<string, PatchOrigin>;
}

/** What rendering reads: the kustomization of a folder, a file's documents, the patch documents to skip. */
export interface RenderSource {
  kustomizationAt(dir: string): { path: string; doc: StructuredDocument } | undefined;
  docsOf(path: string): StructuredDocument[] | undefined;
  patches: readonly KustomizePatch[];
  patchDocuments: ReadonlySet<string>;
  clusterScoped(kind: string): boolean;
}

const metaOf = (value: Obj): Obj => (isObj(value.metadata) ? value.metadata : {});

/** Sets `path` in `value` (creating maps on the way when `create`), telling `onSet`; false when it could not. */
function setAt(value: Obj, path: Path, v: unknown, create: boolean): boolean {
  let node: unknown = value;
  for (const part of path.slice(0, -1)) {
    if (!isObj(node)) return false;
    if (!isObj(node[part as string])) {
      if (!create) return false;
      node[part as string] = {};
    }
    node = node[part as string];
  }
  if (!isObj(node)) return false;
  node[path[path.length - 1] as string] = v;
  return true;
}

/**
 * Where kustomize writes `commonLabels` (and `labels` with `includeSelectors`) besides `metadata.labels`: the
 * selectors and pod templates of its builtin field specs, so a sibling NetworkPolicy or Service still selects
 * what it selected. `create: false` paths are only written where they exist (a `podSelector: {}` stays "all").
 */
function selectorPaths(kind: string, value: Obj, templates: boolean, selectors: boolean): Array<[Path, boolean]> {
  const out: Array<[Path, boolean]> = [];
  const spec = isObj(value.spec) ? value.spec : {};
  if (["Deployment", "ReplicaSet", "DaemonSet", "StatefulSet"].includes(kind)) {
    if (selectors) out.push([["spec", "selector", "matchLabels"], true]);
    if (templates) out.push([["spec", "template", "metadata", "labels"], true]);
  } else if (kind === "Job") {
    if (templates) out.push([["spec", "template", "metadata", "labels"], true]);
  } else if (kind === "CronJob") {
    if (templates) out.push([["spec", "jobTemplate", "spec", "template", "metadata", "labels"], true]);
  } else if (kind === "Service" || kind === "ReplicationController") {
    if (selectors) out.push([["spec", "selector"], kind === "ReplicationController"]);
  } else if (kind === "PodDisruptionBudget") {
    if (selectors) out.push([["spec", "selector", "matchLabels"], false]);
  } else if (kind === "NetworkPolicy" && selectors) {
    out.push([["spec", "podSelector", "matchLabels"], false]);
    for (const [dir, peer] of [
      ["ingress", "from"],
      ["egress", "to"],
    ] as const)
      listOf(spec[dir]).forEach((rule, i) => {
        if (isObj(rule))
          listOf(rule[peer]).forEach((_, j) =>
            out.push([["spec", dir, i, peer, j, "podSelector", "matchLabels"], false]),
          );
      });
  }
  return out;
}

function getAt(value: unknown, path: Path): unknown {
  let node = value;
  for (const part of path) {
    if (Array.isArray(node) && typeof part === "number") node = node[part];
    else if (isObj(node)) node = node[part as string];
    else return undefined;
  }
  return node;
}

/** `setAt` through lists too (NetworkPolicy peers), for paths known to exist up to their last map. */
function mergeLabelsAt(value: Obj, path: Path, pairs: Record<string, string>, create: boolean): boolean {
  const parent = getAt(value, path.slice(0, -1));
  const key = path[path.length - 1] as string;
  if (!isObj(parent)) {
    if (!create || path.some((p) => typeof p === "number")) return false;
    return setAt(value, path, { ...pairs }, true);
  }
  const current = parent[key];
  if (!isObj(current)) {
    if (!create) return false;
    parent[key] = { ...pairs };
    return true;
  }
  parent[key] = { ...current, ...pairs };
  return true;
}

const stringPairs = (value: unknown): Record<string, string> =>
  isObj(value)
    ? Object.fromEntries(
        Object.entries(value).flatMap(([k, v]) =>
          typeof v === "string" || typeof v === "number" || typeof v === "boolean" ? [[k, String(v)]] : [],
        ),
      )
    : {};

/**
 * The resources a kustomization folder renders, as `kustomize build` would for the parts that matter to the
 * rules: its manifest files and the folders it names (recursively, each with its own transformations), then its
 * patches (by kind, and by the name or namespace as declared or as renamed), `namePrefix`/`nameSuffix`,
 * `namespace`, `commonLabels`, `labels` and `commonAnnotations`. Each changed value remembers where it is written
 * (the patch, or the kustomization's entry). Bounded: depth, cycles and a resource count.
 */
export function renderKustomization(
  dir: string,
  source: RenderSource,
  depth = 0,
  seen: ReadonlySet<string> = new Set(),
  inherited: RenderedResource[] = [],
): RenderedResource[] {
  const k = source.kustomizationAt(dir);
  if (!k || depth > MAX_RENDER_DEPTH || seen.has(dir)) return inherited;
  const within = new Set([...seen, dir]);
  const value = k.doc.value as Obj;
  // A component (`kind: Component`) transforms what the kustomization including it has gathered so far.
  let out: RenderedResource[] = [...inherited];
  for (const entry of [...listOf(value.resources), ...listOf(value.bases)]) {
    if (typeof entry !== "string" || isRemote(entry)) continue;
    const target = join(dir, entry);
    if (target === undefined) continue;
    if (!isFileEntry(entry)) {
      out.push(...renderKustomization(target, source, depth + 1, within));
      continue;
    }
    for (const doc of source.docsOf(target) ?? []) {
      if (source.patchDocuments.has(`${target}\u0000${doc.index}`)) continue;
      for (const { value: declared, prefix } of manifestsOf(doc.value)) {
        if (out.length >= MAX_RENDERED) return out;
        out.push({ file: target, doc, prefix, declared, value: clone(declared), origins: {} });
      }
    }
  }
  for (const entry of listOf(value.components)) {
    if (typeof entry !== "string" || isRemote(entry)) continue;
    const target = join(dir, entry);
    if (target !== undefined) out = renderKustomization(target, source, depth + 1, within, out);
  }
  const here = (key: Path): PatchOrigin => ({
    file: k.path,
    line: k.doc.lineOf(key) ?? k.doc.line,
    path: key.join("."),
  });
  // This kustomization's own patches.
  const deleted = new Set<RenderedResource>();
  for (const r of out) {
    const kind = str(r.value.kind) ?? "";
    const names = new Set([str(metaOf(r.value).name), str(metaOf(r.declared).name)]);
    const spaces = new Set([
      str(metaOf(r.value).namespace) ?? "default",
      str(metaOf(r.declared).namespace) ?? "default",
    ]);
    const mine = source.patches.filter(
      (p) =>
        p.dir === dir &&
        !(p.target.kind && p.target.kind !== kind) &&
        !(p.target.name && !names.has(p.target.name)) &&
        !(p.target.namespace && !spaces.has(p.target.namespace)),
    );
    if (mine.length === 0) continue;
    // `$patch: delete` on a whole manifest removes the resource (a component dropping a public Service).
    if (mine.some((p) => p.merge?.$patch === "delete")) {
      deleted.add(r);
      continue;
    }
    const patched = applyPatches(r.value, mine);
    r.value = patched.value;
    Object.assign(r.origins, patched.origins);
  }
  if (deleted.size > 0) out = out.filter((r) => !deleted.has(r));
  // Names first (references follow), then namespace, labels and annotations.
  const prefix = str(value.namePrefix) ?? "";
  const suffix = str(value.nameSuffix) ?? "";
  const renamed = new Map<string, string>();
  if (prefix || suffix)
    for (const r of out) {
      const kind = str(r.value.kind) ?? "";
      const name = str(metaOf(r.value).name);
      if (!name || kind === "Namespace" || kind === "CustomResourceDefinition") continue;
      const next = `${prefix}${name}${suffix}`;
      setAt(r.value, ["metadata", "name"], next, true);
      renamed.set(`${kind}\u0000${name}`, next);
      r.origins["metadata.name"] = here([prefix ? "namePrefix" : "nameSuffix"]);
    }
  if (renamed.size > 0) for (const r of out) renameReferences(r, renamed, here([prefix ? "namePrefix" : "nameSuffix"]));
  const namespace = str(value.namespace);
  if (namespace)
    for (const r of out) {
      if (source.clusterScoped(str(r.value.kind) ?? "")) continue;
      setAt(r.value, ["metadata", "namespace"], namespace, true);
      r.origins["metadata.namespace"] = here(["namespace"]);
    }
  const labelSets: Array<{ pairs: Record<string, string>; selectors: boolean; templates: boolean; at: Path }> = [];
  const common = stringPairs(value.commonLabels);
  if (Object.keys(common).length > 0)
    labelSets.push({ pairs: common, selectors: true, templates: true, at: ["commonLabels"] });
  listOf(value.labels).forEach((entry, i) => {
    if (!isObj(entry)) return;
    const pairs = stringPairs(entry.pairs);
    const selectors = entry.includeSelectors === true;
    if (Object.keys(pairs).length > 0)
      labelSets.push({ pairs, selectors, templates: selectors || entry.includeTemplates === true, at: ["labels", i] });
  });
  for (const set of labelSets)
    for (const r of out) {
      const kind = str(r.value.kind) ?? "";
      for (const [path, create] of [
        [["metadata", "labels"], true] as [Path, boolean],
        ...selectorPaths(kind, r.value, set.templates, set.selectors),
      ])
        if (mergeLabelsAt(r.value, path, set.pairs, create))
          for (const key of Object.keys(set.pairs)) r.origins[[...path, key].join(".")] = here(set.at);
    }
  const annotations = stringPairs(value.commonAnnotations);
  if (Object.keys(annotations).length > 0)
    for (const r of out) {
      const kind = str(r.value.kind) ?? "";
      const paths: Path[] = [["metadata", "annotations"]];
      if (["Deployment", "ReplicaSet", "DaemonSet", "StatefulSet", "Job"].includes(kind))
        paths.push(["spec", "template", "metadata", "annotations"]);
      for (const path of paths)
        if (mergeLabelsAt(r.value, path, annotations, true))
          for (const key of Object.keys(annotations)) r.origins[[...path, key].join(".")] = here(["commonAnnotations"]);
    }
  return out;
}

/** Name references kustomize keeps in step with a rename: an Ingress's backend Service, a binding's role and service accounts, a pod's service account. */
function renameReferences(r: RenderedResource, renamed: ReadonlyMap<string, string>, at: PatchOrigin): void {
  const kind = str(r.value.kind) ?? "";
  const rename = (path: Path, refKind: string): void => {
    const current = getAt(r.value, path);
    const next = typeof current === "string" ? renamed.get(`${refKind}\u0000${current}`) : undefined;
    if (next === undefined) return;
    const parent = getAt(r.value, path.slice(0, -1));
    if (isObj(parent)) parent[path[path.length - 1] as string] = next;
    r.origins[path.join(".")] = at;
  };
  if (kind === "Ingress") {
    rename(["spec", "defaultBackend", "service", "name"], "Service");
    rename(["spec", "backend", "serviceName"], "Service");
    listOf((r.value.spec as Obj | undefined)?.rules).forEach((rule, i) => {
      listOf(isObj(rule) && isObj(rule.http) ? rule.http.paths : undefined).forEach((_, j) => {
        rename(["spec", "rules", i, "http", "paths", j, "backend", "service", "name"], "Service");
        rename(["spec", "rules", i, "http", "paths", j, "backend", "serviceName"], "Service");
      });
    });
  } else if (kind === "RoleBinding" || kind === "ClusterRoleBinding") {
    const refKind = str(getAt(r.value, ["roleRef", "kind"])) ?? "";
    rename(["roleRef", "name"], refKind);
    listOf(r.value.subjects).forEach((s, i) => {
      if (isObj(s) && s.kind === "ServiceAccount") rename(["subjects", i, "name"], "ServiceAccount");
    });
  } else {
    for (const pod of [
      ["spec", "template", "spec"],
      ["spec", "jobTemplate", "spec", "template", "spec"],
      ["spec"],
    ] as Path[]) {
      if (!isObj(getAt(r.value, pod))) continue;
      rename([...pod, "serviceAccountName"], "ServiceAccount");
      break;
    }
  }
}

/** The manifests of a document (a `List`'s items one by one). */
function manifestsOf(value: unknown): Array<{ value: Obj; prefix: Path }> {
  if (!isObj(value)) return [];
  if (str(value.kind)?.endsWith("List") && Array.isArray(value.items))
    return value.items.flatMap((item, i) => (isObj(item) ? [{ value: item, prefix: ["items", i] }] : []));
  return [{ value, prefix: [] }];
}

/**
 * The folders an overlay's kustomization renders, transitively (its base, the base's base …), among `files`:
 * what a loader brings along with the overlay, and what "the base analysed alone" is.
 */
export function renderedFolders(
  rootPath: string,
  files: ReadonlyArray<{ path: string; content: string }>,
): Set<string> {
  const byDir = new Map<string, Array<{ path: string; content: string }>>();
  for (const f of files) {
    const dir = folder(f.path);
    const list = byDir.get(dir);
    if (list) list.push(f);
    else byDir.set(dir, [f]);
  }
  const root = folder(rootPath);
  const out = new Set<string>();
  const queue = kustomizationFolderRefs(files.filter((f) => f.path === rootPath));
  for (let i = 0; i < queue.length && i < 256; i++) {
    const dir = queue[i]!;
    if (dir === root || out.has(dir)) continue;
    out.add(dir);
    queue.push(...kustomizationFolderRefs(byDir.get(dir) ?? []));
  }
  return out;
}
