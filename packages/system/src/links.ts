import type { GraphNode } from "@threatline/engine";
import { isUnresolved } from "@threatline/engine";
import { addEdge, type Assembly, type Entry } from "./build.ts";
import { KINDS_BY_ARN_SERVICE } from "./kinds.ts";

/** Property keys whose literal value names the resource itself (`BucketName`, `function_name`, `Name`). */
const NAME_KEY = /(^|_)(name|identifier|bucket)$|Name$|Identifier$/;
/** Names too short to link on. */
const MIN_NAME = 4;
/**
 * A bare string (not an ARN) names a resource only when it could not be an ordinary word: long enough, and with a
 * separator or a digit (`shop-invoices`, `orders_v2`). A `shop` in one file and a `shop` API in another are not a link.
 */
const DISTINCT_NAME = /^(?=.{6,255}$)(?=.*[-_.0-9])[A-Za-z0-9][A-Za-z0-9._-]*$/;
/** Bounds on the walk over one resource's properties: a 5 MB policy is not read to its end. */
const MAX_LEAVES = 2_000;
const MAX_DEPTH = 12;

interface Leaf {
  value: string;
  key: string;
}

/** String values in a resource's properties, with the key they sit under. */
function leaves(value: unknown, key = "", depth = 0, out: Leaf[] = []): Leaf[] {
  if (out.length >= MAX_LEAVES || depth > MAX_DEPTH || isUnresolved(value)) return out;
  if (typeof value === "string") out.push({ value, key });
  else if (Array.isArray(value)) for (const item of value) leaves(item, key, depth + 1, out);
  else if (value !== null && typeof value === "object")
    for (const [k, v] of Object.entries(value as Record<string, unknown>)) leaves(v, k, depth + 1, out);
  return out;
}

/** The names a resource declares for itself: literal values of its top-level name properties. */
function ownNames(node: GraphNode): string[] {
  if (!node.kind.startsWith("aws.")) return [];
  const props = node.format === "cloudformation" ? node.properties.Properties : node.properties;
  if (props === null || typeof props !== "object") return [];
  return Object.entries(props as Record<string, unknown>)
    .filter(([k, v]) => NAME_KEY.test(k) && typeof v === "string" && v.length >= MIN_NAME && !v.includes("${"))
    .map(([, v]) => v as string);
}

/** What a string may name: an ARN's resource part (with the kinds that service has), or the string itself. */
function candidates(value: string): Array<{ name: string; kinds: readonly string[] | null }> {
  if (value.startsWith("arn:")) {
    const parts = value.split(":");
    const kinds = KINDS_BY_ARN_SERVICE[parts[2] ?? ""];
    if (!kinds) return [];
    return parts
      .slice(5)
      .join(":")
      .split(/[/:]/)
      .filter((s) => s.length >= MIN_NAME && !s.includes("*"))
      .map((name) => ({ name, kinds }));
  }
  return DISTINCT_NAME.test(value) ? [{ name: value, kinds: null }] : [];
}

/** The host of a URL or a bare hostname, lower case, or undefined. */
function hostOf(value: string): string | undefined {
  const m = /^(?:[a-z][a-z0-9+.-]*:\/\/)?([a-z0-9-]+(?:\.[a-z0-9-]+)+)(?::\d+)?(?:\/.*)?$/i.exec(value.trim());
  return m ? m[1]!.toLowerCase() : undefined;
}

/** `GET /orders/{orderId}` and `get /orders/{id}/` read the same. */
function routeShape(method: string, path: string): string {
  return `${method.toUpperCase()} ${path.replace(/\{[^}]+\}/g, "{}").replace(/\/+$/, "")}`;
}

/**
 * Links between resources declared in different files, found the way a reader finds them: a name or an ARN one
 * file writes that another declares (a role ARN in a service account's annotation, a bucket name in a workload's
 * environment, a load balancer name in a Service's annotation), a hostname an API contract is served at that a
 * gateway, ingress or distribution carries, and a contract's operation that a gateway route serves. Names that
 * more than one resource could answer to are left unlinked rather than guessed.
 */
export function crossFileLinks(a: Assembly): void {
  const named = new Map<string, Entry[]>();
  const hosts = new Map<string, Entry[]>();
  const ops = new Map<string, Entry[]>();
  for (const entry of a.entries.values()) {
    for (const name of ownNames(entry.node)) push(named, name, entry);
    if (entry.node.kind === "openapi.api") {
      const servers = Array.isArray(entry.node.attrs.servers) ? (entry.node.attrs.servers as unknown[]) : [];
      for (const server of servers) {
        const host = typeof server === "string" ? hostOf(server) : undefined;
        if (host) push(hosts, host, entry);
      }
    }
    if (entry.node.kind === "openapi.operation") {
      const { method, path } = entry.node.attrs as { method?: unknown; path?: unknown };
      if (typeof method === "string" && typeof path === "string") push(ops, routeShape(method, path), entry);
    }
  }

  for (const entry of a.entries.values()) {
    const from = a.owner.get(entry.key);
    if (!from) continue;
    const contract = entry.node.format === "openapi";
    for (const leaf of leaves(entry.node.properties)) {
      if (!contract || leaf.value.startsWith("arn:")) linkName(a, entry, from, leaf, named);
      const host = contract ? undefined : hostOf(leaf.value);
      for (const api of host ? (hosts.get(host) ?? []) : []) {
        if (api.unit === entry.unit) continue;
        serve(a, from, api, host!);
      }
    }
    const route = entry.node.kind === "aws.apigateway.method" ? entry.node.attrs.httpMethod : undefined;
    if (typeof route === "string" && route.includes(" ")) {
      const [method, path] = route.trim().split(/\s+/, 2) as [string, string];
      for (const op of ops.get(routeShape(method, path)) ?? []) {
        if (op.unit !== entry.unit) serve(a, from, op, route.trim());
      }
    }
  }
}

function serve(a: Assembly, from: string, contractEntry: Entry, label: string): void {
  const to = a.owner.get(contractEntry.key);
  if (!to) return;
  addEdge(a, from, to, "serves", label, true);
  // The contract is the interface of what serves it: drawn inside the same boundary.
  const contract = a.nodes.get(to);
  if (contract && contract.boundary === null) contract.boundary = a.nodes.get(from)?.boundary ?? null;
}

function linkName(a: Assembly, entry: Entry, from: string, leaf: Leaf, named: Map<string, Entry[]>): void {
  for (const { name, kinds } of candidates(leaf.value)) {
    const found = (named.get(name) ?? []).filter(
      (t) => t.unit !== entry.unit && (kinds === null || kinds.includes(t.node.kind)),
    );
    const target = found.length === 1 ? found[0]! : undefined;
    const to = target ? a.owner.get(target.key) : undefined;
    if (!target || !to || to === from) continue;
    const source = a.nodes.get(from)!;
    const dest = a.nodes.get(to)!;
    const fronts = source.kind === "k8s.service" || source.kind === "k8s.ingress";
    if (fronts && dest.element === "process") addEdge(a, to, from, "network", `load balancer ${name}`, true);
    else if (source.element === "identity" && dest.element === "store")
      addEdge(a, from, to, "access", `IAM ${name}`, true);
    else if (dest.element === "identity") addEdge(a, from, to, "assumes", `role ${name}`, true);
    else if (dest.element === "store") addEdge(a, from, to, "flow", leaf.key === "value" ? name : leaf.key, true);
    else addEdge(a, from, to, "link", name, true);
  }
}

function push<K, V>(map: Map<K, V[]>, key: K, value: V): void {
  const list = map.get(key);
  if (list) list.push(value);
  else map.set(key, [value]);
}
