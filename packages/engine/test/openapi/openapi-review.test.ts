/* eslint-disable @typescript-eslint/no-explicit-any -- the fixtures are untyped documents, mutated in place by each case */
import { describe, expect, it } from "vitest";
import { analyze } from "../../src/index.ts";
import { looksLikeOpenApi } from "../../src/openapi/parse.ts";
import { cleanApi, yaml } from "./bases.ts";

type Doc = Record<string, any>;
const errors = { "401": { description: "x" }, "403": { description: "x" }, "429": { description: "x" } };

async function threatsOf(doc: Doc, path = "api.yaml"): Promise<Awaited<ReturnType<typeof analyze>>["threats"]> {
  const { threats, files } = await analyze([
    { path, content: path.endsWith(".json") ? JSON.stringify(doc) : yaml(doc) },
  ]);
  expect(files[0]?.error).toBeUndefined();
  return threats;
}

function on(threats: Awaited<ReturnType<typeof threatsOf>>, rule: string): string[] {
  return threats.filter((t) => t.ruleId === rule).map((t) => t.resources[0]!.id);
}

/** Every resource a rule's threats name, the operations folded into one threat included. */
function reached(threats: Awaited<ReturnType<typeof threatsOf>>, rule: string): string[] {
  return threats.filter((t) => t.ruleId === rule).flatMap((t) => t.resources.map((r) => r.id));
}

