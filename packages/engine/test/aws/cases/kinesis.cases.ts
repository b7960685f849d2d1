import type { RuleCase } from "../../rule-cases.ts";
import { res, one } from "./fixtures.ts";

export const KINESIS_CASES: RuleCase[] = [
  {
    rule: "TL-AWS-KINESIS-001",
    cfn: {
      pos: [one("AWS::Kinesis::Stream", "ShardCount: 1")],
      neg: [
        one(
          "AWS::Kinesis::Stream",
          "ShardCount: 1\nStreamEncryption: { EncryptionType: KMS, KeyId: alias/aws/kinesis }",
        ),
      ],
    },
    tf: {
      pos: [res("aws_kinesis_stream", "shard_count = 1")],
      neg: [res("aws_kinesis_stream", 'shard_count = 1\nencryption_type = "KMS"\nkms_key_id = "alias/aws/kinesis"')],
    },
  },
];
