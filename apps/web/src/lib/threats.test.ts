import { describe, expect, it } from "vitest";
import type { Threat, TriageStatus } from "@threatline/domain";
import { groupByStride } from "./threats.ts";

function threat(over: Partial<Threat> & { triage?: TriageStatus }): Threat & { triage: TriageStatus } {
  return {
    fingerprint: over.title ?? "fp",
    ruleId: null,
    category: "Tampering",
    title: "t",
    description: "",
    severity: "medium",
    likelihood: 3,
    impact: 3,
    score: 9,
    resources: [{ id: "A", type: "x", file: "f", line: 1 }],
    evidence: [],
    remediations: [],
    references: { cwe: [], capec: [], attack: [] },
    source: "rule",
    triage: "open",
    ...over,
  };
}

const list = [
  threat({
    title: "Public bucket",
    category: "InformationDisclosure",
    severity: "critical",
    score: 20,
    resources: [{ id: "AppBucket", type: "AWS::S3::Bucket", file: "a", line: 3 }],
  }),
  threat({
    title: "Root container",
    category: "ElevationOfPrivilege",
    severity: "high",
    score: 12,
    triage: "accepted",
  }),
  threat({ title: "No limits", category: "DenialOfService", severity: "medium", score: 6, ruleId: "K8S-LIMITS" }),
];

describe("threat grouping", () => {
  it("groups in STRIDE order, empty groups left out", () => {
    expect(groupByStride(list).map((g) => g.category)).toEqual([
      "InformationDisclosure",
      "DenialOfService",
      "ElevationOfPrivilege",
    ]);
  });
});