describe("OpenAPI as an API security reviewer reads it", () => {
  it("BOLA: ids in query, header and body, usernames and owner filters; high, Elevation of privilege", async () => {
    const d = cleanApi();
    d.paths["/notes"] = {
      get: {
        parameters: [{ name: "ownerId", in: "query", schema: { type: "integer" } }],
        responses: { "200": { description: "ok" }, ...errors },
      },
    };
    d.paths["/profile"] = {
      get: {
        parameters: [{ name: "X-Account-Id", in: "header", schema: { type: "integer" } }],
        responses: { "200": { description: "ok" }, ...errors },
      },
    };
    d.paths["/users/{username}/passphrase"] = {
      get: {
        parameters: [{ name: "username", in: "path", required: true, schema: { type: "string", maxLength: 40 } }],
        responses: { "200": { description: "ok" }, ...errors },
      },
    };
    d.paths["/checkout/pay"] = {
      post: {
        security: [{ oauth: ["orders:write"] }],
        requestBody: {
          content: {
            "application/json": {
              schema: { type: "object", properties: { orderId: { type: "integer" }, email: { type: "string" } } },
            },
          },
        },
        responses: { "200": { description: "ok" }, ...errors },
      },
    };
    const threats = await threatsOf(d);
    expect(on(threats, "TL-API-BOLA-001").sort()).toEqual([
      "GET /notes",
      "GET /profile",
      "GET /users/{username}/passphrase",
      "POST /checkout/pay",
    ]);
    const pay = threats.find((t) => t.ruleId === "TL-API-BOLA-001" && t.resources[0]!.id === "POST /checkout/pay")!;
    expect(pay.description).toContain("`orderId` (body, integer)");
    expect(pay.description).not.toContain("email");
    expect(pay.category).toBe("ElevationOfPrivilege");
    expect(pay.severity).toBe("high");
  });

  it("BOLA is left to the missing-authentication rules where the contract knows no caller at all", async () => {
    const d = cleanApi();
    delete d.components.securitySchemes;
    delete d.security;
    for (const item of Object.values<Doc>(d.paths)) for (const op of Object.values<Doc>(item)) delete op.security;
    delete d.paths["/orders/{orderId}"].get.responses["403"];
    const threats = await threatsOf(d);
    expect(on(threats, "TL-API-BOLA-001")).toEqual([]);
    expect(on(threats, "TL-API-DOC-001")).toEqual(["API Orders"]);
    // One finding for the whole unauthenticated spec, not one per read.
    expect(on(threats, "TL-API-AUTH-002")).toEqual([]);
  });

  it("credential header parameters count as authentication for the missing-auth rules", async () => {
    const d = cleanApi();
    delete d.components.securitySchemes;
    delete d.security;
    for (const item of Object.values<Doc>(d.paths)) for (const op of Object.values<Doc>(item)) delete op.security;
    d.paths["/orders"].post.parameters = [{ name: "x-access-token", in: "header", schema: { type: "string" } }];
    const threats = await threatsOf(d);
    expect(on(threats, "TL-API-AUTH-001")).toEqual(["DELETE /orders/{orderId}"]);
  });

  it("mass assignment names the privileged field, not the id of a referenced object", async () => {
    const d = cleanApi();
    d.components.schemas.OrderInput.properties.customer = {
      type: "object",
      properties: { id: { type: "string", format: "uuid" } },
    };
    expect(on(await threatsOf(d), "TL-API-MASS-001")).toEqual([]);
    d.components.schemas.OrderInput.properties.paid = { type: "boolean" };
    const threats = await threatsOf(d);
    const t = threats.find((x) => x.ruleId === "TL-API-MASS-001")!;
    expect(t.description).toContain("paid");
    expect(t.description).not.toContain("customer.id");
    expect(t.evidence.map((e) => e.path)).toEqual(["requestBody.paid"]);
  });

  it("login, registration and reset are public by design: rate limiting, never 'add authentication'", async () => {
    const d = cleanApi();
    for (const path of ["/auth/login", "/auth/register", "/auth/forgot-password"])
      d.paths[path] = { post: { security: [], responses: { "200": { description: "ok" } } } };
    const threats = await threatsOf(d);
    expect(on(threats, "TL-API-AUTH-001")).toEqual([]);
    expect(on(threats, "TL-API-BFLA-003")).toEqual([]);
    expect(on(threats, "TL-API-AUTHN-001").sort()).toEqual([
      "POST /auth/forgot-password",
      "POST /auth/login",
      "POST /auth/register",
    ]);
  });

  it("a GET that deletes is Tampering, raised when unauthenticated", async () => {
    const d = cleanApi();
    d.paths["/pictures/delete/{pictureId}"] = {
      get: {
        security: [],
        parameters: [{ name: "pictureId", in: "path", required: true, schema: { type: "integer" } }],
        responses: { "200": { description: "ok" } },
      },
    };
    const t = (await threatsOf(d)).find((x) => x.ruleId === "TL-API-TAMPER-001")!;
    expect(t.category).toBe("Tampering");
    expect(t.likelihood).toBe(4);
    expect(t.description).toContain("requires no authentication");
  });

  it("reads fields from the example of a schema that lists no properties (SSRF on an example body)", async () => {
    const d = cleanApi();
    d.paths["/notes"] = {
      post: {
        security: [{ oauth: ["orders:write"] }],
        requestBody: {
          content: { "application/json": { schema: { type: "object", example: { url: "http://x.example/n.txt" } } } },
        },
        responses: { "200": { description: "ok" }, ...errors },
      },
    };
    expect(on(await threatsOf(d), "TL-API-SSRF-001")).toEqual(["POST /notes"]);
  });

  it("URL inputs are one threat per use across the spec (callbacks, redirects, fetches), listing the operations", async () => {
    const d = cleanApi();
    const body = (props: Record<string, unknown>) => ({
      security: [{ oauth: ["orders:write"] }],
      requestBody: { content: { "application/json": { schema: { type: "object", properties: props } } } },
      responses: { "200": { description: "ok" }, ...errors },
    });
    const url = { type: "string", format: "uri" };
    d.paths["/calls"] = { post: body({ StatusCallback: url, VoiceUrl: url }) };
    d.paths["/messages"] = { post: body({ StatusCallback: url }) };
    d.paths["/numbers"] = { post: body({ SmsUrl: url }) };
    d.paths["/checkout"] = { post: body({ success_url: url, cancel_url: url }) };
    d.paths["/avatars"] = { post: body({ image_url: url }) };
    const ssrf = (await threatsOf(d)).filter((t) => t.ruleId === "TL-API-SSRF-001");
    expect(ssrf.map((t) => t.resources.map((r) => r.id).sort())).toEqual([
      ["POST /calls", "POST /messages", "POST /numbers"],
      ["POST /checkout"],
      ["POST /avatars"],
    ]);
    expect(ssrf[0]!.description).toContain("URLs for the same use are taken by 2 other operations");
  });

  it("groups contract hygiene into one low threat per spec listing the operations", async () => {
    const d = cleanApi();
    for (let i = 0; i < 40; i++)
      d.paths[`/things${i}`] = {
        post: {
          security: [{ oauth: ["orders:write"] }],
          requestBody: {
            content: { "application/json": { schema: { type: "object", properties: { note: { type: "string" } } } } },
          },
          responses: { "201": { description: "ok" } },
        },
      };
    const threats = await threatsOf(d);
    for (const rule of ["TL-API-INPUT-001", "TL-API-RESP-001"]) {
      const mine = threats.filter((t) => t.ruleId === rule);
      expect(mine).toHaveLength(1);
      expect(mine[0]!.resources[0]!.id).toBe("API Orders");
      expect(["low", "info"]).toContain(mine[0]!.severity);
      expect(mine[0]!.description).toContain("40 of");
      expect(mine[0]!.evidence.length).toBe(10);
    }
  });

  it("example values are not secrets, but a real credential shape in an example is, on the example's line", async () => {
    const d = cleanApi();
    d.components.schemas.OrderInput.example = { item: "book", password: "Adm1n-Billing-Pass!", token: "abc123def456" };
    expect((await threatsOf(d)).filter((t) => t.ruleId?.startsWith("TL-SECRET"))).toEqual([]);
    d.components.schemas.OrderInput.example.deployKey = "AKIAIOSFODNN7REALKEY";
    const text = yaml(d);
    const { threats } = await analyze([{ path: "api.yaml", content: text }]);
    const secret = threats.find((t) => t.ruleId === "TL-SECRET-002")!;
    expect(text.split("\n")[secret.evidence[0]!.line! - 1]).toContain("AKIAIOSFODNN7REALKEY");
  });
});

