import { describe, expect, it } from "vitest";
import { sampleInput } from "../test/helpers.ts";
import { sarifErrors } from "../test/sarif-validator.ts";
import { lineHashes } from "./line-hash.ts";
import { GITHUB_MAX_RESULTS, buildSarif, renderSarif, sarifRuleCatalog, sarifRuleId, toSarif } from "./sarif.ts";

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
      locations?: Array<{
        physicalLocation: { artifactLocation: { uri: string; uriBaseId?: string }; region: { startLine: number } };
      }>;
      relatedLocations?: Array<{
        id: number;
        message: { text: string };
        physicalLocation: { region: { startLine: number } };
      }>;
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

  it("writes one location per result, relative to %SRCROOT% and encoded, the other places as related locations", () => {
    const first = run.results[0]!;
    expect(first.locations).toHaveLength(1);
    expect(first.locations![0]!.physicalLocation).toEqual({
      artifactLocation: { uri: "infra/app%20stack.yaml", uriBaseId: "%SRCROOT%" },
      region: { startLine: 14 },
    });
    const sg = run.results[2]!;
    expect(sg.locations!.map((l) => l.physicalLocation.region.startLine)).toEqual([8]);
    expect(sg.relatedLocations!.map((l) => [l.id, l.physicalLocation.region.startLine, l.message.text])).toEqual([
      [1, 3, "resource aws_security_group.web (aws_security_group)"],
      [2, 20, "resource aws_instance.web (aws_instance)"],
    ]);
    const k8s = run.results[4]!;
    expect(k8s.locations![0]!.physicalLocation.region.startLine).toBe(1);
    expect(first.partialFingerprints).toEqual({ "threatlineFingerprint/v1": input.threats[0]!.fingerprint });
    expect(run.results[6]!.locations).toBeUndefined();
  });

  it("never cuts an absolute path: a file outside the source root is a file URI and a warning", () => {
    const outside = sampleInput();
    outside.threats[0]!.evidence[0]!.file = "/home/ci/elsewhere/app.yaml";
    const built = buildSarif(outside, { resolveFile: (f) => (f.startsWith("/") ? { absolute: f } : { relative: f }) });
    const result = (built.log as unknown as Log).runs[0]!.results[0]!;
    expect(result.locations![0]!.physicalLocation.artifactLocation).toEqual({
      uri: "file:///home/ci/elsewhere/app.yaml",
    });
    expect(built.warnings).toEqual([expect.stringContaining("/home/ci/elsewhere/app.yaml")]);
    expect(JSON.stringify(built.log)).toContain("toolExecutionNotifications");
    expect(sarifErrors(built.log)).toEqual([]);
  });

  it("writes GitHub's primaryLocationLineHash for the primary location when the file's text is known", () => {
    const text = Array.from({ length: 20 }, (_, i) => `line ${i + 1}: value`).join("\n");
    const log = toSarif(input, { sources: new Map([["tf/main.tf", text]]) }) as unknown as Log;
    const sg = log.runs[0]!.results[2]!;
    expect(sg.partialFingerprints).toEqual({
      primaryLocationLineHash: lineHashes(text)[8],
      "threatlineFingerprint/v1": input.threats[2]!.fingerprint,
    });
    expect(log.runs[0]!.results[0]!.partialFingerprints.primaryLocationLineHash).toBeUndefined();
  });

  it("describes a rule by its own generic text and page, the same whichever resource it fired on", () => {
    const rules = sarifRuleCatalog([
      {
        id: "aws.s3.public-read",
        title: "S3 bucket is publicly readable",
        description: "Bucket {resource} grants read access to everyone.",
        remediation: { text: "Block public access." },
      },
    ]);
    const log = toSarif(input, { rules, ruleDocsUrl: "https://docs.example/rules/" }) as unknown as {
      runs: Array<{ tool: { driver: { rules: Array<Record<string, unknown>> } } }>;
    };
    const [s3, sg] = log.runs[0]!.tool.driver.rules;
    expect(s3).toMatchObject({
      shortDescription: { text: "S3 bucket is publicly readable" },
      fullDescription: { text: "Bucket the resource grants read access to everyone." },
      helpUri: "https://docs.example/rules/aws.s3.public-read.md",
    });
    const reordered = toSarif(
      { ...input, threats: [input.threats[1]!, input.threats[0]!] },
      { rules, ruleDocsUrl: "https://docs.example/rules" },
    ) as typeof log;
    expect(reordered.runs[0]!.tool.driver.rules[0]).toEqual({
      ...s3,
      defaultConfiguration: { level: "error" },
      properties: expect.anything(),
    });
    // No base configured: no link to a page that may not exist; the help text is inline.
    const unlinked = toSarif(input, { rules }) as typeof log;
    expect(unlinked.runs[0]!.tool.driver.rules[0]).not.toHaveProperty("helpUri");
    expect(unlinked.runs[0]!.tool.driver.rules[0]).toHaveProperty("help.markdown");
    expect(() => toSarif(input, { rules, ruleDocsUrl: "ftp://x/" })).toThrow(/http/);
    // A rule without metadata is described by its title, never by one threat's resource-specific description.
    expect(JSON.stringify(sg)).not.toContain("aws_security_group.web");
    expect(sg).not.toHaveProperty("helpUri");
  });

  it("writes the category as automationDetails.id, as GitHub's upload does", () => {
    const log = toSarif(input, { category: "threatline-infra" }) as { runs: Array<Record<string, unknown>> };
    expect(log.runs[0]!.automationDetails).toEqual({ id: "threatline-infra/" });
    expect(sarifErrors(log)).toEqual([]);
  });

  it("keeps the most severe results under the per-run limit, and says so", () => {
    const built = buildSarif(input, { maxResults: 2 });
    const results = (built.log as unknown as Log).runs[0]!.results;
    expect(results.map((r) => r.partialFingerprints["threatlineFingerprint/v1"])).toEqual([
      input.threats[0]!.fingerprint,
      input.threats[1]!.fingerprint,
    ]);
    expect(built.warnings).toEqual([expect.stringMatching(/7 threats exceed the 2 results.*5 least severe/)]);
    expect(GITHUB_MAX_RESULTS).toBe(25_000);
  });

  it("marks threats accepted or called false positives in triage as external suppressions, with the decision", () => {
    const triaged = sampleInput({
      triage: {
        [input.threats[2]!.fingerprint]: {
          status: "false_positive",
          owner: "bo",
          expiresAt: null,
          note: "bastion only",
        },
        [input.threats[0]!.fingerprint]: { status: "mitigated", owner: null, expiresAt: null, note: "" },
        [input.threats[4]!.fingerprint]: {
          status: "accepted",
          owner: "ana@example.com",
          expiresAt: "2027-01-01T00:00:00.000Z",
          note: "dev only",
        },
      },
    });
    const results = (toSarif(triaged) as unknown as { runs: Array<{ results: Array<{ suppressions?: unknown }> }> })
      .runs[0]!.results;
    expect(results[2]!.suppressions).toEqual([
      {
        kind: "external",
        status: "accepted",
        justification: "false positive; bastion only; owner bo; (Threatline triage)",
      },
    ]);
    expect(results[4]!.suppressions).toEqual([
      {
        kind: "external",
        status: "accepted",
        justification:
          "accepted risk; dev only; owner ana@example.com; until 2027-01-01T00:00:00.000Z; (Threatline triage)",
      },
    ]);
    expect(results[0]!.suppressions).toBeUndefined();
  });

  it("gives model threats a synthetic, stable rule id", () => {
    const id = sarifRuleId(input.threats[3]!);
    expect(id).toBe("threatline.model.Spoofing.caf-login-script-alert-1-script-spoofable");
    expect(toSarif({ ...input, threats: [input.threats[3]!] })).toEqual(
      toSarif({ ...input, threats: [input.threats[3]!] }),
    );
  });
});
