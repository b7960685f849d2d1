import { describe, expect, it } from "vitest";
import { analyze } from "../../src/analyze.ts";
import { cfn, dedent, run, tf } from "./harness.ts";

/** Threats of one rule: resources and evidence lines. */
async function threatsOf(path: string, content: string, rule: string) {
  const { threats, files } = await run(path, content);
  expect(files.every((f) => !f.error)).toBe(true);
  return threats.filter((t) => t.ruleId === rule);
}

const lineOf = (text: string, needle: string): number => text.split("\n").findIndex((l) => l.includes(needle)) + 1;

describe("resource policies: the statement decides, and the evidence is the statement", () => {
  it("points at the granting statement of a CloudFormation YAML bucket policy, naming the policy and the bucket", async () => {
    const text = cfn(`
      Data:
        Type: AWS::S3::Bucket
      DataPolicy:
        Type: AWS::S3::BucketPolicy
        Properties:
          Bucket: !Ref Data
          PolicyDocument:
            Statement:
              - Sid: OwnAccount
                Effect: Allow
                Principal: { AWS: !Sub "arn:aws:iam::\${AWS::AccountId}:root" }
                Action: s3:*
                Resource: !Sub "\${Data.Arn}/*"
              - Sid: Website
                Effect: Allow
                Principal: "*"
                Action: s3:GetObject
                Resource: !Sub "\${Data.Arn}/*"
    `);
    const [threat, ...more] = await threatsOf("t.yaml", text, "TL-AWS-S3-003");
    expect(more).toEqual([]);
    expect(threat!.resources.map((r) => r.id)).toEqual(["Data", "DataPolicy"]);
    expect(threat!.evidence).toEqual([
      { file: "t.yaml", line: lineOf(text, "Sid: Website"), path: "Properties.PolicyDocument.Statement.1" },
    ]);
  });

  it("reads a JSON CloudFormation template the same way (evidence on the statement's line)", async () => {
    const text = JSON.stringify(
      {
        AWSTemplateFormatVersion: "2010-09-09",
        Resources: {
          Jobs: { Type: "AWS::SQS::Queue" },
          JobsPolicy: {
            Type: "AWS::SQS::QueuePolicy",
            Properties: {
              Queues: [{ Ref: "Jobs" }],
              PolicyDocument: {
                Statement: [
                  {
                    Sid: "FromAnySns",
                    Effect: "Allow",
                    Principal: { AWS: "*" },
                    Action: "sqs:SendMessage",
                    Resource: { "Fn::GetAtt": ["Jobs", "Arn"] },
                    Condition: { ArnLike: { "aws:SourceArn": "arn:aws:sns:*:*:*" } },
                  },
                ],
              },
            },
          },
        },
      },
      null,
      2,
    );
    const [threat] = await threatsOf("t.json", text, "TL-AWS-SQS-002");
    expect(threat?.resources.map((r) => r.id)).toEqual(["Jobs", "JobsPolicy"]);
    expect(threat?.evidence[0]?.line).toBe(lineOf(text, '"Sid": "FromAnySns"') - 1);
  });

  it("puts Terraform evidence on the statement block of the aws_iam_policy_document, including source_policy_documents", async () => {
    const text = tf(`
      resource "aws_sns_topic" "alerts" {
        name = "alerts"
      }
      data "aws_iam_policy_document" "base" {
        statement {
          actions   = ["sns:Publish"]
          resources = ["*"]
          principals {
            type        = "AWS"
            identifiers = ["*"]
          }
        }
      }
      data "aws_iam_policy_document" "alerts" {
        source_policy_documents = [data.aws_iam_policy_document.base.json]
        statement {
          actions   = ["sns:Subscribe"]
          resources = ["*"]
          principals {
            type        = "Service"
            identifiers = ["events.amazonaws.com"]
          }
        }
      }
      resource "aws_sns_topic_policy" "alerts" {
        arn    = aws_sns_topic.alerts.arn
        policy = data.aws_iam_policy_document.alerts.json
      }
    `);
    const [threat, ...more] = await threatsOf("main.tf", text, "TL-AWS-SNS-002");
    expect(more).toEqual([]);
    expect(threat!.resources.map((r) => r.id)).toEqual(["aws_sns_topic.alerts", "aws_sns_topic_policy.alerts"]);
    expect(threat!.evidence).toHaveLength(1);
    // The first statement block of `base`, the one that grants Publish to everyone.
    expect(threat!.evidence[0]!.line).toBe(lineOf(text, "statement {"));
  });

  it("reports public read and public write of one statement as one threat (S3-004 alone)", async () => {
    const one = await run(
      "main.tf",
      tf(`
        resource "aws_s3_bucket" "b" {
          bucket = "b"
          policy = jsonencode({ Statement = [{ Effect = "Allow", Principal = "*", Action = "s3:*", Resource = "arn:aws:s3:::b/*" }] })
        }
      `),
    );
    const ids = one.threats.map((t) => t.ruleId);
    expect(ids).toContain("TL-AWS-S3-004");
    expect(ids).not.toContain("TL-AWS-S3-003");
    const two = await run(
      "main.tf",
      tf(`
        resource "aws_s3_bucket" "b" {
          bucket = "b"
          policy = jsonencode({ Statement = [
            { Effect = "Allow", Principal = "*", Action = "s3:GetObject", Resource = "arn:aws:s3:::b/*" },
            { Effect = "Allow", Principal = "*", Action = "s3:PutObject", Resource = "arn:aws:s3:::b/*" },
          ] })
        }
      `),
    );
    // A read statement and a write statement: each rule reports its own, and the bucket's public access is
    // then one threat (the write one) that lists the read statement as a contributing finding.
    const pub = two.threats.filter((t) => /^TL-AWS-S3-00[34]$/.test(t.ruleId ?? ""));
    expect(pub.map((t) => t.ruleId)).toEqual(["TL-AWS-S3-004"]);
    expect(pub[0]!.contributingRules?.map((c) => c.ruleId)).toEqual(["TL-AWS-S3-003"]);
  });

  it("reports a public function URL once: on the function, with the URL's AuthType as evidence", async () => {
    const text = cfn(`
      Fn:
        Type: AWS::Lambda::Function
        Properties:
          Runtime: python3.12
          Handler: index.handler
          Role: arn:aws:iam::111122223333:role/fn
          Code: { ZipFile: "def handler(e, c): pass" }
      Url:
        Type: AWS::Lambda::Url
        Properties:
          TargetFunctionArn: !GetAtt Fn.Arn
          AuthType: NONE
      UrlPermission:
        Type: AWS::Lambda::Permission
        Properties:
          FunctionName: !Ref Fn
          Action: lambda:InvokeFunctionUrl
          Principal: "*"
          FunctionUrlAuthType: NONE
    `);
    const { threats } = await run("t.yaml", text);
    const open = threats.filter((t) => t.ruleId === "TL-AWS-LAMBDA-003" || t.ruleId === "TL-AWS-LAMBDA-006");
    expect(open.map((t) => t.ruleId)).toEqual(["TL-AWS-LAMBDA-003"]);
    expect(open[0]!.resources.map((r) => r.id)).toEqual(["Fn", "Url"]);
    expect(open[0]!.evidence[0]!.line).toBe(lineOf(text, "AuthType: NONE"));
  });

  it("reports a Lambda permission to anyone whose SourceArn is only wildcards, not one naming a source", async () => {
    const permission = (sourceArn: string) =>
      tf(`
        resource "aws_lambda_permission" "api" {
          function_name = "orders"
          action        = "lambda:InvokeFunction"
          principal     = "*"
          source_arn    = "${sourceArn}"
        }
      `);
    expect(await threatsOf("main.tf", permission("arn:aws:execute-api:*:*:*"), "TL-AWS-LAMBDA-006")).toHaveLength(1);
    expect(
      await threatsOf(
        "main.tf",
        permission("arn:aws:execute-api:eu-west-1:111122223333:abc123/*"),
        "TL-AWS-LAMBDA-006",
      ),
    ).toHaveLength(0);
  });

  it("reads a public trust policy written with NotPrincipal, and a cross-account trust that requires MFA as narrowed", async () => {
    const role = (statement: string) =>
      cfn(`
        Role:
          Type: AWS::IAM::Role
          Properties:
            AssumeRolePolicyDocument:
              Statement:
                - ${statement}
      `);
    expect(
      await threatsOf(
        "t.yaml",
        role('{ Effect: Allow, NotPrincipal: { AWS: "arn:aws:iam::111122223333:role/x" }, Action: sts:AssumeRole }'),
        "TL-AWS-IAM-007",
      ),
    ).toHaveLength(1);
    expect(
      await threatsOf(
        "t.yaml",
        role(
          '{ Effect: Allow, Principal: { AWS: "arn:aws:iam::999988887777:root" }, Action: sts:AssumeRole, Condition: { Bool: { "aws:MultiFactorAuthPresent": "true" } } }',
        ),
        "TL-AWS-IAM-012",
      ),
    ).toHaveLength(0);
  });
});

