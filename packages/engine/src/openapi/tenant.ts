/**
 * A tenant-scoping identifier: the path parameter that prefixes most of a spec and names the caller's own
 * account, tenant, organisation or workspace (`/2010-04-01/Accounts/{AccountSid}/...`, `/orgs/{org}/...`,
 * `/tenants/{tenantId}/...`). A reviewer asks once whether the service ties it to the credential and scopes every
 * lookup under it, instead of reading it as one object-level question per operation.
 */
import type { GraphNode } from "../graph/types.ts";
import type { OperationAttrs } from "./parse.ts";
import { paramAt, words } from "./signals.ts";

/** Words that name a tenant, in a parameter's name (`AccountSid`, `workspace_id`) or the segment before it. */
const TENANT_WORDS = new Set([
  "account",
  "accounts",
  "tenant",
  "tenants",
  "org",
  "orgs",
  "organization",
  "organizations",
  "organisation",
  "organisations",
  "workspace",
  "workspaces",
  "team",
  "teams",
  "company",
  "companies",
  "enterprise",
  "enterprises",
  "realm",
  "realms",
  "subscription",
  "subscriptions",
]);

/** Fewer operations than this under one prefix is an ordinary object path, whatever its name. */
const MIN_OPERATIONS = 4;

export interface TenantScope {
  /** The parameter most operations name at the tenant position (`AccountSid`). */
  name: string;
  /** The path up to and including that parameter, as written by most operations (`/2010-04-01/Accounts/{AccountSid}`). */
  prefix: string;
  /** The operations under the prefix, each with the name of its own parameter at that position. */
  members: Map<GraphNode, string>;
  /** All operations of the spec. */
  total: number;
  /**
   * The whole spec is one tenant: no path names it, the credential does (an account's secret API key, as
   * Stripe's); `name` and `prefix` are then empty and the members are the operations that name objects.
   */
  whole?: boolean;
}

/** Whether an id (`account`, `AccountSid`, `org_id`), or the segment before it, names a tenant. */
export function namesTenant(name: string, before = ""): boolean {
  return [...words(name), ...words(before)].some((w) => TENANT_WORDS.has(w));
}

/** Tenant words that name another customer's account wherever they stand (a billing subscription does not). */
const ACCOUNT_WORDS = new Set([...TENANT_WORDS].filter((w) => !w.startsWith("subscription")));

/**
 * Whether an input names an account, a tenant or an organisation itself, as one of a spec whose key is the tenant
 * names another one (a platform's connected account): `account` or `account_id` in a query or body, the top-level
 * object of `/v1/accounts/{account}` or `/orgs/{id}`; not `/v1/linked_accounts/{account}`,
 * `/v1/financial_connections/accounts/{account}` or `/v1/customers/{customer}/bank_accounts/{id}`, accounts of
 * another kind.
 */
export function namesAccount(name: string, where: string, path: string): boolean {
  const core = words(name).filter((w) => !["id", "sid", "uuid", "key"].includes(w));
  const own = core.length === 1 && ACCOUNT_WORDS.has(core[0]!);
  if (where !== "path") return own;
  const segments = path.split("/").filter(Boolean);
  const at = paramAt(segments, name);
  const before = segments.slice(0, at).filter((s) => !/^(v\d+(\.\d+)*|api)$/i.test(s));
  if (before.length !== 1 || before[0]!.startsWith("{")) return false;
  const collection = words(before[0]!);
  return (own || core.length === 0) && collection.length === 1 && ACCOUNT_WORDS.has(collection[0]!);
}

/** The first path parameter of `path`: its index among the segments and its name (`{Sid}.json` → Sid). */
function firstParameter(path: string): { at: number; name: string; segments: string[] } | undefined {
  const segments = path.split("/").filter(Boolean);
  const at = segments.findIndex((s) => /^\{[^}]+\}/.test(s));
  if (at < 0) return undefined;
  const name = /^\{([^}]+)\}/.exec(segments[at]!)![1]!;
  return { at, name, segments };
}

/**
 * The tenant scope of one spec's operations, or undefined: the static prefix before the first path parameter that
 * more than half of the operations (and at least four) share, when that parameter or the segment before it names
 * an account, tenant, organisation, workspace, team, company, enterprise, realm or subscription.
 */
export function tenantScope(operations: ReadonlyArray<readonly [GraphNode, OperationAttrs]>): TenantScope | undefined {
  const groups = new Map<string, Array<[GraphNode, string, string[]]>>();
  for (const [node, a] of operations) {
    const first = firstParameter(a.path);
    if (!first) continue;
    const key = first.segments.slice(0, first.at).join("/").toLowerCase();
    const list = groups.get(key) ?? [];
    list.push([node, first.name, first.segments]);
    groups.set(key, list);
  }
  const [, members] = [...groups].sort((x, y) => y[1].length - x[1].length)[0] ?? [];
  if (!members || members.length < MIN_OPERATIONS || members.length * 2 <= operations.length) return undefined;
  const counts = new Map<string, number>();
  for (const [, name] of members) counts.set(name, (counts.get(name) ?? 0) + 1);
  const name = [...counts].sort((x, y) => y[1] - x[1] || x[0].localeCompare(y[0]))[0]![0];
  const segments = members.find(([, n]) => n === name)![2];
  const at = paramAt(segments, name);
  const before = segments[at - 1] ?? "";
  if (!namesTenant(name, before)) return undefined;
  return {
    name,
    prefix: `/${[...segments.slice(0, at), `{${name}}`].join("/")}`,
    members: new Map(members.map(([node, n]) => [node, n])),
    total: operations.length,
  };
}
