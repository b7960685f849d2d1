import type { Threat } from "@threatline/domain";
import { isUnresolved, type GraphNode, type ResourceGraph } from "../graph/types.ts";
import { redact } from "../secrets/redact.ts";
import { estimateTokens } from "./tokens.ts";

export interface CompactOptions {
  /** Rule findings to summarise after the graph, so the model does not repeat them. */
  ruleThreats?: readonly Threat[];
  /** Longest string value kept; longer ones are cut (scripts, policies written as text). */
  maxString?: number;
}

export interface CompactGraph {
  text: string;
  tokens: number;
}

/** Keys that cost tokens and say nothing about security (or repeat the id, the kind or the location). */
const NOISE = /^(tags?|tagset|description|summary|metadata|labels|annotations|externaldocs|examples?|title|contact|license|info|deprecated|displayname|comment|documentation|operationid|line|path|podspecpath|name|namespace|requests|x-[a-z0-9-]*)$/i;

/** Keys whose `false` is a deliberate hardening choice worth showing; every other `false` is a default. */
const KEEP_FALSE = new Set(["automountServiceAccountToken", "allowPrivilegeEscalation", "readOnlyRootFilesystem", "runAsNonRoot", "authenticated", "tls", "privileged", "required", "encrypted", "enabled", "literal"]);

/** Names kept on the node itself (an operation's path is its identity, and an API's title). */
const KEEP_TOP = new Set(["path", "name"]);

function isPlainToken(text: string): boolean {
  return /^[A-Za-z0-9_./:@*{}+-]+$/.test(text) && !/^(true|false|null)$/.test(text);
}

function render(value: unknown, maxString: number, depth: number, key = ""): string | undefined {
  if (value === undefined || value === null) return undefined;
  if (isUnresolved(value)) return "?";
  if (typeof value === "string") {
    const cut = value.length > maxString ? `${value.slice(0, maxString)}…(${value.length})` : value;
    const flat = cut.replace(/\s+/g, " ").trim();
    return isPlainToken(flat) ? flat : JSON.stringify(flat);
  }
  if (typeof value === "boolean") return value || KEEP_FALSE.has(key) ? String(value) : undefined;
  if (typeof value === "number") return String(value);
  if (depth > 6) return "…";
  if (Array.isArray(value)) {
    const items = value.map((v) => render(v, maxString, depth + 1)).filter((v): v is string => v !== undefined);
    return items.length === 0 ? undefined : `[${items.join(",")}]`;
  }
  if (typeof value === "object") {
    const record = value as Record<string, unknown>;
    const parts: string[] = [];
    // A name identifies an item in a list (a container, a field, an env var): keep it, first.
    if (typeof record.name === "string") parts.push(render(record.name, maxString, depth + 1) ?? "");
    for (const k of Object.keys(record).sort()) {
      if (NOISE.test(k)) continue;
      const rendered = render(record[k], maxString, depth + 1, k);
      if (rendered !== undefined) parts.push(`${k}:${rendered}`);
    }
    return parts.length === 0 ? undefined : `{${parts.join(",")}}`;
  }
  return undefined;
}

function nodeLine(node: GraphNode, exposure: string | undefined, maxString: number): string {
  const source = Object.keys(node.attrs).length > 0 ? node.attrs : node.properties;
  const attrs: string[] = [];
  for (const key of Object.keys(source).sort()) {
    if (NOISE.test(key) && !(KEEP_TOP.has(key) && node.kind.startsWith("openapi.") && key === "path")) continue;
    const rendered = render(source[key], maxString, 1, key);
    if (rendered !== undefined) attrs.push(`${key}=${rendered}`);
  }
  const type = node.kind.endsWith(".other") || node.kind === node.type ? node.type : node.kind;
  const head = `- ${node.id} [${type}] L${node.line ?? "?"}`;
  const flags = [exposure ? `EXPOSED(${exposure})` : "", node.multiplicity ? `multi=${node.multiplicity}` : ""].filter(Boolean).join(" ");
  return [head, flags, attrs.length > 0 ? `| ${attrs.join("; ")}` : ""].filter(Boolean).join(" ");
}

