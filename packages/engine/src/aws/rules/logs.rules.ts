import { publicPolicyHits, policyKinds } from "./resource-policy.ts";
import { at, awsRule } from "./define.ts";

// TL-AWS-LOGS: CloudWatch Logs.

export const LOGS_RULES = [
  awsRule({
    id: "TL-AWS-LOGS-001",
    title: "Log group keeps logs for less than a year",
    category: "Repudiation",
    likelihood: 1,
    impact: 3,
    kinds: ["aws.logs.log-group"],
    description: "Log group {resource} deletes events within a year; incidents are often found later than that.",
    remediation: "Keep security-relevant logs for at least 365 days (or archive them to S3).",
    fix: { cloudformation: "Properties:\n  RetentionInDays: 365", terraform: "retention_in_days = 365" },
    cwe: ["CWE-779"],
    exposedBoost: 0,
    test: (node) =>
      typeof node.attrs.retention === "number" &&
      node.attrs.retention > 0 &&
      node.attrs.retention < 365 && {
        paths: [at(node, "retention")],
        detail: `Log group ${node.id} keeps events for ${node.attrs.retention} day${node.attrs.retention === 1 ? "" : "s"}.`,
      },
  }),
  awsRule({
    id: "TL-AWS-LOGS-002",
    title: "Log group is not encrypted with KMS",
    category: "InformationDisclosure",
    likelihood: 1,
    impact: 2,
    kinds: ["aws.logs.log-group"],
    description:
      "Log group {resource} is not encrypted with a customer-managed key, so anyone with logs:GetLogEvents can read it.",
    remediation: "Associate a KMS key with the log group.",
    fix: {
      cloudformation: "Properties:\n  KmsKeyId: !GetAtt LogsKey.Arn",
      terraform: "kms_key_id = aws_kms_key.logs.arn",
    },
    cwe: ["CWE-311"],
    exposedBoost: 0,
    test: (node) => node.attrs.kms === false && { paths: [at(node, "kms")] },
  }),
  awsRule({
    id: "TL-AWS-LOGS-003",
    title: "CloudWatch Logs resource or destination policy allows anyone",
    category: "Tampering",
    likelihood: 3,
    impact: 3,
    kinds: [...policyKinds("aws.logs.resource-policy"), ...policyKinds("aws.logs.destination")],
    description:
      'The CloudWatch Logs policy {resource} allows Principal "*" with no condition narrowing who: any AWS account can write log events into the account\'s log groups (a resource policy) or stream its logs into the destination (a destination policy), forging or flooding the audit trail.',
    remediation:
      "Grant the policy to the AWS service that delivers the logs (with aws:SourceAccount / aws:SourceArn) or to named accounts; limit a destination to the accounts of the organization with aws:PrincipalOrgID.",
    fix: {
      cloudformation:
        'PolicyDocument: !Sub |\n  {"Statement":[{"Effect":"Allow","Principal":{"Service":"delivery.logs.amazonaws.com"},\n    "Action":["logs:CreateLogStream","logs:PutLogEvents"],"Resource":"${LogGroup.Arn}",\n    "Condition":{"StringEquals":{"aws:SourceAccount":"${AWS::AccountId}"}}}]}',
      terraform:
        'statement {\n  actions   = ["logs:CreateLogStream", "logs:PutLogEvents"]\n  resources = ["${aws_cloudwatch_log_group.this.arn}:*"]\n  principals {\n    type        = "Service"\n    identifiers = ["delivery.logs.amazonaws.com"]\n  }\n  condition {\n    test     = "StringEquals"\n    variable = "aws:SourceAccount"\n    values   = [data.aws_caller_identity.current.account_id]\n  }\n}',
    },
    cwe: ["CWE-732"],
    attack: ["T1565", "T1562.008"],
    exposedBoost: 0,
    test: (node, ctx) => [
      ...publicPolicyHits(ctx, node, "aws.logs.resource-policy"),
      ...publicPolicyHits(ctx, node, "aws.logs.destination"),
    ],
  }),
];
