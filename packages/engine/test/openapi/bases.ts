/* eslint-disable @typescript-eslint/no-explicit-any -- the fixtures are untyped documents, mutated in place by each case */
import { stringify } from "yaml";

/** A hardened OpenAPI 3 document that no rule fires on; each rule test breaks one thing in a copy. */
export function cleanApi(): Record<string, any> {
  const errors = {
    "401": { description: "Not authenticated" },
    "403": { description: "Not allowed" },
    "429": { description: "Too many requests" },
  };
  return {
    openapi: "3.0.3",
    info: { title: "Orders", version: "1.0.0", description: "Order management. The API ignores unknown fields." },
    servers: [{ url: "https://api.example.com/v1" }],
    security: [{ oauth: ["orders:read"] }],
    components: {
      securitySchemes: {
        oauth: {
          type: "oauth2",
          flows: {
            authorizationCode: {
              authorizationUrl: "https://auth.example.com/authorize",
              tokenUrl: "https://auth.example.com/token",
              scopes: { "orders:read": "Read orders", "orders:write": "Write orders" },
            },
          },
        },
      },
      schemas: {
        Order: {
          type: "object",
          properties: {
            id: { type: "string", format: "uuid", readOnly: true },
            item: { type: "string", maxLength: 100 },
            quantity: { type: "integer", maximum: 100 },
            customer: { $ref: "#/components/schemas/Customer" },
          },
        },
        Customer: {
          type: "object",
          properties: { name: { type: "string", maxLength: 100 }, referrer: { $ref: "#/components/schemas/Customer" } },
        },
        OrderInput: {
          type: "object",
          properties: { item: { type: "string", maxLength: 100 }, quantity: { type: "integer", maximum: 100 } },
        },
      },
    },
    paths: {
      "/orders": {
        get: {
          parameters: [{ name: "limit", in: "query", schema: { type: "integer", maximum: 100 } }],
          responses: {
            "200": {
              description: "Orders",
              content: {
                "application/json": { schema: { type: "array", items: { $ref: "#/components/schemas/Order" } } },
              },
            },
            ...errors,
          },
        },
        post: {
          security: [{ oauth: ["orders:write"] }],
          requestBody: { content: { "application/json": { schema: { $ref: "#/components/schemas/OrderInput" } } } },
          responses: { "201": { description: "Created" }, ...errors },
        },
      },
      "/orders/{orderId}": {
        parameters: [{ name: "orderId", in: "path", required: true, schema: { type: "string", format: "uuid" } }],
        get: {
          responses: {
            "200": {
              description: "One order",
              content: { "application/json": { schema: { $ref: "#/components/schemas/Order" } } },
            },
            "404": { description: "Not found" },
            ...errors,
          },
        },
        delete: {
          security: [{ oauth: ["orders:write"] }],
          responses: { "204": { description: "Deleted" }, ...errors },
        },
      },
      "/health": {
        get: { security: [], responses: { "200": { description: "Up" }, "429": { description: "Too many requests" } } },
      },
    },
  };
}

export function yaml(doc: unknown): string {
  return stringify(doc, { aliasDuplicateObjects: false });
}
