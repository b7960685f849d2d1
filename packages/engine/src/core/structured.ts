import {
  type Document,
  LineCounter,
  type Node as YamlNode,
  Pair,
  type ParsedNode,
  Scalar,
  type Tags,
  YAMLMap,
  YAMLSeq,
  isAlias,
  isMap,
  isPair,
  isScalar,
  isSeq,
  parseAllDocuments,
} from "yaml";

/**
 * Shared loading of YAML (one or many documents) and JSON with source positions, for every format parsed
 * from a tree of maps and lists (CloudFormation, OpenAPI, Kubernetes). Pure: no fs, no Node-only APIs.
 */

/** A property path: `Resources.AppBucket.Properties.AccessControl`, `a.0.b`, or the segments themselves. */
export type PropertyPath = string | readonly (string | number)[];

export type LoadErrorCode = "template/parse-failed" | "template/too-deep" | "template/too-many-aliases";

/** Compatible with `FileReport["error"]`. */
export interface LoadError {
  code: LoadErrorCode;
  message: string;
  line?: number;
  column?: number;
}

export interface SourcePosition {
  /** 1-based. */
  line: number;
  /** 1-based. */
  column: number;
}

/** One document of a stream, as plain values, with a way back to the source. */
export interface StructuredDocument {
  /** 0-based position in the stream. */
  index: number;
  /** The document as plain JSON-like values (custom tags already applied); `null` for an empty document. */
  value: unknown;
  /** 1-based line where the document's content starts. */
  line: number;
  /**
   * 1-based line of a property path: the line of the key for map entries, of the item for list entries.
   * `undefined` when the path does not exist. The empty path is the document itself.
   */
  lineOf(path: PropertyPath): number | undefined;
  /** Like `lineOf`, with the column. */
  positionOf(path: PropertyPath): SourcePosition | undefined;
  /**
   * Lines of every property path below `path`, relative to it (`Properties.BucketName`, `ingress.0.cidr`), in
   * one walk of the tree: cheaper than `lineOf` per path for whole resources.
   */
  linesUnder(path: PropertyPath, limits?: { maxEntries?: number; maxDepth?: number }): Record<string, number>;
}

/** Something read leniently: compatible with `FileReport["warnings"]` items. */
export interface LoadWarning {
  code: "template/duplicate-key" | "template/tab-indent" | "template/collection-key";
  message: string;
  line?: number;
  column?: number;
}

export type LoadResult =
  { ok: true; documents: StructuredDocument[]; warnings: LoadWarning[] } | { ok: false; error: LoadError };

export interface LoadOptions {
  /** Extra tags (CloudFormation's `!Ref` …); see `functionTags`. */
  customTags?: Tags;
  /** Most aliases in one document, and the bound on alias expansion handed to `yaml`. Default 100. */
  maxAliases?: number;
  /** Deepest nesting of maps and lists. Default 64. */
  maxDepth?: number;
  /**
   * Refuse duplicate keys in a map (YAML's rule). Default false: like every common YAML and JSON reader, the
   * last key wins, and each duplicate comes back as a warning.
   */
  uniqueKeys?: boolean;
}

/** Warnings kept per file; a generated file with thousands of duplicates needs only the first ones named. */
const MAX_WARNINGS = 20;

const DEFAULTS = { maxAliases: 100, maxDepth: 64 };

/**
 * Parses YAML (multi-document) or JSON text. Never throws: syntax errors, alias bombs and excessive nesting
 * come back as `template/*` errors with a position where there is one.
 */
