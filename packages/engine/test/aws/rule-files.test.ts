import { describe, expect, it } from "vitest";
import { AWS_RULES } from "../../src/aws/rules/index.ts";
import { CASE_FILES, fileOf, RULE_FILES } from "./rule-files.ts";

describe("AWS rules are found from their id", () => {
  it.each([...RULE_FILES].map(([file, rules]) => [file, rules] as const))(
    "aws/rules/%s.rules.ts holds only rules whose id names it",
    (file, rules) => {
      expect(rules.length, `${file}.rules.ts exports no *_RULES list`).toBeGreaterThan(0);
      for (const rule of rules) expect(`${fileOf(rule.id)}.rules.ts`, rule.id).toBe(`${file}.rules.ts`);
    },
  );

  it("every AWS rule is exported by its service's file, once", () => {
    const filed = [...RULE_FILES.values()].flat().map((r) => r.id);
    expect(filed.toSorted()).toEqual(AWS_RULES.map((r) => r.id).toSorted());
  });

  it.each([...CASE_FILES].map(([file, cases]) => [file, cases] as const))(
    "test/aws/cases/%s.cases.ts holds only cases of rules whose id names it, beside a rules file",
    (file, cases) => {
      expect(RULE_FILES.has(file), `aws/rules/${file}.rules.ts`).toBe(true);
      for (const c of cases) expect(`${fileOf(c.rule)}.cases.ts`, c.rule).toBe(`${file}.cases.ts`);
    },
  );

  it("names files by the id's prefix", () => {
    expect(fileOf("TL-AWS-RDS-004")).toBe("rds");
    expect(fileOf("TL-AWS-EC2-010")).toBe("ec2");
    expect(fileOf("TL-COMBO-002")).toBe("combo");
    expect(fileOf("TL-TF-HTTP-001")).toBe("tf-http");
  });
});
