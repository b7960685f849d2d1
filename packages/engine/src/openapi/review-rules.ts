/**
 * The OWASP API Security Top 10 (2023) reading of a contract: object- and function-level authorization, mass
 * assignment, injection and SSRF surfaces, authentication flows and data exposure. Each rule fires on the
 * operation (or scheme) a reviewer would name, with the input that makes it a risk as evidence.
 */
import type { GraphNode } from "../graph/types.ts";
import type { EvidenceLocation, Finding, RuleContext } from "../rules/types.ts";
import { gatewayView, type ServedRoute } from "./served-routes.ts";
import { leftOutOnPurpose, namesSold, privateMember, privateRead, soldCollections, soldWrite } from "./exposure.ts";
import type { OperationAttrs, SecuritySchemeAttrs } from "./parse.ts";
import { namesAccount, tenantScope, type TenantScope } from "./tenant.ts";
import { locate } from "../graph/locate.ts";
import { defineRule } from "./rule-kit.ts";
import {
  adminWord,
  authFlow,
  catalogueIds,
  CONTEXT_FIELD,
  injectionInputs,
  lastSegment,
  objectIdInputs,
  pathVersion,
  PERSONAL_ID,
  PRIVILEGED_FIELD,
  publicByDesign,
  redosProne,
  ROLE_PARAM,
  urlInputs,
  writeVerbOfGet,
  inputsOf,
  paramAt,
  type Input,
} from "./signals.ts";

const OP = ["openapi.operation"];
const SCHEME = ["openapi.security-scheme"];
const WRITES = new Set(["POST", "PUT", "PATCH"]);

function ops(ctx: RuleContext): Array<[GraphNode, OperationAttrs]> {
  return ctx.graph.nodes
    .filter((n) => n.kind === "openapi.operation")
    .map((n) => [n, n.attrs as unknown as OperationAttrs]);
}

function list(items: readonly string[], max = 6): string {
  return items.length > max ? `${items.slice(0, max).join(", ")} and ${items.length - max} more` : items.join(", ");
}

/** The caller is identified: a declared scheme, or a credential parameter the contract takes ad hoc. */
export function identified(a: OperationAttrs): boolean {
  return a.authenticated || a.credentialParams.length > 0;
}

/** Whether the spec in `file` has any notion of a caller's identity (a scheme, or credential parameters). */
export function specHasIdentity(ctx: RuleContext, file: string): boolean {
  return ctx.graph.nodes.some(
    (n) =>
      n.file === file &&
      (n.kind === "openapi.security-scheme" ||
        (n.kind === "openapi.operation" && identified(n.attrs as unknown as OperationAttrs))),
  );
}

function scopesOf(a: OperationAttrs): Set<string> {
  return new Set(a.security.flatMap((r) => r.schemes.flatMap((s) => s.scopes)));
}

/**
 * A path id that names an object anyone may read (the spec serves `GET /articles/{slug}` without authentication),
 * used by an action under it (`POST /articles/{slug}/favorite`, `POST /profiles/{username}/follow`): the caller
 * acts on their own favourites or follows, and the public object has no owner to check against. Changing or
 * deleting the object itself still is an object-level question.
 */
function onPublicObject(ctx: RuleContext, node: GraphNode, a: OperationAttrs, name: string, where: string): boolean {
  if (where !== "path") return false;
  const segments = a.path.split("/").filter(Boolean);
  const at = paramAt(segments, name);
  if (at < 0 || at === segments.length - 1) return false;
  const shape = (parts: readonly string[]): string => parts.map((p) => (p.startsWith("{") ? "{}" : p)).join("/");
  const object = shape(segments.slice(0, at + 1));
  return ops(ctx).some(
    ([n, o]) =>
      n.file === node.file &&
      o.method === "GET" &&
      !identified(o) &&
      shape(o.path.split("/").filter(Boolean)) === object,
  );
}

/** The collections the spec in `file` sells or books (see `soldCollections`). */
function soldIn(ctx: RuleContext, file: string): Set<string> {
  return soldCollections(ops(ctx).flatMap(([n, o]) => (n.file === file ? [o] : [])));
}

/** Evidence keys that exist on the node; the operation itself otherwise. */
function keys(node: GraphNode, wanted: readonly string[]): string[] {
  const found = wanted.filter((k) => node.propertyLines[k] !== undefined);
  return found.length > 0 ? found : [""];
}

type Tenant = { scope: TenantScope; callerIsTenant: boolean };
const tenants = new WeakMap<RuleContext, Map<string, Tenant | undefined>>();

/** A scheme whose description says the credential is an account's API key or secret key (Stripe's basic and bearer). */
const KEY_CREDENTIAL = /\b(api|secret)[ _-]?key\b|\bapi[ _-]?token\b/i;

/** A scheme that identifies an account rather than a person: HTTP Basic, an API key, a bearer token stated to be the API key. */
function accountScheme(x: SecuritySchemeAttrs): boolean {
  if (x.type === "apiKey") return true;
  if (x.type !== "http") return false;
  return x.scheme === "basic" || (x.scheme === "bearer" && KEY_CREDENTIAL.test(x.notes ?? ""));
}

/** A scheme stated to carry an API or secret key: in its description, or in the name of its header or parameter. */
function keyScheme(x: SecuritySchemeAttrs): boolean {
  return (
    KEY_CREDENTIAL.test(x.notes ?? "") || (x.type === "apiKey" && /api[-_]?key|secret[-_]?key/i.test(x.paramName ?? ""))
  );
}

/** An operation a user signs in or up through without a credential: where a person's session token comes from. */
function signsIn(a: OperationAttrs): boolean {
  const flow = authFlow(a);
  return (flow === "login" || flow === "register") && !identified(a);
}

/**
 * The tenant scope of the spec in `file` (see `tenantScope`), and whether its caller is the tenant itself: every
 * scheme is HTTP Basic, an API key, or a bearer token its description calls the API key (an account's own
 * credentials, as Twilio's account SID and token or Stripe's secret key), so no user inside the tenant is told apart
 * from another. Where no path names the tenant but the spec states that its credential is an account's API key, and
 * no operation signs a user in, the key names the tenant and the whole spec is one (`whole`): its objects are the
 * key's account's own.
 */
