import { cfn, tf } from "../harness.ts";
import type { RuleCase } from "../../rule-cases.ts";
import { res, one, publicStatement, publicStatementTf } from "./fixtures.ts";

export const SQS_CASES: RuleCase[] = [
  {
    rule: "TL-AWS-SQS-001",
    cfn: {
      pos: [one("AWS::SQS::Queue", "SqsManagedSseEnabled: false"), one("AWS::SQS::Queue", "DelaySeconds: 0")],
      neg: [
        one("AWS::SQS::Queue", "KmsMasterKeyId: alias/aws/sqs"),
        one("AWS::SQS::Queue", "SqsManagedSseEnabled: true"),
      ],
    },
    tf: {
      pos: [res("aws_sqs_queue", 'name = "q"\nsqs_managed_sse_enabled = false')],
      neg: [res("aws_sqs_queue", 'kms_master_key_id = "alias/aws/sqs"')],
    },
  },
  {
    rule: "TL-AWS-SQS-002",
    cfn: {
      pos: [
        cfn(
          `\n  Queue:\n    Type: AWS::SQS::Queue\n  Policy:\n    Type: AWS::SQS::QueuePolicy\n    Properties:\n      Queues: [!Ref Queue]\n      PolicyDocument:\n        Statement:\n          ${publicStatement}\n`,
        ),
      ],
      neg: [one("AWS::SQS::Queue", "KmsMasterKeyId: alias/aws/sqs")],
    },
    tf: {
      pos: [
        tf(
          `resource "aws_sqs_queue" "q" {}\nresource "aws_sqs_queue_policy" "q" {\n  queue_url = aws_sqs_queue.q.id\n  policy    = jsonencode({ Statement = [${publicStatementTf}] })\n}`,
        ),
        // A queue of another stack, named by its URL.
        tf(
          `resource "aws_sqs_queue_policy" "q" {\n  queue_url = "https://sqs.eu-west-1.amazonaws.com/111122223333/jobs"\n  policy    = jsonencode({ Statement = [${publicStatementTf}] })\n}`,
        ),
      ],
      neg: [
        res("aws_sqs_queue", 'name = "q"'),
        tf(
          `resource "aws_sns_topic" "t" {}\nresource "aws_sqs_queue" "q" {}\nresource "aws_sqs_queue_policy" "q" {\n  queue_url = aws_sqs_queue.q.id\n  policy    = jsonencode({ Statement = [{ Effect = "Allow", Principal = "*", Action = "sqs:SendMessage", Resource = "*", Condition = { ArnEquals = { "aws:SourceArn" = aws_sns_topic.t.arn } } }] })\n}`,
        ),
      ],
    },
  },
  {
    rule: "TL-AWS-SQS-003",
    cfn: {
      pos: [one("AWS::SQS::Queue", "KmsMasterKeyId: alias/aws/sqs")],
      neg: [
        cfn(
          `\n  Dlq:\n    Type: AWS::SQS::Queue\n  Queue:\n    Type: AWS::SQS::Queue\n    Properties:\n      RedrivePolicy: { deadLetterTargetArn: !GetAtt Dlq.Arn, maxReceiveCount: 5 }\n`,
        ),
      ],
    },
    tf: {
      pos: [res("aws_sqs_queue", 'name = "q"')],
      neg: [
        tf(
          `resource "aws_sqs_queue" "dlq" {}\nresource "aws_sqs_queue" "q" {\n  redrive_policy = jsonencode({ deadLetterTargetArn = aws_sqs_queue.dlq.arn, maxReceiveCount = 5 })\n}`,
        ),
      ],
    },
  },
];
