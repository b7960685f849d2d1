import { at, awsRule } from "./define.ts";

// TL-AWS-DDB: DynamoDB.

export const DDB_RULES = [
  awsRule({
    id: "TL-AWS-DDB-001",
    title: "DynamoDB point-in-time recovery is disabled",
    category: "Tampering",
    likelihood: 2,
    impact: 4,
    kinds: ["aws.dynamodb.table"],
    description: "Table {resource} cannot be restored to an earlier second: bad writes and deletions are permanent.",
    remediation: "Enable point-in-time recovery.",
    fix: {
      cloudformation: "Properties:\n  PointInTimeRecoverySpecification:\n    PointInTimeRecoveryEnabled: true",
      terraform: "point_in_time_recovery {\n  enabled = true\n}",
    },
    cwe: ["CWE-693"],
    attack: ["T1485"],
    exposedBoost: 0,
    test: (node) => node.attrs.pitr === false && { paths: [at(node, "pitr")] },
  }),
  awsRule({
    id: "TL-AWS-DDB-002",
    title: "DynamoDB table is not encrypted with a customer-managed key",
    category: "InformationDisclosure",
    likelihood: 1,
    impact: 3,
    kinds: ["aws.dynamodb.table"],
    description:
      "Table {resource} uses an AWS-owned or AWS-managed key, so its key policy cannot limit who decrypts the data.",
    remediation: "Use SSE with a customer-managed KMS key.",
    fix: {
      cloudformation:
        "Properties:\n  SSESpecification:\n    SSEEnabled: true\n    SSEType: KMS\n    KMSMasterKeyId: !Ref TableKey",
      terraform: "server_side_encryption {\n  enabled     = true\n  kms_key_arn = aws_kms_key.table.arn\n}",
    },
    cwe: ["CWE-311"],
    exposedBoost: 0,
    test: (node) => node.attrs.cmk === false && { paths: [at(node, "cmk")] },
  }),
  awsRule({
    id: "TL-AWS-DDB-003",
    title: "DynamoDB deletion protection is disabled",
    category: "DenialOfService",
    likelihood: 1,
    impact: 4,
    kinds: ["aws.dynamodb.table"],
    description: "Table {resource} can be deleted by a single API call or stack change.",
    remediation: "Enable deletion protection.",
    fix: {
      cloudformation: "Properties:\n  DeletionProtectionEnabled: true",
      terraform: "deletion_protection_enabled = true",
    },
    cwe: ["CWE-693"],
    attack: ["T1485"],
    exposedBoost: 0,
    test: (node) => node.attrs.deletionProtection === false && { paths: [at(node, "deletionProtection")] },
  }),
];
