/**
 * The HTTP routes the infrastructure analysed with a contract puts in front of it, and whether each one
 * authenticates: API Gateway v2 routes, API Gateway v1 methods (their path from the resource tree), SAM function
 * events, OpenAPI bodies written inline in a gateway resource, a gateway built from the contract file itself,
 * Lambda function URLs and Kubernetes Ingress paths. The contract's operations are matched to them by method and
 * path, the way the gateway picks a route (the most specific one wins).
 */
import type { GraphEdge, GraphNode } from "../graph/types.ts";
import type { EvidenceLocation, RuleContext } from "../rules/types.ts";
import type { OperationAttrs, SecuritySchemeAttrs } from "./parse.ts";

type Obj = Record<string, unknown>;

export interface ServedRoute {
  /** The resource users would open to fix it: the method, route, function, API or Ingress. */
  node: GraphNode;
  /** `GET`, or `ANY`. */
  method: string;
  /** Path segments; `{}` is one variable segment, `**` one or more further segments (greedy), `...` zero or more (a prefix). */
  segments: string[];
  /** What authenticates callers at this hop (`JWT`, `AWS_IAM`, `nginx auth-url` …), or null: nothing. */
  auth: string | null;
  /** An API key is required (not an identity, but not anonymous either). */
  apiKey: boolean;
  /** The routes of one API or one Ingress host share a gateway: where some authenticate, auth belongs there. */
  gateway: string;
  /** Where the route's authentication is, or would be, written. */
  evidence: EvidenceLocation;
}

const isObj = (v: unknown): v is Obj => typeof v === "object" && v !== null && !Array.isArray(v);
const text = (v: unknown): string | undefined => (typeof v === "string" && v.trim() !== "" ? v.trim() : undefined);
/** A path prefix: what follows it, or nothing, matches. */
const PREFIX = "...";
const HTTP_METHODS = new Set(["GET", "PUT", "POST", "DELETE", "OPTIONS", "HEAD", "PATCH", "TRACE"]);

/** `/orders/{id}` → ["orders", "{}"]; `{proxy+}` and a trailing `*` take the rest of the path. */
export function pathSegments(path: string): string[] {
  return path
    .split("?")[0]!
    .split("/")
    .filter((s) => s !== "")
    .map((s) => (/^\{[^}]*\+\}$/.test(s) || s === "*" ? "**" : /^\{[^}]*\}$|^:\w+$/.test(s) ? "{}" : s.toLowerCase()));
}

/** The written properties of a node (`Properties` of a CloudFormation resource, the block of a Terraform one). */
function body(node: GraphNode): Obj {
  const p = node.properties;
  return node.format === "cloudformation" && isObj(p.Properties) ? p.Properties : p;
}

function where(node: GraphNode, path: string): EvidenceLocation {
  const line = node.propertyLines[path];
  return { file: node.file, line: line ?? node.line, path: line === undefined ? "" : path };
}

function edgesFrom(edges: readonly GraphEdge[]): Map<string, GraphEdge[]> {
  const out = new Map<string, GraphEdge[]>();
  for (const e of edges) {
    const list = out.get(e.from);
    if (list) list.push(e);
    else out.set(e.from, [e]);
  }
  return out;
}

/** The node an edge written at `via` (or under it) points to, among `kinds`. */
function target(
  ctx: RuleContext,
  from: Map<string, GraphEdge[]>,
  node: GraphNode,
  via: readonly string[],
  kinds?: readonly string[],
): GraphNode | undefined {
  for (const e of from.get(node.id) ?? []) {
    if (!e.via || !via.some((v) => e.via === v || e.via!.startsWith(`${v}.`))) continue;
    const to = ctx.byId.get(e.to);
    if (to && (!kinds || kinds.includes(to.kind))) return to;
  }
  return undefined;
}

const API_KINDS = ["aws.apigateway.rest-api", "aws.apigateway.http-api"];

