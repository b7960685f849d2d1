import { loadStructured } from "../core/structured.ts";
import { isRecord } from "../aws/values.ts";

/**
 * Source positions for HCL, which HashiCorp's parser (as WebAssembly) does not give: a small tokenizer that
 * knows comments, strings with `${…}` interpolation and heredocs, and a walk over blocks and attributes that
 * records the 1-based line of every top-level block and of every property path inside it, named the way
 * `hcl2json` shapes the body (`ingress.0.cidr_blocks`, `tags.Name`, `dynamic.ingress.0.content.0`).
 */

export interface HclBlock {
  /** `["resource", "aws_s3_bucket", "data"]`, `["locals"]`, `["module", "net"]`. */
  labels: string[];
  line: number;
  /** Property path (relative to the block body) → line. */
  lines: Record<string, number>;
}

type TokenType = "ident" | "string" | "heredoc" | "number" | "punct" | "newline" | "other";

interface Token {
  type: TokenType;
  /** A heredoc's text is its content. */
  text: string;
  line: number;
}

function tokenize(text: string): Token[] {
  const tokens: Token[] = [];
  let line = 1;
  let i = 0;
  const n = text.length;
  const push = (type: TokenType, value: string, at: number): void => {
    tokens.push({ type, text: value, line: at });
  };
  while (i < n) {
    const c = text[i]!;
    if (c === "\n") {
      push("newline", "\n", line);
      line += 1;
      i += 1;
    } else if (c === " " || c === "\t" || c === "\r") {
      i += 1;
    } else if (c === "#" || (c === "/" && text[i + 1] === "/")) {
      while (i < n && text[i] !== "\n") i += 1;
    } else if (c === "/" && text[i + 1] === "*") {
      const end = text.indexOf("*/", i + 2);
      const stop = end < 0 ? n : end + 2;
      for (let j = i; j < stop; j++) if (text[j] === "\n") line += 1;
      i = stop;
    } else if (c === '"') {
      const start = line;
      const [end, lines, value] = readString(text, i);
      push("string", value, start);
      line += lines;
      i = end;
    } else if (c === "<" && text[i + 1] === "<" && /[-A-Za-z_]/.test(text[i + 2] ?? "")) {
      const m = /^<<-?([A-Za-z_][A-Za-z0-9_]*)[ \t]*\r?\n/.exec(text.slice(i, i + 200));
      if (!m) {
        push("other", "<", line);
        i += 1;
        continue;
      }
      const start = line;
      const marker = m[1]!;
      let j = i + m[0].length;
      const from = j;
      let to = j;
      line += 1;
      // The heredoc ends at a line holding only its marker.
      for (;;) {
        const eol = text.indexOf("\n", j);
        const content = text.slice(j, eol < 0 ? n : eol).trim();
        to = content === marker ? j : eol < 0 ? n : eol;
        if (content === marker || eol < 0) {
          j = eol < 0 ? n : eol;
          break;
        }
        line += 1;
        j = eol + 1;
      }
      push("heredoc", text.slice(from, to), start);
      i = j;
    } else if (/[A-Za-z_]/.test(c)) {
      let j = i + 1;
      while (j < n && /[A-Za-z0-9_-]/.test(text[j]!)) j += 1;
      push("ident", text.slice(i, j), line);
      i = j;
    } else if (/[0-9]/.test(c)) {
      let j = i + 1;
      while (j < n && /[0-9.eE+-]/.test(text[j]!)) j += 1;
      push("number", text.slice(i, j), line);
      i = j;
    } else if ("{}[]()=:,".includes(c)) {
      if (c === "=" && (text[i + 1] === "=" || text[i + 1] === ">")) {
        push("other", text.slice(i, i + 2), line);
        i += 2;
      } else {
        push("punct", c, line);
        i += 1;
      }
    } else {
      push("other", c, line);
      i += 1;
    }
  }
  return tokens;
}

