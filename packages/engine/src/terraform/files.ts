import { loadStructured } from "../core/structured.ts";
import { STATEMENT_SOURCE, type StatementSource } from "../aws/policy.ts";
import { isRecord } from "../aws/values.ts";

/**
 * `file("…")` and `templatefile("…", {…})` of a local file: Terraform reads the file at plan time, so a policy
 * written as `policy = file("${path.module}/policy.json")` is the JSON document in that file. The engine never
 * reads a disk: the CLI and the worker hand it the files a module names (see `localFileRefs`).
 */

/** `file(path)` / `templatefile(path, vars)` as a whole expression: the path and vars argument texts. */
export function fileCall(expr: string): { fn: "file" | "templatefile"; path: string; vars?: string } | undefined {
  const m = /^(file|templatefile)\(([\s\S]*)\)$/.exec(expr.trim());
  if (!m) return undefined;
  const args = splitArguments(m[2]!);
  if (!args || args.length === 0) return undefined;
  if (m[1] === "file") return args.length === 1 ? { fn: "file", path: args[0]! } : undefined;
  return args.length === 2 ? { fn: "templatefile", path: args[0]!, vars: args[1]! } : undefined;
}

/** Top-level comma-separated arguments of a call, or undefined when the brackets do not balance. */
function splitArguments(text: string): string[] | undefined {
  const out: string[] = [];
  let depth = 0;
  let quoted = false;
  let start = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (quoted) {
      if (c === "\\") i += 1;
      else if (c === '"') quoted = false;
      continue;
    }
    if (c === '"') quoted = true;
    else if (c === "(" || c === "[" || c === "{") depth += 1;
    else if (c === ")" || c === "]" || c === "}") depth -= 1;
    else if (c === "," && depth === 0) {
      out.push(text.slice(start, i).trim());
      start = i + 1;
    }
    if (depth < 0) return undefined;
  }
  if (depth !== 0 || quoted) return undefined;
  const last = text.slice(start).trim();
  if (last !== "") out.push(last);
  return out;
}

/** `path.module`, `path.root`, `path.cwd` as written in a file path (`"${path.module}/policy.json"`). */
const PATH_PREFIX = /^\$\{\s*path\.(module|root|cwd)\s*\}\/?/;

/**
 * The file a path argument names, relative to the module's folder, when it is a literal string (maybe starting
 * with `${path.module}`); `resolve` evaluates other interpolations (`${var.name}`) to text or undefined.
 */
export function filePathOf(
  arg: string,
  resolve: (expr: string) => string | undefined,
): { base: "module" | "root"; relative: string } | undefined {
  const m = /^"((?:[^"\\]|\\.)*)"$/.exec(arg.trim());
  if (!m) return undefined;
  let text = m[1]!;
  const prefix = PATH_PREFIX.exec(text);
  const base = prefix?.[1] === "module" ? "module" : "root";
  if (prefix) text = text.slice(prefix[0].length);
  let out = "";
  for (let i = 0; i < text.length;) {
    if (text.startsWith("${", i)) {
      const end = text.indexOf("}", i);
      if (end < 0) return undefined;
      const value = resolve(text.slice(i + 2, end));
      if (value === undefined) return undefined;
      out += value;
      i = end + 1;
    } else {
      out += text[i];
      i += 1;
    }
  }
  return out === "" || out.startsWith("/") ? undefined : { base, relative: out };
}

/**
 * Renders a template's `${name}` / `${jsonencode(name)}` interpolations whose vars have a value. One without a
 * value stays `${…}` text (inside a JSON string), so the document still parses and reads as naming something
 * specific. Directives (`%{ for }`) are not rendered: such a document stays unknown.
 */
export function renderTemplate(text: string, vars: Record<string, unknown>): string {
  let out = "";
  let inString = false;
  for (let i = 0; i < text.length;) {
    const c = text[i]!;
    if (c === "$" && text[i + 1] === "{") {
      const end = text.indexOf("}", i + 2);
      if (end < 0) return text;
      const expr = text.slice(i + 2, end).trim();
      i = end + 1;
      const call = /^jsonencode\(\s*([A-Za-z_][\w-]*)\s*\)$/.exec(expr);
      const name = call ? call[1]! : expr;
      const value = /^[A-Za-z_][\w-]*$/.test(name) && name in vars ? vars[name] : undefined;
      let rendered: string | undefined;
      if (call && value !== undefined && isJsonValue(value)) rendered = JSON.stringify(value);
      else if (!call && isScalar(value)) rendered = inString ? String(value) : JSON.stringify(value);
      if (inString) out += escapeJson(rendered ?? `\${${expr}}`);
      else out += rendered ?? JSON.stringify(`\${${expr}}`);
      continue;
    }
    if (inString && c === "\\") {
      out += text.slice(i, i + 2);
      i += 2;
      continue;
    }
    if (c === '"') inString = !inString;
    out += c;
    i += 1;
  }
  return out;
}

function escapeJson(text: string): string {
  return JSON.stringify(text).slice(1, -1);
}

function isScalar(value: unknown): value is string | number | boolean {
  return typeof value === "string" || typeof value === "number" || typeof value === "boolean";
}

/** A value made only of JSON (no unresolved markers): what `jsonencode` can render. */
function isJsonValue(value: unknown, depth = 0): boolean {
  if (depth > 32) return false;
  if (value === null || isScalar(value)) return true;
  if (Array.isArray(value)) return value.every((v) => isJsonValue(v, depth + 1));
  if (isRecord(value) && !("unresolved" in value)) return Object.values(value).every((v) => isJsonValue(v, depth + 1));
  return false;
}

/**
 * A JSON document read from a file, its policy statements remembering their line in that file (evidence on a
 * statement of `policy.json`, not on the `policy = file(…)` line). Undefined when the text is not JSON.
 */
export function jsonDocument(path: string, text: string): unknown {
  if (!/^\s*[{[]/.test(text)) return undefined;
  const loaded = loadStructured(text, { maxDepth: 64 });
  if (!loaded.ok || loaded.documents.length !== 1) return undefined;
  const doc = loaded.documents[0]!;
  const value = doc.value;
  if (isRecord(value)) {
    const statement = value.Statement;
    const items = Array.isArray(statement) ? statement : isRecord(statement) ? [statement] : [];
    items.forEach((s, i) => {
      if (!isRecord(s)) return;
      const where: StatementSource = {
        file: path,
        line: (Array.isArray(statement) ? doc.lineOf(["Statement", i]) : doc.lineOf(["Statement"])) ?? doc.line,
        path: Array.isArray(statement) ? `Statement.${i}` : "Statement",
      };
      Object.defineProperty(s, STATEMENT_SOURCE, { value: where, enumerable: false });
    });
  }
  return value;
}
