import { describe, expect, it } from "vitest";
import type { Threat, TriageStatus } from "@threatline/domain";
import { DEFAULT_FILTERS } from "./query.ts";
import { filterThreats, groupByStride, resourceIds } from "./threats.ts";

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
  threat({ title: "Public bucket", category: "InformationDisclosure", severity: "critical", score: 20, resources: [{ id: "AppBucket", type: "AWS::S3::Bucket", file: "a", line: 3 }] }),
  threat({ title: "Root container", category: "ElevationOfPrivilege", severity: "high", score: 12, triage: "accepted" }),
  threat({ title: "No limits", category: "DenialOfService", severity: "medium", score: 6, ruleId: "K8S-LIMITS" }),
];

describe("in-memory threat filtering", () => {
  it("filters by each field and by text in title, description and rule id", () => {
    expect(filterThreats(list, { ...DEFAULT_FILTERS, severity: "high" }).map((t) => t.title)).toEqual(["Root container"]);
    expect(filterThreats(list, { ...DEFAULT_FILTERS, triage: "open" })).toHaveLength(2);
    expect(filterThreats(list, { ...DEFAULT_FILTERS, resource: "appbuck" }).map((t) => t.title)).toEqual(["Public bucket"]);
    expect(filterThreats(list, { ...DEFAULT_FILTERS, q: "k8s-limits" }).map((t) => t.title)).toEqual(["No limits"]);
  });

  it("sorts by score by default and by title when asked", () => {
    expect(filterThreats(list, DEFAULT_FILTERS).map((t) => t.score)).toEqual([20, 12, 6]);
    expect(filterThreats(list, { ...DEFAULT_FILTERS, sort: "title", order: "asc" }).map((t) => t.title)).toEqual(["No limits", "Public bucket", "Root container"]);
    expect(filterThreats(list, { ...DEFAULT_FILTERS, sort: "severity", order: "desc" }).map((t) => t.severity)).toEqual(["critical", "high", "medium"]);
  });

  it("groups in STRIDE order and lists resources once", () => {
    expect(groupByStride(list).map((g) => g.category)).toEqual(["InformationDisclosure", "DenialOfService", "ElevationOfPrivilege"]);
    expect(resourceIds(list)).toEqual(["A", "AppBucket"]);
  });
});
