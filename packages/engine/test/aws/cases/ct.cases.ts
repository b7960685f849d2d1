import { cfn, tf } from "../harness.ts";
import type { RuleCase } from "../../rule-cases.ts";
import { roleCfn, userCfn } from "./iam.cases.ts";

const trailCfn = (props: string) =>
  cfn(`
  Trail:
    Type: AWS::CloudTrail::Trail
    Properties:
      S3BucketName: trail-bucket
${props
  .split("\n")
  .map((l) => `      ${l}`)
  .join("\n")}
`);

const goodTrailCfn = trailCfn(
  "IsLogging: true\nIsMultiRegionTrail: true\nEnableLogFileValidation: true\nKMSKeyId: alias/trail\nCloudWatchLogsLogGroupArn: arn:aws:logs:eu-west-1:111122223333:log-group:trail:*\nCloudWatchLogsRoleArn: arn:aws:iam::111122223333:role/trail",
);

const trailTf = (body: string) =>
  tf(`
  resource "aws_cloudtrail" "trail" {
    name           = "main"
    s3_bucket_name = "trail-bucket"
${body}
  }
`);

const goodTrailTf = trailTf(`
    is_multi_region_trail      = true
    enable_log_file_validation = true
    kms_key_id                 = "alias/trail"
    cloud_watch_logs_group_arn = "arn:aws:logs:eu-west-1:111122223333:log-group:trail:*"
`);

export const CT_CASES: RuleCase[] = [
  {
    rule: "TL-AWS-CT-001",
    cfn: {
      pos: [
        `${userCfn("UserName: robot")}  Detector:\n    Type: AWS::GuardDuty::Detector\n    Properties: { Enable: true }\n`,
      ],
      neg: [
        // A CI robot in an application stack: the trail lives with the account baseline, not here.
        userCfn("UserName: robot"),
        roleCfn(
          "- Effect: Allow\n  Principal: { Service: ec2.amazonaws.com }\n  Action: sts:AssumeRole",
          "      ManagedPolicyArns:\n        - arn:aws:iam::aws:policy/AdministratorAccess",
        ),
      ],
    },
    tf: {
      pos: [
        tf(
          `resource "aws_iam_user" "ops" {\n  name = "ops"\n}\nresource "aws_iam_role" "admin" {\n  assume_role_policy  = "{}"\n  managed_policy_arns = ["arn:aws:iam::aws:policy/AdministratorAccess"]\n}\nresource "aws_iam_account_password_policy" "strict" {\n  minimum_password_length = 14\n}`,
        ),
      ],
      neg: [
        tf(`resource "aws_iam_user" "ops" {\n  name = "ops"\n}`),
        tf(
          `resource "aws_iam_user" "ops" {\n  name = "ops"\n}\nresource "aws_iam_role" "admin" {\n  assume_role_policy  = "{}"\n  managed_policy_arns = ["arn:aws:iam::aws:policy/AdministratorAccess"]\n}\nresource "aws_cloudtrail" "t" {\n  name           = "t"\n  s3_bucket_name = "trail"\n}`,
        ),
        // An application stack's own administrator role: trails live with the account baseline, not here.
        tf(
          `resource "aws_iam_role" "admin" {\n  assume_role_policy  = "{}"\n  managed_policy_arns = ["arn:aws:iam::aws:policy/AdministratorAccess"]\n}`,
        ),
      ],
    },
  },
  {
    rule: "TL-AWS-CT-002",
    cfn: { pos: [trailCfn("IsLogging: true")], neg: [goodTrailCfn] },
    tf: { pos: [trailTf("")], neg: [goodTrailTf] },
  },
  {
    rule: "TL-AWS-CT-003",
    cfn: { pos: [trailCfn("IsLogging: true\nEnableLogFileValidation: false")], neg: [goodTrailCfn] },
    tf: { pos: [trailTf("    enable_log_file_validation = false")], neg: [goodTrailTf] },
  },
  {
    rule: "TL-AWS-CT-004",
    cfn: { pos: [trailCfn("IsLogging: true")], neg: [goodTrailCfn] },
    tf: { pos: [trailTf("")], neg: [goodTrailTf] },
  },
  {
    rule: "TL-AWS-CT-005",
    cfn: { pos: [trailCfn("IsLogging: true")], neg: [goodTrailCfn] },
    tf: { pos: [trailTf("")], neg: [goodTrailTf] },
  },
  {
    rule: "TL-AWS-CT-006",
    cfn: { pos: [trailCfn("IsLogging: false")], neg: [goodTrailCfn] },
    tf: { pos: [trailTf("    enable_logging = false")], neg: [goodTrailTf] },
  },
  {
    rule: "TL-AWS-CT-007",
    cfn: {
      pos: [
        cfn(
          `\n  TrailBucket:\n    Type: AWS::S3::Bucket\n    Properties: { AccessControl: PublicRead }\n  Trail:\n    Type: AWS::CloudTrail::Trail\n    Properties: { S3BucketName: !Ref TrailBucket, IsLogging: true }\n`,
        ),
      ],
      neg: [
        cfn(
          `\n  TrailBucket:\n    Type: AWS::S3::Bucket\n  Trail:\n    Type: AWS::CloudTrail::Trail\n    Properties: { S3BucketName: !Ref TrailBucket, IsLogging: true }\n`,
        ),
      ],
    },
    tf: {
      pos: [
        tf(
          `resource "aws_s3_bucket" "trail" {\n  acl = "public-read"\n}\nresource "aws_cloudtrail" "t" {\n  name           = "t"\n  s3_bucket_name = aws_s3_bucket.trail.id\n}`,
        ),
      ],
      neg: [
        tf(
          `resource "aws_s3_bucket" "trail" {}\nresource "aws_cloudtrail" "t" {\n  name           = "t"\n  s3_bucket_name = aws_s3_bucket.trail.id\n}`,
        ),
      ],
    },
  },
];
