import { UNRESOLVED, isUnresolved } from "../graph/types.ts";
import { isRecord } from "../aws/values.ts";
import { fileCall, filePathOf, jsonDocument, renderTemplate } from "./files.ts";
import { joinPath } from "./paths.ts";

/**
 * A value as Terraform would see it after evaluation where the module makes it literal: `written` is what
 * the node shows (unresolved expressions stay as `${…}` text), `body` is what normalizers read (`UNRESOLVED`
 * where not literal), `refs` are the node ids it depends on.
 */
export interface Bound {
  written: unknown;
  body: unknown;
  refs: string[];
}

export const unresolvedBound = (written: unknown, refs: string[] = []): Bound => ({ written, body: UNRESOLVED, refs });
const literal = (value: unknown): Bound => ({ written: value, body: value, refs: [] });

/** Functions whose argument is parsed ahead (HCL object syntax needs HashiCorp's parser, which is async). */
export const PREPARSED_FUNCTIONS = ["jsonencode", "base64encode", "tolist", "toset", "tomap"] as const;
const CALL = new RegExp(`^(${PREPARSED_FUNCTIONS.join("|")})\\(([\\s\\S]*)\\)$`);

/** `jsonencode({...})` → the function and the argument text, when the call is the whole expression. */
export function functionCall(expr: string): { fn: string; arg: string } | undefined {
  const m = CALL.exec(expr.trim());
  if (!m) return undefined;
  const arg = m[2]!;
  return balanced(arg) ? { fn: m[1]!, arg } : undefined;
}

function balanced(text: string): boolean {
  let depth = 0;
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (c === "\\" && quoted) {
      i += 1;
      continue;
    }
    if (c === '"') quoted = !quoted;
    if (quoted) continue;
    if (c === "(" || c === "[" || c === "{") depth += 1;
    if (c === ")" || c === "]" || c === "}") depth -= 1;
    if (depth < 0) return false;
  }
  return depth === 0;
}

/** What a module instance knows when it evaluates expressions. */
export interface Scope {
  /** `module.net.` for a child, `` for a root module. */
  prefix: string;
  vars: Map<string, Bound>;
  /** Locals as parsed, evaluated on first use. */
  locals: Record<string, unknown>;
  localCache: Map<string, Bound>;
  localStack: Set<string>;
  /** `aws_s3_bucket.data` addresses declared in this module. */
  resources: Set<string>;
  /** Outputs of child modules by call name. */
  modules: Map<string, Map<string, Bound>>;
  /** `data.aws_iam_policy_document.<name>` rendered as policy documents. */
  policyDocuments: Map<string, Bound>;
  /** Function arguments parsed ahead, by argument text. */
  parsed: ReadonlyMap<string, unknown>;
  /** This module's folder (`path.module`) and the root module's (`path.root`, and plain relative paths). */
  dir: string;
  rootDir: string;
  /** Other files of the analysis by path, for `file()` / `templatefile()`; those read are added to `read`. */
  files: ReadonlyMap<string, string>;
  read: Set<string>;
}

const MAX_DEPTH = 64;

/** Evaluates an expression (the inside of `${…}`). */
export function evaluate(expr: string, scope: Scope, depth = 0): Bound {
  const text = expr.trim();
  if (depth > MAX_DEPTH) return unresolvedBound(`\${${text}}`);
  if (/^-?\d+(\.\d+)?$/.test(text)) return literal(Number(text));
  if (text === "true" || text === "false") return literal(text === "true");
  if (text === "null") return literal(null);
  if (/^"([^"\\$%]|\\.)*"$/.test(text)) return literal(JSON.parse(text) as string);

  const access = /^(var|local)\.([A-Za-z_][\w-]*)((?:\.[A-Za-z_][\w-]*|\[\d+\]|\["[^"]*"\])*)$/.exec(text);
  if (access) {
    const base = access[1] === "var" ? scope.vars.get(access[2]!) : local(access[2]!, scope, depth);
    if (!base) return unresolvedBound(`\${${text}}`);
    return select(base, access[3] ?? "", text);
  }
  const output = /^module\.([\w-]+)\.([\w-]+)$/.exec(text);
  if (output) {
    const bound = scope.modules.get(output[1]!)?.get(output[2]!);
    return bound ?? unresolvedBound(`\${${text}}`, references(text, scope, depth));
  }
  // `count`/`for_each` instances (`[0]`, `["a"]`, `[each.key]`) render the same statements.
  const doc = /^data\.aws_iam_policy_document\.([\w-]+)(?:\[[^\]]*\])?\.(?:json|minified_json)$/.exec(text);
  if (doc) {
    return scope.policyDocuments.get(doc[1]!) ?? unresolvedBound(`\${${text}}`);
  }
  const fileRead = readFileCall(text, scope, depth);
  if (fileRead) return fileRead;
  const call = functionCall(text);
  if (call && scope.parsed.has(call.arg)) {
    const arg = resolveTree(scope.parsed.get(call.arg), scope, depth + 1);
    if (call.fn === "base64encode") {
      return typeof arg.body === "string"
        ? { written: arg.written, body: arg.body, refs: arg.refs }
        : unresolvedBound(`\${${text}}`, arg.refs);
    }
    if (call.fn === "tomap" || call.fn === "jsonencode") return arg;
    return { written: arg.written, body: Array.isArray(arg.body) ? arg.body : UNRESOLVED, refs: arg.refs };
  }
  return unresolvedBound(`\${${text}}`, references(text, scope, depth));
}

