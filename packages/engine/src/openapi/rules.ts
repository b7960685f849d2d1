import type { GraphNode } from "../graph/types.ts";
import type { Finding, Rule, RuleContext } from "../rules/types.ts";
import type { ApiAttrs, ApiParameter, OperationAttrs, SchemaField, SecuritySchemeAttrs } from "./parse.ts";
import { defineRule } from "./rule-kit.ts";
import {
  CONTEXT_FIELD,
  identified,
  PRIVILEGED_FIELD,
  REVIEW_RULES,
  specHasIdentity,
  tenantOf,
} from "./review-rules.ts";
import { authFlow, lastSegment, publicByDesign } from "./signals.ts";
import { leftOutOnPurpose, PERSONAL_FIELD, privateRead, SECRET_RESPONSE, SENSITIVE_RESPONSE } from "./exposure.ts";

const OP = ["openapi.operation"];
const SCHEME = ["openapi.security-scheme"];
const API = ["openapi.api"];

function ops(ctx: RuleContext): Array<[GraphNode, OperationAttrs]> {
  return ctx.graph.nodes
    .filter((n) => n.kind === "openapi.operation")
    .map((n) => [n, n.attrs as unknown as OperationAttrs]);
}

function schemes(ctx: RuleContext): Array<[GraphNode, SecuritySchemeAttrs]> {
  return ctx.graph.nodes
    .filter((n) => n.kind === "openapi.security-scheme")
    .map((n) => [n, n.attrs as unknown as SecuritySchemeAttrs]);
}

function apis(ctx: RuleContext): Array<[GraphNode, ApiAttrs]> {
  return ctx.graph.nodes.filter((n) => n.kind === "openapi.api").map((n) => [n, n.attrs as unknown as ApiAttrs]);
}

const STATE_CHANGING = new Set(["POST", "PUT", "PATCH", "DELETE"]);

function exposedLikelihood(ctx: RuleContext, node: GraphNode, base: number): number | undefined {
  return ctx.isExposed(node.id) ? Math.min(5, base + 1) : undefined;
}

function list(items: readonly string[], max = 6): string {
  return items.length > max ? `${items.slice(0, max).join(", ")} and ${items.length - max} more` : items.join(", ");
}

function requestInputs(a: OperationAttrs): { fields: SchemaField[]; params: ApiParameter[] } {
  return { fields: a.requestBody?.fields ?? [], params: a.parameters };
}

const BOUNDED_FORMATS = new Set(["uuid", "date", "date-time", "time", "ipv4", "ipv6", "int32", "int64", "duration"]);
const BINARY_FORMATS = new Set(["binary", "byte", "base64"]);

function unboundedString(f: { type?: string; format?: string; maxLength?: number; enum?: boolean }): boolean {
  return (
    f.type === "string" &&
    f.maxLength === undefined &&
    !f.enum &&
    !(f.format && (BOUNDED_FORMATS.has(f.format) || BINARY_FORMATS.has(f.format)))
  );
}

/** Secrets by exact name (`pass`, `hash`, `salt`), beyond the suffixes SENSITIVE_RESPONSE reads. */
const TOKEN_FIELD = /(token|refresh_?token|session_?id|api_?key)$/i;
const INTERNAL_FIELD =
  /^(cost_?price|costPrice|internal_?[a-z_]*|internal[A-Z][A-Za-z]*|margin|supplier_?cost|debug_?[a-z_]*)$/i;
const SENSITIVE_META =
  /(at|date|time|length|policy|expires|expiry|set|changed|required|hint|strength|id|type|enabled)$/i;
const SENSITIVE_QUERY =
  /(password|passwd|pwd|secret|token|api_?key|apikey|ssn|credit_?card|card_?number|session_?id|access_?key)/i;
/** A page size bound stated in prose: "can range between 1 and 100", "maximum of 500", "at most 50", "up to 1000". */
const STATED_BOUND = /\b(between \d+ and \d+|max(imum)?( of| is|:)? \d+|at most \d+|up to \d+|no more than \d+)\b/i;
/**
 * A response field four objects deep or more (`external_accounts.data[].customer.default_source.client_secret`):
 * another resource embedded in an embedded one (Stripe's expandable objects), reported where that resource is
 * returned itself, not on every response that can carry it.
 */
