import { describe, expect, it } from "vitest";
import { AWS_RULES } from "../../src/aws/rules/index.ts";
import { ruleCaseTests, type RuleCase } from "../rule-cases.ts";
import { CASE_FILES } from "./rule-files.ts";

const CASES: RuleCase[] = [...CASE_FILES.values()].flat();

ruleCaseTests(CASES, { alone: AWS_RULES });

describe("the AWS rule set", () => {
  it("has at least 110 rules with unique ids", () => {
    expect(AWS_RULES.length).toBeGreaterThanOrEqual(110);
    expect(new Set(AWS_RULES.map((r) => r.id)).size).toBe(AWS_RULES.length);
  });

  it("has a positive and a negative fixture for every rule", () => {
    const covered = new Map(CASES.map((c) => [c.rule, c]));
    for (const rule of AWS_RULES) {
      const c = covered.get(rule.id);
      expect(c, rule.id).toBeDefined();
      const sets = [c!.cfn, c!.tf].filter((s) => s !== undefined);
      expect(sets.some((s) => s.pos.length > 0) && sets.some((s) => s.neg.length > 0), rule.id).toBe(true);
    }
    const both = CASES.filter((c) => c.cfn && c.tf).length;
    expect(both / CASES.length).toBeGreaterThan(0.9);
  });

  it.each(AWS_RULES.map((r) => [r.id, r] as const))("%s is documented with fixes for both languages", (_id, rule) => {
    expect(rule.title.length).toBeGreaterThan(10);
    expect(rule.description).toContain("{resource}");
    expect(rule.remediation.text.length).toBeGreaterThan(10);
    expect(rule.remediation.fix?.cloudformation).toBeTruthy();
    expect(rule.remediation.fix?.terraform).toBeTruthy();
    expect(rule.references.cwe?.length ?? 0).toBeGreaterThan(0);
    expect(rule.docs).toContain(`# ${rule.id}`);
    expect(rule.likelihood).toBeGreaterThanOrEqual(1);
    expect(rule.impact).toBeLessThanOrEqual(5);
  });
});
