import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { analyze } from "../../src/index.ts";

const fixture = (name: string): string => readFileSync(new URL(`../fixtures/lenient/${name}`, import.meta.url), "utf8");

describe("lenient, explained parsing", () => {
  it("a template with a duplicate key is analysed with the last value, and the file says so with line and column", async () => {
    const { files, threats } = await analyze([{ path: "dup.yaml", content: fixture("duplicate-key.yaml") }]);
    expect(files[0]).toMatchObject({ format: "cloudformation", resources: 2 });
    expect(files[0]!.error).toBeUndefined();
    expect(files[0]!.warnings).toEqual([
      expect.objectContaining({ code: "template/duplicate-key", line: 13, column: 7 }),
      expect.objectContaining({ code: "template/duplicate-key", line: 18, column: 1 }),
    ]);
    expect(files[0]!.warnings![0]!.message).toContain("AccessControl");
    // The last AccessControl (PublicRead) is the one CloudFormation would deploy, and its line is the evidence.
    const acl = threats.find(
      (t) => t.ruleId === "TL-AWS-S3-001" || t.contributingRules?.some((c) => c.ruleId === "TL-AWS-S3-001"),
    );
    expect(acl?.evidence.find((e) => e.path === "Properties.AccessControl")?.line).toBe(13);
  });

  it("a tab after a sequence dash is read as a space, with a warning", async () => {
    const { files, threats } = await analyze([{ path: "tab.yaml", content: fixture("tab-after-dash.yaml") }]);
    expect(files[0]!.error).toBeUndefined();
    expect(files[0]!.warnings).toEqual([expect.objectContaining({ code: "template/tab-indent", line: 8 })]);
    expect(threats.some((t) => t.ruleId === "TL-AWS-SG-001")).toBe(true);
  });

  it("every refused file says why in one line and names line and column (YAML, JSON, HCL, plan JSON)", async () => {
    const { files } = await analyze([
      {
        path: "bad.yaml",
        content: "AWSTemplateFormatVersion: '2010-09-09'\nResources:\n  A:\n\tType: AWS::S3::Bucket\n",
      },
      {
        path: "bad.json",
        content:
          '{\n  "AWSTemplateFormatVersion": "2010-09-09",\n  "Resources": {\n    "A": { "Type": "AWS::S3::Bucket", }\n  ,,}\n}',
      },
      { path: "bad.tf", content: 'resource "aws_s3_bucket" "a" {\n  bucket = "x"\n  acl = \n}\n' },
      { path: "noresources.yaml", content: "AWSTemplateFormatVersion: '2010-09-09'\nDescription: nothing\n" },
      { path: "api.yaml", content: "openapi: 3.0.3\ninfo:\n  title: x\npaths:\n  /a:\n    get: {\n" },
    ]);
    for (const f of files) {
      expect(f.error, f.path).toBeDefined();
      expect(f.error!.message, f.path).not.toContain("\n");
      expect(f.error!.line, f.path).toBeGreaterThan(0);
      expect(f.error!.column, f.path).toBeGreaterThan(0);
    }
    expect(files.find((f) => f.path === "bad.yaml")!.error!.line).toBe(4);
    expect(files.find((f) => f.path === "bad.tf")!.error!.line).toBe(3);
  });
});
