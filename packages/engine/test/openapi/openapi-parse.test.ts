import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { analyze, buildGraph } from "../../src/index.ts";
import type { OperationAttrs, SecuritySchemeAttrs, ApiAttrs } from "../../src/openapi/index.ts";
import { looksLikeOpenApi } from "../../src/openapi/index.ts";

const fixture = (name: string): string => readFileSync(new URL(`../fixtures/openapi/${name}`, import.meta.url), "utf8");

describe("OpenAPI parsing", () => {
  it("detects OpenAPI and Swagger from content only", () => {
    expect(looksLikeOpenApi("openapi: 3.1.0\ninfo: {}\n")).toBe(true);
    expect(looksLikeOpenApi('{ "swagger": "2.0", "paths": {} }')).toBe(true);
    expect(looksLikeOpenApi("apiVersion: v1\nkind: Pod\n")).toBe(false);
    expect(
      looksLikeOpenApi(
        '{"AWSTemplateFormatVersion":"2010-09-09","Resources":{"A":{"Type":"AWS::ApiGateway::RestApi","Properties":{"Body":{"openapi":"3.0.1"}}}}}',
      ),
    ).toBe(false);
  });

  it("parses Swagger 2.0 JSON: schemes, securityDefinitions, body and formData parameters, effective security", async () => {
    const { graph, files } = await buildGraph([{ path: "pet.json", content: fixture("petstore-swagger2.json") }]);
    expect(files[0]).toMatchObject({ format: "openapi", resources: 7 });
    const ids = graph.nodes.map((n) => n.id);
    expect(ids).toEqual(
      expect.arrayContaining([
        "API Petstore",
        "POST /pet",
        "GET /pet/{petId}",
        "POST /pet/{petId}/uploadImage",
        "#/securityDefinitions/basicAuth",
      ]),
    );

    const api = graph.nodes.find((n) => n.id === "API Petstore")!.attrs as unknown as ApiAttrs;
    expect(api.servers).toEqual(["http://petstore.example.com/v2", "https://petstore.example.com/v2"]);
    expect(api.specVersion).toBe("2.0");

    const basic = graph.nodes.find((n) => n.id === "#/securityDefinitions/basicAuth")!
      .attrs as unknown as SecuritySchemeAttrs;
    expect(basic).toMatchObject({ type: "http", scheme: "basic" });
    const oauth = graph.nodes.find((n) => n.id === "#/securityDefinitions/petstore_auth")!
      .attrs as unknown as SecuritySchemeAttrs;
    expect(oauth.flows[0]).toMatchObject({ flow: "implicit", scopes: ["write:pets", "read:pets"] });

    const post = graph.nodes.find((n) => n.id === "POST /pet")!;
    const postAttrs = post.attrs as unknown as OperationAttrs;
    expect(postAttrs.securitySource).toBe("operation");
    expect(postAttrs.security).toEqual([{ schemes: [{ name: "petstore_auth", scopes: ["write:pets"] }] }]);
    expect(postAttrs.requestBody?.fields.map((f) => f.name)).toEqual(
      expect.arrayContaining(["id", "name", "owner", "owner.password", "tags"]),
    );

    const get = graph.nodes.find((n) => n.id === "GET /pet/{petId}")!.attrs as unknown as OperationAttrs;
    expect(get.authenticated).toBe(false);
    expect(get.securitySource).toBe("operation");

    const upload = graph.nodes.find((n) => n.id === "POST /pet/{petId}/uploadImage")!
      .attrs as unknown as OperationAttrs;
    expect(upload.requestBody?.fields).toEqual([expect.objectContaining({ name: "file", format: "binary" })]);

    expect(graph.edges).toEqual(
      expect.arrayContaining([
        { from: "POST /pet", to: "#/securityDefinitions/petstore_auth", kind: "security-requirement", via: "security" },
      ]),
    );
    expect(graph.edges).toEqual(
      expect.arrayContaining([
        { from: "API Petstore", to: "#/securityDefinitions/basicAuth", kind: "security-requirement", via: "security" },
      ]),
    );
  });

  it("reports Swagger-specific threats with lines", async () => {
    const text = fixture("petstore-swagger2.json");
    const { threats } = await analyze([{ path: "pet.json", content: text }]);
    const ids = new Set(threats.map((t) => t.ruleId));
    for (const id of [
      "TL-API-TLS-001",
      "TL-API-AUTH-003",
      "TL-API-AUTH-004",
      "TL-API-AUTH-005",
      "TL-API-AUTH-002",
      "TL-API-DATA-001",
      "TL-API-INPUT-003",
      "TL-API-MASS-001",
    ])
      expect(ids).toContain(id);
    const implicit = threats.find((t) => t.ruleId === "TL-API-AUTH-005")!;
    expect(text.split("\n")[implicit.evidence[0]!.line! - 1]).toContain('"flow": "implicit"');
  });

  it("applies the global requirement by default and honours `security: []` overrides", async () => {
    const text = `openapi: 3.1.0
info: { title: T, version: "1" }
security:
  - bearer: []
components:
  securitySchemes:
    bearer: { type: http, scheme: bearer }
paths:
  /a:
    get:
      responses: { "200": { description: ok } }
  /b:
    get:
      security: []
      responses: { "200": { description: ok } }
`;
    const { graph } = await buildGraph([{ path: "t.yaml", content: text }]);
    const a = graph.nodes.find((n) => n.id === "GET /a")!;
    const b = graph.nodes.find((n) => n.id === "GET /b")!;
    expect(a.attrs).toMatchObject({ authenticated: true, securitySource: "global" });
    expect(b.attrs).toMatchObject({ authenticated: false, securitySource: "operation" });
    expect(a.line).toBe(10);
    expect(b.propertyLines.security).toBe(14);
  });

  it("resolves local $refs through cycles without looping and never follows remote ones", async () => {
    const text = `openapi: 3.0.0
info: { title: Cyclic, version: "1" }
paths:
  /nodes:
    $ref: "#/components/pathItems/Nodes"
  /remote:
    get:
      parameters:
        - $ref: "https://evil.example.com/params.yaml#/limit"
      responses:
        "200":
          $ref: "./responses.yaml#/Ok"
components:
  pathItems:
    Nodes:
      post:
        requestBody:
          content:
            application/json:
              schema: { $ref: "#/components/schemas/A" }
        responses: { "200": { description: ok } }
  schemas:
    A:
      type: object
      properties:
        b: { $ref: "#/components/schemas/B" }
        name: { type: string, maxLength: 5 }
    B:
      type: object
      properties:
        a: { $ref: "#/components/schemas/A" }
        self: { $ref: "#/components/schemas/B" }
        missing: { $ref: "#/components/schemas/Nope" }
`;
    const { graph, files } = await buildGraph([{ path: "c.yaml", content: text }]);
    expect(files[0]?.error).toBeUndefined();
    const api = graph.nodes.find((n) => n.kind === "openapi.api")!.attrs as unknown as ApiAttrs;
    expect(api.remoteRefs).toEqual(["./responses.yaml#/Ok", "https://evil.example.com/params.yaml#/limit"]);
    expect(api.circularRefs).toContain("#/components/schemas/A");
    const post = graph.nodes.find((n) => n.id === "POST /nodes")!.attrs as unknown as OperationAttrs;
    expect(post.requestBody?.fields.map((f) => f.name)).toEqual(expect.arrayContaining(["b", "b.a", "b.self", "name"]));
  });

  it("reports a parse error with a line for broken YAML", async () => {
    const { files } = await buildGraph([
      { path: "bad.yaml", content: "openapi: 3.0.0\ninfo:\n  title: [unclosed\npaths: {}\n" },
    ]);
    expect(files[0]?.error?.code).toBe("template/parse-failed");
    expect(files[0]?.error?.line).toBeGreaterThan(0);
  });
});
