import { readdirSync, readFileSync, statSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { cfn, run, tf } from "./harness.ts";
import { appInFrontOf } from "./cases/combo.cases.ts";

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

  it("TL-COMBO-002 leaves a database open to the internet to TL-COMBO-003 (which absorbs RDS-001), and does not call S3 unencrypted", async () => {
    const db = await byRule("t.yaml", publicDb);
    expect(db.has("TL-COMBO-002")).toBe(false);
    expect(db.get("TL-COMBO-003")?.[0]).toContain("Db");
    expect(db.has("TL-AWS-RDS-001")).toBe(false);
    const { threats } = await run("t.yaml", publicDb);
    const combo = threats.find((t) => t.ruleId === "TL-COMBO-003")!;
    expect(combo.contributingRules?.map((c) => c.ruleId)).toEqual(["TL-AWS-SG-003", "TL-AWS-RDS-001"]);
    expect(combo.evidence.some((e) => e.path === "Properties.PubliclyAccessible")).toBe(true);
    const bucket = await byRule("main.tf", tf(`resource "aws_s3_bucket" "site" {\n  acl = "public-read"\n}`));
    expect(bucket.has("TL-COMBO-002")).toBe(false);
    expect(bucket.has("TL-AWS-S3-006")).toBe(true);
    expect(bucket.has("TL-AWS-S3-001")).toBe(true);
  });

  it("TL-COMBO-003 absorbs the security group's database-port threat: one weakness, one threat, the group listed with its ingress line", async () => {
    const db = await byRule("t.yaml", publicDb);
    expect(db.has("TL-AWS-SG-003")).toBe(false);
    expect(db.get("TL-COMBO-003")).toEqual([["Db", "DbGroup"]]);
    const { threats } = await run("t.yaml", publicDb);
    const combo = threats.find((t) => t.ruleId === "TL-COMBO-003")!;
    expect(combo.evidence).toContainEqual({
      file: "t.yaml",
      line: 8,
      path: "Properties.SecurityGroupIngress.0.CidrIp",
    });
    // The same group also opening SSH is another weakness: its threat stays, with the database port in it.
    const ssh = publicDb.replace(
      "        - { IpProtocol: tcp, FromPort: 5432",
      "        - { IpProtocol: tcp, FromPort: 22, ToPort: 22, CidrIp: 0.0.0.0/0 }\n        - { IpProtocol: tcp, FromPort: 5432",
    );
    const both = await run("t.yaml", ssh);
    const group = both.threats.find((t) => t.resources[0]?.id === "DbGroup")!;
    expect([group.ruleId, ...(group.contributingRules ?? []).map((c) => c.ruleId)].sort()).toEqual([
      "TL-AWS-SG-001",
      "TL-AWS-SG-003",
    ]);
    expect(both.threats.find((t) => t.ruleId === "TL-COMBO-003")?.contributingRules?.map((c) => c.ruleId)).toEqual([
      "TL-AWS-RDS-001",
    ]);
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
        resource "aws_iam_group" "admins" {
          name = "admins"
        }
      `),
    );
    expect(two.get("TL-AWS-CT-001")).toEqual([["aws_iam_user.alice", "aws_iam_user.bob", "aws_iam_role.admin"]]);
  });
});

/** The threat a rule raised on a resource, merged or not, and the rules merged into it. */
async function mergedOn(path: string, content: string, resource: string) {
  const { threats } = await run(path, content);
  const on = threats.filter((t) => t.resources[0]?.id === resource);
  return on.map((t) => ({
    ruleId: t.ruleId,
    fingerprint: t.fingerprint,
    contributing: (t.contributingRules ?? []).map((c) => c.ruleId).sort(),
    paths: t.evidence.map((e) => e.path),
    threat: t,
  }));
}

/** The fingerprint a rule's threat has when it runs alone: merging must keep the primary's. */
async function aloneFingerprint(path: string, content: string, ruleId: string, resource: string): Promise<string> {
  const { RULES } = await import("../../src/rules/index.ts");
  const { threats } = await run(path, content, [RULES.find((r) => r.id === ruleId)!]);
  return threats.find((t) => t.resources[0]?.id === resource)!.fingerprint;
}

describe("one threat per weakness per resource", () => {
  it("an access key, its secret and 'secrets in user data' on one instance are one threat that keeps EC2-004's fingerprint", async () => {
    const template = cfn(`
      Box:
        Type: AWS::EC2::Instance
        Properties:
          ImageId: ami-12345678
          UserData:
            Fn::Base64: |
              #!/bin/bash
              export AWS_ACCESS_KEY_ID=AKIAQ3EGUWXYZ7ABCDEF
              export AWS_SECRET_ACCESS_KEY=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
    `);
    const box = await mergedOn("t.yaml", template, "Box");
    const secrets = box.filter((t) => /SECRET|EC2-004/.test(t.ruleId ?? "") || t.contributing.length > 0);
    expect(secrets).toHaveLength(1);
    expect(secrets[0]!.ruleId).toBe("TL-AWS-EC2-004");
    expect(secrets[0]!.contributing).toEqual(["TL-SECRET-002", "TL-SECRET-003"]);
    expect(secrets[0]!.threat.severity).toBe("critical");
    expect(secrets[0]!.fingerprint).toBe(await aloneFingerprint("t.yaml", template, "TL-AWS-EC2-004", "Box"));
    // The absorbed threats' fingerprints are listed so that their triage can move to the survivor.
    expect(secrets[0]!.threat.contributingRules?.every((c) => /^[0-9a-f]{32}$/.test(c.fingerprint))).toBe(true);
  });

  it("SSH, an insecure port and a wide range opened by one ingress rule are one threat", async () => {
    const template = cfn(`
      Legacy:
        Type: AWS::EC2::SecurityGroup
        Properties:
          GroupDescription: legacy
          SecurityGroupIngress:
            - { IpProtocol: tcp, FromPort: 20, ToPort: 1000, CidrIp: 0.0.0.0/0 }
    `);
    const sg = await mergedOn("t.yaml", template, "Legacy");
    const open = sg.filter((t) => /TL-AWS-SG-00[1-6]/.test(t.ruleId ?? ""));
    expect(open).toHaveLength(1);
    expect(open[0]!.ruleId).toBe("TL-AWS-SG-001");
    // The SSH rule claims the permission in the first place: the insecure-port and wide-range rules stay silent.
    expect(open[0]!.contributing).toEqual([]);
    expect(open[0]!.threat.description).toContain("ports 20-1000");
    expect(open[0]!.fingerprint).toBe(await aloneFingerprint("t.yaml", template, "TL-AWS-SG-001", "Legacy"));
  });

  it("public read and public write on one bucket are one threat, the write one", async () => {
    const acl = await mergedOn(
      "t.yaml",
      cfn(`\n  Site:\n    Type: AWS::S3::Bucket\n    Properties: { AccessControl: PublicReadWrite }\n`),
      "Site",
    );
    const pub = acl.filter((t) => /TL-AWS-S3-00[1-4]/.test(t.ruleId ?? ""));
    expect(pub.map((t) => t.ruleId)).toEqual(["TL-AWS-S3-002"]);
    const policy = await mergedOn(
      "main.tf",
      tf(`
        resource "aws_s3_bucket" "site" {
          bucket = "site"
        }
        resource "aws_s3_bucket_policy" "site" {
          bucket = aws_s3_bucket.site.id
          policy = jsonencode({ Statement = [{ Effect = "Allow", Principal = "*", Action = "s3:*", Resource = "arn:aws:s3:::site/*" }] })
        }
      `),
      "aws_s3_bucket.site",
    );
    const stmt = policy.filter((t) => /TL-AWS-S3-00[1-4]/.test(t.ruleId ?? ""));
    // One statement granting s3:* is one weakness: S3-003 (read) leaves it to S3-004 (write) in the first place.
    expect(stmt.map((t) => [t.ruleId, t.contributing])).toEqual([["TL-AWS-S3-004", []]]);
  });

  it("'public entry point → unencrypted store' stands for the path and does not repeat the store's encryption threat", async () => {
    const template = appInFrontOf(false);
    const { threats } = await run("t.yaml", template);
    expect(threats.some((t) => t.ruleId === "TL-AWS-RDS-002")).toBe(false);
    const combo = threats.find((t) => t.ruleId === "TL-COMBO-002")!;
    expect(combo.resources[0]!.id).toBe("Db");
    expect(combo.contributingRules?.map((c) => c.ruleId)).toEqual(["TL-AWS-RDS-002"]);
    expect(combo.evidence.map((e) => e.path)).toContain("Properties.StorageEncrypted");
    // Without the public entry the base threat is reported on its own, with the fingerprint the combo lists.
    const alone = await aloneFingerprint("t.yaml", template, "TL-AWS-RDS-002", "Db");
    expect(combo.contributingRules?.[0]?.fingerprint).toBe(alone);
  });
});

/**
 * Pairs of rules that may report on one resource, in one STRIDE category, at the same property path, and why they
 * are different weaknesses. Anything else that does is an overlap the merge groups must cover.
 */
const DISTINCT: Record<string, string> = {
  "TL-K8S-POD-003 + TL-K8S-POD-004":
    "running as root and allowing privilege escalation are two settings with two fixes; both point at the container that lacks them",
};

describe("no unmerged overlap on our fixtures", () => {
  it("no two threats on one resource share a STRIDE category and an evidence path, outside the listed distinct pairs", async () => {
    const root = new URL("../../../../", import.meta.url).pathname;
    const walk = (dir: string): string[] =>
      readdirSync(dir).flatMap((n) => {
        const p = join(dir, n);
        return statSync(p).isDirectory() ? walk(p) : [p];
      });
    const files = [...walk(join(root, "bench/corpus")), ...walk(join(root, "packages/engine/test/fixtures"))].filter(
      (f) => /\.(ya?ml|json|tf)$/.test(f) && !f.endsWith(".expected.json"),
    );
    expect(files.length).toBeGreaterThan(40);
    const overlaps = new Set<string>();
    for (const file of files) {
      const { threats } = await run(file.slice(root.length), readFileSync(file, "utf8"));
      const at = new Map<string, Set<string>>();
      for (const t of threats) {
        for (const e of t.evidence) {
          if (!e.path || !t.ruleId) continue;
          const key = `${t.resources[0]?.id}\u0000${t.category}\u0000${e.file}\u0000${e.path}`;
          at.set(key, (at.get(key) ?? new Set()).add(t.ruleId));
        }
      }
      for (const ids of at.values()) {
        const key = [...ids].sort().join(" + ");
        if (ids.size > 1 && !DISTINCT[key]) overlaps.add(`${key} (${file.slice(root.length)})`);
      }
    }
    expect([...overlaps]).toEqual([]);
  }, 60_000); // it analyses every fixture of the repository: seconds on a busy machine
});