/** API Gateway v2 routes (`GET /orders/{id}`, `$default`) and v1 methods with the path of their resource. */
function gatewayMethods(ctx: RuleContext, from: Map<string, GraphEdge[]>): ServedRoute[] {
  const out: ServedRoute[] = [];
  for (const node of ctx.graph.nodes) {
    if (node.kind !== "aws.apigateway.method" || typeof node.attrs.httpMethod !== "string") continue;
    const key = node.attrs.httpMethod.trim();
    const authorization = typeof node.attrs.authorization === "string" ? node.attrs.authorization : "NONE";
    const common = {
      node,
      auth: authorization.toUpperCase() === "NONE" ? null : authorization,
      apiKey: node.attrs.apiKey === true,
      evidence: where(node, node.format === "cloudformation" ? "Properties.AuthorizationType" : "authorization"),
    };
    const v2 = node.type === "AWS::ApiGatewayV2::Route" || node.type === "aws_apigatewayv2_route";
    if (v2) {
      const api = target(ctx, from, node, ["Properties.ApiId", "api_id"], API_KINDS);
      const gateway = api?.id ?? `${node.file}#http-api`;
      const evidence = where(
        node,
        node.format === "cloudformation" ? "Properties.AuthorizationType" : "authorization_type",
      );
      if (key === "$default") out.push({ ...common, evidence, gateway, method: "ANY", segments: ["**"] });
      const [method, path] = key.split(/\s+/, 2);
      if (method && path)
        out.push({ ...common, evidence, gateway, method: method.toUpperCase(), segments: pathSegments(path) });
      continue;
    }
    const api = target(ctx, from, node, ["Properties.RestApiId", "rest_api_id"], API_KINDS);
    const segments = resourcePath(ctx, from, node);
    if (segments)
      out.push({ ...common, gateway: api?.id ?? `${node.file}#rest-api`, method: key.toUpperCase(), segments });
  }
  return out;
}

/** A v1 method's path: its resource's `PathPart`, its parent's, … up to the API's root. Null when unresolved. */
function resourcePath(ctx: RuleContext, from: Map<string, GraphEdge[]>, method: GraphNode): string[] | null {
  let current = target(ctx, from, method, ["Properties.ResourceId", "resource_id"]);
  const parts: string[] = [];
  for (let depth = 0; current && depth < 32; depth++) {
    if (API_KINDS.includes(current.kind)) return parts;
    if (current.type !== "AWS::ApiGateway::Resource" && current.type !== "aws_api_gateway_resource") return null;
    const part = text(body(current).PathPart) ?? text(body(current).path_part);
    if (!part) return null;
    parts.unshift(...pathSegments(part));
    current = target(ctx, from, current, ["Properties.ParentId", "parent_id"]);
  }
  return null;
}

/** The default authorizer (or required API key) a SAM API gives the routes that name none. */
function samDefault(api: GraphNode | undefined): string | null {
  if (!api) return null;
  const auth = isObj(body(api).Auth) ? (body(api).Auth as Obj) : {};
  return text(auth.DefaultAuthorizer) ?? null;
}

/** SAM function events of type Api and HttpApi, with their own Auth or their API's default. */
function samEvents(ctx: RuleContext, from: Map<string, GraphEdge[]>): ServedRoute[] {
  const out: ServedRoute[] = [];
  for (const node of ctx.graph.nodes) {
    if (node.type !== "AWS::Serverless::Function") continue;
    const events = isObj(body(node).Events) ? (body(node).Events as Obj) : {};
    for (const [name, event] of Object.entries(events)) {
      if (!isObj(event) || (event.Type !== "Api" && event.Type !== "HttpApi")) continue;
      const props = isObj(event.Properties) ? event.Properties : {};
      const base = `Properties.Events.${name}`;
      const api = target(ctx, from, node, [base], API_KINDS);
      const auth = isObj(props.Auth) ? props.Auth : {};
      const own = text(auth.Authorizer);
      const chosen = own ?? samDefault(api);
      const path = text(props.Path);
      const method = text(props.Method)?.toUpperCase();
      out.push({
        node,
        method: !method || method === "X-AMAZON-APIGATEWAY-ANY-METHOD" ? "ANY" : method,
        segments: path ? pathSegments(path) : ["**"],
        auth: chosen && chosen.toUpperCase() !== "NONE" ? chosen : null,
        apiKey: auth.ApiKeyRequired === true,
        gateway: api?.id ?? `${node.file}#${String(event.Type)}`,
        evidence: where(node, own ? `${base}.Properties.Auth.Authorizer` : base),
      });
    }
  }
  return out;
}