describe("OpenAPI detection", () => {
  it("finds the version key after the first 64 KiB (sorted keys), in JSON and YAML", () => {
    const big = cleanApi();
    big.components.schemas.Padding = { type: "object", description: "x".repeat(70_000) };
    const sorted = (o: any): any =>
      Array.isArray(o)
        ? o.map(sorted)
        : o && typeof o === "object"
          ? Object.fromEntries(
              Object.keys(o)
                .sort()
                .map((k) => [k, sorted(o[k])]),
            )
          : o;
    const json = JSON.stringify(sorted(big), null, 2);
    expect(json.indexOf('"openapi"')).toBeGreaterThan(65_536);
    expect(looksLikeOpenApi(json)).toBe(true);
    expect(looksLikeOpenApi(yaml(sorted(big)))).toBe(true);
    // A CloudFormation template embedding an OpenAPI body deeper down is not a spec.
    const cfn = JSON.stringify({
      AWSTemplateFormatVersion: "2010-09-09",
      Description: "x".repeat(70_000),
      Resources: { Api: { Type: "AWS::ApiGateway::RestApi", Properties: { Body: { openapi: "3.0.1" } } } },
    });
    expect(looksLikeOpenApi(cfn)).toBe(false);
    const nested = JSON.stringify({ data: "x".repeat(70_000), spec: { openapi: "3.0.1" } });
    expect(looksLikeOpenApi(nested)).toBe(false);
  });
});

describe("OpenAPI external references", () => {
  const spec = `openapi: 3.0.3
info: { title: Split, version: "1" }
servers: [{ url: "https://api.example.com" }]
security: [{ bearer: [] }]
components:
  securitySchemes:
    bearer: { type: http, scheme: bearer, bearerFormat: opaque }
paths:
  /users/{userId}:
    patch:
      parameters:
        - $ref: "./common/params.yaml#/UserId"
      requestBody:
        content:
          application/json:
            schema: { $ref: "schemas/user.yaml#/UserUpdate" }
      responses:
        "200": { description: ok }
        "401": { $ref: "https://example.com/errors.yaml#/Unauthorized" }
        "429": { description: slow }
`;
  const params = `UserId:
  name: userId
  in: path
  required: true
  schema: { type: integer }
`;
  const user = `UserUpdate:
  type: object
  properties:
    name: { type: string, maxLength: 40 }
    role: { $ref: "#/Role" }
    manager: { $ref: "../common/missing.yaml#/Manager" }
Role:
  type: string
  enum: [user, admin]
`;

  it("follows local files handed in with the spec, never remote ones, and warns on each reference it cannot follow", async () => {
    const { threats, files } = await analyze([
      { path: "api/openapi.yaml", content: spec },
      { path: "api/common/params.yaml", content: params },
      { path: "api/schemas/user.yaml", content: user },
    ]);
    const ids = (rule: string): string[] => threats.filter((t) => t.ruleId === rule).map((t) => t.resources[0]!.id);
    // The path parameter and the body come from the sibling files.
    expect(ids("TL-API-BOLA-001")).toEqual(["PATCH /users/{userId}"]);
    expect(ids("TL-API-MASS-001")).toEqual(["PATCH /users/{userId}"]);
    expect(threats.find((t) => t.ruleId === "TL-API-MASS-001")!.description).toContain("role");
    const report = files.find((f) => f.path === "api/openapi.yaml")!;
    expect(report.warnings?.map((w) => w.message).join("\n")).toMatch(
      /https:\/\/example.com\/errors.yaml.*never fetched/,
    );
    expect(report.warnings?.map((w) => w.message).join("\n")).toMatch(
      /missing.yaml#\/Manager.*not analysed with the spec/,
    );
    // Fragments are part of the spec, not unsupported files.
    expect(files.find((f) => f.path === "api/schemas/user.yaml")).toEqual({
      path: "api/schemas/user.yaml",
      format: "openapi",
      resources: 0,
    });
    // An unresolved reference may hold the error responses: no "declares no 401/403" guess.
    expect(ids("TL-API-RESP-001")).toEqual([]);
  });

  it("without the files, reports what it cannot follow and still parses the rest", async () => {
    const { threats, files } = await analyze([{ path: "api/openapi.yaml", content: spec }]);
    expect(files[0]!.error).toBeUndefined();
    expect(files[0]!.warnings?.length).toBe(3);
    expect(threats.filter((t) => t.ruleId === "TL-API-MASS-001")).toEqual([]);
  });
});

describe("OpenAPI inputs as real specs write them", () => {
  const order = (properties: Doc) => {
    const d = cleanApi();
    d.components.schemas.OrderInput.properties = properties;
    return d;
  };

  it("a short id in a body (`cid`) names the customer the order is placed for", async () => {
    const d = order({ cid: { type: "string", maxLength: 20 }, quantity: { type: "integer", maximum: 10 } });
    expect(on(await threatsOf(d), "TL-API-BOLA-001")).toContain("POST /orders");
    const bid = order({ bid: { type: "number", maximum: 10 }, quantity: { type: "integer", maximum: 10 } });
    expect(on(await threatsOf(bid), "TL-API-BOLA-001")).not.toContain("POST /orders");
  });

  it("a string described as a JSON or XML document is an injection surface; a JSON Web Token is not", async () => {
    const doc = order({
      linesData: { type: "string", description: "Order lines in a customer specific JSON format" },
    });
    expect(on(await threatsOf(doc), "TL-API-INJ-001")).toContain("POST /orders");
    const jwt = order({ partner: { type: "string", maxLength: 100, description: "A JSON Web Token of the partner" } });
    expect(on(await threatsOf(jwt), "TL-API-INJ-001")).toEqual([]);
  });
});

