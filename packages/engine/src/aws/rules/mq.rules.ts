import { at, awsRule } from "./define.ts";

// TL-AWS-MQ: Amazon MQ.

export const MQ_RULES = [
  awsRule({
    id: "TL-AWS-MQ-001",
    title: "Amazon MQ broker is publicly accessible",
    category: "InformationDisclosure",
    likelihood: 3,
    impact: 4,
    kinds: ["aws.mq.broker"],
    description:
      "Broker {resource} has a public endpoint: its message and console ports are reachable from the internet.",
    remediation: "Deploy the broker privately in the VPC (PubliclyAccessible false).",
    fix: { cloudformation: "Properties:\n  PubliclyAccessible: false", terraform: "publicly_accessible = false" },
    cwe: ["CWE-284"],
    attack: ["T1190"],
    test: (node) => node.attrs.public === true && { paths: [at(node, "public")] },
  }),
  awsRule({
    id: "TL-AWS-MQ-002",
    title: "Amazon MQ broker is not encrypted with a customer-managed key",
    category: "InformationDisclosure",
    likelihood: 1,
    impact: 3,
    kinds: ["aws.mq.broker"],
    description:
      "Broker {resource} encrypts messages at rest with an AWS-owned key, which no key policy or CloudTrail record of yours covers.",
    remediation: "Use a customer-managed KMS key (UseAwsOwnedKey false with KmsKeyId).",
    fix: {
      cloudformation: "Properties:\n  EncryptionOptions:\n    UseAwsOwnedKey: false\n    KmsKeyId: !Ref BrokerKey",
      terraform: "encryption_options {\n  use_aws_owned_key = false\n  kms_key_id        = aws_kms_key.broker.arn\n}",
    },
    cwe: ["CWE-311"],
    exposedBoost: 0,
    test: (node) => node.attrs.cmk === false && { paths: [at(node, "cmk")] },
  }),
  awsRule({
    id: "TL-AWS-MQ-003",
    title: "Amazon MQ broker logging is disabled",
    category: "Repudiation",
    likelihood: 2,
    impact: 2,
    kinds: ["aws.mq.broker"],
    description:
      "Broker {resource} publishes no audit log (ActiveMQ) or general log (RabbitMQ) to CloudWatch: who changed or used it goes unrecorded.",
    remediation: "Enable audit logs for ActiveMQ, general logs for RabbitMQ.",
    fix: {
      cloudformation: "Properties:\n  Logs:\n    Audit: true\n    General: true",
      terraform: "logs {\n  audit   = true\n  general = true\n}",
    },
    cwe: ["CWE-778"],
    exposedBoost: 0,
    test: (node) => node.attrs.logging === false && { paths: [at(node, "logging")] },
  }),
];