export function loadStructured(text: string, options: LoadOptions = {}): LoadResult {
  const maxAliases = options.maxAliases ?? DEFAULTS.maxAliases;
  const maxDepth = options.maxDepth ?? DEFAULTS.maxDepth;
  const lineCounter = new LineCounter();
  const position = (offset: number): SourcePosition => {
    const { line, col } = lineCounter.linePos(offset);
    return { line, column: col };
  };

  if (roughDepth(text) > maxDepth * 4) {
    return {
      ok: false,
      error: { code: "template/too-deep", message: `The text nests deeper than ${maxDepth} levels.` },
    };
  }

  const parse = (source: string): Document.Parsed[] =>
    parseAllDocuments(source, {
      lineCounter,
      customTags: options.customTags ?? [],
      // `yaml` checks key uniqueness pairwise (quadratic in a map's size); `measure` does it with a set.
      uniqueKeys: false,
      merge: true,
      prettyErrors: true,
      // `yaml` reports what it notices while converting (a map used as a key) with `process.emitWarning`, which a
      // CLI prints as a Node warning with no file or line; `measure` finds those and they become file warnings.
      logLevel: "error",
    }) as Document.Parsed[];

  const warnings: LoadWarning[] = [];
  const warn = (warning: LoadWarning): void => {
    if (warnings.length < MAX_WARNINGS) warnings.push(warning);
  };
  let docs: Document.Parsed[];
  try {
    docs = parse(text);
    // A tab after the spaces or the dash of an indentation is separation that strict YAML calls indentation;
    // Go's and Ruby's readers take it. Such tabs are aligned with the neighbouring lines and the text read
    // again (lines unchanged). A line indented by tabs alone stays refused: its nesting would be a guess.
    const tabs = docs
      .flatMap((d) => d.errors)
      .filter((e) => e.code === "TAB_AS_INDENT")
      .map((e) => e.pos[0]);
    const aligned =
      tabs.length > 0
        ? alignTabs(
            text,
            tabs.map((offset) => position(offset).line),
          )
        : undefined;
    if (aligned) {
      for (const line of aligned.lines) {
        warn({
          code: "template/tab-indent",
          message: "A tab inside the indentation was read as spaces.",
          line,
          column: 1,
        });
      }
      // Positions are read from the aligned text from here on: the same lines, columns shifted by the spaces.
      lineCounter.lineStarts.length = 0;
      docs = parse(aligned.text);
    }
  } catch (error) {
    return { ok: false, error: thrown(error) };
  }

  const documents: StructuredDocument[] = [];
  for (const [index, doc] of docs.entries()) {
    const syntax = doc.errors[0];
    if (syntax && /call stack/i.test(syntax.message)) {
      return { ok: false, error: { code: "template/too-deep", message: "The document nests too deeply to parse." } };
    }
    if (syntax) {
      const at = position(syntax.pos[0]);
      return {
        ok: false,
        error: { code: "template/parse-failed", message: firstLine(syntax.message), line: at.line, column: at.column },
      };
    }
    const shape = measure(doc.contents);
    const [firstDuplicate] = shape.duplicates;
    if (firstDuplicate && options.uniqueKeys === true) {
      return {
        ok: false,
        error: {
          code: "template/parse-failed",
          message: `Map keys must be unique ("${firstDuplicate.key}" appears twice).`,
          ...position(firstDuplicate.offset),
        },
      };
    }
    for (const d of shape.duplicates) {
      warn({
        code: "template/duplicate-key",
        message: `"${d.key}" appears more than once in the same map; the last one is used.`,
        ...position(d.offset),
      });
    }
    for (const offset of shape.collectionKeys) {
      warn({
        code: "template/collection-key",
        message:
          "A map or list is used as a map key (a template placeholder such as {{ name }} left unrendered?); it is read as its text.",
        ...position(offset),
      });
    }
    if (shape.depth > maxDepth) {
      return {
        ok: false,
        error: {
          code: "template/too-deep",
          message: `Document ${index + 1} nests deeper than ${maxDepth} levels.`,
          ...(shape.deepest ? position(shape.deepest) : {}),
        },
      };
    }
    if (shape.aliases > maxAliases) {
      return {
        ok: false,
        error: {
          code: "template/too-many-aliases",
          message: `Document ${index + 1} uses ${shape.aliases} YAML aliases; the limit is ${maxAliases}.`,
        },
      };
    }
    let value: unknown;
    try {
      value = doc.toJS({ maxAliasCount: maxAliases });
    } catch (error) {
      return { ok: false, error: thrown(error) };
    }
    const start = nodeStart(doc.contents) ?? 0;
    documents.push({
      index,
      value: value ?? null,
      line: position(start).line,
      lineOf: (path) => {
        const offset = locate(doc, path);
        return offset === undefined ? undefined : position(offset).line;
      },
      positionOf: (path) => {
        const offset = locate(doc, path);
        return offset === undefined ? undefined : position(offset);
      },
      linesUnder: (path, limits = {}) => linesUnder(doc, path, (offset) => position(offset).line, limits),
    });
  }
  return { ok: true, documents, warnings };
}