/**
 * `file("${path.module}/policy.json")` / `templatefile(…, { bucket = … })` of a JSON file the analysis holds:
 * the document, its statements remembering their lines in that file. Undefined when the expression is no such
 * call; unresolved when the file is not there or is not JSON.
 */
function readFileCall(text: string, scope: Scope, depth: number): Bound | undefined {
  const call = fileCall(text);
  if (!call) return undefined;
  const where = filePathOf(call.path, (expr) => {
    const b = evaluate(expr, scope, depth + 1);
    return typeof b.body === "string" || typeof b.body === "number" ? String(b.body) : undefined;
  });
  const path = where && joinPath(where.base === "module" ? scope.dir : scope.rootDir, where.relative);
  const content = path === undefined ? undefined : scope.files.get(path);
  if (path === undefined || content === undefined)
    return unresolvedBound(`\${${text}}`, references(text, scope, depth));
  scope.read.add(path);
  let refs: string[] = [];
  let rendered = content;
  if (call.fn === "templatefile") {
    const vars =
      call.vars !== undefined && scope.parsed.has(call.vars)
        ? resolveTree(scope.parsed.get(call.vars), scope, depth + 1)
        : undefined;
    refs = vars?.refs ?? references(call.vars ?? "", scope, depth);
    rendered = renderTemplate(content, vars && isRecord(vars.body) ? vars.body : {});
  }
  const document = jsonDocument(path, rendered);
  return document === undefined ? unresolvedBound(`\${${text}}`, refs) : { written: document, body: document, refs };
}

function local(name: string, scope: Scope, depth: number): Bound | undefined {
  const cached = scope.localCache.get(name);
  if (cached) return cached;
  if (!(name in scope.locals) || scope.localStack.has(name)) return undefined;
  scope.localStack.add(name);
  const bound = resolveTree(scope.locals[name], scope, depth + 1);
  scope.localStack.delete(name);
  scope.localCache.set(name, bound);
  return bound;
}

/** `.attr`, `[0]`, `["key"]` on an evaluated value. */
function select(base: Bound, accessors: string, text: string): Bound {
  let body = base.body;
  let written = base.written;
  for (const m of accessors.matchAll(/\.([A-Za-z_][\w-]*)|\[(\d+)\]|\["([^"]*)"\]/g)) {
    const key = m[1] ?? m[3] ?? Number(m[2]);
    const next = (v: unknown): unknown => {
      if (Array.isArray(v) && typeof key === "number") return v[key];
      if (isRecord(v) && typeof key === "string") return v[key];
      return undefined;
    };
    body = isUnresolved(body) ? UNRESOLVED : next(body);
    written = next(written);
    if (body === undefined) return unresolvedBound(`\${${text}}`, base.refs);
  }
  return { written: isUnresolved(body) ? `\${${text}}` : written, body, refs: base.refs };
}

const REFERENCE =
  /(?<![\w.-])(module\.[\w-]+\.[\w-]+|module\.[\w-]+|var\.[\w-]+|local\.[\w-]+|[a-z][a-z0-9]*_[\w-]+\.[A-Za-z_][\w-]*)/g;

/** Node ids an expression depends on, through variables, locals and module outputs. */
export function references(expr: string, scope: Scope, depth = 0): string[] {
  const refs = new Set<string>();
  const code = expr.replace(/"(?:[^"\\]|\\.)*"/g, (s) => (s.includes("${") ? s : '""'));
  for (const m of code.matchAll(REFERENCE)) {
    const ref = m[1]!;
    if (ref.startsWith("var.")) {
      for (const r of scope.vars.get(ref.slice(4))?.refs ?? []) refs.add(r);
    } else if (ref.startsWith("local.")) {
      for (const r of local(ref.slice(6), scope, depth + 1)?.refs ?? []) refs.add(r);
    } else if (ref.startsWith("module.")) {
      const [, name, out] = ref.split(".");
      const outputs = scope.modules.get(name!);
      if (!outputs) continue;
      const picked = out ? [outputs.get(out)] : [...outputs.values()];
      for (const b of picked) for (const r of b?.refs ?? []) refs.add(r);
    } else if (scope.resources.has(ref)) {
      refs.add(scope.prefix + ref);
    }
  }
  return [...refs];
}

