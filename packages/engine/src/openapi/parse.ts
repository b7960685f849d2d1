import { loadStructured, type StructuredDocument } from "../core/index.ts";
import type { FileReport, GraphEdge, GraphNode, SourceFile } from "../graph/types.ts";
import type { EngineLimits, FormatHandler, ParsedPart } from "../formats/types.ts";
import { HCL_BLOCK } from "../kubernetes/parse.ts";
import { collectRemoteRefs, deref } from "./refs.ts";
import { bundleExternalRefs } from "./external.ts";

/** Parameters through which a contract without security schemes still takes a credential. */
const CREDENTIAL_PARAM =
  /^(authorization|x-access-token|x-auth-token|x-api-key|api[-_]?key|apikey|access[-_]?token|token|jwt|cookie|x-session-token|session[-_]?id)$/i;

export const HTTP_METHODS = ["get", "put", "post", "delete", "options", "head", "patch", "trace"] as const;

type Obj = Record<string, unknown>;
type Path = (string | number)[];

function isObj(value: unknown): value is Obj {
  return value !== null && typeof value === "object" && !Array.isArray(value);
}

function str(value: unknown): string | undefined {
  return typeof value === "string" ? value : typeof value === "number" ? String(value) : undefined;
}

function num(value: unknown): number | undefined {
  return typeof value === "number" && Number.isFinite(value) ? value : undefined;
}

/** A requirement alternative: every scheme in it must be satisfied (`{}` means "no authentication"). */
export interface SecurityRequirement {
  schemes: { name: string; scopes: string[] }[];
}

/** A field of a request or response body, flattened from its schema. */
export interface SchemaField {
  /** Dotted path inside the body (`user.role`, `items[]`). */
  name: string;
  type?: string;
  format?: string;
  maxLength?: number;
  maxItems?: number;
  maximum?: number;
  enum?: boolean;
  pattern?: boolean;
  readOnly?: boolean;
  writeOnly?: boolean;
  /** The `pattern` itself, for ReDoS checks. */
  patternText?: string;
  /** `additionalProperties: true` or a schema: the object takes fields nobody listed. */
  openObject?: boolean;
  /** Taken from an `example` because the schema lists no properties. */
  fromExample?: boolean;
  /** A string the description says holds a JSON, XML or YAML document (or serialized data) the server parses. */
  document?: boolean;
  /** Source line of the schema. */
  line?: number;
}

export interface ApiParameter {
  name: string;
  in: string;
  required: boolean;
  type?: string;
  format?: string;
  maxLength?: number;
  maxItems?: number;
  maximum?: number;
  enum?: boolean;
  pattern?: boolean;
  patternText?: string;
  /** A structured (object or JSON-content) value in a parameter: operator-friendly for NoSQL filters. */
  structured?: boolean;
  description?: string;
  line?: number;
}

export interface OperationAttrs {
  method: string;
  path: string;
  operationId?: string;
  parameters: ApiParameter[];
  requestBody: { contentTypes: string[]; fields: SchemaField[] } | null;
  responses: string[];
  responseFields: SchemaField[];
  /** Effective requirements: the operation's own, else the API's. Empty list = no authentication. */
  security: SecurityRequirement[];
  /** Where `security` comes from. */
  securitySource: "operation" | "global" | "none";
  /** True when every alternative needs at least one scheme. */
  authenticated: boolean;
  servers: string[];
  deprecated: boolean;
  summary?: string;
  tags: string[];
  /** Header, query or cookie parameters that carry a credential the contract never declares as a scheme. */
  credentialParams: string[];
  /** A 429 response, a rate-limit header or a rate-limit/throttling extension is declared. */
  rateLimited: boolean;
  /** Short descriptions of the declared responses, by status code. */
  responseText: Record<string, string>;
  /** The success response is a bare list. */
  returnsList: boolean;
}

export interface SecuritySchemeAttrs {
  name: string;
  type: string;
  in?: string;
  paramName?: string;
  scheme?: string;
  flows: { flow: string; authorizationUrl?: string; tokenUrl?: string; scopes: string[] }[];
  openIdConnectUrl?: string;
  bearerFormat?: string;
  /** The scheme's description and `x-` extensions as text: where algorithms and issuers are stated. */
  notes?: string;
}

