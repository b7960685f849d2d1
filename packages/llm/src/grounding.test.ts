import { describe, expect, it } from "vitest";
import { graphOf, node, ruleThreat } from "../test/helpers.ts";
import { currentAnswer, groundThreats, mergeThreats, similarTitles } from "./grounding.ts";
import type { ModelThreat } from "./schema.ts";

const bucket = node("AppBucket");
const role = node("AppRole", {
  type: "AWS::IAM::Role",
  kind: "aws.iam.role",
  line: 30,
  propertyLines: { "Properties.Policies": 33 },
});
const graph = graphOf([bucket, role]);

function item(resourceIds: string[], extra: Partial<ModelThreat> = {}): ModelThreat {
  return {
    category: "ElevationOfPrivilege",
    title: "Role can read every bucket",
    description: "The role grants s3:* on *.",
    resourceIds,
    severity: "high",
    likelihood: 3,
    impact: 4,
    remediations: [{ text: "Scope the policy." }],
    ...extra,
  };
}

describe("groundThreats", () => {
  it("keeps threats about existing resources and computes evidence, score and fingerprint", () => {
    const { threats, ungrounded } = groundThreats(
      [item(["AppRole", "AppBucket"], { evidencePaths: ["Properties.Policies"] })],
      graph,
      "drop",
    );
    expect(ungrounded).toBe(0);
    expect(threats).toHaveLength(1);
    const t = threats[0]!;
    expect(t.source).toBe("llm");
    expect(t.ruleId).toBeNull();
    expect(t.resources.map((r) => [r.id, r.type, r.line])).toEqual([
      ["AppRole", "AWS::IAM::Role", 30],
      ["AppBucket", "AWS::S3::Bucket", 10],
    ]);
    expect(t.evidence).toEqual([{ file: "main.yaml", line: 33, path: "Properties.Policies" }]);
    expect(t.score).toBe(12);
    expect(t.severity).toBe("high");
    expect(t.fingerprint).toMatch(/^[0-9a-f]{32}$/);
  });

  it("drops a threat naming any resource the graph does not have, and counts it", () => {
    const { threats, ungrounded } = groundThreats(
      [item(["AppRole"]), item(["GhostQueue"], { title: "Ghost" }), item(["AppRole", "Nope"], { title: "Half ghost" })],
      graph,
      "drop",
    );
    expect(threats.map((t) => t.title)).toEqual(["Role can read every bucket"]);
    expect(ungrounded).toBe(2);
  });

  it("keeps ungrounded threats flagged when configured to", () => {
    const { threats, ungrounded } = groundThreats([item(["GhostQueue"])], graph, "flag");
    expect(ungrounded).toBe(1);
    expect(threats[0]!.description).toMatch(/^Unverified: .*GhostQueue/);
    expect(threats[0]!.resources[0]).toEqual({ id: "GhostQueue", type: "unknown", file: "", line: null });
  });

  it("recomputes severity from likelihood × impact instead of trusting the model", () => {
    const { threats } = groundThreats(
      [item(["AppRole"], { severity: "critical", likelihood: 1, impact: 2 })],
      graph,
      "drop",
    );
    expect(threats[0]!.severity).toBe("info");
  });

  it("does not let the model borrow a rule id the rules did not report", () => {
    const known = groundThreats(
      [item(["AppBucket"], { ruleId: "TL-AWS-S3-001" })],
      graph,
      "drop",
      new Set(["TL-AWS-S3-001"]),
    );
    const invented = groundThreats(
      [item(["AppBucket"], { ruleId: "TL-MADE-UP" })],
      graph,
      "drop",
      new Set(["TL-AWS-S3-001"]),
    );
    expect(known.threats[0]!.ruleId).toBe("TL-AWS-S3-001");
    expect(invented.threats[0]!.ruleId).toBeNull();
  });

  it("dedupes model threats with the same fingerprint", () => {
    const { threats } = groundThreats(
      [item(["AppRole"]), item(["AppRole"], { title: "Role can read every bucket!" })],
      graph,
      "drop",
    );
    expect(threats).toHaveLength(1);
  });
});