/**
 * The resource graph as a compact, deterministic text for a model prompt: one line per node with its kind,
 * location, exposure and security-relevant attributes (tags, descriptions and metadata dropped), one line per
 * edge, the derived facts, and a one-line-per-rule summary of the rule findings. Secret values never appear
 * (only their kind and place): the graph is redacted again here.
 */
export function compactGraph(input: ResourceGraph, options: CompactOptions = {}): CompactGraph {
  // Redacting again is idempotent and makes sure no secret value reaches a prompt, whatever the caller did.
  const graph = input.facts.secrets.length > 0 ? redact([], input).graph : input;
  const maxString = options.maxString ?? 160;
  const exposures = new Map<string, string>();
  for (const e of graph.facts.exposures) {
    if (!exposures.has(e.nodeId)) exposures.set(e.nodeId, e.path.length > 1 ? `${e.reason} from ${e.path[0] ?? ""}` : e.reason);
  }

  const lines: string[] = [`# resources ${graph.nodes.length} (id [kind] Lline | attributes)`];
  const byFile = new Map<string, GraphNode[]>();
  for (const node of graph.nodes) byFile.set(node.file, [...(byFile.get(node.file) ?? []), node]);
  for (const [file, nodes] of byFile) {
    lines.push(`## ${file}`);
    for (const node of nodes) lines.push(nodeLine(node, exposures.get(node.id), maxString));
  }

  if (graph.edges.length > 0) {
    // One line per source and kind of edge, with a bounded list of targets: a default-deny policy that
    // selects every pod must not cost one line per pod.
    const groups = new Map<string, string[]>();
    for (const edge of graph.edges) {
      const key = `${edge.from} -${edge.kind}->`;
      const targets = groups.get(key) ?? [];
      if (!targets.includes(edge.to)) targets.push(edge.to);
      groups.set(key, targets);
    }
    lines.push(`# edges ${graph.edges.length}`);
    for (const [key, targets] of groups) {
      const shown = targets.length > 12 ? `${targets.slice(0, 12).join(", ")} +${targets.length - 12} more` : targets.join(", ");
      lines.push(`- ${key} ${shown}`);
    }
  }

  const { dataStores, identities, secrets } = graph.facts;
  if (dataStores.length > 0) lines.push(`# data stores: ${[...new Set(dataStores)].join(", ")}`);
  if (identities.length > 0) lines.push(`# identities: ${[...new Set(identities)].join(", ")}`);
  if (secrets.length > 0) {
    lines.push(`# hard-coded secrets ${secrets.length} (values redacted)`);
    for (const s of secrets) lines.push(`- ${s.kind} in ${s.nodeId ?? s.file} at ${s.path} ${s.file}:${s.line ?? "?"}`);
  }

  const threats = options.ruleThreats ?? [];
  if (threats.length > 0) {
    lines.push(`# rule findings ${threats.length} (already reported; do not repeat)`);
    const byRule = new Map<string, Threat[]>();
    for (const t of threats) byRule.set(t.ruleId ?? t.title, [...(byRule.get(t.ruleId ?? t.title) ?? []), t]);
    for (const rule of [...byRule.keys()].sort()) {
      const group = byRule.get(rule) ?? [];
      const first = group[0];
      if (!first) continue;
      const ids = [...new Set(group.map((t) => t.resources[0]?.id ?? "?"))];
      const shown = ids.length > 12 ? `${ids.slice(0, 12).join(", ")} +${ids.length - 12}` : ids.join(", ");
      lines.push(`- ${rule} ${first.category}/${first.severity} "${first.title}": ${shown}`);
    }
  }

  const text = `${lines.join("\n")}\n`;
  return { text, tokens: estimateTokens(text) };
}