/**
 * Replaces tabs that follow spaces or a dash in the indentation of the given lines with spaces that line the
 * text up with its neighbours: a key after `-<tab>` with the continuation lines below it, a key after
 * `<spaces><tab>` with the key above it. Undefined when no such tab is there (tabs alone stay an error).
 */
function alignTabs(text: string, lineNumbers: readonly number[]): { text: string; lines: number[] } | undefined {
  const lines = text.split("\n");
  const indentOf = (l: string): number => /^ */.exec(l)![0].length;
  const fixed: number[] = [];
  for (const n of new Set(lineNumbers)) {
    const line = lines[n - 1];
    const m = line === undefined ? null : /^([ -]*[ -])\t+(.*)$/s.exec(line);
    if (!line || !m || !/^ *(- *)*$/.test(m[1]!)) continue;
    const prefix = m[1]!;
    const neighbour = (step: number): string | undefined => {
      for (let i = n - 1 + step; i >= 0 && i < lines.length; i += step) if (lines[i]!.trim() !== "") return lines[i];
      return undefined;
    };
    let target: number;
    if (prefix.includes("-")) {
      const next = neighbour(1);
      target = next !== undefined && indentOf(next) > prefix.trimEnd().length ? indentOf(next) : prefix.length + 1;
    } else {
      const previous = neighbour(-1);
      target = previous !== undefined ? Math.max(indentOf(previous), prefix.length) : prefix.length;
    }
    lines[n - 1] = prefix.padEnd(Math.max(target, prefix.length + (prefix.endsWith("-") ? 1 : 0)), " ") + m[2]!;
    fixed.push(n);
  }
  return fixed.length > 0 ? { text: lines.join("\n"), lines: fixed } : undefined;
}

/** `yaml`'s messages carry the position and a source excerpt; the position is reported separately. */
function firstLine(message: string): string {
  return (message.split("\n")[0] ?? message).replace(/ at line \d+, column \d+:?$/, "");
}

function thrown(error: unknown): LoadError {
  if (error instanceof RangeError) {
    // The composer recurses per nesting level: a stack overflow means the nesting is hostile.
    return { code: "template/too-deep", message: "The document nests too deeply to parse." };
  }
  if (error instanceof ReferenceError && /alias/i.test(error.message)) {
    return { code: "template/too-many-aliases", message: "The document's aliases expand too much (alias bomb)." };
  }
  return {
    code: "template/parse-failed",
    message: error instanceof Error ? firstLine(error.message) : "Unreadable document.",
  };
}

/**
 * A cheap upper bound of the nesting in raw text, taken before the parser sees it: the parser recurses per
 * level and slows down quadratically with block indentation, so hostile nesting must be refused first.
 * Block indentation levels and flow brackets are counted without regard to quoting; the caller compares
 * against a generous multiple of the real limit, which the parsed tree is then held to exactly.
 */
function roughDepth(text: string): number {
  let worst = 0;
  let flow = 0;
  let flowWorst = 0;
  const indents: number[] = [];
  let lineStart = true;
  let indent = 0;
  let dashes = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === 10) {
      lineStart = true;
      indent = 0;
      dashes = 0;
      continue;
    }
    if (lineStart) {
      if (c === 32) {
        indent += 1;
        continue;
      }
      if (c === 45 && (text.charCodeAt(i + 1) === 32 || text.charCodeAt(i + 1) === 10)) {
        dashes += 1;
        indent += 2;
        i += 1;
        continue;
      }
      if (c === 13 || c === 35) continue;
      lineStart = false;
      while (indents.length > 0 && indents[indents.length - 1]! >= indent) indents.pop();
      indents.push(indent);
      worst = Math.max(worst, indents.length + dashes);
    }
    if (c === 91 || c === 123) {
      flow += 1;
      if (flow > flowWorst) flowWorst = flow;
    } else if ((c === 93 || c === 125) && flow > 0) {
      flow -= 1;
    }
  }
  return worst + flowWorst;
}

