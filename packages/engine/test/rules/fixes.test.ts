import { parse as parseHcl } from "@cdktf/hcl2json";
import { TEMPLATE_FORMATS, type TemplateFormat } from "@threatline/domain";
import { describe, expect, it } from "vitest";
import { parseDocument } from "yaml";
import { RULES, analyze } from "../../src/index.ts";
import { CFN_TAGS } from "../../src/cloudformation/tags.ts";
import { fixFor, fixLanguage } from "../../src/rules/fix.ts";

/** Parse errors of a YAML snippet, with CloudFormation's short tags known for CloudFormation fixes. */
function yamlErrors(text: string, format: TemplateFormat): string[] {
  const doc = parseDocument(text, { customTags: format === "cloudformation" ? CFN_TAGS : [], uniqueKeys: true });
  const unknownTags = doc.warnings.filter((w) => w.code === "TAG_RESOLVE_FAILED");
  return [...doc.errors, ...unknownTags].map((e) => e.message.split("\n")[0] ?? e.message);
}

async function hclError(text: string): Promise<string | null> {
  try {
    await parseHcl("fix.tf", text);
    return null;
  } catch (error) {
    return error instanceof Error ? error.message : String(error);
  }
}

const claims = RULES.flatMap((rule) =>
  TEMPLATE_FORMATS.filter((f) => rule.remediation.fix?.[f] !== undefined).map((format) => ({
    rule,
    format,
    fix: rule.remediation.fix![format]!,
  })),
);

describe("every rule's fix parses in each language it claims", () => {
  it("claims fixes for most rules", () => {
    expect(claims.length).toBeGreaterThan(RULES.length * 2);
  });

  it("YAML fixes parse as YAML (CloudFormation's short tags known) and convert to JSON for JSON files", () => {
    const broken: string[] = [];
    for (const { rule, format, fix } of claims) {
      if (fixLanguage(format) !== "yaml") continue;
      const errors = yamlErrors(fix, format);
      if (errors.length > 0) broken.push(`${rule.id} ${format} yaml: ${errors[0]}`);
      const json = fixFor(rule.remediation.fix, format, "json");
      // A fix that is only a comment has no JSON form and is left out, never given as YAML.
      if (json === undefined) {
        if (parseDocument(fix).toJS() !== null) broken.push(`${rule.id} ${format}: no JSON form`);
        continue;
      }
      try {
        const value: unknown = JSON.parse(json);
        if (format === "cloudformation" && /![A-Z][A-Za-z]+/.test(json)) broken.push(`${rule.id}: short tag in JSON`);
        expect(value).not.toBeNull();
      } catch (error) {
        broken.push(`${rule.id} ${format} json: ${String(error)}`);
      }
    }
    expect(broken).toEqual([]);
  });

  it("HCL fixes parse with HashiCorp's parser", async () => {
    const broken: string[] = [];
    for (const { rule, format, fix } of claims) {
      if (fixLanguage(format) !== "hcl") continue;
      const error = await hclError(fix);
      if (error) broken.push(`${rule.id} ${format}: ${error.split("\n")[0]}`);
    }
    expect(broken).toEqual([]);
  });
});

