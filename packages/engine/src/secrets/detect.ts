import { pushTo } from "../collections.ts";
import type { GraphNode, SecretFinding, SourceFile } from "../graph/types.ts";
import {
  isPlaceholder,
  isSecretKey,
  SCRIPT_PATTERNS,
  VALUE_PATTERNS,
  type SecretKind,
  type ValuePattern,
} from "./patterns.ts";

/** Longest string the detectors look into; longer values are cut so a hostile file stays cheap. */
const MAX_SCAN = 200_000;

interface Hit {
  kind: SecretKind;
  value: string;
  index: number;
}

function connectionPassword(url: string): string | undefined {
  const m = /^[a-z][a-z0-9+.-]*:\/\/[^:/@]*:([^@]*)@/i.exec(url);
  return m?.[1];
}

/**
 * Published sample credentials, exactly (the AWS documentation's example key pair, jwt.io's sample token):
 * they appear in docs and examples everywhere and grant nothing.
 */
const SAMPLES = new Set([
  "AKIAIOSFODNN7EXAMPLE",
  "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY",
  "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJzdWIiOiIxMjM0NTY3ODkwIiwibmFtZSI6IkpvaG4gRG9lIiwiaWF0IjoxNTE2MjM5MDIyfQ.SflKxwRJSMeKKF2QT4fwpMeJf36POk6yJV_adQssw5c",
]);

function isSample(value: string): boolean {
  return SAMPLES.has(value);
}

/**
 * The kind of a published sample credential written in a credential field (`access_key = "AKIAIOSFODNN7EXAMPLE"`):
 * it grants nothing, but a credential field holding a literal key is the weakness, and the next commit puts
 * a real key where the sample was.
 */
function sampleKind(key: string, value: string): SecretKind | undefined {
  if (!isSample(value)) return undefined;
  // `AWS_ACCESS_KEY_ID`: a key id is not a secret on its own, but a credential field all the same.
  if (
    !isSecretKey(key) &&
    !key
      .toLowerCase()
      .replace(/[^a-z0-9]/g, "")
      .includes("accesskey")
  )
    return undefined;
  if (/^AKIA/.test(value)) return "aws-access-key";
  return kindForKey(key, value) === "generic" && /^[A-Za-z0-9/+]{40}$/.test(value)
    ? "aws-secret-key"
    : kindForKey(key, value);
}

function runPatterns(text: string, patterns: readonly ValuePattern[]): Hit[] {
  const hits: Hit[] = [];
  const input = text.length > MAX_SCAN ? text.slice(0, MAX_SCAN) : text;
  for (const pattern of patterns) {
    pattern.regex.lastIndex = 0;
    for (const match of input.matchAll(pattern.regex)) {
      const value = match[pattern.group];
      if (!value || isSample(value)) continue;
      if (pattern.kind === "connection-string") {
        const password = connectionPassword(value);
        if (password === undefined || isPlaceholder(password) || password.length < 3) continue;
      } else if (pattern.kind !== "private-key" && pattern.kind !== "aws-access-key" && isPlaceholder(value)) {
        continue;
      }
      const offset = match.index + (pattern.group === 0 ? 0 : match[0].indexOf(value));
      hits.push({ kind: pattern.kind, value, index: offset });
    }
  }
  return hits;
}

/** Secrets recognisable from their shape alone (keys, tokens, connection strings), plus script assignments. */
export function scanString(text: string): Hit[] {
  const hits = runPatterns(text, VALUE_PATTERNS);
  if (/\n|;|&&/.test(text) || /^[A-Z0-9_]+=/.test(text) || text.includes("--"))
    hits.push(...runPatterns(text, SCRIPT_PATTERNS));
  return hits;
}

/**
 * Offsets where each line of a text starts, so a line number costs a binary search instead of a walk from the
 * start of the file (a walk per finding was quadratic in a large template with many findings).
 */
