import { cfn } from "../harness.ts";
import type { RuleCase } from "../../rule-cases.ts";
import { res, one, publicStatement, publicStatementTf } from "./fixtures.ts";

export const SNS_CASES: RuleCase[] = [
  {
    rule: "TL-AWS-SNS-001",
    cfn: {
      pos: [one("AWS::SNS::Topic", "TopicName: t")],
      neg: [one("AWS::SNS::Topic", "KmsMasterKeyId: alias/aws/sns")],
    },
    tf: {
      pos: [res("aws_sns_topic", 'name = "t"')],
      neg: [res("aws_sns_topic", 'kms_master_key_id = "alias/aws/sns"')],
    },
  },
  {
    rule: "TL-AWS-SNS-002",
    cfn: {
      pos: [
        cfn(
          `\n  Topic:\n    Type: AWS::SNS::Topic\n  Policy:\n    Type: AWS::SNS::TopicPolicy\n    Properties:\n      Topics: [!Ref Topic]\n      PolicyDocument:\n        Statement:\n          ${publicStatement}\n`,
        ),
      ],
      neg: [one("AWS::SNS::Topic", "TopicName: t")],
    },
    tf: {
      pos: [res("aws_sns_topic", `policy = jsonencode({ Statement = [${publicStatementTf}] })`)],
      neg: [
        res("aws_sns_topic", 'name = "t"'),
        res(
          "aws_sns_topic",
          'policy = jsonencode({ Statement = [{ Effect = "Allow", Principal = { AWS = "*" }, Action = "sns:Publish", Resource = "*", Condition = { StringEquals = { "aws:SourceAccount" = "111122223333" } } }] })',
        ),
      ],
    },
  },
  {
    rule: "TL-AWS-SNS-003",
    cfn: {
      pos: [
        one("AWS::SNS::Topic", "Subscription:\n  - { Protocol: http, Endpoint: 'http://hooks.example.com' }"),
        one("AWS::SNS::Subscription", "Protocol: http\nEndpoint: http://x\nTopicArn: arn:aws:sns:x"),
      ],
      neg: [one("AWS::SNS::Topic", "Subscription:\n  - { Protocol: https, Endpoint: 'https://hooks.example.com' }")],
    },
    tf: {
      pos: [res("aws_sns_topic_subscription", 'topic_arn = "arn:aws:sns:x"\nprotocol = "http"\nendpoint = "http://x"')],
      neg: [
        res("aws_sns_topic_subscription", 'topic_arn = "arn:aws:sns:x"\nprotocol = "sqs"\nendpoint = "arn:aws:sqs:x"'),
      ],
    },
  },
];