describe("Terraform policies read from local files with file() / templatefile()", () => {
  const POLICY = dedent(`
    {
      "Version": "2012-10-17",
      "Statement": [
        {
          "Sid": "Deploy",
          "Effect": "Allow",
          "Principal": { "AWS": "arn:aws:iam::111122223333:role/deploy" },
          "Action": "s3:PutObject",
          "Resource": "arn:aws:s3:::site/*"
        },
        {
          "Sid": "Public",
          "Effect": "Allow",
          "Principal": "*",
          "Action": "s3:GetObject",
          "Resource": "arn:aws:s3:::site/*"
        }
      ]
    }
  `);

  it("evaluates a module's file() policy like an inline one, with the evidence on the JSON statement's line", async () => {
    const caller = tf(`
      module "site" {
        source = "../modules/site"
        name   = "site"
      }
    `);
    const module = tf(`
      variable "name" {}
      resource "aws_s3_bucket" "this" {
        bucket = var.name
      }
      resource "aws_s3_bucket_policy" "this" {
        bucket = aws_s3_bucket.this.id
        policy = file("\${path.module}/policies/\${var.name}.json")
      }
    `);
    const { threats, files } = await analyze([
      { path: "live/main.tf", content: caller },
      { path: "modules/site/main.tf", content: module },
      { path: "modules/site/policies/site.json", content: POLICY },
    ]);
    expect(files.map((f) => [f.path, f.format, f.error?.code])).toEqual([
      ["live/main.tf", "terraform", undefined],
      ["modules/site/main.tf", "terraform", undefined],
      ["modules/site/policies/site.json", "terraform", undefined],
    ]);
    const public_ = threats.filter((t) => t.ruleId === "TL-AWS-S3-003");
    expect(public_.map((t) => t.evidence)).toEqual([
      [
        {
          file: "modules/site/policies/site.json",
          line: lineOf(POLICY, '"Sid": "Public"') - 1,
          path: "Statement.1",
        },
      ],
    ]);
  });

  it("renders a templatefile's vars (jsonencode of a list too) and reads an IAM policy the same way", async () => {
    const main = tf(`
      resource "aws_sqs_queue" "jobs" {
        name   = "jobs"
        policy = templatefile("queue.json.tpl", { senders = ["*"], queue = "jobs" })
      }
      resource "aws_sqs_queue" "own" {
        name   = "own"
        policy = templatefile("queue.json.tpl", { senders = ["arn:aws:iam::111122223333:root"], queue = "own" })
      }
      resource "aws_iam_policy" "admin" {
        policy = file("admin.json")
      }
    `);
    const template = dedent(`
      {
        "Statement": [
          {
            "Effect": "Allow",
            "Principal": { "AWS": \${jsonencode(senders)} },
            "Action": "sqs:SendMessage",
            "Resource": "arn:aws:sqs:eu-west-1:111122223333:\${queue}"
          }
        ]
      }
    `);
    const admin = `{"Statement": [{"Effect": "Allow", "Action": "*", "Resource": "*"}]}`;
    const { threats } = await analyze([
      { path: "main.tf", content: main },
      { path: "queue.json.tpl", content: template },
      { path: "admin.json", content: admin },
    ]);
    const queues = threats.filter((t) => t.ruleId === "TL-AWS-SQS-002");
    expect(queues.map((t) => [t.resources[0]!.id, t.evidence])).toEqual([
      ["aws_sqs_queue.jobs", [{ file: "queue.json.tpl", line: 3, path: "Statement.0" }]],
    ]);
    const iam = threats.find((t) => t.ruleId === "TL-AWS-IAM-001");
    expect(iam?.evidence[0]).toMatchObject({ file: "admin.json", line: 1 });
  });

  it("leaves a policy whose file is not in the analysis unknown: no threat, no error", async () => {
    const main = tf(`
      resource "aws_sqs_queue" "jobs" {
        name   = "jobs"
        policy = file("missing.json")
      }
    `);
    const { threats, files } = await analyze([{ path: "main.tf", content: main }]);
    expect(files[0]?.error).toBeUndefined();
    expect(threats.filter((t) => t.ruleId === "TL-AWS-SQS-002")).toEqual([]);
  });
});