describe("fixes in the file's own dialect", () => {
  const yamlTemplate = `AWSTemplateFormatVersion: "2010-09-09"
Resources:
  Site:
    Type: AWS::S3::Bucket
    Properties:
      AccessControl: PublicRead
`;
  const jsonTemplate = JSON.stringify(
    {
      AWSTemplateFormatVersion: "2010-09-09",
      Resources: {
        Site: { Type: "AWS::S3::Bucket", Properties: { AccessControl: "PublicRead" } },
        Web: {
          Type: "AWS::EC2::SecurityGroup",
          Properties: {
            GroupDescription: "web",
            SecurityGroupIngress: [{ IpProtocol: "tcp", FromPort: 23, ToPort: 23, CidrIp: "0.0.0.0/0" }],
          },
        },
      },
    },
    null,
    2,
  );

  it("a JSON CloudFormation template gets JSON fixes, with long-form intrinsics; a YAML one gets YAML", async () => {
    const json = await analyze([{ path: "site.json", content: jsonTemplate }]);
    const fixes = json.threats.flatMap((t) => t.remediations.map((r) => r.fix)).filter((f) => f !== undefined);
    expect(fixes.length).toBeGreaterThan(2);
    for (const fix of fixes) {
      expect(() => JSON.parse(fix), fix).not.toThrow();
      expect(fix).not.toMatch(/!(Ref|GetAtt|Sub)\b/);
    }
    const yaml = await analyze([{ path: "site.yaml", content: yamlTemplate }]);
    const yamlFix = yaml.threats.find((t) => t.ruleId === "TL-AWS-S3-001")?.remediations[0]?.fix;
    expect(yamlFix).toBeDefined();
    expect(() => JSON.parse(yamlFix!)).toThrow();
    expect(parseDocument(yamlFix!).errors).toEqual([]);
  });

  it("a JSON OpenAPI document and a JSON Kubernetes manifest get JSON fixes", async () => {
    const spec = JSON.stringify({
      openapi: "3.0.3",
      info: { title: "t", version: "1" },
      servers: [{ url: "http://api.example.com" }],
      paths: { "/items": { post: { responses: { "200": { description: "ok" } } } } },
    });
    const pod = JSON.stringify({
      apiVersion: "v1",
      kind: "Pod",
      metadata: { name: "p", namespace: "default" },
      spec: { containers: [{ name: "c", image: "nginx", securityContext: { privileged: true } }] },
    });
    const { threats } = await analyze([
      { path: "api.json", content: spec },
      { path: "pod.json", content: pod },
    ]);
    const formats = new Set<string>();
    for (const t of threats) {
      const fix = t.remediations[0]?.fix;
      if (!fix) continue;
      formats.add(t.resources[0]!.file);
      expect(() => JSON.parse(fix), `${t.ruleId}: ${fix}`).not.toThrow();
    }
    expect([...formats].sort()).toEqual(["api.json", "pod.json"]);
  });
});

