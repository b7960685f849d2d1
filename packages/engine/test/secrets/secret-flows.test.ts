import { describe, expect, it } from "vitest";
import { analyze } from "../../src/index.ts";

/** [rule, primary resource, contributing rules] of the secret threats of some files. */
async function secretThreats(files: Array<{ path: string; content: string }>) {
  const { threats, files: reports } = await analyze(files);
  expect(reports.every((f) => !f.error)).toBe(true);
  return threats
    .filter((t) => t.category === "InformationDisclosure" && /SECRET|RDS-010|EC2-004|LAMBDA-004/.test(t.ruleId ?? ""))
    .map((t) => ({ rule: t.ruleId, resource: t.resources[0]!.id, lines: t.evidence.map((e) => e.line) }));
}

describe("secrets that flow", () => {
  it("follows a CloudFormation parameter default into a resource, and reports an unused one on its default", async () => {
    const used = await secretThreats([
      {
        path: "t.yaml",
        content: `Parameters:
  DBPassword:
    Type: String
    Default: Sup3rS3cretPw!
Resources:
  Db:
    Type: AWS::RDS::DBInstance
    Properties:
      Engine: postgres
      MasterUsername: admin
      MasterUserPassword: !Ref DBPassword
`,
      },
    ]);
    expect(used.map((t) => t.resource)).toEqual(["Db"]);
    const unused = await secretThreats([
      {
        path: "t.yaml",
        content: `Parameters:
  ApiToken:
    Type: String
    Default: tok_8f7a6b5c4d3e2f1a
  Password:
    Type: String
    Default: "<your-password>"
Resources:
  Topic:
    Type: AWS::SNS::Topic
`,
      },
    ]);
    expect(unused).toEqual([{ rule: "TL-SECRET-005", resource: "t.yaml", lines: [4] }]);
  });

  it("counts the documented AWS example keys in a credential field, once for the pair", async () => {
    const found = await secretThreats([
      {
        path: "t.yaml",
        content: `Resources:
  Fn:
    Type: AWS::Lambda::Function
    Properties:
      Runtime: python3.12
      Handler: index.handler
      Role: arn:aws:iam::111122223333:role/fn
      Code: { ZipFile: "x" }
      Environment:
        Variables:
          AWS_ACCESS_KEY_ID: AKIAIOSFODNN7EXAMPLE
          AWS_SECRET_ACCESS_KEY: wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY
`,
      },
    ]);
    expect(found).toHaveLength(1);
    expect(found[0]!.resource).toBe("Fn");
  });

  it("reports secrets of a Terraform folder that declares no resource (provider, variable default, local, module argument)", async () => {
    const found = await secretThreats([
      {
        path: "env/main.tf",
        content: `provider "aws" {
  access_key = "AKIAIOSFODNN7EXAMPLE"
  secret_key = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY"
}
variable "db_password" {
  default = "Sup3rS3cretPw!"
}
locals {
  api_token = "tok_8f7a6b5c4d3e2f1a"
}
module "db" {
  source   = "terraform-aws-modules/rds/aws"
  password = "M0duleArgPw!"
}
variable "admin_password" {
  default = "REPLACE_ME"
}
`,
      },
    ]);
    expect(found).toHaveLength(1);
    expect(found[0]!.resource).toBe("env/main.tf");
    expect([...found[0]!.lines].sort((a, b) => (a ?? 0) - (b ?? 0))).toEqual([2, 3, 6, 9, 13]);
  });

  it("counts a literal in either branch of a conditional, whatever the default condition", async () => {
    const found = await secretThreats([
      {
        path: "main.tf",
        content: `variable "use_literal" {
  default = false
}
resource "aws_db_instance" "db" {
  engine   = "postgres"
  username = "admin"
  password = var.use_literal ? "L1teralPw!x" : null
}
resource "aws_db_instance" "ok" {
  engine   = "postgres"
  username = "admin"
  password = var.use_literal ? var.password : null
}
`,
      },
    ]);
    expect(found.map((t) => [t.resource, t.lines])).toEqual([["aws_db_instance.db", [7]]]);
  });

  it("does not take references, dynamic references or placeholders for secrets, but does take changeme", async () => {
    const found = await secretThreats([
      {
        path: "t.yaml",
        content: `Parameters:
  Pw:
    Type: String
    NoEcho: true
Resources:
  A:
    Type: AWS::RDS::DBInstance
    Properties: { Engine: postgres, MasterUsername: admin, MasterUserPassword: !Ref Pw }
  B:
    Type: AWS::RDS::DBInstance
    Properties: { Engine: postgres, MasterUsername: admin, MasterUserPassword: "{{resolve:secretsmanager:prod/db:SecretString:password}}" }
  C:
    Type: AWS::RDS::DBInstance
    Properties: { Engine: postgres, MasterUsername: admin, MasterUserPassword: !Sub "\${Pw}" }
  D:
    Type: AWS::RDS::DBInstance
    Properties: { Engine: postgres, MasterUsername: admin, MasterUserPassword: "<your-password>" }
  E:
    Type: AWS::RDS::DBInstance
    Properties: { Engine: postgres, MasterUsername: admin, MasterUserPassword: changeme }
`,
      },
    ]);
    expect(found.map((t) => t.resource)).toEqual(["E"]);
  });
});