describe("Terraform jsonencode() and heredoc policies: evidence on the statement, not the policy = line", () => {
  const text = tf(`
    resource "aws_iam_role" "r" {
      name = "r"
      assume_role_policy = jsonencode({
        Version = "2012-10-17"
        Statement = [
          {
            Effect    = "Allow"
            Principal = { Service = "ec2.amazonaws.com" }
            Action    = "sts:AssumeRole"
          },
          {
            Sid       = "Anyone"
            Effect    = "Allow"
            Principal = { AWS = "*" }
            Action    = "sts:AssumeRole"
          },
        ]
      })
    }
    resource "aws_iam_policy" "p" {
      policy = <<-EOF
        {
          "Version": "2012-10-17",
          "Statement": [
            {
              "Effect": "Allow",
              "Action": "s3:GetObject",
              "Resource": "arn:aws:s3:::b/*"
            },
            {
              "Sid": "Admin",
              "Effect": "Allow",
              "Action": "*",
              "Resource": "*"
            }
          ]
        }
      EOF
    }
    resource "aws_sqs_queue" "q" {
      name = "q"
      policy = jsonencode({
        Statement = [{ Effect = "Allow", Action = "sqs:GetQueueUrl", Principal = { AWS = "arn:aws:iam::111122223333:root" } },
          {
            Sid       = "Public"
            Effect    = "Allow"
            Principal = "*"
            Action    = "sqs:SendMessage"
            Resource  = "*"
        }]
      })
    }
  `);

  it("points a trust policy, an IAM policy heredoc and a queue policy at their granting statement", async () => {
    const { threats } = await run("main.tf", text);
    const evidence = (rule: string) => threats.find((t) => t.ruleId === rule)?.evidence;
    expect(evidence("TL-AWS-IAM-007")).toEqual([
      { file: "main.tf", line: lineOf(text, 'Sid       = "Anyone"') - 1, path: "assume_role_policy.Statement.1" },
    ]);
    expect(evidence("TL-AWS-IAM-001")).toEqual([
      { file: "main.tf", line: lineOf(text, '"Sid": "Admin"') - 1, path: "policy.Statement.1" },
    ]);
    expect(evidence("TL-AWS-SQS-002")).toEqual([
      { file: "main.tf", line: lineOf(text, 'Sid       = "Public"') - 1, path: "policy.Statement.1" },
    ]);
  });
});
