import { describe, expect, it } from "vitest";
import type { Threat } from "@threatline/domain";
import { analyze } from "@threatline/engine";
import { auditLocation, auditUnit, publicUnits, regressionUnits } from "./evidence-audit.ts";

const bucketAcl = {
  path: "main.tf",
  content: `resource "aws_s3_bucket" "logs" {
  bucket = "logs"
}

resource "aws_s3_bucket_acl" "logs" {
  bucket = aws_s3_bucket.logs.id
  acl    = "public-read"
}
`,
};

describe("evidence audit", () => {
  it("every rule threat of the regression corpus points at a real property at the line it gives", async () => {
    const units = regressionUnits();
    expect(units.length).toBeGreaterThan(25);
    const bad = (await Promise.all(units.map((u) => auditUnit(u.files, u.name)))).flat();
    expect(bad).toEqual([]);
  }, 120_000); // every unit of the regression corpus: seconds on a busy machine

  it("so does every rule threat of the public corpus whose material is in the mirror", async () => {
    const units = publicUnits();
    if (units.length === 0) return; // the mirror is not on this machine: bench/public-quality.ts says so too
    const bad = [];
    for (const u of units) bad.push(...(await auditUnit(u.files, u.name)));
    expect(bad).toEqual([]);
  }, 300_000);

  it("flags a value judged on one resource while another of the threat declares it (the bucket-acl case)", async () => {
    const { graph, threats } = await analyze([bucketAcl]);
    const threat = threats.find((t) => t.ruleId === "TL-AWS-S3-001")!;
    // As the engine reported it before: the bucket's declaration, with a path the bucket does not have.
    const old: Threat["evidence"][number] = { file: "main.tf", line: 1, path: "acl" };
    expect(auditLocation(threat, old, graph.nodes, new Set(), () => [])).toMatch(
      /acl is declared by aws_s3_bucket_acl\.logs \(line 7\)/,
    );
    expect(threat.evidence).toEqual([{ file: "main.tf", line: 7, path: "acl" }]);
    expect(auditLocation(threat, threat.evidence[0]!, graph.nodes, new Set(), () => [])).toBeNull();
  });

  it("flags a missing property placed anywhere but its nearest declared ancestor", async () => {
    const template = {
      path: "t.yaml",
      content: `Resources:
  Data:
    Type: AWS::S3::Bucket
    Properties:
      BucketName: data
`,
    };
    const { graph, threats } = await analyze([template]);
    const threat = threats.find((t) => t.evidence.some((e) => e.path === "Properties.VersioningConfiguration"))!;
    const at = (line: number) =>
      auditLocation(
        threat,
        { file: "t.yaml", line, path: "Properties.VersioningConfiguration" },
        graph.nodes,
        new Set(),
        () => [],
      );
    expect(at(4)).toBeNull();
    expect(at(2)).toMatch(/not the nearest declared ancestor/);
    expect(threat.evidence.find((e) => e.path === "Properties.VersioningConfiguration")?.line).toBe(4);
  });
});