function expandedDeep(name: string): boolean {
  return name.split(".").filter((s) => s !== "data[]" && s !== "[]").length >= 4;
}

/** Paging cursors (`PageToken`, `next_token`): a position in a list, not a credential. */
const PAGE_TOKEN = /^(page|next|prev(ious)?|continuation|pagination|cursor|sync)[-_]?token$/i;
const PAGE_PARAM =
  /^(limit|size|page_?size|per_?page|count|max|max_?results|top|first|last|take|batch_?size|rows|num_?results)$/i;

const FIX_AUTH = `components:
  securitySchemes:
    bearerAuth:
      type: http
      scheme: bearer
      bearerFormat: JWT
security:
  - bearerAuth: []`;

function isLocalUrl(url: string): boolean {
  return /^https?:\/\/(localhost|127\.|0\.0\.0\.0|\[::1\]|[^/]*\.local(host)?(:|\/|$))/i.test(url);
}

/**
 * Contract hygiene as one finding per spec on its API node: the operations it concerns are listed in the
 * description and pointed at as evidence, so a 700-operation spec gives one line, not 700.
 */
function grouped(
  ctx: RuleContext,
  perOp: (a: OperationAttrs) => string[],
  what: string,
  when: (api: ApiAttrs) => boolean = () => true,
): Finding[] {
  const operations = ops(ctx);
  return apis(ctx).flatMap(([node, api]): Finding[] => {
    if (!when(api)) return [];
    const hits = operations
      .filter(([op]) => op.file === node.file)
      .map(([op, a]) => [op, perOp(a)] as const)
      .filter(([, names]) => names.length > 0);
    if (hits.length === 0) return [];
    const shown = hits.map(([op, names]) => (names[0] === "" ? op.id : `${op.id} (${list(names, 3)})`));
    return [
      {
        node,
        paths: hits
          .map(([op]) => `op:${op.id}`)
          .filter((k) => node.propertyLines[k] !== undefined)
          .slice(0, 10),
        detail: `${hits.length} of ${api.operations} operations of ${node.id} ${what}: ${list(shown, 8)}.`,
      },
    ];
  });
}