/** Whether an OpenAPI security list (operation's or root's) asks for at least one scheme. */
function securityNames(value: unknown): string[] | null {
  if (!Array.isArray(value)) return null;
  return value.flatMap((r) => (isObj(r) ? Object.keys(r) : []));
}

/** Routes of an OpenAPI document written inline in a gateway (SAM `DefinitionBody`, `Body`). */
function inlineDefinitions(ctx: RuleContext): ServedRoute[] {
  const out: ServedRoute[] = [];
  for (const node of ctx.graph.nodes) {
    if (!API_KINDS.includes(node.kind)) continue;
    const key = ["DefinitionBody", "Body", "body"].find((k) => isObj(body(node)[k]));
    if (!key) continue;
    const doc = body(node)[key] as Obj;
    const prefix = node.format === "cloudformation" ? `Properties.${key}` : key;
    const fallback = samDefault(node);
    const rootSecurity = securityNames(doc.security);
    for (const [path, item] of Object.entries(isObj(doc.paths) ? doc.paths : {})) {
      if (!isObj(item)) continue;
      for (const [verb, op] of Object.entries(item)) {
        const method = verb === "x-amazon-apigateway-any-method" ? "ANY" : verb.toUpperCase();
        if (method !== "ANY" && !HTTP_METHODS.has(method)) continue;
        const names = securityNames(isObj(op) ? op.security : undefined) ?? rootSecurity;
        const auth = names ? (names.length > 0 ? names.join(" + ") : null) : fallback;
        out.push({
          node,
          method,
          segments: pathSegments(path),
          auth,
          apiKey: false,
          gateway: node.id,
          evidence: where(node, `${prefix}.paths.${path}.${verb}`),
        });
      }
    }
  }
  return out;
}

/** Lambda function URLs: one route for every path of the function. */
function functionUrls(ctx: RuleContext): ServedRoute[] {
  return ctx.graph.nodes
    .filter((n) => n.kind === "aws.lambda.function" && typeof n.attrs.urlAuth === "string")
    .map((node) => {
      const authType = String(node.attrs.urlAuth).toUpperCase();
      return {
        node,
        method: "ANY",
        segments: ["**"],
        auth: authType === "NONE" ? null : authType,
        apiKey: false,
        gateway: `${node.id}#url`,
        evidence: where(node, "Properties.FunctionUrlConfig.AuthType"),
      };
    });
}

/** Annotations by which common Ingress controllers authenticate requests before they reach the service. */
const INGRESS_AUTH: Array<[RegExp, string]> = [
  [/^nginx\.ingress\.kubernetes\.io\/auth-(url|type)$/, "nginx"],
  [/^alb\.ingress\.kubernetes\.io\/auth-type$/, "ALB"],
  [/^konghq\.com\/plugins$/, "Kong plugins"],
  [/^traefik\.ingress\.kubernetes\.io\/router\.middlewares$/, "Traefik middlewares"],
  [/^(ingress\.kubernetes\.io|haproxy\.org)\/auth-/, "ingress"],
];