describe("mergeThreats", () => {
  const rule = ruleThreat("TL-AWS-S3-001", bucket, "InformationDisclosure", "S3 bucket is public");

  it("keeps every rule threat, unchanged in rating, when the model annotates it with a lower severity", () => {
    const [model] = groundThreats(
      [
        item(["AppBucket"], {
          ruleId: "TL-AWS-S3-001",
          category: "InformationDisclosure",
          title: "Public bucket",
          severity: "info",
          likelihood: 1,
          impact: 1,
          description: "Anyone can list uploads.",
          remediations: [{ text: "Block public access." }],
          references: { cwe: ["CWE-200"] },
        }),
      ],
      graph,
      "drop",
      new Set(["TL-AWS-S3-001"]),
    ).threats;
    const merged = mergeThreats([rule], [model!]);
    expect(merged).toHaveLength(1);
    const m = merged[0]!;
    expect(m.source).toBe("rule+llm");
    expect([m.fingerprint, m.title, m.severity, m.likelihood, m.impact, m.score]).toEqual([
      rule.fingerprint,
      rule.title,
      rule.severity,
      rule.likelihood,
      rule.impact,
      rule.score,
    ]);
    expect(m.description).toContain("Rule description.");
    expect(m.description).toContain("Anyone can list uploads.");
    expect(m.remediations.map((r) => r.text)).toEqual(["Rule remediation.", "Block public access."]);
    expect(m.references.cwe).toEqual(["CWE-284", "CWE-200"]);
  });

  it("matches by category, primary resource and similar title when the model gives no rule id", () => {
    const [model] = groundThreats(
      [item(["AppBucket"], { category: "InformationDisclosure", title: "The S3 bucket is public" })],
      graph,
      "drop",
    ).threats;
    const merged = mergeThreats([rule], [model!]);
    expect(merged.map((t) => t.source)).toEqual(["rule+llm"]);
  });

  it("adds model threats that match nothing, after the rule threats, worst first", () => {
    const models = groundThreats(
      [
        item(["AppRole"], { title: "Low one", likelihood: 1, impact: 2 }),
        item(["AppBucket"], { category: "Tampering", title: "Uploads can be overwritten", likelihood: 4, impact: 5 }),
      ],
      graph,
      "drop",
    ).threats;
    const merged = mergeThreats([rule], models);
    expect(merged.map((t) => [t.title, t.source])).toEqual([
      ["S3 bucket is public", "rule"],
      ["Uploads can be overwritten", "llm"],
      ["Low one", "llm"],
    ]);
  });

  it("never removes a rule threat, whatever the model says", () => {
    const rules = [rule, ruleThreat("TL-AWS-IAM-002", role, "ElevationOfPrivilege", "Wildcard IAM policy")];
    expect(mergeThreats(rules, []).map((t) => t.fingerprint)).toEqual(rules.map((t) => t.fingerprint));
    expect(mergeThreats(rules, []).every((t) => t.source === "rule")).toBe(true);
    expect(rules[0]!.source).toBe("rule");
  });
});

describe("currentAnswer", () => {
  const rule = ruleThreat("TL-AWS-S3-001", bucket, "InformationDisclosure", "S3 bucket is public");

  it("drops a cached annotation of a rule finding that is gone, keeps live annotations and the model's own", () => {
    const models = groundThreats(
      [
        item(["AppBucket"], { ruleId: "TL-AWS-S3-001", category: "InformationDisclosure", title: "Public bucket" }),
        item(["AppRole"], { ruleId: "TL-AWS-IAM-002", category: "ElevationOfPrivilege", title: "Wildcard role" }),
        item(["AppRole"], { category: "Tampering", title: "Role can be assumed from anywhere" }),
      ],
      graph,
      "drop",
      new Set(["TL-AWS-S3-001", "TL-AWS-IAM-002"]),
    ).threats;
    // The answer was cached when both rules fired; today only the bucket's does.
    const kept = currentAnswer(models, [rule]);
    expect(kept.map((t) => t.title)).toEqual(["Public bucket", "Role can be assumed from anywhere"]);
    expect(mergeThreats([rule], kept).map((t) => [t.title, t.source])).toEqual([
      ["S3 bucket is public", "rule+llm"],
      ["Role can be assumed from anywhere", "llm"],
    ]);
  });
});

describe("similarTitles", () => {
  it("compares words, not spelling", () => {
    expect(similarTitles("S3 bucket is public!", "Public S3 bucket")).toBe(true);
    expect(similarTitles("S3 bucket is public", "Role can assume admin")).toBe(false);
  });
});