/** Reads a quoted string from `start` (at `"`): its end, the newlines inside, and its text when simple. */
function readString(text: string, start: number): [number, number, string] {
  let i = start + 1;
  let lines = 0;
  let depth = 0;
  let value = "";
  while (i < text.length) {
    const c = text[i]!;
    if (c === "\\") {
      value += text[i + 1] ?? "";
      i += 2;
      continue;
    }
    if (c === "\n") lines += 1;
    if (depth === 0 && c === '"') return [i + 1, lines, value];
    if ((c === "$" || c === "%") && text[i + 1] === "{") {
      depth += 1;
      value += c + "{";
      i += 2;
      continue;
    }
    if (depth > 0 && c === "}") depth -= 1;
    if (depth > 0 && c === '"') {
      const [end, inner] = readString(text, i);
      lines += inner;
      value += text.slice(i, end);
      i = end;
      continue;
    }
    value += c;
    i += 1;
  }
  return [i, lines, value];
}

class Walker {
  private pos = 0;
  constructor(private readonly tokens: Token[]) {}

  private peek(offset = 0): Token | undefined {
    return this.tokens[this.pos + offset];
  }

  blocks(): HclBlock[] {
    const out: HclBlock[] = [];
    while (this.pos < this.tokens.length) {
      const t = this.peek()!;
      if (t.type !== "ident") {
        this.pos += 1;
        continue;
      }
      const labels = [t.text];
      let j = 1;
      while (this.peek(j) && (this.peek(j)!.type === "string" || this.peek(j)!.type === "ident")) {
        labels.push(this.peek(j)!.text);
        j += 1;
      }
      const next = this.peek(j);
      if (next?.type === "punct" && next.text === "{") {
        this.pos += j + 1;
        const lines: Record<string, number> = {};
        this.body("", lines);
        out.push({ labels, line: t.line, lines });
      } else if (next?.type === "punct" && next.text === "=") {
        this.pos += j + 1;
        this.expression("", {});
      } else {
        this.pos += 1;
      }
    }
    return out;
  }

  /** A block body, up to and including its closing brace. */
  private body(prefix: string, lines: Record<string, number>): void {
    const counts = new Map<string, number>();
    while (this.pos < this.tokens.length) {
      const t = this.peek()!;
      if (t.type === "punct" && t.text === "}") {
        this.pos += 1;
        return;
      }
      if (t.type !== "ident") {
        this.pos += 1;
        continue;
      }
      const labels: string[] = [];
      let j = 1;
      while (this.peek(j) && (this.peek(j)!.type === "string" || this.peek(j)!.type === "ident")) {
        labels.push(this.peek(j)!.text);
        j += 1;
      }
      const next = this.peek(j);
      if (next?.type === "punct" && next.text === "=" && labels.length === 0) {
        const path = join(prefix, t.text);
        lines[path] ??= t.line;
        this.pos += j + 1;
        this.expression(path, lines);
      } else if (next?.type === "punct" && next.text === "{") {
        const name = [t.text, ...labels].join(".");
        const index = counts.get(name) ?? 0;
        counts.set(name, index + 1);
        const base = join(prefix, name);
        lines[base] ??= t.line;
        lines[`${base}.${index}`] = t.line;
        this.pos += j + 1;
        this.body(`${base}.${index}`, lines);
      } else {
        this.pos += 1;
      }
    }
  }

  /**
   * An attribute's expression, to the end of its line (brackets may span lines). Objects record their keys, and
   * a JSON policy in a heredoc the lines of its statements.
   */
  private expression(path: string, lines: Record<string, number>): void {
    let depth = 0;
    while (this.pos < this.tokens.length) {
      const t = this.peek()!;
      if (t.type === "heredoc") heredocStatements(t, path, lines);
      if (t.type === "newline" && depth === 0) return;
      if (t.type === "punct" && t.text === "}" && depth === 0) return;
      if (t.type === "punct" && t.text === "{") {
        this.pos += 1;
        this.object(path, lines);
        continue;
      }
      if (t.type === "punct" && (t.text === "[" || t.text === "(")) depth += 1;
      if (t.type === "punct" && (t.text === "]" || t.text === ")")) depth = Math.max(0, depth - 1);
      this.pos += 1;
    }
  }