describe("OpenAPI noise a reviewer would not keep", () => {
  const read = (param: string) => ({
    get: {
      parameters: [{ name: param, in: "path", required: true, schema: { type: "integer" } }],
      responses: { "200": { description: "ok" }, ...errors },
    },
  });

  it("BOLA: reading a catalogue member is the same for every caller; someone's object under it is not", async () => {
    const d = cleanApi();
    d.paths["/products/{productId}"] = read("productId");
    d.paths["/categories/{id}"] = read("id");
    d.paths["/users/{userId}/books/{bookId}"] = {
      get: {
        parameters: [
          { name: "userId", in: "path", required: true, schema: { type: "integer" } },
          { name: "bookId", in: "path", required: true, schema: { type: "integer" } },
        ],
        responses: { "200": { description: "ok" }, ...errors },
      },
    };
    d.paths["/products/{productId}"].put = {
      parameters: [{ name: "productId", in: "path", required: true, schema: { type: "integer" } }],
      responses: { "204": { description: "ok" }, ...errors },
    };
    const bola = on(await threatsOf(d), "TL-API-BOLA-001");
    expect(bola).not.toContain("GET /products/{productId}");
    expect(bola).not.toContain("GET /categories/{id}");
    expect(bola).toContain("GET /users/{userId}/books/{bookId}");
    expect(bola).toContain("PUT /products/{productId}");
  });

  it("BOLA: an unauthenticated read of a private collection's member (a note by id) is object-level too", async () => {
    const d = cleanApi();
    const byId = (name: string) => ({
      security: [],
      parameters: [{ name, in: "path", required: true, schema: { type: "string" } }],
      responses: { "200": { description: "ok" } },
    });
    d.paths["/v2/notes/{noteId}"] = { get: byId("noteId"), delete: byId("noteId") };
    d.paths["/v2/releases/{releaseId}"] = { get: byId("releaseId") };
    const threats = await threatsOf(d);
    const bola = reached(threats, "TL-API-BOLA-001");
    expect(bola).toContain("GET /v2/notes/{noteId}");
    expect(bola).toContain("DELETE /v2/notes/{noteId}");
    // Reading and deleting one note through one id is one weakness: one threat, on the read.
    expect(on(threats, "TL-API-BOLA-001")).toContain("GET /v2/notes/{noteId}");
    expect(on(threats, "TL-API-BOLA-001")).not.toContain("DELETE /v2/notes/{noteId}");
    // A member of a collection nothing marks private stays a missing-authentication question.
    expect(bola).not.toContain("GET /v2/releases/{releaseId}");
  });

  it("a GET login with a password in the query is a login flow, not an object access; a created object's own id is no reference", async () => {
    const d = cleanApi();
    d.paths["/user/login"] = {
      get: {
        security: [],
        parameters: [
          { name: "username", in: "query", schema: { type: "string", maxLength: 50 } },
          { name: "password", in: "query", schema: { type: "string", maxLength: 50 } },
        ],
        responses: { "200": { description: "ok" } },
      },
    };
    d.components.schemas.OrderInput.properties.id = { type: "integer", format: "int64" };
    const threats = await threatsOf(d);
    expect(on(threats, "TL-API-BOLA-001")).toEqual([]);
    expect(on(threats, "TL-API-AUTHN-001")).toEqual(["GET /user/login"]);
  });

  it("what the API sells: changing it is a staff function (BFLA), reading or buying it is not BOLA", async () => {
    const d = cleanApi();
    d.security = [{ basic: [] }];
    d.components.securitySchemes = { basic: { type: "http", scheme: "basic" } };
    const id = { name: "eventId", in: "path", required: true, schema: { type: "string", format: "uuid" } };
    const body = (properties: Doc) => ({
      content: { "application/json": { schema: { type: "object", properties } } },
    });
    // No 403 declared, as in Redocly's Museum API: the ticket's QR code is then an object-level question.
    const ok = { "200": { description: "ok" }, "401": errors["401"], "429": errors["429"] };
    d.paths = {
      "/special-events": {
        get: { responses: ok },
        post: { requestBody: body({ name: { type: "string", maxLength: 50 } }), responses: ok },
      },
      "/special-events/{eventId}": {
        get: { parameters: [id], responses: ok },
        patch: { parameters: [id], requestBody: body({ name: { type: "string", maxLength: 50 } }), responses: ok },
        delete: { parameters: [id], responses: ok },
      },
      "/tickets": {
        post: {
          operationId: "buyMuseumTickets",
          requestBody: body({ eventId: { type: "string", format: "uuid" }, ticketDate: { type: "string" } }),
          responses: ok,
        },
      },
      "/tickets/{ticketId}/qr": { get: { parameters: [{ ...id, name: "ticketId" }], responses: ok } },
    };
    const threats = await threatsOf(d);
    expect(on(threats, "TL-API-BFLA-001").sort()).toEqual([
      "DELETE /special-events/{eventId}",
      "PATCH /special-events/{eventId}",
      "POST /special-events",
    ]);
    expect(on(threats, "TL-API-BOLA-001")).toEqual(["GET /tickets/{ticketId}/qr"]);
    // Without the purchase, events are someone's objects again (a calendar), and nothing calls their writes staff.
    delete d.paths["/tickets"];
    const calendar = await threatsOf(d);
    expect(on(calendar, "TL-API-BFLA-001")).toEqual([]);
    expect(reached(calendar, "TL-API-BOLA-001")).toContain("PATCH /special-events/{eventId}");
    // A write that needs a scope the buyers' operations lack is the distinct privilege a reviewer asks for.
    d.paths["/tickets"] = {
      post: {
        operationId: "buyMuseumTickets",
        security: [{ oauth: ["tickets:buy"] }],
        requestBody: body({ eventId: { type: "string", format: "uuid" } }),
        responses: ok,
      },
    };
    d.components.securitySchemes.oauth = structuredClone(cleanApi().components.securitySchemes.oauth);
    for (const verb of ["patch", "delete"])
      d.paths["/special-events/{eventId}"][verb].security = [{ oauth: ["orders:write"] }];
    d.paths["/special-events"].post.security = [{ oauth: ["orders:write"] }];
    expect(on(await threatsOf(d), "TL-API-BFLA-001")).toEqual([]);
  });

  it("reads left public on purpose (a spec that secures operations one by one) are not told to add auth", async () => {
    const d = cleanApi();
    delete d.security;
    for (const [path, item] of Object.entries(d.paths as Doc))
      for (const op of Object.values(item as Doc))
        if (typeof op === "object" && op.responses && path !== "/health" && !op.security) op.security = [{ oauth: [] }];
    d.paths["/articles/{slug}"] = {
      get: {
        parameters: [{ name: "slug", in: "path", required: true, schema: { type: "string" } }],
        responses: { "200": { description: "ok" } },
      },
    };
    d.paths["/articles/{slug}/favorite"] = {
      post: {
        security: [{ oauth: [] }],
        parameters: [{ name: "slug", in: "path", required: true, schema: { type: "string" } }],
        responses: { "200": { description: "ok" }, ...errors },
      },
    };
    d.paths["/profiles/{username}"] = {
      get: {
        parameters: [{ name: "username", in: "path", required: true, schema: { type: "string" } }],
        responses: { "200": { description: "ok" } },
      },
    };
    d.paths["/users/{userId}/messages"] = {
      get: {
        parameters: [{ name: "userId", in: "path", required: true, schema: { type: "string" } }],
        responses: { "200": { description: "ok" } },
      },
    };
    d.paths["/users"] = { post: { summary: "Register a new user", responses: { "201": { description: "ok" } } } };
    const threats = await threatsOf(d);
    expect(on(threats, "TL-API-AUTH-002")).toEqual(["GET /users/{userId}/messages"]);
    expect(on(threats, "TL-API-BOLA-001")).not.toContain("POST /articles/{slug}/favorite");
    expect(on(threats, "TL-API-BOLA-001")).not.toContain("GET /profiles/{username}");
    expect(on(threats, "TL-API-AUTH-001")).not.toContain("POST /users");
  });

  it("VERSION-001: one threat per spec that lists the older version's operations", async () => {
    const d = cleanApi();
    for (const v of ["v1", "v2"]) {
      d.paths[`/${v}/orders`] = structuredClone(d.paths["/orders"]);
      d.paths[`/${v}/orders/{orderId}`] = structuredClone(d.paths["/orders/{orderId}"]);
    }
    const threats = (await threatsOf(d)).filter((t) => t.ruleId === "TL-API-VERSION-001");
    expect(threats).toHaveLength(1);
    expect(threats[0]!.resources[0]!.type).toBe("openapi:api");
    expect(
      threats[0]!.resources
        .slice(1)
        .map((r) => r.id)
        .sort(),
    ).toEqual(["DELETE /v1/orders/{orderId}", "GET /v1/orders", "GET /v1/orders/{orderId}", "POST /v1/orders"]);
    expect(threats[0]!.description).toContain("next to version 2");
    expect(threats[0]!.evidence).toHaveLength(4);
  });
});

