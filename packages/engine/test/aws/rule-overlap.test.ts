import { describe, expect, it } from "vitest";
import { cfn, run, tf } from "./harness.ts";

/**
 * Rules tightened because they fired where their threat does not apply, or repeated another rule's finding for
 * the same resource. Each case shows the rule silent, and the finding that does apply still reported.
 */
async function byRule(path: string, content: string): Promise<Map<string, string[][]>> {
  const { threats, files } = await run(path, content);
  expect(files[0]?.error).toBeUndefined();
  const out = new Map<string, string[][]>();
  for (const t of threats) out.set(t.ruleId ?? "", [...(out.get(t.ruleId ?? "") ?? []), t.resources.map((r) => r.id)]);
  return out;
}

const publicDb = cfn(`
  DbGroup:
    Type: AWS::EC2::SecurityGroup
    Properties:
      GroupDescription: db
      SecurityGroupIngress:
        - { IpProtocol: tcp, FromPort: 5432, ToPort: 5432, CidrIp: 0.0.0.0/0 }
  Db:
    Type: AWS::RDS::DBInstance
    Properties:
      Engine: postgres
      DBInstanceClass: db.t3.micro
      PubliclyAccessible: true
      StorageEncrypted: false
      VPCSecurityGroups: [!Ref DbGroup]
`);

describe("rules that no longer repeat one another or fire out of context", () => {
  it("TL-AWS-S3-005 (could become public) stays silent on a bucket that already is; the public-access rules report it", async () => {
    const acl = await byRule(
      "t.yaml",
      cfn(`\n  Site:\n    Type: AWS::S3::Bucket\n    Properties: { AccessControl: PublicRead }\n`),
    );
    expect(acl.has("TL-AWS-S3-005")).toBe(false);
    expect(acl.get("TL-AWS-S3-001")).toEqual([["Site"]]);
    const policy = await byRule(
      "main.tf",
      tf(`
        resource "aws_s3_bucket" "site" {
          bucket = "site"
        }
        resource "aws_s3_bucket_policy" "site" {
          bucket = aws_s3_bucket.site.id
          policy = jsonencode({ Statement = [{ Effect = "Allow", Principal = "*", Action = "s3:GetObject", Resource = "arn:aws:s3:::site/*" }] })
        }
      `),
    );
    expect(policy.has("TL-AWS-S3-005")).toBe(false);
    expect(policy.has("TL-AWS-S3-003")).toBe(true);
    // A private bucket with no public access block still gets it.
    const quiet = await byRule(
      "t.yaml",
      cfn(`\n  Data:\n    Type: AWS::S3::Bucket\n    Properties: { BucketName: data }\n`),
    );
    expect(quiet.get("TL-AWS-S3-005")).toEqual([["Data"]]);
  });

  it("TL-COMBO-002 leaves a database open to the internet to TL-COMBO-003 and RDS-001, and does not call S3 unencrypted", async () => {
    const db = await byRule("t.yaml", publicDb);
    expect(db.has("TL-COMBO-002")).toBe(false);
    expect(db.get("TL-COMBO-003")?.[0]).toContain("Db");
    expect(db.get("TL-AWS-RDS-001")).toEqual([["Db"]]);
    const bucket = await byRule("main.tf", tf(`resource "aws_s3_bucket" "site" {\n  acl = "public-read"\n}`));
    expect(bucket.has("TL-COMBO-002")).toBe(false);
    expect(bucket.has("TL-AWS-S3-006")).toBe(true);
    expect(bucket.has("TL-AWS-S3-001")).toBe(true);
  });

  it("TL-AWS-CT-001 reports the missing trail once for a template that manages IAM users, naming every identity", async () => {
    const two = await byRule(
      "main.tf",
      tf(`
        resource "aws_iam_user" "alice" {
          name = "alice"
        }
        resource "aws_iam_user" "bob" {
          name = "bob"
        }
        resource "aws_iam_role" "admin" {
          assume_role_policy  = "{}"
          managed_policy_arns = ["arn:aws:iam::aws:policy/AdministratorAccess"]
        }
      `),
    );
    expect(two.get("TL-AWS-CT-001")).toEqual([["aws_iam_user.alice", "aws_iam_user.bob", "aws_iam_role.admin"]]);
  });
});
