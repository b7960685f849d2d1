import { describe, expect, it } from "vitest";
import { requiredScope, roleCap } from "../../src/auth/scopes.ts";
import { atLeast, minRole } from "../../src/auth/context.ts";

describe("token scopes", () => {
  it.each([
    ["GET", "/projects", "read"],
    ["GET", "/batches/1/events", "read"],
    ["GET", "/audit", "admin"],
    ["GET", "/users", "admin"],
    ["POST", "/projects", "submit"],
    ["POST", "/projects/1/submissions", "submit"],
    ["POST", "/projects/1/imports", "submit"],
    ["POST", "/analyses/1/retry", "submit"],
    ["POST", "/batches/1/cancel", "submit"],
    ["PUT", "/projects/1/triage/abc", "triage"],
    ["POST", "/projects/1/triage", "triage"],
    ["POST", "/tokens", "admin"],
    ["DELETE", "/tokens/1", "admin"],
    ["POST", "/teams/1/members", "admin"],
    ["POST", "/auth/logout", "read"],
  ] as const)("%s %s needs %s", (method, path, scope) => {
    expect(requiredScope(method, path)).toBe(scope);
  });

  it("closes writes nobody has classified yet to everything but admin", () => {
    expect(requiredScope("POST", "/something/new")).toBe("admin");
    expect(requiredScope("PATCH", "/projects/1")).toBe("admin");
    expect(requiredScope("DELETE", "/projects/1/submissions")).toBe("admin");
    expect(requiredScope("POST", "/projects/1/submissions/extra")).toBe("admin");
  });

  it("caps the role a token acts with by its scopes", () => {
    expect(roleCap(["read"])).toBe("viewer");
    expect(roleCap(["read", "submit"])).toBe("editor");
    expect(roleCap(["triage"])).toBe("editor");
    expect(roleCap(["admin"])).toBe("admin");
    expect(roleCap([])).toBe("viewer");
    expect(minRole("admin", "viewer")).toBe("viewer");
    expect(minRole("editor", "admin")).toBe("editor");
    expect(atLeast(undefined, "viewer")).toBe(false);
    expect(atLeast("editor", "admin")).toBe(false);
  });
});