describe("OpenAPI tied to the gateway that serves it", () => {
  const template = (auth: string) => `AWSTemplateFormatVersion: "2010-09-09"
Resources:
  Api:
    Type: AWS::ApiGatewayV2::Api
    Properties: { Name: orders, ProtocolType: HTTP }
  GetOrder:
    Type: AWS::ApiGatewayV2::Route
    Properties:
      ApiId: !Ref Api
      RouteKey: "GET /orders/{id}"
      AuthorizationType: ${auth}
  Health:
    Type: AWS::ApiGatewayV2::Route
    Properties:
      ApiId: !Ref Api
      RouteKey: "GET /health"
      AuthorizationType: JWT
      AuthorizerId: abc
`;

  it("names the route without an authorizer in front of an operation the contract secures, and the reverse as low", async () => {
    const { threats } = await analyze([
      { path: "svc/api.yaml", content: yaml(cleanApi()) },
      { path: "svc/template.yaml", content: template("NONE") },
    ]);
    const mine = threats.filter((t) => t.ruleId === "TL-API-INFRA-001");
    const get = mine.find((t) => t.resources[0]!.id === "GET /orders/{orderId}")!;
    expect(get.severity).toBe("high");
    expect(get.resources.map((r) => r.id)).toContain("GetOrder");
    expect(get.description).toContain("svc/template.yaml");
    const health = mine.find((t) => t.resources[0]!.id === "GET /health")!;
    expect(health.severity).toBe("low");
    expect(mine).toHaveLength(2);
  });

  it("stays silent when the route has the authorizer the contract promises, or when the spec is analysed alone", async () => {
    const withAuth = await analyze([
      { path: "svc/api.yaml", content: yaml(cleanApi()) },
      { path: "svc/template.yaml", content: template("JWT\n      AuthorizerId: abc") },
    ]);
    expect(
      withAuth.threats.filter((t) => t.ruleId === "TL-API-INFRA-001" && t.resources[0]!.id !== "GET /health"),
    ).toEqual([]);
    const alone = await analyze([{ path: "svc/api.yaml", content: yaml(cleanApi()) }]);
    expect(alone.threats.filter((t) => t.ruleId === "TL-API-INFRA-001")).toEqual([]);
  });
});

