/* eslint-disable @typescript-eslint/no-explicit-any -- the fixtures are untyped documents, mutated in place by each case */
import { describe, expect, it } from "vitest";
import { analyze } from "../../src/index.ts";
import { ruleCaseTests, ruleIdsOf, type RuleCaseSuite } from "../rule-cases.ts";
import { OPENAPI_RULES } from "../../src/openapi/rules.ts";
import { cleanApi, yaml } from "./bases.ts";

type Doc = Record<string, any>;

function ruleIds(doc: Doc): Promise<string[]> {
  return ruleIdsOf(suite, doc);
}

const errors = { "401": { description: "x" }, "403": { description: "x" }, "429": { description: "x" } };

/** Moves `paths` of the clean document under `/accounts/{accountId}`. */
function underTenant(d: Doc, paths: readonly string[]): void {
  const tenant = { name: "accountId", in: "path", required: true, schema: { type: "string", format: "uuid" } };
  for (const path of paths) {
    const item = d.paths[path];
    delete d.paths[path];
    item.parameters = [tenant, ...(item.parameters ?? [])];
    d.paths[`/accounts/{accountId}${path}`] = item;
  }
}

/** Each rule: a change to the clean document that must make it fire, and optionally a near miss that must not. */
const CASES: Record<string, { positive: (d: Doc) => void; negative?: (d: Doc) => void }> = {
  "TL-API-AUTH-001": {
    positive: (d) => (d.paths["/orders"].post.security = []),
    negative: (d) =>
      (d.paths["/login"] = { post: { security: [], responses: { "200": { description: "ok" }, ...errors } } }),
  },
  "TL-API-AUTH-002": {
    positive: (d) => (d.paths["/orders"].get.security = [{}]),
    negative: (d) => (d.paths["/orders"].get.security = [{ oauth: [] }]),
  },
  "TL-API-AUTH-003": {
    positive: (d) => (d.components.securitySchemes.key = { type: "apiKey", in: "query", name: "api_key" }),
    negative: (d) => (d.components.securitySchemes.key = { type: "apiKey", in: "header", name: "X-API-Key" }),
  },
  "TL-API-AUTH-004": {
    positive: (d) => (d.components.securitySchemes.basic = { type: "http", scheme: "basic" }),
    negative: (d) => (d.components.securitySchemes.bearer = { type: "http", scheme: "bearer" }),
  },
  "TL-API-AUTH-005": {
    positive: (d) =>
      (d.components.securitySchemes.oauth.flows.implicit = {
        authorizationUrl: "https://auth.example.com/authorize",
        scopes: {},
      }),
  },
  "TL-API-AUTH-006": {
    positive: (d) =>
      (d.components.securitySchemes.oauth.flows.password = { tokenUrl: "https://auth.example.com/token", scopes: {} }),
    negative: (d) =>
      (d.components.securitySchemes.oauth.flows.clientCredentials = {
        tokenUrl: "https://auth.example.com/token",
        scopes: {},
      }),
  },
  "TL-API-AUTH-007": {
    positive: (d) =>
      (d.components.securitySchemes.oauth.flows.authorizationCode.tokenUrl = "http://auth.example.com/token"),
    negative: (d) =>
      (d.components.securitySchemes.oauth.flows.authorizationCode.tokenUrl = "http://localhost:8080/token"),
  },
  "TL-API-TLS-001": {
    positive: (d) => d.servers.push({ url: "http://api.example.com/v1" }),
    negative: (d) => d.servers.push({ url: "http://localhost:3000" }),
  },
  "TL-API-BOLA-001": {
    positive: (d) => delete d.paths["/orders/{orderId}"].get.responses["403"],
    negative: (d) =>
      (d.paths["/orders/{orderId}/items"] = {
        get: {
          parameters: [{ name: "orderId", in: "path", required: true, schema: { type: "string", format: "uuid" } }],
          responses: { "200": { description: "ok" }, ...errors },
        },
      }),
  },
  "TL-API-TENANT-001": {
    // Every order operation under the caller's account: five of the six operations name the tenant.
    positive: (d) => underTenant(d, ["/orders", "/orders/{orderId}"]),
    // Only the collection is under an account: an ordinary path, not the shape of the API.
    negative: (d) => underTenant(d, ["/orders"]),
  },
  "TL-API-MASS-001": {
    positive: (d) => (d.components.schemas.OrderInput.properties.role = { type: "string", maxLength: 20 }),
    negative: (d) =>
      (d.components.schemas.OrderInput.properties.role = { type: "string", maxLength: 20, readOnly: true }),
  },
  "TL-API-INPUT-001": {
    positive: (d) => (d.components.schemas.OrderInput.properties.note = { type: "string" }),
    negative: (d) => (d.components.schemas.OrderInput.properties.note = { type: "string", enum: ["a", "b"] }),
  },
  "TL-API-INPUT-002": {
    positive: (d) =>
      (d.components.schemas.OrderInput.properties.tags = { type: "array", items: { type: "string", maxLength: 10 } }),
    negative: (d) =>
      (d.components.schemas.OrderInput.properties.tags = {
        type: "array",
        maxItems: 10,
        items: { type: "string", maxLength: 10 },
      }),
  },
  "TL-API-INPUT-003": {
    positive: (d) =>
      (d.paths["/orders/{orderId}"].put = {
        security: [{ oauth: ["orders:write"] }],
        requestBody: {
          content: {
            "multipart/form-data": {
              schema: { type: "object", properties: { file: { type: "string", format: "binary" } } },
            },
          },
        },
        responses: { "200": { description: "ok" }, ...errors },
      }),
    negative: (d) =>
      (d.paths["/orders/{orderId}"].put = {
        security: [{ oauth: ["orders:write"] }],
        requestBody: {
          content: {
            "multipart/form-data": {
              schema: {
                type: "object",
                properties: { file: { type: "string", format: "binary", maxLength: 1048576 } },
              },
            },
          },
        },
        responses: { "200": { description: "ok" }, ...errors },
      }),
  },
  "TL-API-INPUT-004": {
    positive: (d) => delete d.paths["/orders"].get.parameters[0].schema.maximum,
    negative: (d) =>
      d.paths["/orders"].get.parameters.push({ name: "offset", in: "query", schema: { type: "integer" } }),
  },
  "TL-API-DATA-001": {
    positive: (d) => (d.components.schemas.Order.properties.password = { type: "string", maxLength: 64 }),
    negative: (d) =>
      (d.components.schemas.Order.properties.passwordChangedAt = { type: "string", format: "date-time" }),
  },
  "TL-API-DATA-002": {
    positive: (d) =>
      d.paths["/orders"].get.parameters.push({
        name: "access_token",
        in: "query",
        schema: { type: "string", maxLength: 100 },
      }),
    negative: (d) =>
      d.paths["/orders"].get.parameters.push({
        name: "Authorization",
        in: "header",
        schema: { type: "string", maxLength: 4096 },
      }),
  },
  "TL-API-RESP-001": {
    positive: (d) => {
      delete d.paths["/orders"].post.responses["401"];
      delete d.paths["/orders"].post.responses["403"];
    },
    negative: (d) => delete d.paths["/orders"].post.responses["401"],
  },
  "TL-API-RESP-002": {
    positive: (d) => {
      for (const item of Object.values<Doc>(d.paths))
        for (const op of Object.values<Doc>(item)) if (op.responses) delete op.responses["429"];
    },
  },
  "TL-API-BFLA-001": {
    positive: (d) =>
      (d.paths["/admin/users"] = {
        get: { responses: { "200": { description: "All users" }, ...errors } },
      }),
    negative: (d) => {
      d.components.securitySchemes.oauth.flows.authorizationCode.scopes.admin = "Administration";
      d.paths["/admin/users"] = {
        get: { security: [{ oauth: ["admin"] }], responses: { "200": { description: "All users" }, ...errors } },
      };
    },
  },
  "TL-API-BFLA-002": {
    positive: (d) =>
      d.paths["/orders"].get.parameters.push({
        name: "X-User-Role",
        in: "header",
        schema: { type: "string", enum: ["user", "admin"] },
      }),
    negative: (d) =>
      d.paths["/orders"].get.parameters.push({
        name: "X-Request-Id",
        in: "header",
        schema: { type: "string", format: "uuid" },
      }),
  },
  "TL-API-BFLA-003": {
    positive: (d) => {
      d.paths["/orders/{orderId}"].put = structuredClone(d.paths["/orders/{orderId}"].delete);
      d.paths["/orders/{orderId}"].delete.security = [{ oauth: ["orders:read"] }];
    },
    // An unauthenticated write is TL-API-AUTH-001's; a public read next to guarded writes is the catalogue shape.
    negative: (d) => {
      d.paths["/orders/{orderId}"].put = structuredClone(d.paths["/orders/{orderId}"].delete);
      d.paths["/orders/{orderId}"].get.security = [];
    },
  },
  "TL-API-VERSION-001": {
    positive: (d) => {
      d.paths["/v1/orders"] = structuredClone(d.paths["/orders"]);
      d.paths["/v2/orders"] = structuredClone(d.paths["/orders"]);
    },
    negative: (d) => (d.paths["/v2/orders"] = structuredClone(d.paths["/orders"])),
  },
  "TL-API-MASS-002": {
    positive: (d) => (d.components.schemas.OrderInput.additionalProperties = true),
    negative: (d) => (d.components.schemas.OrderInput.additionalProperties = false),
  },
  "TL-API-INJ-001": {
    positive: (d) =>
      d.paths["/orders"].get.parameters.push({ name: "filter", in: "query", schema: { type: "string" } }),
    negative: (d) =>
      d.paths["/orders"].get.parameters.push({
        name: "sort",
        in: "query",
        schema: { type: "string", enum: ["created", "-created"] },
      }),
  },
  "TL-API-INJ-002": {
    positive: (d) => (d.components.schemas.OrderInput.properties.item.pattern = "^([a-zA-Z0-9]+\\s?)*$"),
    negative: (d) => (d.components.schemas.OrderInput.properties.item.pattern = "^[a-zA-Z0-9 ]{1,100}$"),
  },
  "TL-API-SSRF-001": {
    positive: (d) =>
      (d.components.schemas.OrderInput.properties.callbackUrl = { type: "string", format: "uri", maxLength: 2000 }),
    negative: (d) =>
      (d.components.schemas.Order.properties.receiptUrl = {
        type: "string",
        format: "uri",
        maxLength: 2000,
        readOnly: true,
      }),
  },
  "TL-API-AUTHN-001": {
    positive: (d) =>
      (d.paths["/login"] = {
        post: {
          security: [],
          responses: { "200": { description: "Token" }, "401": { description: "Bad credentials" } },
        },
      }),
    negative: (d) =>
      (d.paths["/login"] = {
        post: {
          security: [],
          responses: {
            "200": { description: "Token" },
            "401": { description: "Bad credentials" },
            "429": { description: "Too many attempts" },
          },
        },
      }),
  },
  "TL-API-AUTHN-002": {
    positive: (d) =>
      (d.paths["/password-reset"] = {
        post: {
          security: [],
          responses: {
            "202": { description: "Sent" },
            "404": { description: "No account with this e-mail" },
            "429": { description: "Too many" },
          },
        },
      }),
    negative: (d) =>
      (d.paths["/password-reset"] = {
        post: {
          security: [],
          responses: { "202": { description: "Sent if the account exists" }, "429": { description: "Too many" } },
        },
      }),
  },
  "TL-API-AUTHN-003": {
    positive: (d) =>
      (d.paths["/mfa/verify"] = {
        post: {
          security: [],
          requestBody: {
            content: {
              "application/json": {
                schema: {
                  type: "object",
                  properties: { code: { type: "string", pattern: "^[0-9]{6}$", maxLength: 6 } },
                },
              },
            },
          },
          responses: { "200": { description: "Verified" }, "401": { description: "Wrong code" } },
        },
      }),
    negative: (d) =>
      (d.paths["/mfa/verify"] = {
        post: {
          security: [],
          requestBody: {
            content: {
              "application/json": {
                schema: {
                  type: "object",
                  properties: { code: { type: "string", pattern: "^[0-9]{6}$", maxLength: 6 } },
                },
              },
            },
          },
          responses: {
            "200": { description: "Verified" },
            "401": { description: "Wrong code" },
            "429": { description: "Locked for 15 minutes after 5 failures" },
          },
        },
      }),
  },
  "TL-API-AUTH-008": {
    positive: (d) => (d.components.securitySchemes.jwt = { type: "http", scheme: "bearer", bearerFormat: "JWT" }),
    negative: (d) =>
      (d.components.securitySchemes.jwt = {
        type: "http",
        scheme: "bearer",
        bearerFormat: "JWT",
        description: "RS256 tokens issued by https://auth.example.com (iss checked), JWKS at /.well-known/jwks.json",
      }),
  },
  "TL-API-AUTH-009": {
    positive: (d) => (d.components.securitySchemes.session = { type: "apiKey", in: "cookie", name: "SESSION" }),
    negative: (d) => {
      d.components.securitySchemes.session = { type: "apiKey", in: "cookie", name: "SESSION" };
      d.paths["/orders"].post.parameters = [
        { name: "X-CSRF-Token", in: "header", required: true, schema: { type: "string", maxLength: 128 } },
      ];
    },
  },
  "TL-API-TAMPER-001": {
    positive: (d) =>
      (d.paths["/orders/{orderId}/cancel"] = {
        parameters: [{ name: "orderId", in: "path", required: true, schema: { type: "string", format: "uuid" } }],
        get: { responses: { "200": { description: "Cancelled" }, ...errors } },
      }),
    negative: (d) =>
      (d.paths["/orders/{orderId}/cancel"] = {
        parameters: [{ name: "orderId", in: "path", required: true, schema: { type: "string", format: "uuid" } }],
        post: { responses: { "200": { description: "Cancelled" }, ...errors } },
      }),
  },
  "TL-API-DOC-001": {
    positive: (d) => {
      delete d.components.securitySchemes;
      delete d.security;
      for (const item of Object.values<Doc>(d.paths)) for (const op of Object.values<Doc>(item)) delete op.security;
    },
  },
};

