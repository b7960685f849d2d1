import type { RuleCase } from "../../rule-cases.ts";
import { res, one, json } from "./fixtures.ts";

const athenaGoodCfn = one(
  "AWS::Athena::WorkGroup",
  "Name: analytics\nWorkGroupConfiguration:\n  EnforceWorkGroupConfiguration: true\n  ResultConfiguration:\n    OutputLocation: s3://results/\n    EncryptionConfiguration:\n      EncryptionOption: SSE_KMS\n      KmsKey: arn:aws:kms:eu-west-1:111122223333:key/abc",
);

const athenaGoodTf = res(
  "aws_athena_workgroup",
  'name = "analytics"\nconfiguration {\n  enforce_workgroup_configuration = true\n  result_configuration {\n    output_location = "s3://results/"\n    encryption_configuration {\n      encryption_option = "SSE_KMS"\n      kms_key_arn       = aws_kms_key.results.arn\n    }\n  }\n}',
);

export const ATHENA_CASES: RuleCase[] = [
  {
    rule: "TL-AWS-ATHENA-001",
    cfn: {
      pos: [one("AWS::Athena::WorkGroup", "Name: analytics")],
      neg: [athenaGoodCfn],
    },
    json: {
      pos: [
        json("AWS::Athena::WorkGroup", {
          Name: "analytics",
          WorkGroupConfiguration: { ResultConfiguration: { OutputLocation: "s3://results/" } },
        }),
      ],
      neg: [
        json("AWS::Athena::WorkGroup", {
          Name: "a",
          WorkGroupConfiguration: {
            ResultConfiguration: { EncryptionConfiguration: { EncryptionOption: "SSE_KMS", KmsKey: "k" } },
          },
        }),
      ],
    },
    tf: {
      pos: [res("aws_athena_workgroup", 'name = "analytics"')],
      neg: [athenaGoodTf],
    },
  },
  {
    rule: "TL-AWS-ATHENA-002",
    cfn: {
      pos: [
        one(
          "AWS::Athena::WorkGroup",
          "Name: analytics\nWorkGroupConfiguration:\n  EnforceWorkGroupConfiguration: false\n  ResultConfiguration:\n    EncryptionConfiguration: { EncryptionOption: SSE_S3 }",
        ),
      ],
      neg: [athenaGoodCfn, one("AWS::Athena::WorkGroup", "Name: analytics")],
    },
    tf: {
      pos: [res("aws_athena_workgroup", 'name = "a"\nconfiguration {\n  enforce_workgroup_configuration = false\n}')],
      neg: [athenaGoodTf, res("aws_athena_workgroup", 'name = "a"')],
    },
  },
];