describe("OpenAPI tenants and objects: one question per tenant, one per object", () => {
  const ok = { "200": { description: "ok" }, "401": errors["401"], "404": { description: "Not found" } };
  const param = (name: string, schema: Doc = { type: "string", maxLength: 34 }) => ({
    name,
    in: "path",
    required: true,
    schema,
  });

  /** A small Twilio-shaped API: everything under `/2010-04-01/Accounts/{AccountSid}`, HTTP Basic with the account's token. */
  function accountApi(): Doc {
    const d = cleanApi();
    d.security = [{ basic: [] }];
    d.components.securitySchemes = { basic: { type: "http", scheme: "basic" } };
    const account = param("AccountSid");
    const item = (sid: string) => ({
      parameters: [account, param(sid)],
      get: { responses: ok },
      post: { responses: ok },
      delete: { responses: ok },
    });
    d.paths = {
      "/2010-04-01/Accounts.json": { get: { responses: ok } },
      "/2010-04-01/Accounts/{Sid}.json": { get: { parameters: [param("Sid")], responses: ok } },
      "/2010-04-01/Accounts/{AccountSid}/Calls.json": { parameters: [account], get: { responses: ok } },
      "/2010-04-01/Accounts/{AccountSid}/Calls/{Sid}.json": item("Sid"),
      "/2010-04-01/Accounts/{AccountSid}/Calls/{CallSid}/Recordings.json": {
        parameters: [account, param("CallSid")],
        get: { responses: ok },
      },
      "/2010-04-01/Accounts/{AccountSid}/Queues/{QueueSid}/Members/{CallSid}.json": {
        parameters: [account, param("QueueSid"), param("CallSid")],
        get: { responses: ok },
      },
    };
    return d;
  }

  it("a tenant prefix is one threat for the spec, with its operations as related resources and a count", async () => {
    const threats = await threatsOf(accountApi());
    const tenant = threats.filter((t) => t.ruleId === "TL-API-TENANT-001");
    expect(tenant).toHaveLength(1);
    expect(tenant[0]!.resources[0]!.id).toBe("API Orders");
    expect(tenant[0]!.description).toContain("7 of the 8 operations");
    expect(tenant[0]!.description).toContain("`AccountSid`");
    expect(tenant[0]!.description).toContain("/2010-04-01/Accounts/{AccountSid}");
    expect(tenant[0]!.resources.map((r) => r.id)).toContain(
      "DELETE /2010-04-01/Accounts/{AccountSid}/Calls/{Sid}.json",
    );
    expect(tenant[0]!.resources.map((r) => r.id)).toContain("GET /2010-04-01/Accounts/{Sid}.json");
    expect(tenant[0]!.evidence.length).toBe(7);
    expect(tenant[0]!.category).toBe("ElevationOfPrivilege");
    // The account's own credential names the tenant: its opaque ids under it are the tenant's question, not eight BOLAs.
    expect(on(threats, "TL-API-BOLA-001")).toEqual([]);
  });

  it("under a tenant, a person's id or a guessable number stays object-level, one threat per object", async () => {
    const d = accountApi();
    d.paths["/2010-04-01/Accounts/{AccountSid}/Users/{UserId}.json"] = {
      parameters: [param("AccountSid"), param("UserId")],
      get: { responses: ok },
      delete: { responses: ok },
    };
    d.paths["/2010-04-01/Accounts/{AccountSid}/Invoices/{InvoiceNumber}.json"] = {
      parameters: [param("AccountSid"), param("InvoiceNumber", { type: "integer", maximum: 1e9 })],
      get: { responses: ok },
    };
    const threats = await threatsOf(d);
    expect(on(threats, "TL-API-TENANT-001")).toEqual(["API Orders"]);
    expect(on(threats, "TL-API-BOLA-001").sort()).toEqual([
      "GET /2010-04-01/Accounts/{AccountSid}/Invoices/{InvoiceNumber}.json",
      "GET /2010-04-01/Accounts/{AccountSid}/Users/{UserId}.json",
    ]);
    const user = threats.find((t) => t.ruleId === "TL-API-BOLA-001" && t.resources[0]!.id.includes("Users"))!;
    expect(user.resources.map((r) => r.id)).toContain("DELETE /2010-04-01/Accounts/{AccountSid}/Users/{UserId}.json");
    expect(user.description).toContain("`UserId` (path, string)");
    expect(user.description).not.toContain("`AccountSid`");
  });

  it("users inside a tenant (OAuth): ids under it stay object-level, the tenant id does not", async () => {
    const d = accountApi();
    d.security = [{ oauth: ["orders:read"] }];
    d.components.securitySchemes = cleanApi().components.securitySchemes;
    const threats = await threatsOf(d);
    expect(on(threats, "TL-API-TENANT-001")).toEqual(["API Orders"]);
    const bola = threats.filter((t) => t.ruleId === "TL-API-BOLA-001");
    // Calls/{Sid} (read, change, delete), Calls/{CallSid}/Recordings and Members/{CallSid}: three objects, three threats.
    expect(bola.map((t) => t.resources[0]!.id).sort()).toEqual([
      "GET /2010-04-01/Accounts/{AccountSid}/Calls/{CallSid}/Recordings.json",
      "GET /2010-04-01/Accounts/{AccountSid}/Calls/{Sid}.json",
      "GET /2010-04-01/Accounts/{AccountSid}/Queues/{QueueSid}/Members/{CallSid}.json",
    ]);
    for (const t of bola) expect(t.description).not.toContain("`AccountSid`");
  });

  it("an account id that prefixes only a few operations is ordinary BOLA, and no tenant threat", async () => {
    const d = cleanApi();
    d.security = [{ basic: [] }];
    d.components.securitySchemes = { basic: { type: "http", scheme: "basic" } };
    for (const name of ["a", "b", "c", "d", "e"]) d.paths[`/${name}`] = { get: { responses: ok } };
    d.paths["/accounts/{id}"] = { parameters: [param("id")], get: { responses: ok }, patch: { responses: ok } };
    d.paths["/accounts/{id}/statements"] = { parameters: [param("id")], get: { responses: ok } };
    const threats = await threatsOf(d);
    expect(on(threats, "TL-API-TENANT-001")).toEqual([]);
    expect(on(threats, "TL-API-BOLA-001")).toEqual(["GET /accounts/{id}"]);
    expect(reached(threats, "TL-API-BOLA-001").sort()).toEqual([
      "GET /accounts/{id}",
      "GET /accounts/{id}/statements",
      "PATCH /accounts/{id}",
    ]);
  });

  /** A small Stripe-shaped API: no tenant in the path, the account's secret key as the bearer token (or OAuth). */
  function keyedApi(): Doc {
    const d = cleanApi();
    d.security = [{ bearerAuth: [] }, { basicAuth: [] }];
    d.components.securitySchemes = {
      bearerAuth: { type: "http", scheme: "bearer", description: "Authorization: Bearer <api_key>" },
      basicAuth: { type: "http", scheme: "basic", description: "Authorization: Basic <api_key>" },
    };
    const item = (name: string) => ({
      parameters: [param(name, { type: "string", maxLength: 5000 })],
      get: { responses: ok },
      post: { responses: ok },
      delete: { responses: ok },
    });
    d.paths = {
      "/v1/customers": { get: { responses: ok } },
      "/v1/customers/{customer}": item("customer"),
      "/v1/charges/{charge}": item("charge"),
      "/v1/invoices/{invoice}": item("invoice"),
      "/v1/customers/{customer}/sources/{id}": item("id"),
      "/v1/accounts/{account}": item("account"),
    };
    d.paths["/v1/customers/{customer}/sources/{id}"].parameters.unshift(param("customer"));
    return d;
  }

  it("the account's secret key as the credential: one tenant threat for the spec, BOLA only on accounts named by id", async () => {
    const threats = await threatsOf(keyedApi());
    const tenant = threats.filter((t) => t.ruleId === "TL-API-TENANT-001");
    expect(tenant).toHaveLength(1);
    expect(tenant[0]!.resources[0]!.id).toBe("API Orders");
    expect(tenant[0]!.description).toContain("15 of the 16 operations");
    expect(tenant[0]!.description).toContain("`customer`");
    expect(tenant[0]!.description).toContain("`bearerAuth` HTTP bearer");
    expect(tenant[0]!.resources.map((r) => r.id)).toContain("DELETE /v1/charges/{charge}");
    expect(tenant[0]!.resources.map((r) => r.id)).toContain("GET /v1/customers/{customer}/sources/{id}");
    // A connected account named by id is another tenant's: still an object-level question, one threat.
    expect(on(threats, "TL-API-BOLA-001")).toEqual(["GET /v1/accounts/{account}"]);
    expect(reached(threats, "TL-API-BOLA-001")).toContain("DELETE /v1/accounts/{account}");
  });

  it("a person's id or a guessable number under a keyed spec stays object-level", async () => {
    const d = keyedApi();
    d.paths["/v1/users/{user_id}"] = { parameters: [param("user_id")], get: { responses: ok } };
    d.paths["/v1/payouts/{payout}"] = {
      parameters: [param("payout", { type: "integer", maximum: 1e9 })],
      get: { responses: ok },
    };
    const threats = await threatsOf(d);
    expect(on(threats, "TL-API-TENANT-001")).toEqual(["API Orders"]);
    expect(on(threats, "TL-API-BOLA-001").sort()).toEqual([
      "GET /v1/accounts/{account}",
      "GET /v1/payouts/{payout}",
      "GET /v1/users/{user_id}",
    ]);
  });

  it("the same paths under OAuth, a user's bearer token, or a key the spec does not call one: BOLA per object", async () => {
    const objects = [
      "GET /v1/accounts/{account}",
      "GET /v1/charges/{charge}",
      "GET /v1/customers/{customer}",
      "GET /v1/customers/{customer}/sources/{id}",
      "GET /v1/invoices/{invoice}",
    ];
    const oauth = keyedApi();
    oauth.security = [{ oauth: ["orders:read"] }];
    oauth.components.securitySchemes = cleanApi().components.securitySchemes;
    const jwt = keyedApi();
    jwt.security = [{ bearerAuth: [] }];
    jwt.components.securitySchemes = { bearerAuth: { type: "http", scheme: "bearer", bearerFormat: "JWT" } };
    const basic = keyedApi();
    basic.security = [{ basicAuth: [] }];
    basic.components.securitySchemes = { basicAuth: { type: "http", scheme: "basic" } };
    // A key scheme in a spec where users sign in is a person's session token.
    const login = keyedApi();
    login.paths["/v1/login"] = { post: { security: [], responses: ok } };
    for (const d of [oauth, jwt, basic, login]) {
      const threats = await threatsOf(d);
      expect(on(threats, "TL-API-TENANT-001")).toEqual([]);
      expect(on(threats, "TL-API-BOLA-001").sort()).toEqual(objects);
    }
  });

  it("folding keeps the fingerprint the object's first operation had on its own", async () => {
    const d = cleanApi();
    delete d.paths["/orders/{orderId}"].get.responses["403"];
    const before = (await threatsOf(d)).filter((t) => t.ruleId === "TL-API-BOLA-001");
    expect(before.map((t) => t.resources[0]!.id)).toEqual(["GET /orders/{orderId}"]);
    d.paths["/orders/{orderId}/items"] = {
      parameters: [{ name: "orderId", in: "path", required: true, schema: { type: "integer" } }],
      get: { responses: ok },
    };
    const after = (await threatsOf(d)).filter((t) => t.ruleId === "TL-API-BOLA-001");
    expect(after).toHaveLength(1);
    expect(after[0]!.fingerprint).toBe(before[0]!.fingerprint);
    expect(after[0]!.resources.map((r) => r.id)).toEqual(["GET /orders/{orderId}", "GET /orders/{orderId}/items"]);
    // The guessable id of the other operation raises the folded threat's likelihood.
    expect(after[0]!.likelihood).toBe(4);
  });
});

