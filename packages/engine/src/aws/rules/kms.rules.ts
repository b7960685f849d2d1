import { at, awsRule } from "./define.ts";
import { publicPolicyHits } from "./resource-policy.ts";

// TL-AWS-KMS: KMS keys.

export const KMS_RULES = [
  awsRule({
    id: "TL-AWS-KMS-001",
    title: "KMS key rotation is disabled",
    category: "InformationDisclosure",
    likelihood: 2,
    impact: 3,
    kinds: ["aws.kms.key"],
    description: "Symmetric KMS key {resource} is never rotated, so key material stays in use indefinitely.",
    remediation: "Enable automatic key rotation.",
    fix: { cloudformation: "Properties:\n  EnableKeyRotation: true", terraform: "enable_key_rotation = true" },
    cwe: ["CWE-320"],
    exposedBoost: 0,
    test: (node) => node.attrs.symmetric === true && node.attrs.rotation === false && { paths: [at(node, "rotation")] },
  }),
  awsRule({
    id: "TL-AWS-KMS-002",
    title: "KMS key policy allows any principal",
    category: "InformationDisclosure",
    likelihood: 3,
    impact: 5,
    kinds: ["aws.kms.key"],
    description:
      'The key policy of {resource} allows Principal "*" without a condition: any AWS account may use or manage the key.',
    remediation:
      "Grant the key to the account root and to named roles; restrict any `*` principal with kms:CallerAccount or aws:PrincipalOrgID.",
    fix: {
      cloudformation:
        "KeyPolicy:\n  Statement:\n    - Effect: Allow\n      Principal:\n        AWS: !Sub arn:aws:iam::${AWS::AccountId}:root\n      Action: kms:*\n      Resource: '*'",
      terraform:
        'policy = jsonencode({\n  Version = "2012-10-17"\n  Statement = [{\n    Effect    = "Allow"\n    Principal = { AWS = "arn:aws:iam::${data.aws_caller_identity.current.account_id}:root" }\n    Action    = "kms:*"\n    Resource  = "*"\n  }]\n})',
    },
    cwe: ["CWE-732"],
    attack: ["T1078"],
    test: (node, ctx) => publicPolicyHits(ctx, node, "aws.kms.key"),
  }),
  awsRule({
    id: "TL-AWS-KMS-003",
    title: "KMS key has a short deletion window",
    category: "DenialOfService",
    likelihood: 1,
    impact: 4,
    kinds: ["aws.kms.key"],
    description:
      "KMS key {resource} can be deleted after fewer than 14 days, leaving little time to notice and cancel a malicious or mistaken deletion that makes its data unreadable.",
    remediation: "Use a 30-day pending window and alarm on ScheduleKeyDeletion.",
    fix: { cloudformation: "Properties:\n  PendingWindowInDays: 30", terraform: "deletion_window_in_days = 30" },
    cwe: ["CWE-404"],
    attack: ["T1485"],
    exposedBoost: 0,
    test: (node) =>
      typeof node.attrs.deletionWindow === "number" &&
      node.attrs.deletionWindow < 14 && { paths: [at(node, "deletionWindow")] },
  }),
];