/** Kubernetes Ingress paths (`Prefix` and implementation-specific paths cover what is under them). */
function ingressPaths(ctx: RuleContext): ServedRoute[] {
  const out: ServedRoute[] = [];
  for (const node of ctx.graph.nodes) {
    if (node.kind !== "k8s.ingress") continue;
    const meta = isObj(node.properties.metadata) ? node.properties.metadata : {};
    const annotations = isObj(meta.annotations) ? meta.annotations : {};
    const found = Object.entries(annotations).find(
      ([k, v]) => text(v) && INGRESS_AUTH.some(([re]) => re.test(k)) && String(v).toLowerCase() !== "none",
    );
    const auth = found ? `${INGRESS_AUTH.find(([re]) => re.test(found[0]))![1]} (${found[0]})` : null;
    const spec = isObj(node.properties.spec) ? node.properties.spec : {};
    const rules = Array.isArray(spec.rules) ? spec.rules : [];
    for (const [i, rule] of rules.entries()) {
      if (!isObj(rule)) continue;
      const http = isObj(rule.http) ? rule.http : {};
      const paths = Array.isArray(http.paths) ? http.paths : [];
      for (const [j, p] of paths.entries()) {
        if (!isObj(p)) continue;
        const segments = pathSegments(text(p.path) ?? "/");
        out.push({
          node,
          method: "ANY",
          segments: p.pathType === "Exact" ? segments : [...segments.filter((s) => s !== "**"), PREFIX],
          auth,
          apiKey: false,
          gateway: `ingress:${text(rule.host) ?? "*"}`,
          evidence: where(node, found ? `metadata.annotations.${found[0]}` : `spec.rules.${i}.http.paths.${j}`),
        });
      }
    }
  }
  return out;
}

/**
 * A gateway built from the contract file itself (SAM `DefinitionUri: openapi.yaml`, an `AWS::Include` of it,
 * Terraform `body = file("openapi.yaml")`): API Gateway enforces only the contract's schemes that carry an
 * `x-amazon-apigateway-authorizer` (or `-authtype`) and API keys; the others are documentation.
 */
function definedFrom(ctx: RuleContext): Map<string, GraphNode> {
  const specs = new Set(ctx.graph.nodes.filter((n) => n.kind === "openapi.api").map((n) => n.file));
  const out = new Map<string, GraphNode>();
  if (specs.size === 0) return out;
  for (const node of ctx.graph.nodes) {
    if (!API_KINDS.includes(node.kind)) continue;
    const written = JSON.stringify([
      body(node).DefinitionUri,
      body(node).Body,
      body(node).DefinitionBody,
      body(node).body,
    ]);
    for (const spec of specs) {
      const name = spec.split("/").pop()!;
      if (written.includes(name) && !out.has(spec) && relativeTo(node.file, spec, written)) out.set(spec, node);
    }
  }
  return out;
}

/** The gateway's reference names the spec's path relative to the template (or just its name in the same folder). */
function relativeTo(template: string, spec: string, written: string): boolean {
  const dir = template.includes("/") ? template.slice(0, template.lastIndexOf("/") + 1) : "";
  const rel = spec.startsWith(dir) ? spec.slice(dir.length) : spec;
  return written.includes(rel) || written.includes(spec);
}

/** What an operation of a contract that defines its gateway is authenticated with there, if anything. */
function enforcedByDefinition(ctx: RuleContext, op: GraphNode): string | null {
  const schemes = ctx.out(op.id, "security-requirement");
  const enforced = schemes.filter((s) => {
    const a = s.attrs as unknown as SecuritySchemeAttrs;
    return /x-amazon-apigateway-(authorizer|authtype)/.test(a.notes ?? "") || a.type === "apiKey";
  });
  return enforced.length > 0 ? enforced.map((s) => (s.attrs as unknown as SecuritySchemeAttrs).name).join(" + ") : null;
}