export function tenantOf(ctx: RuleContext, file: string): Tenant | undefined {
  let byFile = tenants.get(ctx);
  if (!byFile) {
    byFile = new Map<string, Tenant | undefined>();
    tenants.set(ctx, byFile);
  }
  if (!byFile.has(file)) {
    const operations = ops(ctx).filter(([n]) => n.file === file);
    const schemes = ctx.graph.nodes
      .filter((n) => n.kind === "openapi.security-scheme" && n.file === file)
      .map((n) => n.attrs as unknown as SecuritySchemeAttrs);
    const callerIsTenant = schemes.length > 0 && schemes.every(accountScheme);
    let scope = tenantScope(operations);
    if (!scope && callerIsTenant && schemes.some(keyScheme) && !operations.some(([, a]) => signsIn(a))) {
      const members = operations.filter(([, a]) => objectIdInputs(a).length > 0);
      if (members.length > 0)
        scope = {
          name: "",
          prefix: "",
          members: new Map(members.map(([node]) => [node, ""])),
          total: operations.length,
          whole: true,
        };
    }
    byFile.set(file, scope ? { scope, callerIsTenant } : undefined);
  }
  return byFile.get(file);
}

/**
 * Which object a BOLA finding is about: the path up to its innermost object id (`/orders/{orderId}` for
 * `GET /orders/{orderId}`, `DELETE /orders/{orderId}` and `GET /orders/{orderId}/items`); ids only in the query,
 * a header or the body are each operation's own.
 */
function objectGroup(node: GraphNode, a: OperationAttrs, ids: readonly Input[]): string {
  const segments = a.path.split("/").filter(Boolean);
  const at = Math.max(...ids.filter((i) => i.where === "path").map((i) => paramAt(segments, i.name)), -1);
  if (at < 0) return `${node.file}\u0000${node.id}`;
  const shape = segments
    .slice(0, at + 1)
    .map((s, k) => (k === at ? (/^\{[^}]+\}/.exec(s)?.[0] ?? s) : s.startsWith("{") ? "{}" : s.toLowerCase()));
  return `${node.file}\u0000/${shape.join("/")}`;
}

const METHOD_ORDER = ["GET", "HEAD", "PUT", "PATCH", "POST", "DELETE", "OPTIONS", "TRACE"];

/**
 * One threat per object: the operations that reach the same object through the same parameter (read, change,
 * delete it, list what hangs under it) are one weakness with one fix, reported on the shortest of them (a GET
 * first), which keeps the fingerprint it had alone; the others are listed as related resources with their evidence.
 */
function foldByObject(
  found: ReadonlyArray<Finding & { group: string }>,
  same = "The same object is reached through",
): Finding[] {
  const groups = new Map<string, Array<Finding & { group: string }>>();
  for (const f of found) {
    const list = groups.get(f.group) ?? [];
    list.push(f);
    groups.set(f.group, list);
  }
  return [...groups.values()].map((members): Finding => {
    const strip = ({ group: _group, ...f }: Finding & { group: string }): Finding => f;
    if (members.length === 1) return strip(members[0]!);
    const rank = (f: Finding): [number, number, string] => {
      const a = f.node.attrs as unknown as OperationAttrs;
      return [a.path.split("/").length, METHOD_ORDER.indexOf(a.method), a.path];
    };
    const sorted = [...members].sort((x, y) => {
      const [p, q] = [rank(x), rank(y)];
      return p[0] - q[0] || p[1] - q[1] || p[2].localeCompare(q[2]);
    });
    const [primary, ...others] = sorted as [Finding & { group: string }, ...Array<Finding & { group: string }>];
    return {
      ...strip(primary),
      related: others.map((f) => f.node),
      locations: sorted
        .slice(0, 20)
        .flatMap((f) => (f.paths.length > 0 ? f.paths : [""]).map((p) => locate(f.node, p))),
      detail: `${primary.detail ?? ""} ${same} ${others.length} other operation${others.length === 1 ? "" : "s"}: ${list(
        others.map((f) => f.node.id),
        8,
      )}.`,
      likelihood: Math.max(...members.map((f) => f.likelihood ?? 4)),
    };
  });
}

/** What the server does with the URL inputs of an operation, the most dangerous use first. */
function urlUse(names: readonly string[]): "fetch" | "callback" | "redirect" {
  const uses = names.map((n): "fetch" | "callback" | "redirect" => {
    if (
      /image|img|avatar|picture|photo|icon|logo|feed|source|^src$|proxy|fetch|remote|import|file|download|media/i.test(
        n,
      )
    )
      return "fetch";
    if (/redirect|return|success|cancel|next|continue/i.test(n)) return "redirect";
    return "callback";
  });
  return uses.includes("fetch") ? "fetch" : uses.includes("callback") ? "callback" : "redirect";
}

const RATE_LIMIT_FIX = `responses:
  "429":
    description: Too many attempts; retry later
    headers:
      Retry-After:
        schema:
          type: integer
x-rate-limit:
  per-ip: 10/minute
  per-account: 5/15minutes`;

