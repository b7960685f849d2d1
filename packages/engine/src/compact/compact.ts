import { pushTo } from "../collections.ts";
import type { Threat } from "@threatline/domain";
import { isUnresolved, type GraphNode, type ResourceGraph } from "../graph/types.ts";
import { redact } from "../secrets/redact.ts";
import type { ApiAttrs } from "../openapi/parse.ts";
import { apiLine, operationLine, workloadLine } from "./formatters.ts";
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
const NOISE =
  /^(tags?|tagset|description|summary|metadata|labels|annotations|externaldocs|examples?|title|contact|license|info|deprecated|displayname|comment|documentation|operationid|line|path|podspecpath|name|namespace|requests|x-[a-z0-9-]*)$|description$/i;

/** Keys whose `false` is a deliberate hardening choice worth showing; every other `false` is a default. */
const KEEP_FALSE = new Set([
  "automountServiceAccountToken",
  "allowPrivilegeEscalation",
  "readOnlyRootFilesystem",
  "runAsNonRoot",
  "authenticated",
  "tls",
  "privileged",
  "required",
  "encrypted",
  "enabled",
  "literal",
]);

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
      if (NOISE.test(k) || (k === "protocol" && record[k] === "TCP")) continue;
      const rendered = render(record[k], maxString, depth + 1, k);
      if (rendered !== undefined) parts.push(`${k}:${rendered}`);
    }
    return parts.length === 0 ? undefined : `{${parts.join(",")}}`;
  }
  return undefined;
}

function genericAttrs(node: GraphNode, maxString: number): string[] {
  const source = Object.keys(node.attrs).length > 0 ? node.attrs : node.properties;
  const attrs: string[] = [];
  for (const key of Object.keys(source).sort()) {
    if (NOISE.test(key)) continue;
    const rendered = render(source[key], maxString, 1, key);
    if (rendered !== undefined) attrs.push(`${key}=${rendered}`);
  }
  return attrs;
}

function nodeLine(node: GraphNode, exposed: boolean, api: ApiAttrs | undefined, maxString: number): string {
  const attrs =
    node.kind === "openapi.operation"
      ? operationLine(node, api)
      : node.kind === "openapi.api"
        ? apiLine(node)
        : node.kind === "k8s.workload"
          ? workloadLine(node)
          : genericAttrs(node, maxString);
  // The native type is what people and models know (`AWS::S3::Bucket`, `apps/v1/Deployment`); OpenAPI types say nothing more than the kind.
  const type = node.format === "openapi" ? node.kind : node.type;
  const head = `- ${node.id} [${type}] L${node.line ?? "?"}`;
  const flags = [exposed ? "EXPOSED" : "", node.multiplicity ? `multi=${node.multiplicity}` : ""]
    .filter(Boolean)
    .join(" ");
  return [head, flags, attrs.length > 0 ? `| ${attrs.join("; ")}` : ""].filter(Boolean).join(" ");
}

/**
 * Edges the node lines already say: an operation's security, an API containing its operations, a Kubernetes
 * reference by name (serviceAccountName, roleRef, subjects), a policy that selects every pod.
 */
function impliedEdge(edge: ResourceGraph["edges"][number], byId: ReadonlyMap<string, GraphNode>): boolean {
  if (edge.kind === "contains" || edge.kind === "security-requirement") return true;
  const from = byId.get(edge.from);
  if (edge.kind === "references" && from?.format === "kubernetes") return true;
  return edge.kind === "selects" && from?.kind === "k8s.network-policy" && from.attrs.selectsAll === true;
}

function capped(ids: readonly string[], max = 12): string {
  return ids.length > max ? `${ids.slice(0, max).join(", ")} +${ids.length - max} more` : ids.join(", ");
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
  const exposed = new Set(graph.facts.exposures.map((e) => e.nodeId));
  const byId = new Map(graph.nodes.map((n) => [n.id, n]));
  const apis = new Map<string, ApiAttrs>();
  for (const node of graph.nodes)
    if (node.kind === "openapi.api") apis.set(node.file, node.attrs as unknown as ApiAttrs);

  const lines: string[] = [`# resources ${graph.nodes.length} (id [type] Lline | attributes)`];
  const byFile = new Map<string, GraphNode[]>();
  for (const node of graph.nodes) pushTo(byFile, node.file, node);
  for (const [file, nodes] of byFile) {
    lines.push(`## ${file}`);
    for (const node of nodes) lines.push(nodeLine(node, exposed.has(node.id), apis.get(node.file), maxString));
  }

  if (graph.facts.exposures.length > 0) {
    // Why nodes are EXPOSED: once per entry point, with what it reaches, rather than on every node.
    const entries = new Map<string, { reason: string; reached: string[] }>();
    for (const e of graph.facts.exposures) {
      const entry = e.path[0] ?? e.nodeId;
      const item = entries.get(entry) ?? { reason: e.reason, reached: [] };
      if (e.nodeId !== entry && !item.reached.includes(e.nodeId)) item.reached.push(e.nodeId);
      entries.set(entry, item);
    }
    const byReason = new Map<string, string[]>();
    for (const [entry, { reason, reached }] of entries) {
      const text = reached.length > 0 ? `${entry} -> ${reached.join(", ")}` : entry;
      pushTo(byReason, reason, text);
    }
    lines.push("# exposure (entry points)");
    for (const [reason, items] of byReason)
      lines.push(
        `- ${reason}: ${items.length > 12 ? `${items.slice(0, 12).join("; ")} +${items.length - 12}` : items.join("; ")}`,
      );
  }

  {
    // One line per source and kind of edge, with a bounded list of targets: a default-deny policy that
    // selects every pod must not cost one line per pod.
    const groups = new Map<string, string[]>();
    for (const edge of graph.edges) {
      if (impliedEdge(edge, byId)) continue;
      const key = `${edge.from} -${edge.kind}->`;
      const targets = groups.get(key) ?? [];
      if (!targets.includes(edge.to)) targets.push(edge.to);
      groups.set(key, targets);
    }
    if (groups.size > 0) lines.push("# edges");
    for (const [key, targets] of groups) {
      const shown =
        targets.length > 12 ? `${targets.slice(0, 12).join(", ")} +${targets.length - 12} more` : targets.join(", ");
      lines.push(`- ${key} ${shown}`);
    }
  }

  const { dataStores, identities, secrets } = graph.facts;
  if (dataStores.length > 0) lines.push(`# data stores: ${capped([...new Set(dataStores)])}`);
  if (identities.length > 0) lines.push(`# identities: ${capped([...new Set(identities)])}`);
  if (secrets.length > 0) {
    lines.push(`# hard-coded secrets ${secrets.length} (values redacted)`);
    for (const s of secrets) lines.push(`- ${s.kind} in ${s.nodeId ?? s.file} at ${s.path} ${s.file}:${s.line ?? "?"}`);
  }

  const threats = options.ruleThreats ?? [];
  if (threats.length > 0) {
    lines.push(`# rule findings ${threats.length} (already reported; do not repeat)`);
    const byRule = new Map<string, Threat[]>();
    for (const t of threats) pushTo(byRule, t.ruleId ?? t.title, t);
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
