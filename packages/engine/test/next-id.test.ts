import { describe, expect, it } from "vitest";
import { awsRuleFile, nextId } from "../scripts/next-id.mjs";
import { RULES } from "../src/index.ts";

describe("rule:next-id", () => {
  it("gives the id after the highest of the prefix, zero-padded", () => {
    const texts = ['id: "TL-AWS-RDS-009"', 'id: "TL-AWS-RDS-011", see TL-AWS-RDS-002', 'id: "TL-AWS-REDSHIFT-040"'];
    expect(nextId("TL-AWS-RDS", texts)).toBe("TL-AWS-RDS-012");
    expect(nextId("tl-aws-rds-003", texts)).toBe("TL-AWS-RDS-012");
    expect(nextId("TL-AWS-EFS", texts)).toBe("TL-AWS-EFS-001");
    expect(() => nextId("RDS", texts)).toThrow(/not a rule id prefix/);
  });

  it("never gives an id a builtin rule has", () => {
    const ids = RULES.map((r) => r.id);
    const text = ids.join("\n");
    for (const prefix of new Set(ids.map((id) => id.replace(/-\d+$/, "")))) {
      expect(ids).not.toContain(nextId(prefix, [text]));
    }
  });

  it("names the file an AWS rule of the id belongs in", () => {
    expect(awsRuleFile("TL-AWS-RDS-012")).toBe("packages/engine/src/aws/rules/rds.rules.ts");
    expect(awsRuleFile("TL-COMBO-007")).toBe("packages/engine/src/aws/rules/combo.rules.ts");
    expect(awsRuleFile("TL-K8S-POD-001")).toBeUndefined();
  });
});
