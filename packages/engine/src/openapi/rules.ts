import type { GraphNode } from "../graph/types.ts";
import type { Finding, Rule, RuleContext } from "../rules/types.ts";
import type { ApiAttrs, ApiParameter, OperationAttrs, SchemaField, SecuritySchemeAttrs } from "./parse.ts";
import { defineRule } from "./rule-kit.ts";

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

/** Endpoints that are public by design: probes, discovery, and the entry points of authentication itself. */
const PUBLIC_BY_DESIGN =
  /(^|\/)(health|healthz|ready|readyz|live|livez|ping|\.well-known|openapi(\.json|\.yaml)?|swagger(\.json)?|login|logout|signin|sign-in|signup|sign-up|register|token|oauth2?|authorize|forgot-password|reset-password|password-reset)(\/|$)/i;

function lastSegment(name: string): string {
  return (name.split(".").pop() ?? name).replace(/\[\]$/, "");
}

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

const MASS_FIELDS =
  /^(id|role|roles|is_?admin|admin|is_?superuser|superuser|permissions?|privileges?|owner|owner_?id|tenant_?id|account_?type|is_?verified|email_?verified|verified|balance|credits?|scopes?|groups?|is_?staff|access_?level|plan|tier)$/i;
const SENSITIVE_RESPONSE =
  /(password|passwd|pwd|secret|ssn|social_?security|credit_?card|card_?number|cvv|cvc|private_?key|api_?key|pin_?code)$/i;
const SENSITIVE_META =
  /(at|date|time|length|policy|expires|expiry|set|changed|required|hint|strength|id|type|enabled)$/i;
const SENSITIVE_QUERY =
  /(password|passwd|pwd|secret|token|api_?key|apikey|ssn|credit_?card|card_?number|session_?id|access_?key)/i;