interface Shape {
  depth: number;
  aliases: number;
  deepest?: number;
  /** Keys written twice in one map, in the order met (at most `MAX_WARNINGS`). */
  duplicates: Array<{ key: string; offset: number }>;
  /** Offsets of keys that are themselves maps or lists (at most `MAX_WARNINGS`). */
  collectionKeys: number[];
}

/** Nesting depth, alias count and duplicate keys, walked without recursion and without expanding aliases. */
function measure(root: unknown): Shape {
  let depth = 0;
  let aliases = 0;
  let deepest: number | undefined;
  const duplicates: Shape["duplicates"] = [];
  const collectionKeys: number[] = [];
  const stack: Array<[unknown, number]> = [[root, 0]];
  while (stack.length > 0) {
    const [node, level] = stack.pop()!;
    if (isAlias(node)) {
      aliases += 1;
    } else if (isMap(node) || isSeq(node)) {
      const inner = level + 1;
      if (inner > depth) {
        depth = inner;
        deepest = nodeStart(node);
      }
      const seen = isMap(node) && duplicates.length < MAX_WARNINGS ? new Set<string>() : undefined;
      for (const item of node.items) {
        if (isPair(item)) {
          // A key that is a map or list (`{{ name }}:`) is one warning, not one per level inside it.
          if (isMap(item.key) || isSeq(item.key)) {
            if (collectionKeys.length < MAX_WARNINGS) collectionKeys.push(nodeStart(item.key) ?? 0);
            stack.push([item.value, inner]);
          } else {
            stack.push([item.key, inner], [item.value, inner]);
          }
          const key = seen ? keyString(item.key) : undefined;
          if (seen && key !== undefined && key !== "<<") {
            if (seen.has(key) && duplicates.length < MAX_WARNINGS) {
              duplicates.push({ key, offset: nodeStart(item.key) ?? 0 });
            }
            seen.add(key);
          }
        } else {
          stack.push([item, inner]);
        }
      }
    }
  }
  duplicates.sort((a, b) => a.offset - b.offset);
  collectionKeys.sort((a, b) => a - b);
  const shape: Shape = { depth, aliases, duplicates, collectionKeys };
  if (deepest !== undefined) shape.deepest = deepest;
  return shape;
}

function nodeStart(node: unknown): number | undefined {
  const range = (node as { range?: [number, number, number] } | null | undefined)?.range;
  return range ? range[0] : undefined;
}

/** Per-map key index, built on first lookup so large maps (10,000 resources) stay O(1) per step. */
const keyIndex = new WeakMap<YAMLMap<unknown, unknown>, Map<string, Pair<unknown, unknown>>>();

function pairFor(map: YAMLMap<unknown, unknown>, key: string): Pair<unknown, unknown> | undefined {
  // The last of duplicate keys is the one the value holds, so its line is the one reported.
  if (map.items.length <= 8) {
    return map.items.findLast((p) => keyString(p.key) === key);
  }
  let index = keyIndex.get(map);
  if (!index) {
    index = new Map();
    for (const pair of map.items) {
      const k = keyString(pair.key);
      if (k !== undefined) index.set(k, pair);
    }
    keyIndex.set(map, index);
  }
  return index.get(key);
}

function keyString(key: unknown): string | undefined {
  if (isScalar(key)) return String(key.value);
  if (typeof key === "string" || typeof key === "number") return String(key);
  return undefined;
}

function splitPath(path: PropertyPath): string[] {
  if (typeof path !== "string") return path.map(String);
  return path === "" ? [] : path.split(".");
}

/**
 * Source offset of a path. String paths are split on dots; a segment that names no key is joined with the
 * next ones, so keys that contain dots (`kubernetes.io/name`) are still found.
 */
function locate(doc: Document.Parsed, path: PropertyPath): number | undefined {
  const segments = splitPath(path);
  const joinable = typeof path === "string";
  let node: unknown = doc.contents;
  let offset = nodeStart(node);
  let i = 0;
  while (i < segments.length) {
    if (isAlias(node)) node = node.resolve(doc);
    if (isMap(node)) {
      let pair: Pair<unknown, unknown> | undefined;
      let used = 1;
      let key = segments[i]!;
      pair = pairFor(node, key);
      while (!pair && joinable && i + used < segments.length) {
        key = `${key}.${segments[i + used]!}`;
        used += 1;
        pair = pairFor(node, key);
      }
      if (!pair) return undefined;
      offset = nodeStart(pair.key) ?? nodeStart(pair.value) ?? offset;
      node = pair.value;
      i += used;
    } else if (isSeq(node)) {
      const segment = segments[i]!;
      if (!/^\d+$/.test(segment)) return undefined;
      const item: unknown = node.items[Number(segment)];
      if (item === undefined) return undefined;
      offset = (isPair(item) ? nodeStart(item.key) : nodeStart(item)) ?? offset;
      node = isPair(item) ? item.value : item;
      i += 1;
    } else {
      return undefined;
    }
  }
  return offset;
}

