import { publicPolicyHits, policyKinds } from "./resource-policy.ts";
import { at, awsRule } from "./define.ts";

// TL-AWS-SNS: SNS.

export const SNS_RULES = [
  awsRule({
    id: "TL-AWS-SNS-001",
    title: "SNS topic is not encrypted",
    category: "InformationDisclosure",
    likelihood: 2,
    impact: 3,
    kinds: ["aws.sns.topic"],
    description: "Topic {resource} stores messages unencrypted.",
    remediation: "Set a KMS key on the topic.",
    fix: {
      cloudformation: "Properties:\n  KmsMasterKeyId: alias/aws/sns",
      terraform: 'kms_master_key_id = "alias/aws/sns"',
    },
    cwe: ["CWE-311"],
    test: (node) => node.attrs.encrypted === false && { paths: [at(node, "encrypted")] },
  }),
  awsRule({
    id: "TL-AWS-SNS-002",
    title: "SNS topic policy allows anyone",
    category: "Tampering",
    likelihood: 4,
    impact: 4,
    kinds: policyKinds("aws.sns.topic"),
    description:
      'The policy of topic {resource} allows Principal "*" without a condition: anyone can publish (spoofed notifications) or subscribe (data theft).',
    remediation:
      "Grant publish and subscribe to named principals or services, with aws:SourceArn / aws:SourceAccount conditions.",
    fix: {
      cloudformation:
        "PolicyDocument:\n  Statement:\n    - Effect: Allow\n      Principal:\n        Service: events.amazonaws.com\n      Action: sns:Publish\n      Resource: !Ref Topic",
      terraform:
        'statement {\n  actions   = ["sns:Publish"]\n  resources = [aws_sns_topic.this.arn]\n  principals {\n    type        = "Service"\n    identifiers = ["events.amazonaws.com"]\n  }\n}',
    },
    cwe: ["CWE-732"],
    attack: ["T1565"],
    test: (node, ctx) => publicPolicyHits(ctx, node, "aws.sns.topic"),
  }),
  awsRule({
    id: "TL-AWS-SNS-003",
    title: "SNS subscription delivers over plain HTTP",
    category: "InformationDisclosure",
    likelihood: 2,
    impact: 3,
    kinds: ["aws.sns.subscription", "aws.sns.topic"],
    description: "{resource} delivers notifications to an http:// endpoint, in cleartext.",
    remediation: "Use the https protocol for endpoint subscriptions.",
    fix: {
      cloudformation: "Properties:\n  Protocol: https\n  Endpoint: https://hooks.example.com/notify",
      terraform: 'protocol = "https"\nendpoint = "https://hooks.example.com/notify"',
    },
    cwe: ["CWE-319"],
    attack: ["T1040"],
    test: (node) => {
      if (node.kind === "aws.sns.subscription")
        return node.attrs.protocol === "http" && { paths: [at(node, "protocol")] };
      const subs = ((node.attrs.subscriptions as Array<{ protocol: unknown; path: string }>) ?? []).filter(
        (s) => s.protocol === "http",
      );
      return subs.length > 0 && { paths: subs.map((s) => s.path) };
    },
  }),
];