/** Splits a template string into literal text and `${…}` expressions (`$${` is a literal `${`). */
function templateParts(text: string): Array<{ literal: string } | { expr: string }> | undefined {
  const parts: Array<{ literal: string } | { expr: string }> = [];
  let buffer = "";
  let i = 0;
  while (i < text.length) {
    if (text.startsWith("$${", i) || text.startsWith("%%{", i)) {
      buffer += text.slice(i + 1, i + 3);
      i += 3;
    } else if (text.startsWith("${", i)) {
      const end = closing(text, i + 2);
      if (end < 0) return undefined;
      if (buffer) parts.push({ literal: buffer });
      buffer = "";
      parts.push({ expr: text.slice(i + 2, end) });
      i = end + 1;
    } else if (text.startsWith("%{", i)) {
      return undefined;
    } else {
      buffer += text[i];
      i += 1;
    }
  }
  if (buffer) parts.push({ literal: buffer });
  return parts;
}

function closing(text: string, from: number): number {
  let depth = 0;
  let quoted = false;
  for (let i = from; i < text.length; i++) {
    const c = text[i];
    if (quoted) {
      if (c === "\\") i += 1;
      else if (c === '"') quoted = false;
      continue;
    }
    if (c === '"') quoted = true;
    else if (c === "{") depth += 1;
    else if (c === "}") {
      if (depth === 0) return i;
      depth -= 1;
    }
  }
  return -1;
}

function isScalar(v: unknown): v is string | number | boolean {
  return typeof v === "string" || typeof v === "number" || typeof v === "boolean";
}

/** Evaluates a string as hcl2json renders it: literal text with `${…}` interpolations. */
export function resolveString(text: string, scope: Scope, depth = 0): Bound {
  if (!text.includes("${") && !text.includes("%{")) return literal(text);
  const parts = templateParts(text);
  if (!parts) return unresolvedBound(text, references(text, scope, depth));
  const only = parts.length === 1 ? parts[0]! : undefined;
  if (only && "expr" in only) return evaluate(only.expr, scope, depth + 1);
  let out = "";
  let ok = true;
  const refs: string[] = [];
  for (const part of parts) {
    if ("literal" in part) {
      out += part.literal;
      continue;
    }
    const b = evaluate(part.expr, scope, depth + 1);
    refs.push(...b.refs);
    if (isScalar(b.body)) out += String(b.body);
    else ok = false;
  }
  if (ok) return { written: out, body: out, refs };
  // A JSON document with a few interpolations inside its strings (a heredoc policy) stays readable.
  let body: unknown = UNRESOLVED;
  if (/^\s*[{[]/.test(text)) {
    try {
      body = JSON.parse(text) as unknown;
    } catch {
      body = UNRESOLVED;
    }
  }
  return { written: text, body, refs };
}

/** Evaluates every string of a parsed value; `onRef` hears each reference with the path it was found at. */
export function resolveTree(
  value: unknown,
  scope: Scope,
  depth = 0,
  path = "",
  onRef?: (ref: string, path: string) => void,
): Bound {
  if (depth > MAX_DEPTH) return unresolvedBound(value);
  if (typeof value === "string") {
    const b = resolveString(value, scope, depth);
    if (onRef) for (const r of b.refs) onRef(r, path);
    return b;
  }
  if (Array.isArray(value)) {
    const items = value.map((v, i) => resolveTree(v, scope, depth + 1, path ? `${path}.${i}` : String(i), onRef));
    return { written: items.map((b) => b.written), body: items.map((b) => b.body), refs: items.flatMap((b) => b.refs) };
  }
  if (isRecord(value)) {
    const written: Record<string, unknown> = {};
    const body: Record<string, unknown> = {};
    const refs: string[] = [];
    for (const [k, v] of Object.entries(value)) {
      const b = resolveTree(v, scope, depth + 1, path ? `${path}.${k}` : k, onRef);
      written[k] = b.written;
      body[k] = b.body;
      refs.push(...b.refs);
    }
    return { written, body, refs };
  }
  return literal(value);
}

/** Every `fn(arg)` call that is a whole expression somewhere in a parsed value, for parsing ahead. */
export function collectCalls(value: unknown, out: Set<string>, depth = 0): void {
  if (depth > MAX_DEPTH) return;
  if (typeof value === "string") {
    if (!value.includes("(")) return;
    const parts = templateParts(value);
    for (const part of parts ?? []) {
      if (!("expr" in part)) continue;
      const call = functionCall(part.expr);
      if (call) out.add(call.arg);
      const vars = fileCall(part.expr)?.vars;
      if (vars !== undefined) out.add(vars);
    }
  } else if (Array.isArray(value)) {
    for (const v of value) collectCalls(v, out, depth + 1);
  } else if (isRecord(value)) {
    for (const v of Object.values(value)) collectCalls(v, out, depth + 1);
  }
}