const PAGE_PARAM = /^(limit|size|page_?size|per_?page|count|max|max_?results|top|first|last|take|batch_?size)$/i;

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
        .filter(([, a]) => STATE_CHANGING.has(a.method) && !a.authenticated && !PUBLIC_BY_DESIGN.test(a.path))
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
          ([, a]) => (a.method === "GET" || a.method === "HEAD") && !a.authenticated && !PUBLIC_BY_DESIGN.test(a.path),
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
    id: "TL-API-BOLA-001",
    title: "Object-level authorization risk on an object id",
    category: "ElevationOfPrivilege",
    likelihood: 3,
    impact: 4,
    description:
      "{resource} takes an object id in its path but documents no 403 response: nothing shows that the caller's right to that specific object is checked (BOLA / IDOR).",
    remediation: {
      text: "Check on every request that the caller may access the object named by the id, and declare the 403 response the check produces.",
      fix: { openapi: 'responses:\n  "403":\n    description: The caller may not access this object.' },
    },
    references: { cwe: ["CWE-639", "CWE-285"], capec: ["CAPEC-122"] },
    why: "Broken object level authorization (OWASP API1) is the most common API flaw: an endpoint such as `GET /orders/{orderId}` authenticates the caller but never checks that the order belongs to them. The rule fires on operations with an id-like path parameter that declare no 403 response, a sign the check was never designed.",
    kinds: OP,
    check: (ctx) =>
      ops(ctx).flatMap(([node, a]): Finding[] => {
        const ids = a.parameters.filter((p) => p.in === "path" && /(id|uuid|guid)$/i.test(p.name));
        if (ids.length === 0 || a.responses.includes("403")) return [];
        return [
          {
            node,
            paths: ids.map((p) => `parameters.${p.name}`),
            likelihood: !a.authenticated ? 4 : exposedLikelihood(ctx, node, 3),
          },
        ];
      }),
  }),
  defineRule({
    id: "TL-API-MASS-001",
    title: "Mass assignment of privileged fields",
    category: "ElevationOfPrivilege",
    likelihood: 3,
    impact: 4,
    description:
      "{resource} accepts privileged fields (id, role, admin flags, owner, balance) in its request body that are not marked readOnly: a client may set them itself.",
    remediation: {
      text: "Remove server-owned fields from request schemas (separate input and output schemas) or mark them `readOnly: true`, and bind only allow-listed fields on the server.",
      fix: { openapi: "role:\n  type: string\n  readOnly: true" },
    },
    references: { cwe: ["CWE-915"], capec: ["CAPEC-75"] },
    kinds: OP,
    check: (ctx) =>
      ops(ctx).flatMap(([node, a]): Finding[] => {
        if (!STATE_CHANGING.has(a.method) || a.method === "DELETE") return [];
        const hits = (a.requestBody?.fields ?? []).filter((f) => !f.readOnly && MASS_FIELDS.test(lastSegment(f.name)));
        if (hits.length === 0) return [];
        const names = hits.map((f) => f.name);
        return [
          {
            node,
            paths: names.map((n) => `requestBody.${n}`),
            detail: `${node.id} accepts server-owned fields in its request body that are not readOnly: ${list(names)}.`,
          },
        ];
      }),
  }),
  defineRule({
    id: "TL-API-INPUT-001",
    title: "Unbounded string input",
    category: "DenialOfService",
    likelihood: 3,
    impact: 3,
    description:
      "{resource} accepts string inputs without a maxLength: oversized payloads can exhaust memory, storage or downstream limits.",
    remediation: {
      text: "Give every string input a `maxLength` (or an `enum`/bounded `format` such as uuid or date-time).",
      fix: { openapi: "name:\n  type: string\n  maxLength: 256" },
    },
    references: { cwe: ["CWE-770", "CWE-20"], capec: ["CAPEC-130"] },
    kinds: OP,
    check: (ctx) =>
      ops(ctx).flatMap(([node, a]): Finding[] => {
        const { fields, params } = requestInputs(a);
        const names = [
          ...params.filter((p) => unboundedString(p)).map((p) => `parameters.${p.name}`),
          ...fields.filter((f) => unboundedString(f)).map((f) => `requestBody.${f.name}`),
        ];
        if (names.length === 0) return [];
        return [
          {
            node,
            paths: names.slice(0, 10),
            detail: `${node.id} accepts strings with no maxLength: ${list(names.map((n) => n.replace(/^[a-zA-Z]+\./, "")))}.`,
          },
        ];
      }),
  }),
  defineRule({
    id: "TL-API-INPUT-002",
    title: "Unbounded array input",
    category: "DenialOfService",
    likelihood: 3,
    impact: 3,
    description:
      "{resource} accepts arrays without maxItems: one request can carry an arbitrary number of items to process.",
    remediation: {
      text: "Give every array input a `maxItems`.",
      fix: { openapi: "items:\n  type: array\n  maxItems: 100" },
    },
    references: { cwe: ["CWE-770"], capec: ["CAPEC-130"] },
    kinds: OP,
    check: (ctx) =>
      ops(ctx).flatMap(([node, a]): Finding[] => {
        const { fields, params } = requestInputs(a);
        const names = [
          ...params.filter((p) => p.type === "array" && p.maxItems === undefined).map((p) => `parameters.${p.name}`),
          ...fields.filter((f) => f.type === "array" && f.maxItems === undefined).map((f) => `requestBody.${f.name}`),
        ];
        return names.length === 0 ? [] : [{ node, paths: names.slice(0, 10) }];
      }),
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
    likelihood: 3,
    impact: 3,
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
        const hits = a.parameters.filter(
          (p) =>
            p.in === "query" &&
            PAGE_PARAM.test(p.name) &&
            (p.type === "integer" || p.type === "number") &&
            p.maximum === undefined &&
            !p.enum,
        );
        return hits.length === 0 ? [] : [{ node, paths: hits.map((p) => `parameters.${p.name}`) }];
      }),
  }),
  defineRule({
    id: "TL-API-DATA-001",
    title: "Sensitive fields in responses",
    category: "InformationDisclosure",
    likelihood: 3,
    impact: 4,
    description: "{resource} returns sensitive fields (passwords, secrets, national ids, card data) in its responses.",
    remediation: {
      text: "Remove sensitive fields from response schemas (use separate output schemas); mark input-only fields `writeOnly: true`.",
      fix: { openapi: "password:\n  type: string\n  writeOnly: true" },
    },
    references: { cwe: ["CWE-200", "CWE-359"], capec: ["CAPEC-118"] },
    kinds: OP,
    check: (ctx) =>
      ops(ctx).flatMap(([node, a]): Finding[] => {
        const hits = a.responseFields.filter(
          (f) =>
            !f.writeOnly &&
            SENSITIVE_RESPONSE.test(lastSegment(f.name)) &&
            !SENSITIVE_META.test(lastSegment(f.name).replace(SENSITIVE_RESPONSE, "")),
        );
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
            detail: `${node.id} returns sensitive fields: ${list(hits.map((f) => f.name))}.`,
            likelihood: exposedLikelihood(ctx, node, 3),
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
        const hits = a.parameters.filter((p) => p.in === "query" && SENSITIVE_QUERY.test(p.name));
        return hits.length === 0 ? [] : [{ node, paths: hits.map((p) => `parameters.${p.name}`) }];
      }),
  }),
  defineRule({
    id: "TL-API-RESP-001",
    title: "Authenticated operation declares no 401 or 403",
    category: "Spoofing",
    likelihood: 2,
    impact: 2,
    description:
      "{resource} requires authentication but declares neither a 401 nor a 403 response: how authentication and authorization failures behave is undocumented and untested against the contract.",
    remediation: {
      text: "Declare 401 (not authenticated) and 403 (not allowed) responses on authenticated operations.",
      fix: {
        openapi: 'responses:\n  "401":\n    description: Not authenticated\n  "403":\n    description: Not allowed',
      },
    },
    references: { cwe: ["CWE-287"] },
    kinds: OP,
    check: (ctx) =>
      ops(ctx)
        .filter(([, a]) => a.authenticated && !a.responses.some((c) => c === "401" || c === "403" || /^4XX$/i.test(c)))
        .map(([node]) => ({ node, paths: ["responses"] })),
  }),
  defineRule({
    id: "TL-API-RESP-002",
    title: "No rate limiting declared",
    category: "DenialOfService",
    likelihood: 3,
    impact: 3,
    description:
      "{resource} declares no 429 response on any operation: nothing in the contract shows that clients are rate limited.",
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
        if (a.operations === 0 || mine.some(([, o]) => o.responses.includes("429"))) return [];
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
];
