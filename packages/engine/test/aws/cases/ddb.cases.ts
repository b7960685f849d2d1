import type { RuleCase } from "../../rule-cases.ts";
import { res, one } from "./fixtures.ts";

export const DDB_CASES: RuleCase[] = [
  {
    rule: "TL-AWS-DDB-001",
    cfn: {
      pos: [one("AWS::DynamoDB::Table", "BillingMode: PAY_PER_REQUEST")],
      neg: [one("AWS::DynamoDB::Table", "PointInTimeRecoverySpecification: { PointInTimeRecoveryEnabled: true }")],
    },
    tf: {
      pos: [res("aws_dynamodb_table", 'name = "t"')],
      neg: [res("aws_dynamodb_table", "point_in_time_recovery {\n  enabled = true\n}")],
    },
  },
  {
    rule: "TL-AWS-DDB-002",
    cfn: {
      pos: [one("AWS::DynamoDB::Table", "SSESpecification: { SSEEnabled: true }")],
      neg: [
        one("AWS::DynamoDB::Table", "SSESpecification: { SSEEnabled: true, SSEType: KMS, KMSMasterKeyId: alias/t }"),
      ],
    },
    tf: {
      pos: [res("aws_dynamodb_table", 'name = "t"')],
      neg: [
        res(
          "aws_dynamodb_table",
          'server_side_encryption {\n  enabled = true\n  kms_key_arn = "arn:aws:kms:eu-west-1:111122223333:key/1"\n}',
        ),
      ],
    },
  },
  {
    rule: "TL-AWS-DDB-003",
    cfn: {
      pos: [one("AWS::DynamoDB::Table", "BillingMode: PAY_PER_REQUEST")],
      neg: [one("AWS::DynamoDB::Table", "DeletionProtectionEnabled: true")],
    },
    tf: {
      pos: [res("aws_dynamodb_table", 'name = "t"')],
      neg: [res("aws_dynamodb_table", "deletion_protection_enabled = true")],
    },
  },
];
