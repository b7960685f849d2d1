import { tf } from "../harness.ts";
import type { RuleCase } from "../../rule-cases.ts";
import { res, one, json, doc } from "./fixtures.ts";

export const LOGS_CASES: RuleCase[] = [
  {
    rule: "TL-AWS-LOGS-001",
    cfn: {
      pos: [one("AWS::Logs::LogGroup", "RetentionInDays: 30")],
      neg: [one("AWS::Logs::LogGroup", "RetentionInDays: 400")],
    },
    tf: {
      pos: [res("aws_cloudwatch_log_group", "retention_in_days = 7")],
      neg: [res("aws_cloudwatch_log_group", "retention_in_days = 365")],
    },
  },
  {
    rule: "TL-AWS-LOGS-002",
    cfn: {
      pos: [one("AWS::Logs::LogGroup", "RetentionInDays: 400")],
      neg: [one("AWS::Logs::LogGroup", "KmsKeyId: arn:aws:kms:x")],
    },
    tf: {
      pos: [res("aws_cloudwatch_log_group", "retention_in_days = 365")],
      neg: [res("aws_cloudwatch_log_group", 'kms_key_id = "arn:aws:kms:x"')],
    },
  },
  {
    rule: "TL-AWS-LOGS-003",
    cfn: {
      pos: [
        one(
          "AWS::Logs::ResourcePolicy",
          `PolicyName: open\nPolicyDocument: '{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":"*","Action":["logs:CreateLogStream","logs:PutLogEvents"],"Resource":"*"}]}'`,
          "LogsPolicy",
        ),
        one(
          "AWS::Logs::Destination",
          `DestinationName: central\nRoleArn: arn:aws:iam::111122223333:role/cwl\nTargetArn: arn:aws:kinesis:eu-west-1:111122223333:stream/logs\nDestinationPolicy: '{"Statement":[{"Effect":"Allow","Principal":{"AWS":"*"},"Action":"logs:PutSubscriptionFilter","Resource":"*"}]}'`,
          "Destination",
        ),
      ],
      neg: [
        one(
          "AWS::Logs::ResourcePolicy",
          `PolicyName: es\nPolicyDocument: '{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"Service":"es.amazonaws.com"},"Action":["logs:CreateLogStream","logs:PutLogEvents"],"Resource":"*"}]}'`,
          "LogsPolicy",
        ),
        one(
          "AWS::Logs::Destination",
          `DestinationName: central\nRoleArn: arn:aws:iam::111122223333:role/cwl\nTargetArn: arn:aws:kinesis:eu-west-1:111122223333:stream/logs\nDestinationPolicy: '{"Statement":[{"Effect":"Allow","Principal":{"AWS":"*"},"Action":"logs:PutSubscriptionFilter","Resource":"*","Condition":{"StringEquals":{"aws:PrincipalOrgID":["o-a1b2c3d4e5"]}}}]}'`,
          "Destination",
        ),
      ],
    },
    json: {
      pos: [
        json("AWS::Logs::ResourcePolicy", {
          PolicyName: "open",
          PolicyDocument: JSON.stringify(
            doc({ Effect: "Allow", Principal: { AWS: "*" }, Action: "logs:PutLogEvents", Resource: "*" }),
          ),
        }),
      ],
      neg: [
        json("AWS::Logs::ResourcePolicy", {
          PolicyName: "r53",
          PolicyDocument: JSON.stringify(
            doc({
              Effect: "Allow",
              Principal: { Service: "route53.amazonaws.com" },
              Action: "logs:PutLogEvents",
              Resource: "*",
            }),
          ),
        }),
      ],
    },
    tf: {
      pos: [
        res(
          "aws_cloudwatch_log_resource_policy",
          'policy_name = "open"\npolicy_document = jsonencode({ Statement = [{ Effect = "Allow", Principal = "*", Action = ["logs:PutLogEvents"], Resource = "*" }] })',
        ),
        tf(
          `resource "aws_cloudwatch_log_destination" "central" {\n  name       = "central"\n  role_arn   = aws_iam_role.cwl.arn\n  target_arn = aws_kinesis_stream.logs.arn\n}\nresource "aws_cloudwatch_log_destination_policy" "central" {\n  destination_name = aws_cloudwatch_log_destination.central.name\n  access_policy = jsonencode({ Statement = [{ Effect = "Allow", Principal = { AWS = "*" }, Action = "logs:PutSubscriptionFilter", Resource = aws_cloudwatch_log_destination.central.arn }] })\n}`,
        ),
      ],
      neg: [
        res(
          "aws_cloudwatch_log_resource_policy",
          'policy_name = "es"\npolicy_document = jsonencode({ Statement = [{ Effect = "Allow", Principal = { Service = "es.amazonaws.com" }, Action = ["logs:PutLogEvents"], Resource = "*" }] })',
        ),
        tf(
          `resource "aws_cloudwatch_log_destination" "central" {\n  name       = "central"\n  role_arn   = aws_iam_role.cwl.arn\n  target_arn = aws_kinesis_stream.logs.arn\n}\nresource "aws_cloudwatch_log_destination_policy" "central" {\n  destination_name = aws_cloudwatch_log_destination.central.name\n  access_policy = jsonencode({ Statement = [{ Effect = "Allow", Principal = { AWS = ["222233334444"] }, Action = "logs:PutSubscriptionFilter", Resource = aws_cloudwatch_log_destination.central.arn }] })\n}`,
        ),
      ],
    },
  },
];
