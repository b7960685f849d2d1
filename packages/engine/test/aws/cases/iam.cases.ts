import { cfn, tf } from "../harness.ts";
import type { RuleCase } from "../../rule-cases.ts";
import { res } from "./fixtures.ts";

const policyCfn = (statement: string) =>
  cfn(`
  Policy:
    Type: AWS::IAM::ManagedPolicy
    Properties:
      PolicyDocument:
        Version: "2012-10-17"
        Statement:
${statement
  .split("\n")
  .map((l) => `          ${l}`)
  .join("\n")}
`);

const policyTf = (statement: string) =>
  tf(`
  resource "aws_iam_policy" "policy" {
    name = "p"
    policy = jsonencode({
      Version   = "2012-10-17"
      Statement = [${statement}]
    })
  }
`);

const scopedCfn = policyCfn("- Effect: Allow\n  Action: [s3:GetObject]\n  Resource: arn:aws:s3:::data/*");

const scopedTf = policyTf('{ Effect = "Allow", Action = ["s3:GetObject"], Resource = "arn:aws:s3:::data/*" }');

/** A role CodeBuild assumes, with an inline policy of `statement` when given (YAML lines for `cfn`). */
const codeBuildRole = (name: string, statement?: string) =>
  [
    `${name}:`,
    "  Type: AWS::IAM::Role",
    "  Properties:",
    "    AssumeRolePolicyDocument:",
    "      Statement:",
    "        - { Effect: Allow, Principal: { Service: codebuild.amazonaws.com }, Action: sts:AssumeRole }",
    ...(statement
      ? [
          "    Policies:",
          "      - PolicyName: run",
          "        PolicyDocument:",
          "          Statement:",
          `            - ${statement}`,
        ]
      : []),
  ].join("\n");

/** A policy granting iam:PassRole on everything, attached to `role` (YAML lines for `cfn`). */
const passRolePolicy = (role: string) =>
  [
    "Pass:",
    "  Type: AWS::IAM::Policy",
    "  Properties:",
    "    PolicyName: pass",
    `    Roles: [!Ref ${role}]`,
    "    PolicyDocument:",
    "      Statement:",
    '        - { Effect: Allow, Action: iam:PassRole, Resource: "*" }',
  ].join("\n");

const RUN_INSTANCES = '{ Effect: Allow, Action: ec2:RunInstances, Resource: "*" }';

export const roleCfn = (trust: string, extra = "") =>
  cfn(`
  Role:
    Type: AWS::IAM::Role
    Properties:
      AssumeRolePolicyDocument:
        Statement:
${trust
  .split("\n")
  .map((l) => `          ${l}`)
  .join("\n")}
${extra}
  Trail:
    Type: AWS::CloudTrail::Trail
    Properties: { S3BucketName: trail-bucket, IsLogging: true, IsMultiRegionTrail: true, EnableLogFileValidation: true }
`);

const roleTf = (trust: string) =>
  tf(`
  resource "aws_iam_role" "role" {
    assume_role_policy = jsonencode({
      Version   = "2012-10-17"
      Statement = [${trust}]
    })
  }
`);

const serviceTrustCfn = roleCfn(
  "- Effect: Allow\n  Principal: { Service: ec2.amazonaws.com }\n  Action: sts:AssumeRole",
);

const serviceTrustTf = roleTf(
  '{ Effect = "Allow", Principal = { Service = "lambda.amazonaws.com" }, Action = "sts:AssumeRole" }',
);

export const userCfn = (props: string, extra = "") =>
  cfn(`
  User:
    Type: AWS::IAM::User
    Properties:
${props
  .split("\n")
  .map((l) => `      ${l}`)
  .join("\n")}
${extra}`);