export interface ApiAttrs {
  title: string;
  version: string;
  specVersion: string;
  servers: string[];
  security: SecurityRequirement[];
  securitySchemes: string[];
  operations: number;
  remoteRefs: string[];
  circularRefs: string[];
}

/** Whether text is an OpenAPI 3.x or Swagger 2.0 document, from its top-level version key. */
export function looksLikeOpenApi(text: string): boolean {
  const head = text.length > 65_536 ? text.slice(0, 65_536) : text;
  if (HCL_BLOCK.test(head)) return false;
  if (/^["']?(openapi|swagger)["']?\s*:\s*["']?[23]/m.test(head)) return true;
  // JSON: a CloudFormation template may embed an OpenAPI body (API Gateway), and is not one.
  if (/"AWSTemplateFormatVersion"|"Type"\s*:\s*"AWS::|"terraform_version"|"resource_changes"/.test(head)) return false;
  if (/^\s*\{/.test(head) && /"(openapi|swagger)"\s*:\s*"[23]/.test(head)) return true;
  if (text.length <= 65_536) return false;
  // Specs written with sorted keys put `openapi`/`swagger` after `components`/`definitions`/`paths`.
  if (/^\s*\{/.test(head)) return isTopLevelJsonVersion(text);
  return /^["']?(openapi|swagger)["']?\s*:\s*["']?[23]/m.test(text) && !HCL_BLOCK.test(head);
}

/** Whether a JSON text has `"openapi"`/`"swagger"` with a 2.x/3.x value as a key of its top-level object. */
function isTopLevelJsonVersion(text: string): boolean {
  const re = /"(openapi|swagger)"\s*:\s*"[23]/g;
  for (let m = re.exec(text); m; m = re.exec(text)) {
    let depth = 0;
    let inString = false;
    for (let i = 0; i < m.index; i++) {
      const c = text.charCodeAt(i);
      if (inString) {
        if (c === 92) i++;
        else if (c === 34) inString = false;
      } else if (c === 34) inString = true;
      else if (c === 123 || c === 91) depth++;
      else if (c === 125 || c === 93) depth--;
    }
    if (depth === 1) return true;
    if (/"AWSTemplateFormatVersion"|"Type"\s*:\s*"AWS::/.test(text.slice(0, m.index))) return false;
  }
  return false;
}

interface Ctx {
  root: Obj;
  doc: StructuredDocument;
  swagger2: boolean;
  remote: Set<string>;
  circular: Set<string>;
}

function lineOf(ctx: Ctx, path: Path): number | undefined {
  return ctx.doc.lineOf(path);
}

function parseRequirements(value: unknown): SecurityRequirement[] {
  if (!Array.isArray(value)) return [];
  return value.filter(isObj).map((req) => ({
    schemes: Object.entries(req).map(([name, scopes]) => ({
      name,
      scopes: Array.isArray(scopes) ? scopes.map(String) : [],
    })),
  }));
}

export function isAuthenticated(reqs: readonly SecurityRequirement[]): boolean {
  return reqs.length > 0 && reqs.every((r) => r.schemes.length > 0);
}

/** Flattens a schema into fields, following local `$ref`s once per branch and stopping at cycles. */
/**
 * Descriptions that say a string holds a document the server parses ("order lines in customer specific JSON
 * format", "the profile as XML", "a serialized object"), not a JSON Web Token.
 */
const DOCUMENT_TEXT =
  /\b(in|as|an?)\s+(?:[\w-]+\s+){0,3}(json|xml|yaml)\b(?!\s+web\s+token)|\b(json|xml|yaml)[- ](string|document|format|encoded|payload)\b|\bseriali[sz]ed\b/i;

/**
 * `additionalProperties` that accept any field: `true` or an empty schema. A typed map (`{type: string}`, Stripe's
 * `metadata`) is a dictionary the contract declares, not undeclared properties.
 */
function openAdditional(value: unknown): boolean {
  return (
    value === true ||
    (isObj(value) && Object.keys(value).filter((k) => !k.startsWith("x-") && k !== "description").length === 0)
  );
}

function carriesDocument(description: unknown): boolean {
  return typeof description === "string" && DOCUMENT_TEXT.test(description);
}

function schemaFields(
  ctx: Ctx,
  schema: unknown,
  at: Path,
  prefix: string,
  out: SchemaField[],
  seen: ReadonlySet<string>,
  depth: number,
): void {
  if (depth > 12 || out.length > 400) return;
  const r = deref(ctx.root, schema, at, seen);
  if (r.remote || r.circular) {
    if (r.remote) ctx.remote.add(r.remote);
    if (r.circular) ctx.circular.add(r.circular);
    // The field exists even though its schema is elsewhere or already being expanded.
    if (prefix) {
      const line = lineOf(ctx, at);
      out.push(line === undefined ? { name: prefix, type: "object" } : { name: prefix, type: "object", line });
    }
    return;
  }
  if (!isObj(r.value)) return;
  const s = r.value;
  for (const key of ["allOf", "oneOf", "anyOf"] as const) {
    const list = s[key];
    if (Array.isArray(list))
      list.forEach((sub, i) => schemaFields(ctx, sub, [...r.path, key, i], prefix, out, r.seen, depth + 1));
  }
  const type =
    str(s.type) ??
    (Array.isArray(s.type) ? s.type.map(String).find((t) => t !== "null") : undefined) ??
    (isObj(s.properties) ? "object" : undefined);
  if (prefix) {
    const field: SchemaField = { name: prefix };
    if (type) field.type = type;
    copyBounds(field, s);
    if (Array.isArray(s.enum) || s.const !== undefined) field.enum = true;
    if (s.readOnly === true) field.readOnly = true;
    if (s.writeOnly === true) field.writeOnly = true;
    if (typeof s.pattern === "string") field.patternText = s.pattern;
    if ((type === undefined || type === "string") && carriesDocument(s.description)) field.document = true;
    if (openAdditional(s.additionalProperties)) field.openObject = true;
    const line = lineOf(ctx, r.path);
    if (line !== undefined) field.line = line;
    out.push(field);
  } else if (openAdditional(s.additionalProperties)) {
    const line = lineOf(ctx, r.path);
    out.push(
      line === undefined
        ? { name: "", type: "object", openObject: true }
        : { name: "", type: "object", openObject: true, line },
    );
  }
  if (!isObj(s.properties) && (type === "object" || type === undefined) && isObj(s.example)) {
    // A free-form object documented only by its example: the example's keys are the fields a reader sees.
    for (const [name, value] of Object.entries(s.example)) {
      const field: SchemaField = { name: prefix ? `${prefix}.${name}` : name, fromExample: true };
      const t = Array.isArray(value)
        ? "array"
        : value === null
          ? undefined
          : typeof value === "object"
            ? "object"
            : typeof value;
      if (t) field.type = t;
      const line = lineOf(ctx, [...r.path, "example", name]);
      if (line !== undefined) field.line = line;
      out.push(field);
    }
  }
  if (isObj(s.properties)) {
    for (const [name, sub] of Object.entries(s.properties)) {
      schemaFields(
        ctx,
        sub,
        [...r.path, "properties", name],
        prefix ? `${prefix}.${name}` : name,
        out,
        r.seen,
        depth + 1,
      );
    }
  }
  if (s.items !== undefined)
    schemaFields(ctx, s.items, [...r.path, "items"], `${prefix || ""}[]`, out, r.seen, depth + 1);
}

function mediaFields(ctx: Ctx, content: unknown, at: Path): { contentTypes: string[]; fields: SchemaField[] } {
  const fields: SchemaField[] = [];
  const contentTypes: string[] = [];
  if (isObj(content)) {
    for (const [type, media] of Object.entries(content)) {
      contentTypes.push(type);
      if (isObj(media) && media.schema !== undefined)
        schemaFields(ctx, media.schema, [...at, type, "schema"], "", fields, new Set(), 0);
    }
  }
  return { contentTypes, fields };
}

function parameterOf(
  ctx: Ctx,
  raw: unknown,
  at: Path,
): { param: ApiParameter; schema?: unknown; schemaPath: Path } | undefined {
  const r = deref(ctx.root, raw, at);
  if (r.remote) ctx.remote.add(r.remote);
  if (r.circular) ctx.circular.add(r.circular);
  if (!isObj(r.value)) return undefined;
  const p = r.value;
  const name = str(p.name);
  const where = str(p.in);
  if (!name || !where) return undefined;
  const schemaRes =
    p.schema !== undefined ? deref(ctx.root, p.schema, [...r.path, "schema"]) : { value: p, path: r.path };
  const s = isObj(schemaRes.value) ? schemaRes.value : {};
  const param: ApiParameter = { name, in: where, required: p.required === true || where === "path" };
  const type = str(s.type);
  if (type) param.type = type;
  copyBounds(param, s);
  if (Array.isArray(s.enum)) param.enum = true;
  if (typeof s.pattern === "string") param.patternText = s.pattern;
  if (
    type === "object" ||
    p.style === "deepObject" ||
    (isObj(p.content) && Object.keys(p.content).some((c) => /json/i.test(c)))
  )
    param.structured = true;
  const description = str(p.description);
  if (description) param.description = description.slice(0, 300);
  const line = lineOf(ctx, at) ?? lineOf(ctx, r.path);
  if (line !== undefined) param.line = line;
  return { param, schema: p.schema, schemaPath: [...r.path, "schema"] };
}

function serverUrls(ctx: Ctx, value: unknown): string[] {
  if (!Array.isArray(value)) return [];
  return value
    .filter(isObj)
    .flatMap((s) => {
      let url = str(s.url) ?? "";
      // A variable that may also be `http` (a scheme choice) is a plain-HTTP server too.
      let plain: string | undefined;
      if (isObj(s.variables)) {
        for (const [name, v] of Object.entries(s.variables)) {
          const def = isObj(v) ? str(v.default) : undefined;
          if (isObj(v) && Array.isArray(v.enum) && v.enum.includes("http") && def === "https")
            plain = url.split(`{${name}}`).join("http");
          if (def !== undefined) {
            url = url.split(`{${name}}`).join(def);
            if (plain !== undefined) plain = plain.split(`{${name}}`).join(def);
          }
        }
      }
      return plain !== undefined ? [url, plain] : [url];
    })
    .filter(Boolean);
}

function swaggerServers(root: Obj): string[] {
  const host = str(root.host);
  if (!host) return [];
  const base = str(root.basePath) ?? "";
  const schemes = Array.isArray(root.schemes) ? root.schemes.map(String) : ["https"];
  return schemes.map((s) => `${s}://${host}${base}`);
}

function schemeAttrs(name: string, raw: Obj, swagger2: boolean): SecuritySchemeAttrs {
  let type = str(raw.type) ?? "unknown";
  let scheme = str(raw.scheme)?.toLowerCase();
  if (swagger2 && type === "basic") {
    type = "http";
    scheme = "basic";
  }
  const attrs: SecuritySchemeAttrs = { name, type, flows: [] };
  const where = str(raw.in);
  if (where) attrs.in = where;
  const paramName = str(raw.name);
  if (paramName) attrs.paramName = paramName;
  if (scheme) attrs.scheme = scheme;
  const oidc = str(raw.openIdConnectUrl);
  if (oidc) attrs.openIdConnectUrl = oidc;
  const bearerFormat = str(raw.bearerFormat);
  if (bearerFormat) attrs.bearerFormat = bearerFormat;
  const notes = [
    str(raw.description) ?? "",
    ...Object.entries(raw)
      .filter(([k]) => k.startsWith("x-"))
      .map(([k, v]) => `${k}: ${JSON.stringify(v)}`),
  ]
    .join("\n")
    .slice(0, 2000);
  if (notes.trim()) attrs.notes = notes;
  if (type === "oauth2") {
    if (swagger2) {
      const map: Record<string, string> = {
        implicit: "implicit",
        password: "password",
        application: "clientCredentials",
        accessCode: "authorizationCode",
      };
      const flow = map[str(raw.flow) ?? ""] ?? str(raw.flow) ?? "unknown";
      const f: SecuritySchemeAttrs["flows"][number] = {
        flow,
        scopes: isObj(raw.scopes) ? Object.keys(raw.scopes) : [],
      };
      const a = str(raw.authorizationUrl);
      if (a) f.authorizationUrl = a;
      const t = str(raw.tokenUrl);
      if (t) f.tokenUrl = t;
      attrs.flows.push(f);
    } else if (isObj(raw.flows)) {
      for (const [flow, def] of Object.entries(raw.flows)) {
        if (!isObj(def)) continue;
        const f: SecuritySchemeAttrs["flows"][number] = {
          flow,
          scopes: isObj(def.scopes) ? Object.keys(def.scopes) : [],
        };
        const a = str(def.authorizationUrl);
        if (a) f.authorizationUrl = a;
        const t = str(def.tokenUrl);
        if (t) f.tokenUrl = t;
        attrs.flows.push(f);
      }
    }
  }
  return attrs;
}

function parseDocument(file: SourceFile, doc: StructuredDocument): { nodes: GraphNode[]; edges: GraphEdge[] } {
  const root = doc.value as Obj;
  const swagger2 = root.swagger !== undefined;
  const ctx: Ctx = { root, doc, swagger2, remote: new Set(), circular: new Set() };
  const nodes: GraphNode[] = [];
  const edges: GraphEdge[] = [];
  const info = isObj(root.info) ? root.info : {};
  const title = str(info.title)?.trim() || file.path;
  const apiId = `API ${title}`;

  const schemesPath: Path = swagger2 ? ["securityDefinitions"] : ["components", "securitySchemes"];
  const rawSchemes = swagger2
    ? root.securityDefinitions
    : isObj(root.components)
      ? root.components.securitySchemes
      : undefined;
  const schemeIds = new Map<string, string>();
  if (isObj(rawSchemes)) {
    for (const [name, raw] of Object.entries(rawSchemes)) {
      const r = deref(root, raw, [...schemesPath, name]);
      if (r.remote) ctx.remote.add(r.remote);
      if (!isObj(r.value)) continue;
      const id = `#/${schemesPath.join("/")}/${name}`;
      schemeIds.set(name, id);
      const attrs = schemeAttrs(name, r.value, swagger2);
      const propertyLines: Record<string, number> = {};
      for (const key of Object.keys(r.value)) {
        const l = lineOf(ctx, [...r.path, key]);
        if (l !== undefined) propertyLines[key] = l;
      }
      if (isObj(r.value.flows)) {
        for (const flow of Object.keys(r.value.flows)) {
          const l = lineOf(ctx, [...r.path, "flows", flow]);
          if (l !== undefined) propertyLines[`flows.${flow}`] = l;
        }
      }
      nodes.push({
        id,
        type: "openapi:security-scheme",
        kind: "openapi.security-scheme",
        format: "openapi",
        file: file.path,
        line: lineOf(ctx, [...schemesPath, name]) ?? null,
        attrs: attrs as unknown as Record<string, unknown>,
        properties: r.value,
        propertyLines,
      });
    }
  }

  const globalSecurity = parseRequirements(root.security);
  const globalServers = swagger2 ? swaggerServers(root) : serverUrls(ctx, root.servers);
  const link = (from: string, reqs: SecurityRequirement[], via: string): void => {
    for (const req of reqs) {
      for (const s of req.schemes) {
        const to = schemeIds.get(s.name);
        if (to) edges.push({ from, to, kind: "security-requirement", via });
      }
    }
  };

  const paths = isObj(root.paths) ? root.paths : {};
  let operations = 0;
  const opLines: Record<string, number> = {};
  for (const [route, rawItem] of Object.entries(paths)) {
    const itemRes = deref(root, rawItem, ["paths", route]);
    if (itemRes.remote) ctx.remote.add(itemRes.remote);
    if (!isObj(itemRes.value)) continue;
    const item = itemRes.value;
    const itemParams = Array.isArray(item.parameters) ? item.parameters : [];
    const itemServers = serverUrls(ctx, item.servers);
    for (const method of HTTP_METHODS) {
      const op = item[method];
      if (!isObj(op)) continue;
      operations += 1;
      const opPath: Path = [...itemRes.path, method];
      const id = `${method.toUpperCase()} ${route}`;
      const propertyLines: Record<string, number> = {};
      const setLine = (key: string, path: Path): void => {
        const l = lineOf(ctx, path);
        if (l !== undefined) propertyLines[key] = l;
      };
      for (const key of Object.keys(op)) setLine(key, [...opPath, key]);

      const params = new Map<string, ApiParameter>();
      let swaggerBody: { contentTypes: string[]; fields: SchemaField[] } | null = null;
      const formFields: SchemaField[] = [];
      const all: Array<[unknown, Path]> = [
        ...itemParams.map((p, i): [unknown, Path] => [p, [...itemRes.path, "parameters", i]]),
        ...(Array.isArray(op.parameters)
          ? op.parameters.map((p, i): [unknown, Path] => [p, [...opPath, "parameters", i]])
          : []),
      ];
      for (const [raw, at] of all) {
        const parsed = parameterOf(ctx, raw, at);
        if (!parsed) continue;
        const { param } = parsed;
        if (swagger2 && param.in === "body") {
          const fields: SchemaField[] = [];
          schemaFields(ctx, parsed.schema, parsed.schemaPath, "", fields, new Set(), 0);
          const consumes = Array.isArray(op.consumes)
            ? op.consumes.map(String)
            : Array.isArray(root.consumes)
              ? root.consumes.map(String)
              : ["application/json"];
          swaggerBody = { contentTypes: consumes, fields };
          if (param.line !== undefined) propertyLines.requestBody = param.line;
          continue;
        }
        if (swagger2 && param.in === "formData") {
          const field: SchemaField = { name: param.name };
          if (param.type) field.type = param.type === "file" ? "string" : param.type;
          if (param.type === "file") field.format = "binary";
          if (param.maxLength !== undefined) field.maxLength = param.maxLength;
          if (param.line !== undefined) field.line = param.line;
          formFields.push(field);
          continue;
        }
        params.set(`${param.in}:${param.name}`, param);
        if (param.line !== undefined) propertyLines[`parameters.${param.name}`] = param.line;
      }

      let requestBody: OperationAttrs["requestBody"] = swaggerBody;
      if (formFields.length > 0) {
        const consumes = Array.isArray(op.consumes) ? op.consumes.map(String) : ["multipart/form-data"];
        requestBody = { contentTypes: consumes, fields: [...(requestBody?.fields ?? []), ...formFields] };
      }
      if (!swagger2 && op.requestBody !== undefined) {
        const rb = deref(root, op.requestBody, [...opPath, "requestBody"]);
        if (rb.remote) ctx.remote.add(rb.remote);
        if (isObj(rb.value)) requestBody = mediaFields(ctx, rb.value.content, [...rb.path, "content"]);
      }
      for (const f of requestBody?.fields ?? [])
        if (f.line !== undefined) propertyLines[`requestBody.${f.name}`] = f.line;

      const responses: string[] = [];
      const responseFields: SchemaField[] = [];
      const responseText: Record<string, string> = {};
      let rateLimited = Object.keys(op).some((k) => /^x-.*(rate-?limit|throttl)/i.test(k));
      let returnsList = false;
      if (isObj(op.responses)) {
        for (const [code, raw] of Object.entries(op.responses)) {
          responses.push(code);
          setLine(`responses.${code}`, [...opPath, "responses", code]);
          const resp = deref(root, raw, [...opPath, "responses", code]);
          if (resp.remote) ctx.remote.add(resp.remote);
          if (!isObj(resp.value)) continue;
          const text = str(resp.value.description);
          if (text) responseText[code] = text.slice(0, 200);
          if (code === "429") rateLimited = true;
          if (
            isObj(resp.value.headers) &&
            Object.keys(resp.value.headers).some((h) => /rate-?limit|retry-after/i.test(h))
          )
            rateLimited = true;
          if (!/^2/.test(code)) continue;
          const bodySchema = swagger2
            ? resp.value.schema
            : isObj(resp.value.content)
              ? Object.values(resp.value.content).map((m) => (isObj(m) ? m.schema : undefined))[0]
              : undefined;
          if (isObj(deref(root, bodySchema, []).value) && (deref(root, bodySchema, []).value as Obj).type === "array")
            returnsList = true;
          const before = responseFields.length;
          if (swagger2 && resp.value.schema !== undefined)
            schemaFields(ctx, resp.value.schema, [...resp.path, "schema"], "", responseFields, new Set(), 0);
          else responseFields.push(...mediaFields(ctx, resp.value.content, [...resp.path, "content"]).fields);
          for (const f of responseFields.slice(before))
            if (f.line !== undefined) propertyLines[`responses.${code}.${f.name}`] = f.line;
        }
      }

      const own = op.security !== undefined;
      const security = own ? parseRequirements(op.security) : globalSecurity;
      const opServers = swagger2
        ? Array.isArray(op.schemes) && str(root.host)
          ? op.schemes.map((s) => `${String(s)}://${str(root.host)}${str(root.basePath) ?? ""}`)
          : globalServers
        : serverUrls(ctx, op.servers);
      const attrs: OperationAttrs = {
        method: method.toUpperCase(),
        path: route,
        parameters: [...params.values()],
        requestBody,
        responses,
        responseFields,
        security,
        securitySource: own ? "operation" : globalSecurity.length > 0 ? "global" : "none",
        authenticated: isAuthenticated(security),
        servers: opServers.length > 0 ? opServers : itemServers.length > 0 ? itemServers : globalServers,
        deprecated: op.deprecated === true,
        tags: Array.isArray(op.tags) ? op.tags.map(String) : [],
        credentialParams: [...params.values()]
          .filter((p) => p.in !== "path" && CREDENTIAL_PARAM.test(p.name))
          .map((p) => p.name),
        rateLimited,
        responseText,
        returnsList,
      };
      const operationId = str(op.operationId);
      if (operationId) attrs.operationId = operationId;
      const summary = str(op.summary) ?? str(op.description);
      if (summary) attrs.summary = summary.slice(0, 200);
      if (lineOf(ctx, opPath) !== undefined) opLines[`op:${id}`] = lineOf(ctx, opPath)!;
      nodes.push({
        id,
        type: "openapi:operation",
        kind: "openapi.operation",
        format: "openapi",
        file: file.path,
        line: lineOf(ctx, opPath) ?? null,
        attrs: attrs as unknown as Record<string, unknown>,
        properties: op,
        propertyLines,
      });
      edges.push({ from: apiId, to: id, kind: "contains" });
      link(id, security, own ? "security" : "security (global)");
    }
  }

  for (const ref of collectRemoteRefs(root)) ctx.remote.add(ref);
  // Grouped (per-spec) threats point at the operations they list.
  const apiLines: Record<string, number> = { ...opLines };
  for (const key of Object.keys(root)) {
    const l = doc.lineOf([key]);
    if (l !== undefined) apiLines[key] = l;
  }
  for (const [i] of (Array.isArray(root.servers) ? root.servers : []).entries()) {
    const l = doc.lineOf(["servers", i]);
    if (l !== undefined) apiLines[`servers.${i}`] = l;
  }
  const apiAttrs: ApiAttrs = {
    title,
    version: str(info.version) ?? "",
    specVersion: str(root.openapi) ?? str(root.swagger) ?? "",
    servers: globalServers,
    security: globalSecurity,
    securitySchemes: [...schemeIds.keys()],
    operations,
    remoteRefs: [...ctx.remote].sort(),
    circularRefs: [...ctx.circular].sort(),
  };
  const apiProps: Obj = { info };
  for (const key of [
    "openapi",
    "swagger",
    "servers",
    "host",
    "basePath",
    "schemes",
    "security",
    "x-amazon-apigateway-policy",
  ])
    if (root[key] !== undefined) apiProps[key] = root[key];
  nodes.unshift({
    id: apiId,
    type: swagger2 ? "swagger:api" : "openapi:api",
    kind: "openapi.api",
    format: "openapi",
    file: file.path,
    line: doc.line,
    attrs: apiAttrs as unknown as Record<string, unknown>,
    properties: apiProps,
    propertyLines: apiLines,
  });
  link(apiId, globalSecurity, "security");
  return { nodes, edges };
}

/** Parses OpenAPI 3.0/3.1 and Swagger 2.0 documents (YAML or JSON). Never fetches a `$ref`. */
export function parseOpenApi(
  files: readonly SourceFile[],
  limits: EngineLimits,
  context: readonly SourceFile[] = files,
): ParsedPart {
  const part: ParsedPart = { nodes: [], edges: [], secrets: [], reports: [], consumed: [] };
  const siblings = new Map(context.map((f) => [f.path, f]));
  for (const file of files) {
    const loaded = loadStructured(file.content, { maxAliases: limits.maxAliases, maxDepth: limits.maxDepth });
    if (!loaded.ok) {
      part.reports.push({ path: file.path, format: "openapi", resources: 0, error: loaded.error });
      continue;
    }
    const doc = loaded.documents[0];
    if (!doc || !isObj(doc.value) || (doc.value.openapi === undefined && doc.value.swagger === undefined)) {
      part.reports.push({
        path: file.path,
        format: "openapi",
        resources: 0,
        error: {
          code: "template/parse-failed",
          message: "No `openapi` or `swagger` version at the top level.",
          line: doc?.line ?? 1,
          column: 1,
        },
      });
      continue;
    }
    try {
      const bundled = bundleExternalRefs(file.path, doc.value, siblings, limits);
      part.consumed!.push(...bundled.used);
      const { nodes, edges } = parseDocument(file, doc);
      const room = Math.max(0, limits.maxResources - part.nodes.length);
      const kept = nodes.slice(0, room);
      const ids = new Set(kept.map((n) => n.id));
      part.nodes.push(...kept);
      part.edges.push(...edges.filter((e) => ids.has(e.from) && ids.has(e.to)));
      const report: FileReport = { path: file.path, format: "openapi", resources: kept.length };
      const warnings = [...loaded.warnings, ...bundled.warnings];
      if (warnings.length > 0) report.warnings = warnings;
      if (kept.length < nodes.length)
        report.error = {
          code: "template/too-large",
          message: `More than ${limits.maxResources} resources; the rest were not analysed.`,
        };
      part.reports.push(report);
    } catch (error) {
      // A shape no branch above expected: report it rather than fail the whole analysis.
      part.reports.push({
        path: file.path,
        format: "openapi",
        resources: 0,
        error: {
          code: "template/parse-failed",
          message: error instanceof Error ? error.message.slice(0, 200) : "Unreadable document.",
          line: doc.line,
          column: 1,
        },
      });
    }
  }
  return part;
}

export const openApiHandler: FormatHandler = {
  format: "openapi",
  detect: (file) => looksLikeOpenApi(file.content),
  parse: parseOpenApi,
};

/** The schema keywords that bound a value (what the unbounded-input rules read), copied where present. */
function copyBounds(
  target: { format?: string; maxLength?: number; maxItems?: number; maximum?: number; pattern?: boolean },
  s: Record<string, unknown>,
): void {
  const format = str(s.format);
  if (format) target.format = format;
  const maxLength = num(s.maxLength);
  if (maxLength !== undefined) target.maxLength = maxLength;
  const maxItems = num(s.maxItems);
  if (maxItems !== undefined) target.maxItems = maxItems;
  const maximum = num(s.maximum);
  if (maximum !== undefined) target.maximum = maximum;
  if (typeof s.pattern === "string") target.pattern = true;
}