const suite: RuleCaseSuite<Doc> = { path: "api.yaml", clean: cleanApi, render: yaml, cases: CASES };

describe("OpenAPI rules", () => {
  it("has a case for every rule and at least 18 rules", () => {
    expect(OPENAPI_RULES.length).toBeGreaterThanOrEqual(18);
    // TL-API-INFRA-001 needs the infrastructure next to the spec: openapi-review.test.ts covers it.
    expect(Object.keys(CASES).sort()).toEqual(
      OPENAPI_RULES.map((r) => r.id)
        .filter((id) => id !== "TL-API-INFRA-001")
        .sort(),
    );
  });

  it("finds nothing in the clean document", async () => {
    expect(await ruleIds(cleanApi())).toEqual([]);
  });

  ruleCaseTests(suite);

  it("raises likelihood of unauthenticated writes served on the internet and points evidence at the override", async () => {
    const doc = cleanApi();
    doc.paths["/orders"].post.security = [];
    const text = yaml(doc);
    const { threats } = await analyze([{ path: "api.yaml", content: text }]);
    const t = threats.find((x) => x.ruleId === "TL-API-AUTH-001")!;
    expect(t.resources[0]?.id).toBe("POST /orders");
    expect(t.likelihood).toBe(5);
    const line = t.evidence[0]!.line!;
    expect(text.split("\n")[line - 1]).toMatch(/security: \[\]/);
    expect(t.remediations[0]?.fix).toMatch(/securitySchemes/);
    expect(t.references.cwe).toContain("CWE-306");
  });

  it("every rule has docs, remediation, references and a {resource} description", () => {
    for (const rule of OPENAPI_RULES) {
      expect(rule.description).toContain("{resource}");
      expect(rule.docs).toContain(rule.id);
      expect(rule.remediation.fix?.openapi).toBeTruthy();
      expect(rule.references.cwe?.length).toBeGreaterThan(0);
    }
  });
});