describe("OpenAPI noise on large vendor specs (Twilio, Stripe)", () => {
  const ok = { "200": { description: "ok" }, ...errors };
  const json = (schema: Doc) => ({ content: { "application/json": { schema } } });

  it("a page token is a cursor, not a credential; a limit bounded in its description is bounded", async () => {
    const d = cleanApi();
    d.paths["/calls"] = {
      get: {
        parameters: [
          { name: "PageToken", in: "query", schema: { type: "string", maxLength: 100 } },
          {
            name: "limit",
            in: "query",
            description: "Limit can range between 1 and 100.",
            schema: { type: "integer" },
          },
        ],
        responses: ok,
      },
    };
    d.paths["/sessions"] = {
      get: {
        parameters: [
          { name: "session_token", in: "query", schema: { type: "string", maxLength: 100 } },
          { name: "page_size", in: "query", description: "How many per page.", schema: { type: "integer" } },
        ],
        responses: ok,
      },
    };
    const threats = await threatsOf(d);
    expect(on(threats, "TL-API-DATA-002")).toEqual(["GET /sessions"]);
    expect(on(threats, "TL-API-INPUT-004")).toEqual(["GET /sessions"]);
  });

  it("a typed map (metadata) is declared, an untyped one is open; `Mappings` is no ping", async () => {
    const d = cleanApi();
    d.paths["/orders"].post.requestBody = json({
      type: "object",
      properties: { metadata: { type: "object", additionalProperties: { type: "string", maxLength: 500 } } },
    });
    d.paths["/domains/{domainId}/IpAccessControlListMappings"] = {
      get: {
        parameters: [
          { name: "domainId", in: "path", required: true, schema: { type: "string", format: "uuid" } },
          { name: "PageToken", in: "query", schema: { type: "string" } },
        ],
        responses: ok,
      },
    };
    const threats = await threatsOf(d);
    expect(on(threats, "TL-API-MASS-002")).toEqual([]);
    expect(on(threats, "TL-API-INJ-001")).toEqual([]);
    d.paths["/orders"].post.requestBody = json({
      type: "object",
      properties: { metadata: { type: "object", additionalProperties: true } },
    });
    d.paths["/tools/ping"] = {
      post: { requestBody: json({ type: "object", properties: { target: { type: "string" } } }), responses: ok },
    };
    const open = await threatsOf(d);
    expect(on(open, "TL-API-MASS-002")).toContain("POST /orders");
    expect(on(open, "TL-API-INJ-001")).toEqual(["POST /tools/ping"]);
  });

  it("a secret four embedded objects deep is reported where its own resource is returned, not everywhere", async () => {
    const d = cleanApi();
    const intent = { type: "object", properties: { client_secret: { type: "string", maxLength: 100 } } };
    d.paths["/payment_intents/{intentId}"] = {
      get: {
        parameters: [{ name: "intentId", in: "path", required: true, schema: { type: "string", format: "uuid" } }],
        responses: { ...ok, "200": { description: "ok", ...json(intent) } },
      },
    };
    d.paths["/accounts/{accountId}/external"] = {
      get: {
        parameters: [{ name: "accountId", in: "path", required: true, schema: { type: "string", format: "uuid" } }],
        responses: {
          ...ok,
          "200": {
            description: "ok",
            ...json({
              type: "object",
              properties: {
                external: {
                  type: "object",
                  properties: { customer: { type: "object", properties: { source: intent } } },
                },
              },
            }),
          },
        },
      },
    };
    expect(on(await threatsOf(d), "TL-API-DATA-001")).toEqual(["GET /payment_intents/{intentId}"]);
  });
});