export const REVIEW_RULES = [
  defineRule({
    id: "TL-API-BOLA-001",
    title: "Object-level authorization on a client-given object id",
    category: "ElevationOfPrivilege",
    likelihood: 4,
    impact: 4,
    description:
      "{resource} acts on the object named by a client-given identifier: unless the service checks that this caller may access that particular object, anyone authenticated can read or change everyone's (BOLA / IDOR).",
    remediation: {
      text: "Authorize every access against the object's owner or tenant, derived from the caller's token (never from the request); prefer unguessable ids, and declare the 403/404 the check returns.",
      fix: {
        openapi:
          'responses:\n  "404":\n    description: No such object for this caller (same answer whether it exists or belongs to someone else)\n  "403":\n    description: The caller may not access this object',
      },
    },
    references: { cwe: ["CWE-639", "CWE-285"], capec: ["CAPEC-122"] },
    why: "Broken object level authorization (OWASP API1:2023) is the most common API flaw: `GET /orders/{orderId}` authenticates the caller but never checks that the order is theirs. The rule fires on every operation that takes an object identifier from the client (path, query, header or body; ids, UUIDs, usernames, e-mails, VINs, sequential numbers) or filters a collection by a client-given owner. Sequential integer ids and unauthenticated calls raise the likelihood; a declared 403 lowers it. Specs with no caller identity at all are left to the missing-authentication rules.",
    kinds: OP,
    check: (ctx) => {
      const soldByFile = new Map<string, Set<string>>();
      const found = ops(ctx).flatMap(([node, a]): Array<Finding & { group: string }> => {
        // A login that takes the user's name is not an object access, whatever its verb.
        if (publicByDesign(a) && (a.method !== "GET" || authFlow(a))) return [];
        let ids = objectIdInputs(a);
        if (ids.length === 0 || !specHasIdentity(ctx, node.file)) return [];
        // The tenant a spec is scoped by (`/Accounts/{AccountSid}/...`) is one question for the whole spec
        // (TL-API-TENANT-001), and so are the ids under it where the credential is the tenant's own: they name the
        // tenant's objects, which the service looks up within the tenant. Inside a tenant with users of its own, a
        // person's id or a guessable number still is an object-level question.
        const tenant = tenantOf(ctx, node.file);
        const tenantParam = tenant?.scope.members.get(node);
        if (tenant && tenantParam !== undefined) {
          ids = ids.filter(
            (i) =>
              !(i.where === "path" && i.name === tenantParam) &&
              (!tenant.callerIsTenant ||
                PERSONAL_ID.test(i.name) ||
                i.type === "integer" ||
                i.type === "number" ||
                // Where the key is the tenant, an account named by id is another tenant's (a platform's connected
                // account): that stays an object-level question.
                (tenant.scope.whole === true && namesAccount(i.name, i.where, a.path))),
          );
          if (ids.length === 0) return [];
        }
        // An unauthenticated read of a catalogue object is public data or a missing-authentication finding;
        // only ids of people and accounts make it an object-level one.
        if (!identified(a) && a.method === "GET") {
          // A profile the author left public on purpose (the spec secures its other operations one by one) is
          // meant to be read by anyone.
          if (leftOutOnPurpose(ctx, node) && !privateRead(a)) return [];
          // A member of a private collection (`GET /notes/{noteId}`) is someone's record too.
          ids = ids.filter((i) => PERSONAL_ID.test(i.name) || (i.where === "path" && privateMember(a.path, i.name)));
        }
        // Reading a member of a catalogue (`GET /products/{id}`) is the same for every caller: no owner to check.
        const readScopes = new Set(
          ops(ctx)
            .filter(([n, o]) => n.file === node.file && o.method === "GET")
            .flatMap(([, o]) => [...scopesOf(o)]),
        );
        if (!soldByFile.has(node.file)) soldByFile.set(node.file, soldIn(ctx, node.file));
        const sold = soldByFile.get(node.file)!;
        const catalogue = catalogueIds(
          a,
          ids,
          [...scopesOf(a)].some((s) => !readScopes.has(s)),
          { segments: sold, names: (name) => namesSold(name, sold) },
        );
        ids = ids.filter((i) => !catalogue.has(i) && !onPublicObject(ctx, node, a, i.name, i.where));
        if (ids.length === 0) return [];
        // A declared 403 on unguessable ids, or a description that states the ownership check, is the design a
        // reviewer asks for; the rule then stays quiet.
        const unguessable = ids.every((i) => i.format === "uuid");
        if (a.responses.includes("403") && unguessable) return [];
        if (
          /\b(owned by|belongs? to|own(s|er of)?)\b.{0,40}\b(caller|requester|authenticated user|current user)\b/i.test(
            a.summary ?? "",
          )
        )
          return [];
        const sequential = ids.some((i) => i.type === "integer" || i.type === "number");
        const documented = a.responses.includes("403") || a.responses.includes("404");
        const likelihood = !identified(a) || sequential || !documented ? 4 : 3;
        return [
          {
            node,
            paths: keys(
              node,
              ids.map((i) => i.key),
            ),
            detail: `${node.id} acts on the object named by ${list(ids.map((i) => `\`${i.name}\` (${i.where}${i.type ? `, ${i.type}` : ""})`))}${identified(a) ? "" : " and requires no authentication"}: nothing in the contract ties that object to the caller, so one user can reach another's (BOLA / IDOR).`,
            likelihood,
            group: objectGroup(node, a, ids),
          },
        ];
      });
      return foldByObject(found);
    },
  }),
  defineRule({
    id: "TL-API-TENANT-001",
    title: "Tenant isolation rests on a tenant id in every path",
    category: "ElevationOfPrivilege",
    likelihood: 3,
    impact: 5,
    description:
      "{resource} names the caller's tenant (account, organisation, workspace) in the path of most of its operations: unless the service ties that id to the credential on every one of them, and looks up every object under it within that tenant, one customer reaches another's data.",
    remediation: {
      text: "Derive the tenant from the credential, or check in one place every route passes through that the tenant in the path is one the caller belongs to (or manages, for sub-accounts); look up every object id under it within that tenant (`WHERE tenant = :tenant AND id = :id`), never globally, and answer another tenant's ids with the same 404 as unknown ones.",
      fix: {
        openapi:
          'responses:\n  "404":\n    description: No such object in this account (the same answer for another account\'s ids)\n  "403":\n    description: The credential does not belong to this account',
      },
    },
    references: { cwe: ["CWE-639", "CWE-285"], capec: ["CAPEC-122"] },
    why: "Multi-tenant APIs put the tenant in the path (`/2010-04-01/Accounts/{AccountSid}/Calls/{Sid}`, `/orgs/{org}/...`, `/tenants/{tenantId}/...`): cross-tenant access (OWASP API1:2023 at the scale of a whole customer) happens when one route forgets to compare the path's tenant with the caller's, or looks an object up by its global id after checking the tenant. A reviewer checks this once per API, not once per operation: the rule fires once per spec when more than half of its operations (and at least four) share the static prefix before one path parameter whose name or preceding segment names an account, tenant, organisation, workspace, team, company, enterprise, realm or subscription. The operations are its related resources; TL-API-BOLA-001 then leaves that parameter alone, and, where the credential is the tenant's own (HTTP Basic or an API key), also the opaque ids of the tenant's objects under it; a person's id or a guessable number under the tenant stays an object-level finding. Where no path names the tenant but every scheme identifies an account (HTTP Basic, an API key, a bearer token its description calls the API key) and the spec states that the credential is an API or secret key, with no operation that signs a user in (Stripe: `Authorization: Bearer <api_key>`), the key names the tenant: the rule fires once for the whole spec, listing the operations that name the account's objects, and TL-API-BOLA-001 keeps only the ids of people, guessable numbers and accounts named by id (a platform's connected account is another tenant's).",
    kinds: OP,
    check: (ctx) => {
      const files = [...new Set(ops(ctx).map(([n]) => n.file))];
      return files.flatMap((file): Finding[] => {
        const tenant = tenantOf(ctx, file);
        const api = ctx.graph.nodes.find((n) => n.kind === "openapi.api" && n.file === file);
        if (!tenant || !api || !specHasIdentity(ctx, file)) return [];
        const members = [...tenant.scope.members];
        const under = members.flatMap(([node, name]) => {
          const a = node.attrs as unknown as OperationAttrs;
          return objectIdInputs(a)
            .filter((i) => i.where === "path" && i.name !== name)
            .map((i) => i.name);
        });
        const objects = [...new Set(under)];
        const param = members
          .map(([node, name]) => (node.attrs as unknown as OperationAttrs).parameters.find((p) => p.name === name))
          .find((p) => p !== undefined);
        const guessable = param?.type === "integer" || param?.type === "number";
        const open = members.filter(([node]) => !identified(node.attrs as unknown as OperationAttrs)).length;
        if (tenant.scope.whole) {
          const schemes = ctx.graph.nodes
            .filter((n) => n.kind === "openapi.security-scheme" && n.file === file)
            .map((n) => n.attrs as unknown as SecuritySchemeAttrs);
          const inputs = members.flatMap(([node]) => objectIdInputs(node.attrs as unknown as OperationAttrs));
          const inPath = inputs.filter((i) => i.where === "path");
          const ids = [...new Set((inPath.length > 0 ? inPath : inputs).map((i) => i.name))];
          return [
            {
              node: api,
              paths: [""],
              related: members.map(([node]) => node).slice(0, 50),
              locations: members.slice(0, 20).map(([node]) =>
                locate(
                  node,
                  keys(
                    node,
                    objectIdInputs(node.attrs as unknown as OperationAttrs).map((i) => i.key),
                  )[0]!,
                ),
              ),
              detail: `Every credential of ${api.id} is an account's key (${list(schemes.map((x) => `\`${x.name}\` ${x.type === "http" ? `HTTP ${x.scheme}` : x.type}`))}), so the key names the tenant: ${members.length} of the ${tenant.scope.total} operations name the account's objects by ${list(
                ids.map((o) => `\`${o}\``),
                12,
              )}, and each must look that object up within the key's account, or one customer reads and changes another's by its id. One question for the whole API, not one per object.${open > 0 ? ` ${open} of them require no authentication.` : ""}`,
              likelihood: open > 0 ? 4 : 3,
            },
          ];
        }
        return [
          {
            node: api,
            paths: [""],
            related: members.map(([node]) => node).slice(0, 50),
            locations: members.slice(0, 20).map(([node, name]) => locate(node, `parameters.${name}`)),
            detail: `${members.length} of the ${tenant.scope.total} operations of ${api.id} name the tenant in their path (\`${tenant.scope.name}\`${param?.type ? `, ${param.type}` : ""}, under ${tenant.scope.prefix})${objects.length > 0 ? ` and the objects under it by ${list(objects.map((o) => `\`${o}\``))}` : ""}: each must check that this tenant is the caller's${tenant.callerIsTenant ? " (the credential is the account's own, so a route that forgets reaches another customer's account)" : ""} and look its objects up within it, or one customer reads and changes another's.${open > 0 ? ` ${open} of them require no authentication.` : ""}`,
            likelihood: guessable || open > 0 ? 4 : 3,
          },
        ];
      });
    },
  }),
  defineRule({
    id: "TL-API-BFLA-001",
    title: "Administrative function without a distinct privilege",
    category: "ElevationOfPrivilege",
    likelihood: 4,
    impact: 4,
    description:
      "{resource} is an administrative, management or internal function, but the contract requires no privilege that ordinary users lack: a regular user (or anyone) can call it.",
    remediation: {
      text: "Require an admin-only scope or role on administrative operations (and check it in the service), or move them to a separate, internal-only API.",
      fix: { openapi: "security:\n  - oauth: [admin]" },
    },
    references: { cwe: ["CWE-285", "CWE-269"], capec: ["CAPEC-122"] },
    why: "Broken function level authorization (OWASP API5:2023): `/admin/...`, `/internal/...`, `/management/...` operations guarded by the same token every user holds. The rule fires when such an operation requires no scope that non-administrative operations of the same spec do not also carry (or requires nothing at all). Changing what the API sells is a staff function too: in a spec with a purchase operation (`POST /tickets` 'Buy museum tickets' naming an `eventId`), creating, changing or deleting the sold objects (`POST /special-events`, `PATCH /special-events/{eventId}`) with only the credential every buyer holds is reported as well.",
    kinds: OP,
    check: (ctx) => {
      const all = ops(ctx);
      const sold = new Map<string, Set<string>>();
      const soldOf = (file: string): Set<string> => {
        if (!sold.has(file)) sold.set(file, soldIn(ctx, file));
        return sold.get(file)!;
      };
      return all.flatMap(([node, a]): Finding[] => {
        const word = adminWord(a);
        // Changing what the API sells (`POST /special-events` next to "Buy museum tickets") is the seller's
        // staff function; a write with no authentication at all is TL-API-AUTH-001's.
        const offer = word ? undefined : identified(a) ? soldWrite(a, soldOf(node.file)) : undefined;
        if (!word && !offer) return [];
        const mine = scopesOf(a);
        const userScopes = new Set(
          all
            .filter(([n, o]) => n.file === node.file && !adminWord(o) && !soldWrite(o, soldOf(n.file)))
            .flatMap(([, o]) => [...scopesOf(o)]),
        );
        if (mine.size > 0 && [...mine].some((s) => !userScopes.has(s))) return [];
        if (offer)
          return [
            {
              node,
              paths: a.securitySource === "operation" ? ["security"] : [""],
              detail: `${node.id} changes what the API sells (\`${offer}\`, which its purchase operations reference), a staff function, but requires only what every buyer holds (${mine.size > 0 ? `scopes ${list([...mine])}` : "authentication without any scope or role"}): any customer can change the offer and its prices.`,
            },
          ];
        return [
          {
            node,
            paths: a.securitySource === "operation" ? ["security"] : [""],
            detail: identified(a)
              ? `${node.id} is an administrative function ('${word}') guarded only by what every user holds (${mine.size > 0 ? `scopes ${list([...mine])}` : "authentication without any scope or role"}): any user can call it.`
              : `${node.id} is an administrative function ('${word}') that requires no authentication at all.`,
            likelihood: identified(a) ? 4 : 5,
          },
        ];
      });
    },
  }),
  defineRule({
    id: "TL-API-BFLA-002",
    title: "Role or privilege taken from a client-sent parameter",
    category: "ElevationOfPrivilege",
    likelihood: 4,
    impact: 5,
    description:
      "{resource} takes a role, privilege or admin flag as a header or query parameter: the caller decides their own privileges.",
    remediation: {
      text: "Derive roles and privileges from the verified token or the server-side session, never from a request parameter.",
      fix: { openapi: "security:\n  - oauth: [admin]" },
    },
    references: { cwe: ["CWE-639", "CWE-807"], capec: ["CAPEC-39"] },
    kinds: OP,
    check: (ctx) =>
      ops(ctx).flatMap(([node, a]): Finding[] => {
        const hits = a.parameters.filter(
          (p) => (p.in === "header" || p.in === "query" || p.in === "cookie") && ROLE_PARAM.test(p.name),
        );
        if (hits.length === 0) return [];
        return [
          {
            node,
            paths: keys(
              node,
              hits.map((p) => `parameters.${p.name}`),
            ),
            detail: `${node.id} takes ${list(hits.map((p) => `\`${p.name}\` (${p.in})`))} from the client: whoever sends it chooses their own privilege.`,
          },
        ];
      }),
  }),
  defineRule({
    id: "TL-API-BFLA-003",
    title: "Operation less protected than its siblings",
    category: "ElevationOfPrivilege",
    likelihood: 3,
    impact: 4,
    description:
      "{resource} requires less than the other operations on the same path: the weaker verb is a way around the protection the others have.",
    remediation: {
      text: "Give every method of a path at least the protection of its most sensitive sibling, unless it is deliberately public (and say so).",
      fix: { openapi: "security:\n  - oauth: [orders:write]" },
    },
    references: { cwe: ["CWE-285", "CWE-862"], capec: ["CAPEC-122"] },
    kinds: OP,
    check: (ctx) => {
      const all = ops(ctx);
      return all.flatMap(([node, a]): Finding[] => {
        // A write with no authentication at all is TL-API-AUTH-001's; this rule is about a write that authenticates
        // with less than the other writes of its path (a read scope where they need a write scope).
        if (!a.authenticated || publicByDesign(a) || (!WRITES.has(a.method) && a.method !== "DELETE")) return [];
        const mine = scopesOf(a);
        // Scopes every reader of the spec holds: a write that needs only these is open to any reader.
        const readers = new Set(
          all.filter(([n, o]) => n.file === node.file && o.method === "GET").flatMap(([, o]) => [...scopesOf(o)]),
        );
        const stronger = all.filter(([n, o]) => {
          if (n.file !== node.file || o.path !== a.path || o === a || !o.authenticated) return false;
          if (!WRITES.has(o.method) && o.method !== "DELETE") return false;
          const theirs = scopesOf(o);
          return [...theirs].some((s) => !mine.has(s)) && [...mine].every((s) => theirs.has(s) || readers.has(s));
        });
        if (stronger.length === 0) return [];
        const missing = [...new Set(stronger.flatMap(([, o]) => [...scopesOf(o)].filter((s) => !mine.has(s))))];
        return [
          {
            node,
            paths: a.securitySource === "operation" ? ["security"] : [""],
            detail: `${node.id} requires ${mine.size > 0 ? `only ${list([...mine])}` : "no scope"} while ${list(stronger.map(([n]) => n.id))} on the same path also require ${list(missing)}: a caller without ${missing.length === 1 ? "that scope" : "those scopes"} changes the object through ${node.id}.`,
          },
        ];
      });
    },
  }),
  defineRule({
    id: "TL-API-VERSION-001",
    title: "Older API version still exposed",
    category: "ElevationOfPrivilege",
    likelihood: 3,
    impact: 3,
    description:
      "{resource} still serves an older version of the API next to a newer one: old versions keep the flaws and the weaker checks the new one fixed.",
    remediation: {
      text: "Retire old versions (or put them behind the same authorization, rate limits and monitoring as the current one), and keep an inventory of what is exposed.",
      fix: { openapi: "deprecated: true\nx-sunset: 2025-12-31" },
    },
    references: { cwe: ["CWE-1059", "CWE-672"], capec: ["CAPEC-113"] },
    why: "Improper inventory management (OWASP API9:2023): `/v1/` endpoints left running after `/v2/` shipped, often without the authorization fixes of the new version.",
    kinds: OP,
    check: (ctx) => {
      const all = ops(ctx);
      const newest = new Map<string, number>();
      for (const [n, o] of all) {
        const v = pathVersion(o.path);
        if (v !== undefined) newest.set(n.file, Math.max(newest.get(n.file) ?? v, v));
      }
      // One threat per spec: the inventory is what is wrong, not each operation of the old version.
      const older = new Map<string, Array<[GraphNode, OperationAttrs, string]>>();
      for (const [node, a] of all) {
        const v = pathVersion(a.path);
        const top = newest.get(node.file);
        const why = /(^|\/)(legacy|old|deprecated)(\/|$)/i.test(a.path)
          ? "legacy"
          : v !== undefined && top !== undefined && v < top
            ? `v${v}`
            : undefined;
        if (!why) continue;
        const list = older.get(node.file) ?? [];
        list.push([node, a, why]);
        older.set(node.file, list);
      }
      return [...older].flatMap(([file, entries]): Finding[] => {
        const api = ctx.graph.nodes.find((n) => n.kind === "openapi.api" && n.file === file);
        if (!api) return [];
        const groups = [...new Set(entries.map(([, , why]) => why))].map((why) => {
          const members = entries.filter(([, , w]) => w === why).map(([n]) => n.id);
          return `${why === "legacy" ? "legacy endpoints" : `version ${why.slice(1)}`} (${list(members, 4)})`;
        });
        const top = newest.get(file);
        return [
          {
            node: api,
            paths: [""],
            related: entries.map(([n]) => n).slice(0, 50),
            locations: entries.slice(0, 20).map(([n, a]) => ({
              file: n.file,
              line: (a.deprecated ? n.propertyLines.deprecated : undefined) ?? n.line,
              path: a.deprecated ? "deprecated" : "",
            })),
            detail: `${api.id} still serves ${groups.join(" and ")}${top !== undefined ? ` next to version ${top}` : ""}: ${entries.length} operation${entries.length === 1 ? "" : "s"} of an older API stay reachable.`,
            likelihood: entries.some(([, a]) => !identified(a)) ? 4 : 3,
          },
        ];
      });
    },
  }),
  defineRule({
    id: "TL-API-MASS-002",
    title: "Write schema accepts undeclared properties",
    category: "Tampering",
    likelihood: 2,
    impact: 3,
    description:
      "{resource} declares `additionalProperties` open on a request body: any field the client adds is accepted and may be bound to the stored object (mass assignment).",
    remediation: {
      text: "Close write schemas with `additionalProperties: false` and bind only the listed fields on the server.",
      fix: { openapi: "type: object\nadditionalProperties: false" },
    },
    references: { cwe: ["CWE-915"], capec: ["CAPEC-75"] },
    kinds: OP,
    check: (ctx) =>
      ops(ctx).flatMap(([node, a]): Finding[] => {
        if (!WRITES.has(a.method)) return [];
        const open = (a.requestBody?.fields ?? []).filter((f) => f.openObject);
        if (open.length === 0) return [];
        return [
          {
            node,
            paths: keys(
              node,
              open.map((f) => (f.name ? `requestBody.${f.name}` : "requestBody")),
            ),
            detail: `${node.id} accepts undeclared properties in its request body (${list(open.map((f) => f.name || "the body itself"))}).`,
          },
        ];
      }),
  }),
  defineRule({
    id: "TL-API-INJ-001",
    title: "Free-form input used as a query, filter, command, document or file name",
    category: "Tampering",
    likelihood: 3,
    impact: 4,
    description:
      "{resource} takes unconstrained strings that name a query, filter, sort key, command, template, XML document or file: if the service passes them to an interpreter, callers inject into it.",
    remediation: {
      text: "Constrain these inputs (an `enum` of sort keys and filter fields, a `pattern`, a `maxLength`), and on the server use parameterised queries, allow-lists and safe parsers (no external entities, no shell).",
      fix: {
        openapi: "- name: sort\n  in: query\n  schema:\n    type: string\n    enum: [created_at, -created_at, name]",
      },
    },
    references: {
      cwe: ["CWE-74", "CWE-89", "CWE-943", "CWE-78", "CWE-22", "CWE-611"],
      capec: ["CAPEC-66", "CAPEC-88"],
    },
    why: 'Injection (OWASP API8:2023 misconfiguration, formerly API8:2019): search, filter and sort parameters become SQL/NoSQL fragments, `command` and `host` reach a shell, `file`/`path` reach the file system, XML bodies reach a parser with external entities. Structured (JSON/deepObject) filters are operator-friendly for NoSQL injection (`{"$ne": null}`). The rule reads the names; strong signals (commands, files, XML, templates) are high, plain search and sort inputs medium.',
    kinds: OP,
    check: (ctx) =>
      ops(ctx).flatMap(([node, a]): Finding[] => {
        const hits = injectionInputs(a);
        if (hits.length === 0) return [];
        const strong = hits.some((h) => h.strong);
        return [
          {
            node,
            paths: keys(
              node,
              hits.map((h) => h.input.key),
            ),
            detail: `${node.id} takes unconstrained ${list(hits.map((h) => `\`${h.input.name}\` (${h.input.where}${h.input.structured ? ", structured" : ""})`))}: ${strong ? "a command, file name, document or interpreter input" : "a search, filter or sort expression"} the service must not pass to an interpreter as is.`,
            likelihood: strong ? 4 : 2,
          },
        ];
      }),
  }),
  defineRule({
    id: "TL-API-INJ-002",
    title: "Regular expression prone to catastrophic backtracking",
    category: "DenialOfService",
    likelihood: 2,
    impact: 3,
    description:
      "{resource} validates input with a `pattern` that nests quantifiers: a crafted value makes the regular expression engine backtrack for seconds (ReDoS).",
    remediation: {
      text: "Rewrite the pattern without nested quantifiers (or bound the input with a small `maxLength`), and use a linear-time regex engine where possible.",
      fix: { openapi: 'name:\n  type: string\n  maxLength: 64\n  pattern: "^[a-z0-9-]{1,64}$"' },
    },
    references: { cwe: ["CWE-1333"], capec: ["CAPEC-492"] },
    kinds: OP,
    check: (ctx) =>
      ops(ctx).flatMap(([node, a]): Finding[] => {
        const hits = inputsOf(a).filter((i) => i.patternText !== undefined && redosProne(i.patternText));
        if (hits.length === 0) return [];
        return [
          {
            node,
            paths: keys(
              node,
              hits.map((i) => i.key),
            ),
            detail: `${node.id} matches ${list(hits.map((i) => `\`${i.name}\` against /${i.patternText}/`))}, a pattern with nested quantifiers.`,
          },
        ];
      }),
  }),
  defineRule({
    id: "TL-API-SSRF-001",
    title: "Client-given URL the server fetches, calls or redirects to",
    category: "InformationDisclosure",
    likelihood: 3,
    impact: 4,
    description:
      "{resource} takes a URL from the client (a callback, webhook, image or redirect target): the server may be made to call internal addresses (SSRF) or to redirect users to an attacker's site.",
    remediation: {
      text: "Allow-list schemes, hosts and ports; resolve and refuse private, loopback and link-local addresses (and re-check after redirects); for redirects accept only relative paths or registered URLs.",
      fix: { openapi: "callbackUrl:\n  type: string\n  format: uri\n  maxLength: 2048\n  pattern: '^https://'" },
    },
    references: { cwe: ["CWE-918", "CWE-601"], capec: ["CAPEC-664", "CAPEC-194"] },
    why: "Server-side request forgery (OWASP API7:2023): `url`, `callback`, `webhook`, `image_url` inputs let a caller make the service reach its cloud metadata endpoint or internal services; `redirect`/`return_to` inputs make an open redirect.",
    kinds: OP,
    // One threat per use of the URLs across the spec (fetched now, called back later, redirected to): one
    // component of the server does each, and a reviewer asks once how it restricts addresses — Twilio's 25
    // operations taking webhook URLs are one callback dispatcher, not 25 weaknesses.
    check: (ctx) =>
      foldByObject(
        ops(ctx).flatMap(([node, a]): Array<Finding & { group: string }> => {
          const hits = urlInputs(a);
          if (hits.length === 0) return [];
          return [
            {
              node,
              paths: keys(
                node,
                hits.map((i) => i.key),
              ),
              detail: `${node.id} takes ${list(hits.map((i) => `\`${i.name}\` (${i.where})`))}, a URL the server will fetch, call back or redirect to.`,
              likelihood: identified(a) ? 3 : 4,
              group: urlUse(hits.map((i) => i.name)),
            },
          ];
        }),
        "URLs for the same use are taken by",
      ),
  }),
  defineRule({
    id: "TL-API-AUTHN-001",
    title: "Authentication flow without rate limiting or lockout",
    category: "Spoofing",
    likelihood: 3,
    impact: 4,
    description:
      "{resource} is a login, one-time-code, password-reset or registration endpoint, and the contract declares no rate limit or lockout: credentials and codes can be guessed at the speed of the network.",
    remediation: {
      text: "Rate limit per account and per client, lock out or add growing delays after failures, declare the 429 response (with Retry-After), and consider CAPTCHA for registration and reset.",
      fix: { openapi: RATE_LIMIT_FIX },
    },
    references: { cwe: ["CWE-307", "CWE-799"], capec: ["CAPEC-49", "CAPEC-16"], attack: ["T1110"] },
    why: "Broken authentication (OWASP API2:2023): credential stuffing and brute force on `/login`, OTP guessing, reset-code guessing. These endpoints are public by design, so the control is throttling, not authentication.",
    kinds: OP,
    check: (ctx) =>
      ops(ctx).flatMap(([node, a]): Finding[] => {
        const flow = authFlow(a);
        if (!flow || a.rateLimited) return [];
        const what = { login: "login", otp: "one-time code", reset: "password reset", register: "registration" }[flow];
        return [
          {
            node,
            paths: keys(node, ["responses"]),
            detail: `${node.id} is a ${what} endpoint with no 429 response, rate-limit header or lockout declared: ${flow === "register" ? "accounts can be created in bulk" : "credentials or codes can be guessed without limit"}.`,
            likelihood: flow === "register" ? 2 : 3,
          },
        ];
      }),
  }),
  defineRule({
    id: "TL-API-AUTHN-002",
    title: "User enumeration through distinct responses",
    category: "InformationDisclosure",
    likelihood: 3,
    impact: 2,
    description:
      "{resource} answers differently when an account does not exist: callers learn which usernames or e-mail addresses are registered.",
    remediation: {
      text: "Answer login and reset requests the same way (status, body and timing) whether or not the account exists.",
      fix: { openapi: 'responses:\n  "202":\n    description: If the account exists, a reset e-mail is on its way' },
    },
    references: { cwe: ["CWE-204", "CWE-203"], capec: ["CAPEC-575"] },
    kinds: OP,
    check: (ctx) =>
      ops(ctx).flatMap(([node, a]): Finding[] => {
        const flow = authFlow(a);
        if (flow !== "login" && flow !== "reset") return [];
        const tells = Object.entries(a.responseText).filter(
          ([code, text]) =>
            code === "404" ||
            /(user|account|e-?mail|username).{0,30}(not found|does not exist|doesn't exist|unknown|not registered)|no (such )?(user|account)/i.test(
              text,
            ),
        );
        if (tells.length === 0) return [];
        return [
          {
            node,
            paths: keys(
              node,
              tells.map(([c]) => `responses.${c}`),
            ),
            detail: `${node.id} declares ${list(tells.map(([c, t]) => `${c} "${t.slice(0, 60)}"`))}: the answer tells whether an account exists.`,
          },
        ];
      }),
  }),
  defineRule({
    id: "TL-API-AUTHN-003",
    title: "Short one-time code",
    category: "Spoofing",
    likelihood: 3,
    impact: 4,
    description:
      "{resource} accepts a one-time or verification code of six characters or fewer without declared rate limiting: the whole code space can be tried.",
    remediation: {
      text: "Limit attempts per code and per account (lock after a few failures), expire codes quickly, and prefer longer codes for reset links.",
      fix: { openapi: RATE_LIMIT_FIX },
    },
    references: { cwe: ["CWE-307", "CWE-330"], capec: ["CAPEC-112"] },
    kinds: OP,
    check: (ctx) =>
      ops(ctx).flatMap(([node, a]): Finding[] => {
        if (a.rateLimited) return [];
        const short = [
          ...a.parameters.map((p) => ({ ...p, key: `parameters.${p.name}` })),
          ...(a.requestBody?.fields ?? []).map((f) => ({
            ...f,
            name: lastSegment(f.name),
            key: `requestBody.${f.name}`,
          })),
        ].filter(
          (i) =>
            /^(otp|code|pin|mfa[-_]?code|verification[-_]?code|totp|sms[-_]?code|one[-_]?time[-_]?(code|password))$/i.test(
              i.name,
            ) &&
            ((i.maxLength !== undefined && i.maxLength <= 6) ||
              (i.maximum !== undefined && i.maximum <= 999_999) ||
              (i.patternText !== undefined && /\{[4-6]\}|\{[1-6],[4-6]\}/.test(i.patternText))),
        );
        if (short.length === 0) return [];
        return [
          {
            node,
            paths: keys(
              node,
              short.map((i) => i.key),
            ),
            detail: `${node.id} takes ${list(short.map((i) => `\`${i.name}\``))}, a code of at most six characters, with no rate limit declared.`,
          },
        ];
      }),
  }),
  defineRule({
    id: "TL-API-AUTH-008",
    title: "JWT bearer tokens without a stated algorithm or issuer",
    category: "Spoofing",
    likelihood: 2,
    impact: 4,
    description:
      "{resource} accepts JWT bearer tokens but says nothing of which signing algorithms and issuer are accepted: implementations that trust the token's own `alg` (or `none`) or any issuer accept forged tokens.",
    remediation: {
      text: "Pin the accepted algorithms (e.g. RS256/ES256, never `none` or a symmetric key shared with clients), the issuer and the audience, and state them in the scheme (or use OpenID Connect discovery).",
      fix: {
        openapi:
          "type: http\nscheme: bearer\nbearerFormat: JWT\ndescription: RS256-signed by https://auth.example.com (iss), aud=orders-api, 15 min expiry\nx-jwt:\n  algorithms: [RS256]\n  issuer: https://auth.example.com",
      },
    },
    references: { cwe: ["CWE-347", "CWE-287"], capec: ["CAPEC-220"] },
    kinds: SCHEME,
    check: (ctx) =>
      ctx.graph.nodes
        .filter((n) => n.kind === "openapi.security-scheme")
        .flatMap((node): Finding[] => {
          const a = node.attrs as unknown as SecuritySchemeAttrs;
          const jwt =
            (a.type === "http" && a.scheme === "bearer" && /jwt/i.test(a.bearerFormat ?? "")) ||
            (/\bjwt\b/i.test(a.notes ?? "") && a.type !== "openIdConnect");
          if (!jwt) return [];
          const notes = a.notes ?? "";
          if (
            /\b(RS|ES|PS|HS)(256|384|512)\b|EdDSA|algorithm|\balg\b/i.test(notes) &&
            /\biss(uer)?\b|jwks/i.test(notes)
          )
            return [];
          return [{ node, paths: keys(node, ["bearerFormat", "scheme"]) }];
        }),
  }),
  defineRule({
    id: "TL-API-AUTH-009",
    title: "Cookie authentication without CSRF protection",
    category: "Tampering",
    likelihood: 3,
    impact: 3,
    description:
      "{resource} authenticates with a cookie, and no state-changing operation declares an anti-CSRF token: another site can make a logged-in user's browser send requests that change data.",
    remediation: {
      text: "Require an anti-CSRF token header (double-submit or synchronizer token) on state-changing operations, and set the session cookie SameSite=Lax or Strict.",
      fix: {
        openapi:
          "parameters:\n  - name: X-CSRF-Token\n    in: header\n    required: true\n    schema:\n      type: string\n      maxLength: 128",
      },
    },
    references: { cwe: ["CWE-352"], capec: ["CAPEC-62"] },
    kinds: SCHEME,
    check: (ctx) =>
      ctx.graph.nodes
        .filter((n) => n.kind === "openapi.security-scheme")
        .flatMap((node): Finding[] => {
          const a = node.attrs as unknown as SecuritySchemeAttrs;
          if (a.type !== "apiKey" || a.in !== "cookie") return [];
          const csrf = ctx.graph.nodes.some(
            (n) =>
              n.file === node.file &&
              ((n.kind === "openapi.operation" &&
                (n.attrs as unknown as OperationAttrs).parameters.some((p) => /csrf|xsrf/i.test(p.name))) ||
                (n.kind === "openapi.security-scheme" &&
                  /csrf|xsrf/i.test(`${n.id} ${(n.attrs as unknown as SecuritySchemeAttrs).paramName ?? ""}`))),
          );
          return csrf ? [] : [{ node, paths: keys(node, ["in"]) }];
        }),
  }),
  defineRule({
    id: "TL-API-TAMPER-001",
    title: "GET operation that changes state",
    category: "Tampering",
    likelihood: 3,
    impact: 3,
    description:
      "{resource} changes state on a GET: links, image tags, prefetchers and crawlers trigger it, caches and logs replay it, and browsers send it cross-site with the user's cookies (CSRF).",
    remediation: {
      text: "Make state changes POST, PUT, PATCH or DELETE operations that require authentication and, with cookie sessions, an anti-CSRF token.",
      fix: { openapi: "post:\n  summary: Delete a picture\n  security:\n    - bearerAuth: []" },
    },
    references: { cwe: ["CWE-650", "CWE-352"], capec: ["CAPEC-62"] },
    kinds: OP,
    check: (ctx) =>
      ops(ctx).flatMap(([node, a]): Finding[] => {
        const verb = writeVerbOfGet(a);
        if (!verb) return [];
        return [
          {
            node,
            paths: [""],
            detail: `${node.id} is a GET that changes state ('${verb}')${identified(a) ? "" : " and requires no authentication"}.`,
            likelihood: identified(a) ? 3 : 4,
          },
        ];
      }),
  }),
  defineRule({
    id: "TL-API-INFRA-001",
    title: "Gateway route and contract disagree on authentication",
    category: "Spoofing",
    likelihood: 4,
    impact: 4,
    description:
      "{resource} is marked secured in the contract, but the gateway route that serves it (API Gateway, a SAM event, a function URL or an Ingress path), analysed with it, does not authenticate callers: the gateway lets anyone through to a backend that may trust it to have checked.",
    remediation: {
      text: "Attach the authorizer the contract promises to the route (JWT, Lambda or IAM), or, if the operation is public, say so in the contract with `security: []`.",
      fix: { openapi: "security:\n  - bearerAuth: []\nx-amazon-apigateway-auth:\n  type: JWT" },
    },
    references: { cwe: ["CWE-306", "CWE-1059"], capec: ["CAPEC-115"], attack: ["T1190"] },
    why: "When a spec and the infrastructure that serves it are analysed together (`threatline scan` and the worker join a spec with the templates and manifests of its folder, and with any that name it), each operation is matched by method and path to the route that serves it, the most specific one as the gateway picks it: API Gateway v2 routes, v1 methods (their path from the resource tree), SAM function events (their own `Auth` or the API's default authorizer), OpenAPI bodies written inline in a gateway, a gateway built from the spec file itself (only schemes with an `x-amazon-apigateway-authorizer`, and API keys, are enforced there), Lambda function URLs and Kubernetes Ingress paths. A route without authentication in front of an operation the contract secures is an open door when the same gateway authenticates other routes (high): authentication is done at the gateway and this route was missed. When the gateway authenticates nothing, the backend alone checks the contract's credentials: one low threat per spec says so. The reverse (the gateway authenticates an operation the contract calls public) is low: clients and docs are wrong, not the gateway.",
    kinds: OP,
    check: (ctx) => {
      const view = gatewayView(ctx);
      if (!view) return [];
      const out: Finding[] = [];
      const unguarded = new Map<string, Array<[GraphNode, ServedRoute[]]>>();
      for (const [node, a] of ops(ctx)) {
        const served = view.routesFor(node, a);
        if (served.length === 0) continue;
        const paths = a.securitySource === "operation" ? ["security"] : [""];
        const at = (routes: ServedRoute[]): EvidenceLocation[] => [
          ...paths.map((p) => ({ file: node.file, line: node.propertyLines[p] ?? node.line, path: p })),
          ...routes.map((r) => r.evidence),
        ];
        const related = (routes: ServedRoute[]): GraphNode[] => [...new Set(routes.map((r) => r.node))];
        const names = (routes: ServedRoute[]): string => [...new Set(routes.map((r) => r.node.id))].join(", ");
        if (a.authenticated) {
          const open = served.filter((r) => r.auth === null && !r.apiKey);
          const missed = open.filter((r) => view.authenticates(r.gateway));
          if (missed.length > 0)
            out.push({
              node,
              paths,
              related: related(missed),
              locations: at(missed),
              detail: `${node.id} requires ${a.security.map((r) => r.schemes.map((x) => x.name).join(" + ")).join(" or ")} in the contract, but ${names(missed)} (${missed[0]!.node.file}), which serves it, does not authenticate callers while other routes of the same gateway do: anyone reaches a backend that may trust the gateway to have checked.`,
            });
          const alone = open.filter((r) => !view.authenticates(r.gateway));
          if (alone.length > 0 && missed.length === 0) {
            const list = unguarded.get(node.file) ?? [];
            list.push([node, alone]);
            unguarded.set(node.file, list);
          }
          continue;
        }
        const guarded = served.filter((r) => r.auth !== null);
        if (a.securitySource !== "none" && guarded.length > 0)
          out.push({
            node,
            paths,
            related: related(guarded),
            locations: at(guarded),
            detail: `${node.id} is public in the contract, but ${names(guarded)} (${guarded[0]!.node.file}) authenticates it (${String(guarded[0]!.auth)}): clients and documentation built from the contract are wrong.`,
            likelihood: 1,
          });
      }
      for (const [file, entries] of unguarded) {
        const api = ctx.graph.nodes.find((n) => n.kind === "openapi.api" && n.file === file);
        if (!api) continue;
        const routes = entries.flatMap(([, r]) => r);
        out.push({
          node: api,
          paths: [""],
          related: [...new Set(routes.map((r) => r.node))],
          locations: [
            ...entries.slice(0, 10).map(([op]) => ({ file: op.file, line: op.line, path: "" })),
            ...[...new Map(routes.map((r) => [r.node.id, r.evidence])).values()].slice(0, 10),
          ],
          detail: `${list(entries.map(([op]) => op.id))} require authentication in the contract, but nothing in front of them authenticates: ${list([...new Set(routes.map((r) => r.node.id))])} (${routes[0]!.node.file}) let every caller through, so only the backend checks the contract's credentials. Keep that check in every handler, or authenticate at the gateway.`,
          likelihood: 1,
        });
      }
      return out;
    },
  }),
];

export { CONTEXT_FIELD, PRIVILEGED_FIELD };