/** iam:PassRole in one policy, lambda:CreateFunction in another attached to `lambdaRole`; the first on `ci`. */
function splitPassRoleTf(lambdaRole: string): string {
  const role = (name: string) => `
    resource "aws_iam_role" "${name}" {
      name               = "${name}"
      assume_role_policy = jsonencode({ Statement = [{ Effect = "Allow", Principal = { Service = "codebuild.amazonaws.com" }, Action = "sts:AssumeRole" }] })
    }`;
  return tf(`
    ${role("ci")}
    ${role("other")}
    resource "aws_iam_policy" "pass" {
      policy = jsonencode({ Statement = [{ Effect = "Allow", Action = "iam:PassRole", Resource = "*" }] })
    }
    resource "aws_iam_policy" "lambda" {
      policy = jsonencode({ Statement = [{ Effect = "Allow", Action = ["lambda:CreateFunction"], Resource = "*" }] })
    }
    resource "aws_iam_role_policy_attachment" "pass" {
      role       = aws_iam_role.ci.name
      policy_arn = aws_iam_policy.pass.arn
    }
    resource "aws_iam_role_policy_attachment" "lambda" {
      role       = ${lambdaRole}
      policy_arn = aws_iam_policy.lambda.arn
    }
  `);
}

export const IAM_CASES: RuleCase[] = [
  {
    rule: "TL-AWS-IAM-001",
    cfn: {
      pos: [
        policyCfn("- Effect: Allow\n  Action: '*'\n  Resource: '*'"),
        roleCfn(
          "- Effect: Allow\n  Principal: { Service: ec2.amazonaws.com }\n  Action: sts:AssumeRole",
          "      Policies:\n        - PolicyName: all\n          PolicyDocument:\n            Statement:\n              - { Effect: Allow, Action: '*', Resource: '*' }",
        ),
      ],
      neg: [scopedCfn, policyCfn("- Effect: Deny\n  Action: '*'\n  Resource: '*'")],
    },
    tf: {
      pos: [
        policyTf('{ Effect = "Allow", Action = "*", Resource = "*" }'),
        tf(`
          resource "aws_iam_role_policy" "all" {
            role   = "r"
            policy = data.aws_iam_policy_document.all.json
          }
          data "aws_iam_policy_document" "all" {
            statement {
              actions   = ["*"]
              resources = ["*"]
            }
          }
        `),
        tf(`
          resource "aws_iam_policy" "heredoc" {
            policy = <<EOF
          {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "*", "Resource": "*"}]}
          EOF
          }
        `),
      ],
      neg: [scopedTf],
    },
  },
  {
    rule: "TL-AWS-IAM-002",
    cfn: { pos: [policyCfn("- Effect: Allow\n  Action: 's3:*'\n  Resource: arn:aws:s3:::data/*")], neg: [scopedCfn] },
    tf: {
      pos: [policyTf('{ Effect = "Allow", Action = ["dynamodb:*"], Resource = "*" }')],
      // iam:* on every resource is privilege escalation (TL-AWS-IAM-009), one threat.
      neg: [scopedTf, policyTf('{ Effect = "Allow", Action = ["iam:*"], Resource = "*" }')],
    },
  },
  {
    rule: "TL-AWS-IAM-003",
    cfn: {
      pos: [policyCfn("- Effect: Allow\n  Action: [ec2:TerminateInstances, s3:DeleteObject]\n  Resource: '*'")],
      neg: [scopedCfn, policyCfn("- Effect: Allow\n  Action: [ec2:DescribeInstances]\n  Resource: '*'")],
    },
    tf: { pos: [policyTf('{ Effect = "Allow", Action = ["sqs:SendMessage"], Resource = "*" }')], neg: [scopedTf] },
  },
  {
    rule: "TL-AWS-IAM-004",
    cfn: {
      pos: [userCfn("ManagedPolicyArns:\n  - arn:aws:iam::aws:policy/AdministratorAccess")],
      neg: [userCfn("ManagedPolicyArns:\n  - arn:aws:iam::aws:policy/ReadOnlyAccess")],
    },
    tf: {
      pos: [
        tf(`
        resource "aws_iam_role" "ops" {
          assume_role_policy = "{}"
        }
        resource "aws_iam_role_policy_attachment" "admin" {
          role       = aws_iam_role.ops.name
          policy_arn = "arn:aws:iam::aws:policy/AdministratorAccess"
        }
      `),
      ],
      neg: [
        tf(`
        resource "aws_iam_role" "ops" {
          assume_role_policy = "{}"
        }
        resource "aws_iam_role_policy_attachment" "ro" {
          role       = aws_iam_role.ops.name
          policy_arn = "arn:aws:iam::aws:policy/ReadOnlyAccess"
        }
      `),
      ],
    },
  },
  {
    rule: "TL-AWS-IAM-005",
    cfn: {
      pos: [
        userCfn(
          "Policies:\n  - PolicyName: mine\n    PolicyDocument:\n      Statement:\n        - { Effect: Allow, Action: s3:GetObject, Resource: arn:aws:s3:::a/* }",
        ),
      ],
      neg: [userCfn("Groups: [developers]")],
    },
    tf: {
      pos: [
        tf(`
        resource "aws_iam_user" "u" {
          name = "u"
        }
        resource "aws_iam_user_policy_attachment" "u" {
          user       = aws_iam_user.u.name
          policy_arn = "arn:aws:iam::aws:policy/ReadOnlyAccess"
        }
      `),
      ],
      neg: [tf(`resource "aws_iam_user" "u" {\n  name = "u"\n}`)],
    },
  },
  {
    rule: "TL-AWS-IAM-006",
    cfn: {
      pos: [
        userCfn("UserName: ci", "  Key:\n    Type: AWS::IAM::AccessKey\n    Properties:\n      UserName: !Ref User\n"),
      ],
      neg: [
        userCfn(
          "UserName: ci",
          "  Key:\n    Type: AWS::IAM::AccessKey\n    Properties:\n      UserName: !Ref User\n      Status: Inactive\n",
        ),
      ],
    },
    tf: {
      pos: [
        tf(
          `resource "aws_iam_user" "ci" {\n  name = "ci"\n}\nresource "aws_iam_access_key" "ci" {\n  user = aws_iam_user.ci.name\n}`,
        ),
      ],
      neg: [tf(`resource "aws_iam_user" "ci" {\n  name = "ci"\n}`)],
    },
  },
  {
    rule: "TL-AWS-IAM-007",
    cfn: {
      pos: [
        roleCfn("- Effect: Allow\n  Principal: '*'\n  Action: sts:AssumeRole"),
        roleCfn("- Effect: Allow\n  Principal: { AWS: '*' }\n  Action: sts:AssumeRole"),
      ],
      neg: [serviceTrustCfn],
    },
    tf: {
      pos: [roleTf('{ Effect = "Allow", Principal = { AWS = "*" }, Action = "sts:AssumeRole" }')],
      neg: [serviceTrustTf],
    },
  },
  {
    rule: "TL-AWS-IAM-008",
    cfn: {
      pos: [policyCfn("- Effect: Allow\n  Action: iam:PassRole\n  Resource: '*'")],
      neg: [policyCfn("- Effect: Allow\n  Action: iam:PassRole\n  Resource: arn:aws:iam::111122223333:role/task")],
    },
    tf: {
      pos: [
        policyTf('{ Effect = "Allow", Action = ["iam:PassRole", "ecs:DescribeTasks"], Resource = "*" }'),
        splitPassRoleTf("aws_iam_role.other.name"),
      ],
      // With ecs:RunTask it is an escalation path, reported once by TL-AWS-IAM-009 (also when another policy of
      // the same role allows it).
      neg: [
        scopedTf,
        policyTf('{ Effect = "Allow", Action = ["iam:PassRole", "ecs:RunTask"], Resource = "*" }'),
        splitPassRoleTf("aws_iam_role.ci.name"),
      ],
    },
  },
  {
    rule: "TL-AWS-IAM-009",
    cfn: {
      pos: [
        policyCfn("- Effect: Allow\n  Action: [iam:CreatePolicyVersion, iam:AttachRolePolicy]\n  Resource: '*'"),
        // iam:PassRole in a policy of the role, ec2:RunInstances in the role's inline policy.
        cfn([codeBuildRole("Ci", RUN_INSTANCES), passRolePolicy("Ci")].join("\n")),
      ],
      neg: [
        scopedCfn,
        // The same two policies on two different roles: neither role can do both.
        cfn([codeBuildRole("Runner", RUN_INSTANCES), codeBuildRole("Passer"), passRolePolicy("Passer")].join("\n")),
      ],
    },
    tf: {
      pos: [
        policyTf('{ Effect = "Allow", Action = ["iam:Put*"], Resource = "*" }'),
        policyTf('{ Effect = "Allow", Action = ["iam:*"], Resource = "*" }'),
        // A wildcard IAM resource that matches the policy's own ARN.
        policyTf(
          '{ Effect = "Allow", Action = ["iam:CreatePolicyVersion"], Resource = "arn:aws:iam::*:policy/app-*" }',
        ),
        policyTf('{ Effect = "Allow", Action = ["ssm:SendCommand"], Resource = "*" }'),
        // PassRole on any role, and a way to run code with it (in another statement).
        policyTf(
          '{ Effect = "Allow", Action = "iam:PassRole", Resource = "arn:aws:iam::111122223333:role/*" }, { Effect = "Allow", Action = ["lambda:CreateFunction", "lambda:InvokeFunction"], Resource = "*" }',
        ),
        // The same, split across two policies attached to one role.
        splitPassRoleTf("aws_iam_role.ci.name"),
      ],
      neg: [
        scopedTf,
        policyTf(
          '{ Effect = "Allow", Action = "iam:PassRole", Resource = "arn:aws:iam::111122223333:role/app-task" }, { Effect = "Allow", Action = ["lambda:CreateFunction"], Resource = "*" }',
        ),
        // Split across two policies, but attached to two different roles.
        splitPassRoleTf("aws_iam_role.other.name"),
        // Taken away by an unconditional Deny of the same document.
        policyTf(
          '{ Effect = "Allow", Action = ["iam:*"], Resource = "*" }, { Effect = "Deny", Action = ["iam:*"], Resource = "*" }',
        ),
        // A condition that can never hold.
        policyTf(
          '{ Effect = "Allow", Action = ["iam:CreateAccessKey"], Resource = "*", Condition = { DateLessThan = { "aws:TokenIssueTime" = "2020-01-01T00:00:01Z" } } }',
        ),
        // A permissions boundary grants nothing.
        tf(`
          resource "aws_iam_policy" "boundary" {
            name   = "boundary"
            policy = jsonencode({ Statement = [{ Effect = "Allow", Action = ["iam:*"], Resource = "*" }] })
          }
          resource "aws_iam_role" "app" {
            name                 = "app"
            assume_role_policy   = jsonencode({ Statement = [{ Effect = "Allow", Principal = { Service = "ec2.amazonaws.com" }, Action = "sts:AssumeRole" }] })
            permissions_boundary = aws_iam_policy.boundary.arn
          }
        `),
      ],
    },
  },
  {
    rule: "TL-AWS-IAM-010",
    cfn: {
      pos: [policyCfn("- Effect: Allow\n  NotAction: iam:*\n  Resource: '*'")],
      neg: [policyCfn("- Effect: Deny\n  NotAction: iam:*\n  Resource: '*'")],
    },
    tf: { pos: [policyTf('{ Effect = "Allow", NotAction = ["iam:*"], Resource = "*" }')], neg: [scopedTf] },
  },
  {
    rule: "TL-AWS-IAM-011",
    cfn: {
      pos: [policyCfn("- Effect: Allow\n  Action: s3:GetObject\n  NotResource: arn:aws:s3:::secret/*")],
      neg: [scopedCfn],
    },
    tf: {
      pos: [policyTf('{ Effect = "Allow", Action = ["s3:GetObject"], NotResource = ["arn:aws:s3:::secret/*"] }')],
      neg: [scopedTf],
    },
  },
  {
    rule: "TL-AWS-IAM-012",
    cfn: {
      pos: [roleCfn("- Effect: Allow\n  Principal: { AWS: arn:aws:iam::999988887777:root }\n  Action: sts:AssumeRole")],
      neg: [
        roleCfn(
          "- Effect: Allow\n  Principal: { AWS: arn:aws:iam::999988887777:root }\n  Action: sts:AssumeRole\n  Condition: { StringEquals: { sts:ExternalId: abc123 } }",
        ),
      ],
    },
    tf: {
      pos: [roleTf('{ Effect = "Allow", Principal = { AWS = "999988887777" }, Action = "sts:AssumeRole" }')],
      neg: [
        roleTf(
          '{ Effect = "Allow", Principal = { AWS = "999988887777" }, Action = "sts:AssumeRole", Condition = { StringEquals = { "aws:PrincipalOrgID" = "o-abc" } } }',
        ),
      ],
    },
  },
  {
    rule: "TL-AWS-IAM-013",
    cfn: {
      pos: [
        roleCfn(
          "- Effect: Allow\n  Principal: { Federated: arn:aws:iam::111122223333:oidc-provider/token.actions.githubusercontent.com }\n  Action: sts:AssumeRoleWithWebIdentity\n  Condition: { StringEquals: { token.actions.githubusercontent.com:aud: sts.amazonaws.com } }",
        ),
      ],
      neg: [
        roleCfn(
          "- Effect: Allow\n  Principal: { Federated: arn:aws:iam::111122223333:oidc-provider/token.actions.githubusercontent.com }\n  Action: sts:AssumeRoleWithWebIdentity\n  Condition: { StringLike: { token.actions.githubusercontent.com:sub: 'repo:org/app:ref:refs/heads/main' } }",
        ),
      ],
    },
    tf: {
      pos: [
        roleTf(
          '{ Effect = "Allow", Principal = { Federated = "arn:aws:iam::111122223333:oidc-provider/token.actions.githubusercontent.com" }, Action = "sts:AssumeRoleWithWebIdentity" }',
        ),
      ],
      neg: [serviceTrustTf],
    },
  },
  {
    rule: "TL-AWS-IAM-014",
    cfn: {
      pos: [userCfn("LoginProfile:\n  Password: '{{resolve:secretsmanager:console}}'\n  PasswordResetRequired: true")],
      neg: [userCfn("UserName: robot")],
    },
    tf: {
      pos: [
        tf(
          `resource "aws_iam_user" "u" {\n  name = "u"\n}\nresource "aws_iam_user_login_profile" "u" {\n  user = aws_iam_user.u.name\n}`,
        ),
      ],
      neg: [tf(`resource "aws_iam_user" "u" {\n  name = "u"\n}`)],
    },
  },
  {
    rule: "TL-AWS-IAM-015",
    cfn: {
      pos: [
        roleCfn(
          "- Effect: Allow\n  Principal: { Service: ec2.amazonaws.com }\n  Action: sts:AssumeRole",
          "      ManagedPolicyArns:\n        - arn:aws:iam::aws:policy/PowerUserAccess",
        ),
      ],
      neg: [
        roleCfn(
          "- Effect: Allow\n  Principal: { Service: ec2.amazonaws.com }\n  Action: sts:AssumeRole",
          "      ManagedPolicyArns:\n        - arn:aws:iam::aws:policy/AmazonSSMManagedInstanceCore",
        ),
      ],
    },
    tf: {
      pos: [
        tf(
          `resource "aws_iam_role" "r" {\n  assume_role_policy = "{}"\n  managed_policy_arns = ["arn:aws:iam::aws:policy/AmazonS3FullAccess"]\n}`,
        ),
      ],
      neg: [
        tf(
          `resource "aws_iam_role" "r" {\n  assume_role_policy = "{}"\n  managed_policy_arns = ["arn:aws:iam::aws:policy/AmazonS3ReadOnlyAccess"]\n}`,
        ),
      ],
    },
  },
  {
    rule: "TL-AWS-IAM-016",
    tf: {
      pos: [
        res("aws_iam_account_password_policy", "minimum_password_length = 8\nrequire_numbers = true"),
        res(
          "aws_iam_account_password_policy",
          "minimum_password_length = 14\nrequire_lowercase_characters = true\nrequire_uppercase_characters = true\nrequire_numbers = true\nrequire_symbols = true",
        ),
      ],
      neg: [
        res(
          "aws_iam_account_password_policy",
          "minimum_password_length = 14\nrequire_lowercase_characters = true\nrequire_uppercase_characters = true\nrequire_numbers = true\nrequire_symbols = true\npassword_reuse_prevention = 24\nmax_password_age = 90",
        ),
      ],
    },
  },
];
