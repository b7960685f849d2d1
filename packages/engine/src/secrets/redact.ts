import type { ResourceGraph, SecretFinding, SourceFile } from "../graph/types.ts";
import { scanString } from "./detect.ts";

export interface RedactResult {
  files: SourceFile[];
  graph: ResourceGraph;
  /** Distinct secret values replaced. */
  count: number;
}

const WORD = "A-Za-z0-9_\\-";

function escapeRegex(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
}

/**
 * A secret value as it may be written: as is, JSON-escaped, and with any whitespace in between its parts
 * (a PEM key indented in a YAML block). Bounded by non-word characters so that the password `admin` does not
 * eat `cluster-admin`.
 */
export function valueRegex(value: string): RegExp {
  const variants = new Set<string>();
  const parts = value.split(/\s+/).filter(Boolean).map(escapeRegex);
  variants.add(parts.join("\\s+"));
  const json = JSON.stringify(value).slice(1, -1);
  if (json !== value) variants.add(escapeRegex(json).replace(/\\\\n/g, "(?:\\\\n|\\s)+"));
  const body = [...variants].sort((a, b) => b.length - a.length).join("|");
  return new RegExp(`(?<![${WORD}])(?:${body})(?![${WORD}])`, "g");
}

/** Stable placeholders: numbered per kind in the order the (sorted) findings list them. */
function placeholders(secrets: readonly SecretFinding[]): Map<string, string> {
  const counters = new Map<string, number>();
  const byValue = new Map<string, string>();
  for (const secret of secrets) {
    const key = secret.value.replace(/\s+/g, "");
    if (!key || byValue.has(key)) continue;
    const n = (counters.get(secret.kind) ?? 0) + 1;
    counters.set(secret.kind, n);
    byValue.set(key, `«REDACTED:${secret.kind}:${n}»`);
  }
  return byValue;
}

/**
 * Replaces every hard-coded secret by a stable placeholder (`«REDACTED:password:1»`), in the files' text and
 * in a copy of the graph (ids, properties, attributes and the secret findings themselves), before anything is
 * sent to a model. The secrets are those of `graph.facts.secrets`, plus any secret shape found again while
 * redacting (a key written twice with different indentation).
 */
export function redact(files: readonly SourceFile[], graph: ResourceGraph): RedactResult {
  const secrets = graph.facts.secrets;
  const table = placeholders(secrets);
  const patterns = [...table.entries()]
    .map(([key, placeholder]) => {
      const original = secrets.find((s) => s.value.replace(/\s+/g, "") === key)?.value ?? key;
      return { regex: valueRegex(original), placeholder, length: original.length };
    })
    .sort((a, b) => b.length - a.length);
  const extra = new Map<string, number>();

  const redactString = (text: string): string => {
    let out = text;
    for (const { regex, placeholder } of patterns) {
      regex.lastIndex = 0;
      out = out.replace(regex, placeholder);
    }
    for (const hit of scanString(out)) {
      if (hit.value.startsWith("«REDACTED:")) continue;
      const key = hit.value.replace(/\s+/g, "");
      let placeholder = table.get(key);
      if (!placeholder) {
        const n = (extra.get(hit.kind) ?? 0) + 1;
        extra.set(hit.kind, n);
        placeholder = `«REDACTED:${hit.kind}:x${n}»`;
        table.set(key, placeholder);
      }
      out = out.split(hit.value).join(placeholder);
    }
    return out;
  };

  const walk = (value: unknown, depth: number): unknown => {
    if (typeof value === "string") return redactString(value);
    if (depth > 200) return null;
    if (Array.isArray(value)) return value.map((v) => walk(v, depth + 1));
    if (value !== null && typeof value === "object") {
      return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, walk(v, depth + 1)]));
    }
    return value;
  };

  const redactedFiles = files.map((f) => ({ path: f.path, content: redactString(f.content) }));
  const redactedGraph: ResourceGraph = {
    nodes: walk(graph.nodes, 0) as ResourceGraph["nodes"],
    edges: walk(graph.edges, 0) as ResourceGraph["edges"],
    facts: {
      exposures: walk(graph.facts.exposures, 0) as ResourceGraph["facts"]["exposures"],
      dataStores: walk(graph.facts.dataStores, 0) as string[],
      identities: walk(graph.facts.identities, 0) as string[],
      secrets: secrets.map((s) => ({
        ...s,
        path: redactString(s.path),
        value: table.get(s.value.replace(/\s+/g, "")) ?? "«REDACTED»",
      })),
    },
  };
  return { files: redactedFiles, graph: redactedGraph, count: table.size };
}