class LineIndex {
  private readonly starts: number[] = [0];
  constructor(readonly text: string) {
    for (let i = text.indexOf("\n"); i >= 0; i = text.indexOf("\n", i + 1)) this.starts.push(i + 1);
  }
  /** 1-based line of an offset. */
  lineAt(index: number): number {
    let lo = 0;
    let hi = this.starts.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (this.starts[mid]! <= index) lo = mid;
      else hi = mid - 1;
    }
    return lo + 1;
  }
  /** Offset of the start of a 1-based line (the end of the text past the last line). */
  offsetOf(line: number): number {
    return line < 1 ? 0 : (this.starts[line - 1] ?? this.text.length);
  }
}

/**
 * `key: value`, `"key": "value",` and `key = "value"` on one line, for keys that name secrets. A key may be
 * namespaced (`token.actions.githubusercontent.com:aud: sts.amazonaws.com`, an IAM condition key): the longest
 * key that a separator follows wins, so its first part is not read as the key and the rest as the value. The
 * parts cannot hold colons, so trying shorter keys backtracks at most a few steps.
 */
const KEY_VALUE =
  /^[ \t]*-?[ \t]*["']?([A-Za-z0-9_.-]{1,100}(?::[A-Za-z0-9_.-]{1,100}){0,4})["']?[ \t]*([:=])[ \t]*(["']?)([^\s"'#|>!{[&*][^"'\n]{0,300}?)\3[ \t]*,?(?:[ \t]+#.*)?[ \t]*$/gm;
/** Unquoted HCL and shell values that are expressions, not literals. */
const EXPRESSION = /^(var|local|module|data|each|count|self|path|terraform)\.|^[a-z_]+\(|^(true|false|null)$/;

function keyValueHits(text: string): Hit[] {
  const hits: Hit[] = [];
  const input = text.length > MAX_SCAN ? text.slice(0, MAX_SCAN) : text;
  KEY_VALUE.lastIndex = 0;
  for (const m of input.matchAll(KEY_VALUE)) {
    const key = m[1] ?? "";
    const separator = m[2] ?? ":";
    const quote = m[3] ?? "";
    const value = (m[4] ?? "").trim();
    // Unquoted after `=` is an HCL expression (`random_password.db.result`), not a literal.
    if (!quote && (separator === "=" || EXPRESSION.test(value))) continue;
    const sample = sampleKind(key, value);
    if (sample) {
      hits.push({ kind: sample, value, index: m.index + m[0].indexOf(value) });
      continue;
    }
    if (!isSecretKey(key) || isPlaceholder(value) || isSample(value)) continue;
    hits.push({ kind: kindForKey(key, value), value, index: m.index + m[0].indexOf(value) });
  }
  return hits;
}

/**
 * `password = var.use_literal ? "s3cr3t" : null` (HCL): a literal in either branch of a conditional counts at
 * its worst case, whatever the condition evaluates to by default.
 */
const CONDITIONAL = /^[ \t]*([A-Za-z0-9_.-]{1,100})[ \t]*=[ \t]*[^"\n?]{1,200}\?[ \t]*([^\n]{1,400})$/gm;

function conditionalHits(text: string): Hit[] {
  const hits: Hit[] = [];
  const input = text.length > MAX_SCAN ? text.slice(0, MAX_SCAN) : text;
  CONDITIONAL.lastIndex = 0;
  for (const m of input.matchAll(CONDITIONAL)) {
    const key = m[1] ?? "";
    if (!isSecretKey(key)) continue;
    for (const literal of (m[2] ?? "").matchAll(/"((?:[^"\\$]|\\.){4,300})"/g)) {
      const value = literal[1]!;
      if (isPlaceholder(value) || isSample(value)) continue;
      hits.push({ kind: kindForKey(key, value), value, index: m.index + m[0].indexOf(literal[0]) + 1 });
    }
  }
  return hits;
}

/** Raw-text detection: catches secrets in comments, scripts and anything a parser did not turn into a node. */
export function detectInText(file: SourceFile): SecretFinding[] {
  const hits = scanString(file.content);
  const covered = (h: Hit): boolean =>
    hits.some((o) => o.index <= h.index && o.index + o.value.length >= h.index + h.value.length);
  for (const hit of keyValueHits(file.content)) if (!covered(hit)) hits.push(hit);
  if (/\.tf$/i.test(file.path)) for (const hit of conditionalHits(file.content)) if (!covered(hit)) hits.push(hit);
  const index = new LineIndex(file.content);
  return hits.map((hit) => {
    const line = index.lineAt(hit.index);
    return { file: file.path, line, nodeId: null, path: `line ${line}`, kind: hit.kind, value: hit.value };
  });
}

interface Leaf {
  path: string;
  key: string;
  value: string;
}

/** Every string in a node's properties, with its dotted path and the key that names it. */
function leaves(value: unknown, path: string, key: string, out: Leaf[], depth: number): void {
  if (depth > 80 || out.length > 50_000) return;
  if (typeof value === "string") {
    out.push({ path, key, value });
  } else if (Array.isArray(value)) {
    value.forEach((item, i) => leaves(item, path ? `${path}.${i}` : String(i), key, out, depth + 1));
  } else if (value !== null && typeof value === "object") {
    const record = value as Record<string, unknown>;
    // `{ name: DB_PASSWORD, value: "…" }` (Kubernetes env, ECS Environment): the name is the key.
    const nameKey = ["name", "Name"].find((k) => typeof record[k] === "string");
    const valueKey = ["value", "Value"].find((k) => typeof record[k] === "string");
    for (const [k, v] of Object.entries(record)) {
      const named = nameKey && valueKey === k ? (record[nameKey] as string) : k;
      leaves(v, path ? `${path}.${k}` : k, named, out, depth + 1);
    }
  }
}

export function kindForKey(key: string, value: string): SecretKind {
  const norm = key.toLowerCase().replace(/[^a-z0-9]/g, "");
  if (norm.includes("secretaccesskey") || (norm.includes("secretkey") && /^[A-Za-z0-9/+]{40}$/.test(value)))
    return "aws-secret-key";
  if (norm.includes("password") || norm.includes("passwd") || norm.includes("pwd") || norm.includes("passphrase"))
    return "password";
  if (norm.includes("token") || norm.includes("apikey")) return "token";
  return "generic";
}

/**
 * The line of a secret: where its value is written at or after its property's line (a value inside a
 * multi-line script sits below its key), else the property's line, else the node's.
 */
function findLine(
  node: GraphNode,
  contents: { get(path: string): LineIndex | undefined },
  path: string,
  value: string,
): number | null {
  let p = path;
  let base: number | undefined;
  while (p && base === undefined) {
    base = node.propertyLines[p];
    const cut = p.lastIndexOf(".");
    p = cut < 0 ? "" : p.slice(0, cut);
  }
  const start = base ?? node.line ?? 1;
  const lines = contents.get(node.file);
  const first = (value.split("\n")[0] ?? value).trim();
  if (lines && first) {
    const index = lines.text.indexOf(first, lines.offsetOf(start));
    if (index >= 0) return lines.lineAt(index);
  }
  return base ?? node.line;
}

/** Node-level detection: secret-named keys with literal values, and secret shapes inside any string. */
export function detectInNodes(nodes: readonly GraphNode[], files: readonly SourceFile[]): SecretFinding[] {
  const byPath = new Map(files.map((f) => [f.path, f]));
  const indexes = new Map<string, LineIndex>();
  const contents = {
    get(path: string): LineIndex | undefined {
      let index = indexes.get(path);
      if (index) return index;
      const file = byPath.get(path);
      if (!file) return undefined;
      index = new LineIndex(file.content);
      indexes.set(path, index);
      return index;
    },
  };
  const found: SecretFinding[] = [];
  for (const node of nodes) {
    const all: Leaf[] = [];
    leaves(node.properties, "", "", all, 0);
    for (const leaf of all) {
      const add = (kind: SecretKind, value: string): void => {
        found.push({
          file: node.file,
          line: findLine(node, contents, leaf.path, value),
          nodeId: node.id,
          path: leaf.path,
          kind,
          value,
        });
      };
      const shaped = scanString(leaf.value);
      for (const hit of shaped) add(hit.kind, hit.value);
      // Annotations such as `nginx.ingress.kubernetes.io/auth-secret: basic-auth` name a Secret object.
      const namesObject =
        /(^|\.)(annotations|labels)\./.test(leaf.path) && /^[a-z0-9]([-a-z0-9.]{0,251}[a-z0-9])?$/.test(leaf.value);
      const sample = leaf.key ? sampleKind(leaf.key, leaf.value) : undefined;
      if (sample && shaped.length === 0) add(sample, leaf.value);
      else if (
        shaped.length === 0 &&
        !namesObject &&
        leaf.key &&
        isSecretKey(leaf.key) &&
        !isPlaceholder(leaf.value) &&
        !isSample(leaf.value) &&
        !leaf.value.includes("\n")
      ) {
        add(kindForKey(leaf.key, leaf.value), leaf.value);
      }
    }
  }
  return found;
}

const KIND_RANK: Record<SecretKind, number> = {
  "private-key": 0,
  "aws-access-key": 1,
  "aws-secret-key": 2,
  token: 3,
  "connection-string": 4,
  "noecho-default": 5,
  password: 6,
  generic: 7,
};

function normalized(value: string): string {
  return value.replace(/\s+/g, "");
}

/**
 * Every hard-coded secret in a set of files: what the parsers reported (CloudFormation `NoEcho` defaults,
 * Kubernetes Secret data), what node properties hold, and what the raw text shows. One finding per file and
 * value; a finding tied to a node wins over a text-only one. Text-only findings are attached to the node whose
 * properties hold the value; the others stay on the file (`nodeId: null`).
 */
export function detectSecrets(
  files: readonly SourceFile[],
  nodes: readonly GraphNode[],
  reported: readonly SecretFinding[] = [],
): SecretFinding[] {
  const fromNodes = detectInNodes(nodes, files);
  const fromText = files.flatMap(detectInText);
  const byKey = new Map<string, SecretFinding>();
  const nodesByFile = new Map<string, GraphNode[]>();
  for (const node of nodes) pushTo(nodesByFile, node.file, node);

  for (const finding of [...reported, ...fromNodes, ...fromText]) {
    const key = `${finding.file}\u0000${normalized(finding.value)}`;
    const seen = byKey.get(key);
    if (!seen) {
      byKey.set(key, { ...finding });
      continue;
    }
    if (seen.nodeId === null && finding.nodeId !== null) {
      byKey.set(key, { ...finding, kind: KIND_RANK[seen.kind] < KIND_RANK[finding.kind] ? seen.kind : finding.kind });
    } else if (KIND_RANK[finding.kind] < KIND_RANK[seen.kind] && seen.kind !== "noecho-default") {
      seen.kind = finding.kind;
    }
  }

  // A value that is only a part of a longer secret on the same line (a password inside a connection string)
  // is the same secret.
  const byLine = new Map<string, SecretFinding[]>();
  for (const f of byKey.values()) {
    const key = `${f.file}\u0000${f.line ?? ""}`;
    pushTo(byLine, key, f);
  }
  const kept = [...byLine.values()].flatMap((group) =>
    group.filter((f) => !group.some((o) => o !== f && o.value.length > f.value.length && o.value.includes(f.value))),
  );

  // A text-only finding belongs to the node whose properties hold the value (a value the key/value walk did
  // not flag); anything else (comments, Terraform locals, parameters) is reported on the file itself.
  const serialized = new Map<GraphNode, string>();
  for (const finding of kept) {
    if (finding.nodeId !== null) continue;
    const holder = (nodesByFile.get(finding.file) ?? []).find((n) => {
      let text = serialized.get(n);
      if (text === undefined) {
        text = JSON.stringify(n.properties) ?? "";
        serialized.set(n, text);
      }
      return text.includes(JSON.stringify(finding.value).slice(1, -1));
    });
    if (holder) finding.nodeId = holder.id;
  }

  return kept.sort(
    (a, b) =>
      a.file.localeCompare(b.file) ||
      (a.line ?? 0) - (b.line ?? 0) ||
      a.path.localeCompare(b.path) ||
      a.kind.localeCompare(b.kind) ||
      a.value.localeCompare(b.value),
  );
}