export interface GatewayView {
  /** The route that serves an operation, per gateway (the most specific one of each). */
  routesFor(op: GraphNode, attrs: OperationAttrs): ServedRoute[];
  /** Whether any route of a gateway authenticates: then authentication is done there, and a gap is a mistake. */
  authenticates(gateway: string): boolean;
}

/** Specificity as a gateway ranks routes: more literal segments, then fewer variables, then no greedy tail. */
function specificity(route: ServedRoute): number {
  const literal = route.segments.filter((s) => s !== "{}" && s !== "**" && s !== PREFIX).length;
  const variable = route.segments.filter((s) => s === "{}").length;
  return (
    literal * 1000 +
    variable * 10 +
    (route.segments.includes("**") || route.segments.includes(PREFIX) ? 0 : 5) +
    (route.method === "ANY" ? 0 : 1)
  );
}

function matches(route: readonly string[], op: readonly string[]): boolean {
  for (let i = 0; i < route.length; i++) {
    const r = route[i]!;
    if (r === "**") return op.length > i;
    if (r === PREFIX) return true;
    const o = op[i];
    if (o === undefined) return false;
    if (r !== "{}" && o !== "{}" && r !== o) return false;
    if (r !== "{}" && o === "{}") return false;
  }
  return route.length === op.length;
}

/** The paths an operation may be served under: as written, and under each server URL's path. */
function candidatePaths(a: OperationAttrs): string[][] {
  const own = pathSegments(a.path);
  const out = [own];
  for (const server of a.servers) {
    const base = server.replace(/^[a-z]+:\/\/[^/]*/i, "");
    const segs = pathSegments(base).filter((s) => s !== "**");
    if (segs.length > 0) out.push([...segs, ...own]);
  }
  return out;
}

/** Reads every route the analysed infrastructure serves, once per rule run. */
export function gatewayView(ctx: RuleContext): GatewayView | null {
  const from = edgesFrom(ctx.graph.edges);
  const gatewayRoutes = [...gatewayMethods(ctx, from), ...samEvents(ctx, from), ...inlineDefinitions(ctx)];
  // A function URL is the way in only when no API Gateway route is: otherwise the gateway is.
  const routes = [...gatewayRoutes, ...(gatewayRoutes.length === 0 ? functionUrls(ctx) : []), ...ingressPaths(ctx)];
  const defined = definedFrom(ctx);
  if (routes.length === 0 && defined.size === 0) return null;
  const authenticating = new Set(routes.filter((r) => r.auth !== null).map((r) => r.gateway));
  for (const api of ctx.graph.nodes.filter((n) => API_KINDS.includes(n.kind) && samDefault(n)))
    authenticating.add(api.id);
  for (const [spec, gateway] of defined)
    if (ctx.graph.nodes.some((n) => n.file === spec && n.kind === "openapi.operation" && enforcedByDefinition(ctx, n)))
      authenticating.add(gateway.id);
  return {
    authenticates: (gateway) => authenticating.has(gateway),
    routesFor: (op, a) => {
      const gateway = defined.get(op.file);
      if (gateway) {
        const auth = enforcedByDefinition(ctx, op);
        return [
          {
            node: gateway,
            method: a.method,
            segments: pathSegments(a.path),
            auth,
            apiKey: false,
            gateway: gateway.id,
            evidence: where(
              gateway,
              gateway.format === "cloudformation"
                ? (["Properties.DefinitionUri", "Properties.Body"].find((p) => gateway.propertyLines[p]) ?? "")
                : "body",
            ),
          },
        ];
      }
      const paths = candidatePaths(a);
      const best = new Map<string, ServedRoute>();
      for (const r of routes) {
        if (r.method !== "ANY" && r.method !== a.method) continue;
        if (!paths.some((p) => matches(r.segments, p))) continue;
        const held = best.get(r.gateway);
        if (!held || specificity(r) > specificity(held)) best.set(r.gateway, r);
      }
      return [...best.values()];
    },
  };
}