describe("fixes written for the weakness reported", () => {
  it("an FTP or Telnet port open to the world gets a fix for that port, not WinRM's", async () => {
    const { threats } = await analyze([
      {
        path: "sg.yaml",
        content: `Resources:
  Legacy:
    Type: AWS::EC2::SecurityGroup
    Properties:
      GroupDescription: legacy
      SecurityGroupIngress:
        - { IpProtocol: tcp, FromPort: 21, ToPort: 21, CidrIp: 0.0.0.0/0 }
`,
      },
    ]);
    const fix = threats.find((t) => t.ruleId === "TL-AWS-SG-005")?.remediations[0]?.fix ?? "";
    expect(fix).toContain("FromPort: 21");
    expect(fix).not.toContain("5985");
    expect(parseDocument(fix, { customTags: CFN_TAGS }).errors).toEqual([]);
  });

  it("AWS keys get a role, not a database password, as their fix", () => {
    for (const id of ["TL-SECRET-002", "TL-SECRET-003", "TL-AWS-EC2-004"]) {
      const rule = RULES.find((r) => r.id === id)!;
      expect(rule.remediation.fix?.cloudformation, id).toMatch(/IamInstanceProfile/);
      expect(rule.remediation.fix?.terraform, id).toMatch(/iam_instance_profile/);
      expect(Object.values(rule.remediation.fix ?? {}).join("\n"), id).not.toMatch(/DB_PASSWORD|MasterUserPassword/);
    }
  });

  it("an escalation through CloudFormation scopes the stacks, not IAM writes; a PassRole path scopes PassRole", async () => {
    const role = (statement: object) =>
      JSON.stringify({
        Resources: {
          Root: {
            Type: "AWS::IAM::Role",
            Properties: {
              AssumeRolePolicyDocument: {
                Statement: [{ Effect: "Allow", Principal: { Service: "ec2.amazonaws.com" }, Action: "sts:AssumeRole" }],
              },
              Policies: [{ PolicyName: "root", PolicyDocument: { Statement: [statement] } }],
            },
          },
        },
      });
    const fixOf = async (statement: object) => {
      const { threats } = await analyze([{ path: "role.json", content: role(statement) }]);
      return threats.find((t) => t.ruleId === "TL-AWS-IAM-009")?.remediations[0]?.fix ?? "";
    };
    const stacks = JSON.parse(await fixOf({ Effect: "Allow", Action: "cloudformation:*", Resource: "*" })) as {
      Action: string[];
      Resource: { "Fn::Sub": string };
    };
    expect(stacks.Action).toContain("cloudformation:UpdateStack");
    expect(stacks.Resource["Fn::Sub"]).toMatch(/^arn:aws:cloudformation:.*:stack\//);
    const iam = await fixOf({ Effect: "Allow", Action: "iam:AttachRolePolicy", Resource: "*" });
    expect(iam).toMatch(/PermissionsBoundary/);
    const passRole = await fixOf({ Effect: "Allow", Action: ["iam:PassRole", "lambda:CreateFunction"], Resource: "*" });
    expect(passRole).toMatch(/iam:PassedToService/);
  });

  it("a Lambda permission without a source gets SourceArn/SourceAccount; a topic policy gets a condition", async () => {
    const { threats } = await analyze([
      {
        path: "deputy.yaml",
        content: `Resources:
  Fn:
    Type: AWS::Lambda::Function
    Properties: { Runtime: python3.12, Handler: index.handler, Role: arn:aws:iam::111122223333:role/r, Code: { ZipFile: "x" } }
  Invoke:
    Type: AWS::Lambda::Permission
    Properties: { Action: lambda:InvokeFunction, FunctionName: !Ref Fn, Principal: events.amazonaws.com }
  Topic:
    Type: AWS::SNS::Topic
  TopicPolicy:
    Type: AWS::SNS::TopicPolicy
    Properties:
      Topics: [!Ref Topic]
      PolicyDocument:
        Statement:
          - { Effect: Allow, Principal: { Service: config.amazonaws.com }, Action: SNS:Publish, Resource: !Ref Topic }
`,
      },
    ]);
    const fixes = threats
      .filter((t) => t.ruleId === "TL-AWS-RP-002")
      .map((t) => ({ on: t.resources[0]?.id, fix: t.remediations[0]?.fix ?? "" }));
    const permission = fixes.find((f) => f.on === "Invoke")?.fix ?? "";
    expect(permission).toMatch(/SourceArn:/);
    expect(permission).toMatch(/SourceAccount:/);
    expect(permission).not.toMatch(/cloudtrail/);
    const topic = fixes.find((f) => f.on === "Topic" || f.on === "TopicPolicy")?.fix ?? "";
    expect(topic).toMatch(/aws:SourceAccount/);
    expect(parseDocument(topic, { customTags: CFN_TAGS }).errors).toEqual([]);
  });

  it("Terraform fixes follow how the statement is written: a policy document block or jsonencode()", async () => {
    const jsonencoded = `
resource "aws_s3_bucket" "logs" { bucket = "logs" }
resource "aws_s3_bucket_policy" "logs" {
  bucket = aws_s3_bucket.logs.id
  policy = jsonencode({
    Version = "2012-10-17"
    Statement = [{
      Effect    = "Allow"
      Principal = { Service = "delivery.logs.amazonaws.com" }
      Action    = "s3:PutObject"
      Resource  = "\${aws_s3_bucket.logs.arn}/*"
    }]
  })
}
resource "aws_iam_role_policy" "deploy" {
  role   = "deploy"
  policy = jsonencode({ Statement = [{ Effect = "Allow", Action = "cloudformation:*", Resource = "*" }] })
}
`;
    const block = `
resource "aws_s3_bucket" "logs" { bucket = "logs" }
data "aws_iam_policy_document" "logs" {
  statement {
    principals {
      type        = "Service"
      identifiers = ["delivery.logs.amazonaws.com"]
    }
    actions   = ["s3:PutObject"]
    resources = ["\${aws_s3_bucket.logs.arn}/*"]
  }
}
resource "aws_s3_bucket_policy" "logs" {
  bucket = aws_s3_bucket.logs.id
  policy = data.aws_iam_policy_document.logs.json
}
data "aws_iam_policy_document" "deploy" {
  statement {
    actions   = ["cloudformation:*"]
    resources = ["*"]
  }
}
resource "aws_iam_role_policy" "deploy" {
  role   = "deploy"
  policy = data.aws_iam_policy_document.deploy.json
}
`;
    const fixes = async (content: string) => {
      const { threats } = await analyze([{ path: "main.tf", content }]);
      const of = (rule: string) => threats.find((t) => t.ruleId === rule)?.remediations[0]?.fix ?? "";
      return { deputy: of("TL-AWS-RP-002"), escalation: of("TL-AWS-IAM-009") };
    };
    const inline = await fixes(jsonencoded);
    expect(inline.deputy).toMatch(/Condition = \{/);
    expect(inline.escalation).toMatch(/Action += \["cloudformation:/);
    const blocks = await fixes(block);
    expect(blocks.deputy).toMatch(/condition \{/);
    expect(blocks.escalation).toMatch(/statement \{\n {2}actions += \["cloudformation:/);
    for (const fix of [inline.deputy, inline.escalation, blocks.deputy, blocks.escalation]) {
      expect(await hclError(fix), fix).toBeNull();
    }
  });
});
