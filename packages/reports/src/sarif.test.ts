import { describe, expect, it } from "vitest";
import { sampleInput } from "../test/helpers.ts";
import { sarifErrors } from "../test/sarif-validator.ts";
import { renderSarif, sarifRuleId, toSarif } from "./sarif.ts";

interface Log {
  runs: Array<{
    tool: {
      driver: {
        name: string;
        rules: Array<{ id: string; properties: { tags: string[]; "security-severity": string } }>;
      };
    };
    results: Array<{
      ruleId: string;
      ruleIndex: number;
      level: string;
      message: { text: string };
      locations?: Array<{ physicalLocation: { artifactLocation: { uri: string }; region: { startLine: number } } }>;
      partialFingerprints: Record<string, string>;
    }>;
  }>;
}

describe("SARIF export", () => {
  const input = sampleInput();
  const log = JSON.parse(renderSarif(input)) as Log;
  const run = log.runs[0]!;

  it("is valid SARIF 2.1.0", () => {
    expect(sarifErrors(log)).toEqual([]);
  });

  it("marks suppressed threats with SARIF suppressions of their kind, and only those", () => {
    const [first, second] = input.threats;
    const record = { ruleIds: [], reason: "public site", owner: "ana", until: "2099-01-01" };
    const marked = toSarif({
      ...input,
      suppressions: {
        [first!.fingerprint]: { ...record, kind: "inSource", source: "infra/app.yaml:3" },
        [second!.fingerprint]: { ...record, kind: "external", source: ".threatline.yaml suppressions[0]" },
      },
    }) as unknown as { runs: Array<{ results: Array<{ suppressions?: unknown[] }> }> };
    expect(sarifErrors(marked)).toEqual([]);
    const results = marked.runs[0]!.results;
    expect(results[0]!.suppressions).toEqual([
      {
        kind: "inSource",
        status: "accepted",
        justification: "public site; owner ana; until 2099-01-01; (infra/app.yaml:3)",
      },
    ]);
    expect(results[1]!.suppressions).toEqual([expect.objectContaining({ kind: "external" })]);
    expect(results.slice(2).filter((r) => r.suppressions)).toEqual([]);
    const bad = structuredClone(marked);
    (bad.runs[0]!.results[0]!.suppressions![0] as { kind: string }).kind = "inline";
    expect(sarifErrors(bad)).not.toEqual([]);
  });

  it("rejects what the schema forbids (the validator is not a no-op)", () => {
    const bad = structuredClone(log);
    bad.runs[0]!.results[0]!.locations![0]!.physicalLocation.region.startLine = 0;
    expect(sarifErrors(bad)).not.toEqual([]);
  });

  it("has what GitHub code scanning needs: driver name, one rule per rule id, results with ruleId, message and locations", () => {
    expect(run.tool.driver.name).toBe("Threatline");
    const ids = run.tool.driver.rules.map((r) => r.id);
    expect(new Set(ids).size).toBe(ids.length);
    expect(ids).toEqual([
      "aws.s3.public-read",
      "aws.ec2.sg-open-ssh",
      sarifRuleId(input.threats[3]!),
      "k8s.workload.no-limits",
    ]);
    expect(run.results).toHaveLength(input.threats.length);
    for (const r of run.results) {
      expect(run.tool.driver.rules[r.ruleIndex]!.id).toBe(r.ruleId);
      expect(r.message.text.length).toBeGreaterThan(0);
    }
  });

  it("maps severities to levels and security-severity", () => {
    expect(run.results.map((r) => r.level)).toEqual(["error", "error", "error", "warning", "note", "note", "note"]);
    const s3 = run.tool.driver.rules[0]!;
    expect(s3.properties["security-severity"]).toBe("9.5");
    expect(s3.properties.tags).toContain("InformationDisclosure");
  });

  it("writes relative, encoded artifact URIs with start lines ≥ 1 and our fingerprint", () => {
    const first = run.results[0]!;
    expect(first.locations![0]!.physicalLocation).toEqual({
      artifactLocation: { uri: "infra/app%20stack.yaml" },
      region: { startLine: 14 },
    });
    const k8s = run.results[4]!;
    expect(k8s.locations![0]!.physicalLocation.region.startLine).toBe(1);
    expect(first.partialFingerprints).toEqual({ "threatlineFingerprint/v1": input.threats[0]!.fingerprint });
    expect(run.results[6]!.locations).toBeUndefined();
  });

  it("gives model threats a synthetic, stable rule id", () => {
    const id = sarifRuleId(input.threats[3]!);
    expect(id).toBe("threatline.model.Spoofing.caf-login-script-alert-1-script-spoofable");
    expect(toSarif({ ...input, threats: [input.threats[3]!] })).toEqual(
      toSarif({ ...input, threats: [input.threats[3]!] }),
    );
  });
});