export const OPENAPI_RULES: Rule[] = [
  defineRule({
    id: "TL-API-AUTH-001",
    title: "State-changing operation without authentication",
    category: "Spoofing",
    likelihood: 4,
    impact: 4,
    description: "{resource} changes state but requires no authentication: anyone who can reach the API can call it.",
    remediation: {
      text: "Require a security scheme on the operation (or globally) and do not override it with `security: []`.",
      fix: { openapi: FIX_AUTH },
    },
    references: { cwe: ["CWE-306"], capec: ["CAPEC-115"], attack: ["T1190"] },
    kinds: OP,
    check: (ctx) =>
      ops(ctx)
        .filter(([, a]) => STATE_CHANGING.has(a.method) && !identified(a) && !publicByDesign(a))
        .map(([node, a]) => ({
          node,
          paths: a.securitySource === "operation" ? ["security"] : [""],
          detail: `${node.id} changes state and requires no authentication${a.securitySource === "operation" ? " (its `security` overrides the API default with no requirement or an optional `{}`)" : " (no operation or global `security` requirement)"}.`,
          likelihood: exposedLikelihood(ctx, node, 4),
        })),
  }),
  defineRule({
    id: "TL-API-AUTH-002",
    title: "Read operation without authentication",
    category: "InformationDisclosure",
    likelihood: 3,
    impact: 3,
    description: "{resource} returns data without requiring authentication.",
    remediation: {
      text: "Require a security scheme unless the data is deliberately public; document public endpoints explicitly.",
      fix: { openapi: FIX_AUTH },
    },
    references: { cwe: ["CWE-306", "CWE-200"], capec: ["CAPEC-115"] },
    kinds: OP,
    check: (ctx) =>
      ops(ctx)
        .filter(
          ([node, a]) =>
            (a.method === "GET" || a.method === "HEAD") &&
            !identified(a) &&
            !publicByDesign(a) &&
            // A spec with no notion of a caller at all is one finding (TL-API-DOC-001), not one per read.
            specHasIdentity(ctx, node.file) &&
            !(leftOutOnPurpose(ctx, node) && !privateRead(a)),
        )
        .map(([node, a]) => ({
          node,
          paths: a.securitySource === "operation" ? ["security"] : [""],
          likelihood: exposedLikelihood(ctx, node, 3),
        })),
  }),
  defineRule({
    id: "TL-API-AUTH-003",
    title: "API key passed in the query string",
    category: "InformationDisclosure",
    likelihood: 3,
    impact: 3,
    description:
      "{resource} sends the API key in the URL query string, where proxies, server logs, browser history and Referer headers record it.",
    remediation: {
      text: "Send API keys in a request header instead of the query string.",
      fix: { openapi: "type: apiKey\nin: header\nname: X-API-Key" },
    },
    references: { cwe: ["CWE-598"], capec: ["CAPEC-37"] },
    kinds: SCHEME,
    check: (ctx) =>
      schemes(ctx)
        .filter(([, a]) => a.type === "apiKey" && a.in === "query")
        .map(([node]) => ({ node, paths: ["in"] })),
  }),
  defineRule({
    id: "TL-API-AUTH-004",
    title: "HTTP Basic authentication",
    category: "Spoofing",
    likelihood: 3,
    impact: 3,
    description:
      "{resource} uses HTTP Basic authentication: a long-lived password is sent with every request and cannot be scoped or expired.",
    remediation: {
      text: "Use a token-based scheme (OAuth 2.0 / OpenID Connect bearer tokens) instead of HTTP Basic.",
      fix: { openapi: "type: http\nscheme: bearer\nbearerFormat: JWT" },
    },
    references: { cwe: ["CWE-522", "CWE-287"], capec: ["CAPEC-560"] },
    kinds: SCHEME,
    check: (ctx) =>
      schemes(ctx)
        .filter(([, a]) => a.type === "http" && a.scheme === "basic")
        .map(([node]) => ({ node, paths: [node.propertyLines.scheme !== undefined ? "scheme" : "type"] })),
  }),
  defineRule({
    id: "TL-API-AUTH-005",
    title: "OAuth 2.0 implicit flow",
    category: "Spoofing",
    likelihood: 3,
    impact: 4,
    description:
      "{resource} allows the OAuth 2.0 implicit flow, which returns access tokens in the URL fragment and is deprecated by OAuth 2.0 Security Best Current Practice.",
    remediation: {
      text: "Use the authorization code flow with PKCE instead of the implicit flow.",
      fix: {
        openapi:
          "flows:\n  authorizationCode:\n    authorizationUrl: https://auth.example.com/authorize\n    tokenUrl: https://auth.example.com/token\n    scopes: {}",
      },
    },
    references: { cwe: ["CWE-522"], capec: ["CAPEC-593"] },
    kinds: SCHEME,
    check: (ctx) =>
      schemes(ctx)
        .filter(([, a]) => a.flows.some((f) => f.flow === "implicit"))
        .map(([node]) => ({
          node,
          paths: [node.propertyLines["flows.implicit"] !== undefined ? "flows.implicit" : "flow"],
        })),
  }),
  defineRule({
    id: "TL-API-AUTH-006",
    title: "OAuth 2.0 resource owner password flow",
    category: "Spoofing",
    likelihood: 3,
    impact: 4,
    description:
      "{resource} allows the resource owner password credentials flow: clients handle users' passwords directly, which defeats the point of OAuth and blocks MFA.",
    remediation: {
      text: "Use the authorization code flow with PKCE (users) or client credentials (services).",
      fix: {
        openapi:
          "flows:\n  authorizationCode:\n    authorizationUrl: https://auth.example.com/authorize\n    tokenUrl: https://auth.example.com/token\n    scopes: {}",
      },
    },
    references: { cwe: ["CWE-522"], capec: ["CAPEC-560"] },
    kinds: SCHEME,
    check: (ctx) =>
      schemes(ctx)
        .filter(([, a]) => a.flows.some((f) => f.flow === "password"))
        .map(([node]) => ({
          node,
          paths: [node.propertyLines["flows.password"] !== undefined ? "flows.password" : "flow"],
        })),
  }),
  defineRule({
    id: "TL-API-AUTH-007",
    title: "OAuth endpoint over plain HTTP",
    category: "InformationDisclosure",
    likelihood: 3,
    impact: 4,
    description:
      "{resource} sends authorization codes, tokens or credentials to an authorization or token URL over plain HTTP.",
    remediation: {
      text: "Use https:// for every authorization, token and OpenID Connect discovery URL.",
      fix: { openapi: "tokenUrl: https://auth.example.com/token" },
    },
    references: { cwe: ["CWE-319"], capec: ["CAPEC-157"] },
    kinds: SCHEME,
    check: (ctx) =>
      schemes(ctx)
        .filter(([, a]) =>
          [...a.flows.flatMap((f) => [f.authorizationUrl, f.tokenUrl]), a.openIdConnectUrl].some(
            (u) => u !== undefined && /^http:\/\//i.test(u) && !isLocalUrl(u),
          ),
        )
        .map(([node, a]) => ({
          node,
          paths: [
            a.openIdConnectUrl ? "openIdConnectUrl" : node.propertyLines.flows !== undefined ? "flows" : "tokenUrl",
          ],
        })),
  }),
  defineRule({
    id: "TL-API-TLS-001",
    title: "API served over plain HTTP",
    category: "InformationDisclosure",
    likelihood: 3,
    impact: 4,
    description:
      "{resource} declares a plain-HTTP server: credentials, tokens and data cross the network unencrypted and can be altered in transit.",
    remediation: {
      text: "Serve the API over HTTPS only and remove http:// servers (or `http` from `schemes`).",
      fix: { openapi: "servers:\n  - url: https://api.example.com/v1" },
    },
    references: { cwe: ["CWE-319"], capec: ["CAPEC-94", "CAPEC-157"], attack: ["T1557"] },
    kinds: API,
    check: (ctx) =>
      apis(ctx)
        .filter(([, a]) => a.servers.some((u) => /^http:\/\//i.test(u) && !isLocalUrl(u)))
        .map(([node, a]) => ({
          node,
          paths: [node.propertyLines.servers !== undefined ? "servers" : "schemes"],
          detail: `${node.id} declares plain-HTTP servers (${list(a.servers.filter((u) => /^http:\/\//i.test(u)))}): traffic, credentials and tokens cross the network unencrypted.`,
        })),
  }),
  defineRule({
    id: "TL-API-MASS-001",
    title: "Mass assignment of privileged fields",
    category: "ElevationOfPrivilege",
    likelihood: 3,
    impact: 4,
    description:
      "{resource} accepts privileged or server-owned fields (roles, admin flags, owner ids, balances, credits, payment or approval state) in its request body: a client may set them itself.",
    remediation: {
      text: "Remove server-owned fields from request schemas (separate input and output schemas) or mark them `readOnly: true`, and bind only allow-listed fields on the server.",
      fix: { openapi: "role:\n  type: string\n  readOnly: true" },
    },
    references: { cwe: ["CWE-915"], capec: ["CAPEC-75"] },
    kinds: OP,
    check: (ctx) =>
      ops(ctx).flatMap(([node, a]): Finding[] => {
        const flow = authFlow(a);
        if (!STATE_CHANGING.has(a.method) || a.method === "DELETE" || (flow !== undefined && flow !== "register"))
          return [];
        // Price or status are the business of a product catalogue's admin, but not of a user's own order or profile.
        // Below a tenant prefix (`/Accounts/{AccountSid}/Calls/{Sid}`) the word `Accounts` says nothing of the object.
        const tenant = tenantOf(ctx, node.file)?.scope;
        const own = tenant?.members.has(node)
          ? a.path.split("/").slice(tenant.prefix.split("/").length).join("/")
          : a.path;
        const personal =
          /(^|\/)(users?|me|profile|accounts?|register|signup|sign-up|orders?|cart|checkout|pay(ment)?s?|subscriptions?|members?|customers?)(\/|$)/i.test(
            own,
          );
        const hits = (a.requestBody?.fields ?? []).filter((f) => {
          const leaf = lastSegment(f.name);
          if (f.readOnly || f.name === "" || !PRIVILEGED_FIELD.test(leaf)) return false;
          // `customer.id`-style references and identifiers of the object itself are not privileges.
          if (/^(user[-_]?id|owner[-_]?id|tenant[-_]?id)$/i.test(leaf) && !personal && f.name.includes("."))
            return false;
          return !CONTEXT_FIELD.test(leaf) || personal;
        });
        if (hits.length === 0) return [];
        const names = hits.map((f) => f.name);
        return [
          {
            node,
            paths: names
              .map((n) => `requestBody.${n}`)
              .filter((k) => node.propertyLines[k] !== undefined)
              .slice(0, 10),
            detail: `${node.id} accepts privileged or server-owned fields in its request body: ${list(names)}. A client that adds them to its request sets them (mass assignment).`,
            likelihood: hits.some((f) =>
              /role|admin|super|privilege|permission|scope|staff|access/i.test(lastSegment(f.name)),
            )
              ? 4
              : 3,
          },
        ];
      }),
  }),
  defineRule({
    id: "TL-API-INPUT-001",
    title: "Unbounded string input",
    category: "DenialOfService",
    likelihood: 2,
    impact: 2,
    description:
      "{resource} has operations that accept string inputs without a maxLength: oversized payloads can exhaust memory, storage or downstream limits (contract hygiene, one finding per spec).",
    remediation: {
      text: "Give every string input a `maxLength` (or an `enum`/bounded `format` such as uuid or date-time).",
      fix: { openapi: "name:\n  type: string\n  maxLength: 256" },
    },
    references: { cwe: ["CWE-770", "CWE-20"], capec: ["CAPEC-130"] },
    kinds: API,
    check: (ctx) =>
      grouped(
        ctx,
        (a) => {
          const { fields, params } = requestInputs(a);
          return [
            ...params.filter((p) => unboundedString(p)).map((p) => p.name),
            ...fields.filter((f) => unboundedString(f) && !f.fromExample).map((f) => f.name),
          ];
        },
        "accept strings with no maxLength",
      ),
  }),
  defineRule({
    id: "TL-API-INPUT-002",
    title: "Unbounded array input",
    category: "DenialOfService",
    likelihood: 2,
    impact: 2,
    description:
      "{resource} has operations that accept arrays without maxItems: one request can carry an arbitrary number of items to process (contract hygiene, one finding per spec).",
    remediation: {
      text: "Give every array input a `maxItems`.",
      fix: { openapi: "items:\n  type: array\n  maxItems: 100" },
    },
    references: { cwe: ["CWE-770"], capec: ["CAPEC-130"] },
    kinds: API,
    check: (ctx) =>
      grouped(
        ctx,
        (a) => {
          const { fields, params } = requestInputs(a);
          return [
            ...params.filter((p) => p.type === "array" && p.maxItems === undefined).map((p) => p.name),
            ...fields
              .filter((f) => f.type === "array" && f.maxItems === undefined && !f.fromExample)
              .map((f) => f.name),
          ];
        },
        "accept arrays with no maxItems",
      ),
  }),
  defineRule({
    id: "TL-API-INPUT-003",
    title: "File upload without a size limit",
    category: "DenialOfService",
    likelihood: 3,
    impact: 4,
    description: "{resource} accepts file or binary uploads with no declared maximum size.",
    remediation: {
      text: "Declare a `maxLength` on binary fields and enforce a request size limit at the gateway and in the service.",
      fix: { openapi: "file:\n  type: string\n  format: binary\n  maxLength: 10485760" },
    },
    references: { cwe: ["CWE-400", "CWE-434"], capec: ["CAPEC-130"] },
    kinds: OP,
    check: (ctx) =>
      ops(ctx).flatMap(([node, a]): Finding[] => {
        const body = a.requestBody;
        if (!body) return [];
        const binary = body.fields.filter(
          (f) => f.format !== undefined && BINARY_FORMATS.has(f.format) && f.maxLength === undefined,
        );
        const raw =
          body.contentTypes.some((t) => /octet-stream|^image\/|^video\/|^audio\//i.test(t)) &&
          body.fields.every((f) => f.maxLength === undefined);
        if (binary.length === 0 && !raw) return [];
        return [{ node, paths: binary.length > 0 ? binary.map((f) => `requestBody.${f.name}`) : ["requestBody"] }];
      }),
  }),
  defineRule({
    id: "TL-API-INPUT-004",
    title: "Page size parameter without a maximum",
    category: "DenialOfService",
    likelihood: 2,
    impact: 2,
    description:
      "{resource} takes a page-size or limit parameter with no maximum: one request can ask the service to load and return everything.",
    remediation: {
      text: "Declare a `maximum` on limit/size parameters and enforce it in the service.",
      fix: { openapi: "- name: limit\n  in: query\n  schema:\n    type: integer\n    minimum: 1\n    maximum: 100" },
    },
    references: { cwe: ["CWE-770"], capec: ["CAPEC-130"] },
    kinds: OP,
    check: (ctx) =>
      ops(ctx).flatMap(([node, a]): Finding[] => {
        // Unbounded: a number with no `maximum`, no enum, and no bound its description states ("between 1 and 100").
        const bounded = (p: { type?: string; maximum?: number; enum?: boolean; description?: string }): boolean =>
          (p.type === "integer" || p.type === "number") &&
          p.maximum === undefined &&
          !p.enum &&
          !STATED_BOUND.test(p.description ?? "");
        const hits = [
          ...a.parameters
            .filter((p) => p.in === "query" && PAGE_PARAM.test(p.name) && bounded(p))
            .map((p) => `parameters.${p.name}`),
          // Search forms posted as bodies carry their page size there.
          ...(a.requestBody?.fields ?? [])
            .filter((f) => !f.name.includes(".") && PAGE_PARAM.test(f.name) && bounded(f))
            .map((f) => `requestBody.${f.name}`),
        ];
        return hits.length === 0 ? [] : [{ node, paths: hits }];
      }),
  }),
  defineRule({
    id: "TL-API-DATA-001",
    title: "Sensitive fields in responses",
    category: "InformationDisclosure",
    likelihood: 3,
    impact: 4,
    description:
      "{resource} returns sensitive fields (passwords or their hashes, secrets, tokens, national ids, card data, or other people's personal data) in its responses.",
    remediation: {
      text: "Remove sensitive fields from response schemas (use separate output schemas); mark input-only fields `writeOnly: true`.",
      fix: { openapi: "password:\n  type: string\n  writeOnly: true" },
    },
    references: { cwe: ["CWE-200", "CWE-359"], capec: ["CAPEC-118"] },
    kinds: OP,
    check: (ctx) =>
      ops(ctx).flatMap(([node, a]): Finding[] => {
        const flow = authFlow(a);
        const secret = a.responseFields.filter((f) => {
          const leaf = lastSegment(f.name);
          if (f.writeOnly || expandedDeep(f.name)) return false;
          // Issuing tokens is what login, refresh and registration are for.
          if (flow !== undefined && TOKEN_FIELD.test(leaf)) return false;
          return (
            (SENSITIVE_RESPONSE.test(leaf) && !SENSITIVE_META.test(leaf.replace(SENSITIVE_RESPONSE, ""))) ||
            SECRET_RESPONSE.test(leaf) ||
            (TOKEN_FIELD.test(leaf) &&
              !/^(token|access_?token|id_?token)$/i.test(leaf) &&
              !/^(next|page|continuation)/i.test(leaf))
          );
        });
        // Personal or internal data of others: lists that anyone can read.
        const others =
          !identified(a) && a.returnsList && flow === undefined
            ? a.responseFields.filter(
                (f) => PERSONAL_FIELD.test(lastSegment(f.name)) || INTERNAL_FIELD.test(lastSegment(f.name)),
              )
            : [];
        const hits = [...secret, ...others.filter((f) => !secret.includes(f))];
        if (hits.length === 0) return [];
        const keys = hits.map(
          (f) =>
            Object.keys(node.propertyLines).find((k) => k.startsWith("responses.") && k.endsWith(`.${f.name}`)) ??
            "responses",
        );
        return [
          {
            node,
            paths: [...new Set(keys)],
            detail: `${node.id} returns sensitive fields: ${list(hits.map((f) => f.name))}${secret.length === 0 ? " (personal or internal data, to unauthenticated callers)" : ""}.`,
            likelihood: secret.length === 0 ? 2 : exposedLikelihood(ctx, node, 3),
          },
        ];
      }),
  }),
  defineRule({
    id: "TL-API-DATA-002",
    title: "Sensitive data in query parameters",
    category: "InformationDisclosure",
    likelihood: 3,
    impact: 3,
    description:
      "{resource} takes credentials or personal data as query parameters, which end up in logs, caches and browser history.",
    remediation: {
      text: "Move credentials and sensitive values to headers or the request body.",
      fix: {
        openapi:
          "- name: Authorization\n  in: header\n  required: true\n  schema:\n    type: string\n    maxLength: 4096",
      },
    },
    references: { cwe: ["CWE-598"], capec: ["CAPEC-37"] },
    kinds: OP,
    check: (ctx) =>
      ops(ctx).flatMap(([node, a]): Finding[] => {
        const hits = a.parameters.filter(
          (p) => p.in === "query" && SENSITIVE_QUERY.test(p.name) && !PAGE_TOKEN.test(p.name),
        );
        return hits.length === 0 ? [] : [{ node, paths: hits.map((p) => `parameters.${p.name}`) }];
      }),
  }),
  defineRule({
    id: "TL-API-RESP-001",
    title: "Authenticated operation declares no 401 or 403",
    category: "Spoofing",
    likelihood: 1,
    impact: 2,
    description:
      "{resource} has authenticated operations that declare neither a 401 nor a 403 response: how authentication and authorization failures behave is undocumented and untested against the contract (contract hygiene, one finding per spec).",
    remediation: {
      text: "Declare 401 (not authenticated) and 403 (not allowed) responses on authenticated operations.",
      fix: {
        openapi: 'responses:\n  "401":\n    description: Not authenticated\n  "403":\n    description: Not allowed',
      },
    },
    references: { cwe: ["CWE-287"] },
    kinds: API,
    check: (ctx) =>
      grouped(
        ctx,
        (a) =>
          a.authenticated && !a.responses.some((c) => c === "401" || c === "403" || /^4XX$/i.test(c)) ? [""] : [],
        "declare no 401 or 403 although they require authentication",
        // References that could not be followed may hold the error responses: say nothing rather than guess.
        (api) => api.remoteRefs.length === 0,
      ),
  }),
  defineRule({
    id: "TL-API-RESP-002",
    title: "No rate limiting declared",
    category: "DenialOfService",
    likelihood: 2,
    impact: 2,
    description:
      "{resource} declares no 429 response on any operation: nothing in the contract shows that clients are rate limited (authentication endpoints are reported on their own).",
    remediation: {
      text: "Rate limit the API (gateway usage plans, WAF rate rules) and declare the 429 response clients get.",
      fix: {
        openapi:
          'responses:\n  "429":\n    description: Too many requests\n    headers:\n      Retry-After:\n        schema:\n          type: integer',
      },
    },
    references: { cwe: ["CWE-770", "CWE-307"], capec: ["CAPEC-125"], attack: ["T1499"] },
    kinds: API,
    check: (ctx) => {
      const operations = ops(ctx);
      return apis(ctx).flatMap(([node, a]): Finding[] => {
        const mine = operations.filter(([op]) => op.file === node.file);
        if (a.operations === 0 || mine.some(([, o]) => o.rateLimited)) return [];
        return [{ node, paths: [""] }];
      });
    },
  }),
  defineRule({
    id: "TL-API-DOC-001",
    title: "API defines no security scheme",
    category: "Spoofing",
    likelihood: 4,
    impact: 4,
    description:
      "{resource} defines no security scheme and no global security requirement: the contract describes an API without authentication.",
    remediation: {
      text: "Define a security scheme in `components.securitySchemes` (or `securityDefinitions`) and require it globally.",
      fix: { openapi: FIX_AUTH },
    },
    references: { cwe: ["CWE-306"], capec: ["CAPEC-115"] },
    kinds: API,
    check: (ctx) =>
      apis(ctx)
        .filter(([, a]) => a.operations > 0 && a.securitySchemes.length === 0 && a.security.length === 0)
        .map(([node]) => ({ node, paths: [""], likelihood: exposedLikelihood(ctx, node, 4) })),
  }),
  ...REVIEW_RULES,
];