function linesUnder(
  doc: Document.Parsed,
  path: PropertyPath,
  lineAt: (offset: number) => number,
  { maxEntries = 10_000, maxDepth = 32 }: { maxEntries?: number; maxDepth?: number },
): Record<string, number> {
  const lines: Record<string, number> = {};
  let count = 0;
  const root = nodeAt(doc, path);
  const walk = (node: unknown, prefix: string, depth: number): void => {
    if (isAlias(node) || depth > maxDepth) return;
    const visit = (key: string, start: number | undefined, child: unknown): void => {
      if (count >= maxEntries) return;
      const at = prefix === "" ? key : `${prefix}.${key}`;
      if (start !== undefined) {
        lines[at] = lineAt(start);
        count += 1;
      }
      walk(child, at, depth + 1);
    };
    if (isMap(node)) {
      for (const pair of node.items) {
        const key = keyString(pair.key);
        if (key !== undefined) visit(key, nodeStart(pair.key) ?? nodeStart(pair.value), pair.value);
      }
    } else if (isSeq(node)) {
      node.items.forEach((item, i) => {
        if (isPair(item)) visit(String(i), nodeStart(item.key), item.value);
        else visit(String(i), nodeStart(item), item);
      });
    }
  };
  if (root !== undefined) walk(root, "", 0);
  return lines;
}

/** The node at a path (aliases followed), or undefined. */
function nodeAt(doc: Document.Parsed, path: PropertyPath): unknown {
  let node: unknown = doc.contents;
  for (const segment of splitPath(path)) {
    if (isAlias(node)) node = node.resolve(doc);
    if (isMap(node)) node = pairFor(node, segment)?.value;
    else if (isSeq(node) && /^\d+$/.test(segment)) {
      const item: unknown = node.items[Number(segment)];
      node = isPair(item) ? item.value : item;
    } else return undefined;
    if (node === undefined) return undefined;
  }
  return node;
}

/** How one short tag becomes a value: `!Ref X` → `{ Ref: "X" }`. */
export interface FunctionTagSpec {
  /** The tag as written, with its `!`. */
  tag: string;
  /** The long form key (`Ref`, `Fn::GetAtt`). */
  name: string;
  /** Rewrites a scalar argument (`!GetAtt A.B` → `["A", "B"]`). Defaults to the string itself. */
  scalar?: (value: string) => unknown;
}

/**
 * Builds `customTags` that turn short function tags into their long form, `{ [name]: argument }`, for
 * scalar, list and map arguments alike. List and map arguments keep their source nodes, so property paths
 * through them (`Properties.X.Fn::If.1`) still have lines.
 */
export function functionTags(specs: readonly FunctionTagSpec[]): Tags {
  const tags: Tags = [];
  for (const spec of specs) {
    const wrap = (inner: unknown): YAMLMap => {
      const map = new YAMLMap();
      map.items.push(new Pair(new Scalar(spec.name), inner));
      return map;
    };
    tags.push({
      tag: spec.tag,
      resolve: (value: string) => new Scalar({ [spec.name]: spec.scalar ? spec.scalar(value) : value }),
    });
    for (const collection of ["seq", "map"] as const) {
      tags.push({
        tag: spec.tag,
        collection,
        nodeClass: collection === "seq" ? YAMLSeq : YAMLMap,
        resolve: (node: YAMLSeq.Parsed | YAMLMap.Parsed) => withRange(wrap(node), node),
      });
    }
  }
  return tags;
}

function withRange(wrapper: YAMLMap, inner: ParsedNode | YamlNode): YAMLMap {
  wrapper.range = inner.range ?? null;
  return wrapper;
}