  /** An object expression `{ key = value … }`, after its opening brace, up to and including the closing one. */
  private object(path: string, lines: Record<string, number>): void {
    if (this.peek()?.type === "ident" && this.peek()!.text === "for") {
      this.skipBalanced();
      return;
    }
    let expectKey = true;
    let depth = 0;
    while (this.pos < this.tokens.length) {
      const t = this.peek()!;
      if (depth === 0 && t.type === "punct" && t.text === "}") {
        this.pos += 1;
        return;
      }
      if (depth === 0 && expectKey && (t.type === "ident" || t.type === "string")) {
        const sep = this.peek(1);
        if (sep?.type === "punct" && (sep.text === "=" || sep.text === ":")) {
          const key = join(path, t.text);
          lines[key] ??= t.line;
          this.pos += 2;
          expectKey = false;
          if (this.peek()?.type === "punct" && this.peek()!.text === "{") {
            this.pos += 1;
            this.object(key, lines);
          } else if (this.peek()?.type === "punct" && this.peek()!.text === "[") {
            this.pos += 1;
            this.array(key, lines);
          }
          continue;
        }
      }
      if (t.type === "newline" || (t.type === "punct" && t.text === ",")) {
        if (depth === 0) expectKey = true;
      } else if (t.type === "punct" && (t.text === "[" || t.text === "(" || t.text === "{")) {
        depth += 1;
      } else if (t.type === "punct" && (t.text === "]" || t.text === ")" || t.text === "}")) {
        depth -= 1;
      }
      this.pos += 1;
    }
  }

  /** A tuple `[ {…}, {…} ]` after its opening bracket: each object item's line as `path.<index>` (policy statements). */
  private array(path: string, lines: Record<string, number>): void {
    let index = 0;
    let depth = 0;
    while (this.pos < this.tokens.length) {
      const t = this.peek()!;
      if (t.type === "punct" && depth === 0 && t.text === "]") {
        this.pos += 1;
        return;
      }
      if (t.type === "punct" && depth === 0 && t.text === "{") {
        lines[`${path}.${index}`] ??= t.line;
        this.pos += 1;
        this.object(`${path}.${index}`, lines);
        continue;
      }
      if (t.type === "punct" && depth === 0 && t.text === ",") index += 1;
      else if (t.type === "punct" && (t.text === "[" || t.text === "(" || t.text === "{")) depth += 1;
      else if (t.type === "punct" && (t.text === "]" || t.text === ")" || t.text === "}")) depth -= 1;
      this.pos += 1;
    }
  }

  private skipBalanced(): void {
    let depth = 1;
    while (this.pos < this.tokens.length && depth > 0) {
      const t = this.peek()!;
      if (t.type === "punct" && (t.text === "{" || t.text === "[" || t.text === "(")) depth += 1;
      if (t.type === "punct" && (t.text === "}" || t.text === "]" || t.text === ")")) depth -= 1;
      this.pos += 1;
    }
  }
}

/** `policy = <<EOF { "Statement": [ … ] } EOF`: the lines of the document's statements, as `policy.Statement.<i>`. */
function heredocStatements(token: Token, path: string, lines: Record<string, number>): void {
  if (!/^\s*\{/.test(token.text) || !token.text.includes("Statement")) return;
  const loaded = loadStructured(token.text);
  if (!loaded.ok || loaded.documents.length !== 1) return;
  const doc = loaded.documents[0]!;
  const statement = isRecord(doc.value) ? doc.value.Statement : undefined;
  // The heredoc's content starts on the line after its `<<EOF`.
  const at = (line: number | undefined): number | undefined => (line === undefined ? undefined : token.line + line);
  const whole = at(doc.lineOf(["Statement"]));
  if (whole !== undefined) lines[join(path, "Statement")] ??= whole;
  if (!Array.isArray(statement)) return;
  statement.forEach((_, i) => {
    const line = at(doc.lineOf(["Statement", i]));
    if (line !== undefined) lines[join(path, `Statement.${i}`)] ??= line;
  });
}

function join(prefix: string, name: string): string {
  return prefix === "" ? name : `${prefix}.${name}`;
}

/**
 * Top-level blocks of an HCL file with their lines, and the deepest bracket nesting outside strings and
 * comments. Blocks are only walked when the nesting is within `maxDepth` (the walk recurses per level).
 */
export function scanHcl(text: string, maxDepth: number): { depth: number; blocks: HclBlock[] } {
  const tokens = tokenize(text);
  let depth = 0;
  let worst = 0;
  for (const t of tokens) {
    if (t.type !== "punct") continue;
    if (t.text === "{" || t.text === "[" || t.text === "(") worst = Math.max(worst, ++depth);
    else if (t.text === "}" || t.text === "]" || t.text === ")") depth = Math.max(0, depth - 1);
  }
  return { depth: worst, blocks: worst > maxDepth ? [] : new Walker(tokens).blocks() };
}
