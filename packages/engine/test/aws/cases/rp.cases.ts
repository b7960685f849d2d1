import { cfn, tf } from "../harness.ts";
import type { RuleCase } from "../../rule-cases.ts";
import { res } from "./fixtures.ts";
import { keyCfn, rootKeyPolicy } from "./kms.cases.ts";

const jsonTemplate = (resources: Record<string, unknown>) =>
  JSON.stringify({ AWSTemplateFormatVersion: "2010-09-09", Resources: resources }, null, 2);

const trailBucketCfn = (condition: string) =>
  cfn(`
  TrailBucket:
    Type: AWS::S3::Bucket
  TrailBucketPolicy:
    Type: AWS::S3::BucketPolicy
    Properties:
      Bucket: !Ref TrailBucket
      PolicyDocument:
        Statement:
          - Effect: Allow
            Principal: { Service: cloudtrail.amazonaws.com }
            Action: s3:GetBucketAcl
            Resource: !GetAtt TrailBucket.Arn
          - Effect: Allow
            Principal: { Service: cloudtrail.amazonaws.com }
            Action: s3:PutObject
            Resource: !Sub "\${TrailBucket.Arn}/AWSLogs/\${AWS::AccountId}/*"
            Condition:
              StringEquals:
                s3:x-amz-acl: bucket-owner-full-control
${condition
  .split("\n")
  .map((l) => `                ${l}`)
  .join("\n")}
`);

const permissionCfn = (extra: string) =>
  cfn(`
  Invoke:
    Type: AWS::Lambda::Permission
    Properties:
      FunctionName: arn:aws:lambda:eu-west-1:111122223333:function:thumbs
      Action: lambda:InvokeFunction
      Principal: s3.amazonaws.com
${extra
  .split("\n")
  .map((l) => `      ${l}`)
  .join("\n")}
`);

const queueForTopicTf = (condition: string) =>
  tf(`
  resource "aws_sqs_queue" "q" {
    name = "orders"
  }
  data "aws_iam_policy_document" "q" {
    statement {
      actions   = ["sqs:SendMessage"]
      resources = [aws_sqs_queue.q.arn]
      principals {
        type        = "Service"
        identifiers = ["sns.amazonaws.com"]
      }
${condition}
    }
  }
  resource "aws_sqs_queue_policy" "q" {
    queue_url = aws_sqs_queue.q.id
    policy    = data.aws_iam_policy_document.q.json
  }
`);

/** An SNS topic whose policy lets EventBridge publish, narrowed by `condition` when given (a JSON template). */
const eventsTopicJson = (condition?: Record<string, unknown>) =>
  jsonTemplate({
    Topic: { Type: "AWS::SNS::Topic" },
    TopicPolicy: {
      Type: "AWS::SNS::TopicPolicy",
      Properties: {
        Topics: [{ Ref: "Topic" }],
        PolicyDocument: {
          Statement: [
            {
              Effect: "Allow",
              Principal: { Service: "events.amazonaws.com" },
              Action: "sns:Publish",
              Resource: { Ref: "Topic" },
              ...(condition ? { Condition: condition } : {}),
            },
          ],
        },
      },
    },
  });

/** A queue whose policy grants `action` (YAML) to another account. */
const crossAccountQueueCfn = (action: string) =>
  cfn(`
  Queue:
    Type: AWS::SQS::Queue
  QueuePolicy:
    Type: AWS::SQS::QueuePolicy
    Properties:
      Queues: [!Ref Queue]
      PolicyDocument:
        Statement:
          - Effect: Allow
            Principal: { AWS: "arn:aws:iam::999988887777:root" }
            Action: ${action}
            Resource: !GetAtt Queue.Arn
`);

export const RP_CASES: RuleCase[] = [
  {
    rule: "TL-AWS-RP-001",
    cfn: {
      pos: [
        crossAccountQueueCfn('"sqs:*"'),
        keyCfn(
          "KeyPolicy:\n  Statement:\n    - Effect: Allow\n      Principal: { AWS: 'arn:aws:iam::999988887777:role/ops' }\n      Action: kms:*\n      Resource: '*'",
        ),
      ],
      neg: [keyCfn(rootKeyPolicy), crossAccountQueueCfn("sqs:SendMessage")],
    },
    tf: {
      pos: [
        tf(`
          resource "aws_s3_bucket_policy" "shared" {
            bucket = "shared-elsewhere"
            policy = jsonencode({ Statement = [{ Effect = "Allow", Principal = { AWS = "999988887777" }, NotAction = "s3:DeleteBucket", Resource = "*" }] })
          }
        `),
      ],
      neg: [
        tf(`
          resource "aws_s3_bucket_policy" "shared" {
            bucket = "shared-elsewhere"
            policy = jsonencode({ Statement = [{ Effect = "Allow", Principal = { AWS = "999988887777" }, Action = "s3:*", Resource = "*", Condition = { StringEquals = { "aws:PrincipalArn" = "arn:aws:iam::999988887777:role/reader" } } }] })
          }
        `),
      ],
    },
  },
  {
    rule: "TL-AWS-RP-002",
    cfn: {
      pos: [trailBucketCfn(""), permissionCfn("")],
      neg: [
        trailBucketCfn("aws:SourceArn: !Sub arn:aws:cloudtrail:${AWS::Region}:${AWS::AccountId}:trail/main"),
        permissionCfn("SourceAccount: !Ref AWS::AccountId\nSourceArn: arn:aws:s3:::thumbs-upload"),
      ],
    },
    json: {
      pos: [eventsTopicJson()],
      neg: [
        eventsTopicJson({ ArnEquals: { "aws:SourceArn": { "Fn::GetAtt": ["Rule", "Arn"] } } }),
        // A trust policy of a service role: the service uses the role only when someone in the account passes it.
        jsonTemplate({
          Role: {
            Type: "AWS::IAM::Role",
            Properties: {
              AssumeRolePolicyDocument: {
                Statement: [
                  { Effect: "Allow", Principal: { Service: "events.amazonaws.com" }, Action: "sts:AssumeRole" },
                ],
              },
            },
          },
        }),
      ],
    },
    tf: {
      pos: [
        queueForTopicTf(""),
        queueForTopicTf(`      condition {
        test     = "ArnLike"
        variable = "aws:SourceArn"
        values   = ["arn:aws:sns:*:*:*"]
      }`),
        res(
          "aws_lambda_permission",
          'action = "lambda:InvokeFunction"\nfunction_name = "thumbs"\nprincipal = "events.amazonaws.com"',
        ),
      ],
      neg: [
        queueForTopicTf(`      condition {
        test     = "ArnEquals"
        variable = "aws:SourceArn"
        values   = [aws_sns_topic.orders.arn]
      }`),
        res(
          "aws_lambda_permission",
          'action = "lambda:InvokeFunction"\nfunction_name = "thumbs"\nprincipal = "events.amazonaws.com"\nsource_arn = aws_cloudwatch_event_rule.nightly.arn',
        ),
        res("aws_lambda_permission", 'action = "lambda:InvokeFunction"\nfunction_name = "thumbs"\nprincipal = "*"'),
      ],
    },
  },
];
