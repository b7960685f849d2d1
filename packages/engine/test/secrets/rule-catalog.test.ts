import { describe, expect, it } from "vitest";
import { RULES } from "../../src/index.ts";
import { KUBERNETES_RULES } from "../../src/kubernetes/index.ts";
import { OPENAPI_RULES } from "../../src/openapi/index.ts";
import { INJECTION_RULE, SECRET_RULES } from "../../src/secrets/index.ts";

const MINE = [...OPENAPI_RULES, ...KUBERNETES_RULES, ...SECRET_RULES, INJECTION_RULE];

describe("OpenAPI, Kubernetes, secret and injection rule catalogue", () => {
  it("has at least 45 rules, all registered, with ids unique across every rule family", () => {
    expect(MINE.length).toBeGreaterThanOrEqual(45);
    const ids = RULES.map((r) => r.id);
    expect(new Set(ids).size).toBe(ids.length);
    for (const rule of MINE) expect(ids).toContain(rule.id);
  });

  it("gives every rule a stable id, ratings, description, remediation, references and docs", () => {
    for (const rule of MINE) {
      expect(rule.id).toMatch(/^TL-(API|K8S|SECRET|INJECT)-([A-Z]+-)?\d{3}$/);
      expect(rule.likelihood).toBeGreaterThanOrEqual(1);
      expect(rule.impact).toBeLessThanOrEqual(5);
      expect(rule.description).toContain("{resource}");
      expect(rule.remediation.text.length).toBeGreaterThan(20);
      expect(rule.references.cwe?.every((c) => /^CWE-\d+$/.test(c))).toBe(true);
      expect(rule.docs).toContain(rule.title);
      expect(rule.kinds.length).toBeGreaterThan(0);
    }
  });
});
