import { publicAcl, publicPolicy } from "../facts.ts";
import { at, awsRule, nodesOf } from "./define.ts";

// TL-AWS-CT: CloudTrail.

/** Resource types that mark a template as managing an account's baseline (where its trail belongs). */
const ACCOUNT_BASELINE =
  /^(AWS::(Config::ConfigurationRecorder|GuardDuty::Detector|SecurityHub::Hub|Organizations::\w+|IAM::Group|AccessAnalyzer::Analyzer)|aws_(iam_account_password_policy|iam_account_alias|iam_group|config_configuration_recorder|guardduty_detector|securityhub_account|organizations_\w+|accessanalyzer_analyzer|s3_account_public_access_block|ebs_encryption_by_default))$/;

export const CT_RULES = [
  awsRule({
    id: "TL-AWS-CT-001",
    title: "No CloudTrail trail records this identity's actions",
    category: "Repudiation",
    likelihood: 2,
    impact: 3,
    kinds: ["aws.iam.user", "aws.iam.role"],
    description:
      "{resource} is an IAM user or an administrator identity of an account whose identities this template or module manages, and it declares no CloudTrail trail; unless an organization trail exists, what they do is kept only in the 90-day event history (management events only).",
    remediation:
      "Declare a multi-region trail with log file validation (or confirm an organization trail covers the account).",
    fix: {
      cloudformation:
        "Trail:\n  Type: AWS::CloudTrail::Trail\n  Properties:\n    IsLogging: true\n    IsMultiRegionTrail: true\n    EnableLogFileValidation: true\n    S3BucketName: !Ref TrailBucket",
      terraform:
        'resource "aws_cloudtrail" "main" {\n  name                       = "main"\n  s3_bucket_name             = aws_s3_bucket.trail.id\n  is_multi_region_trail      = true\n  enable_log_file_validation = true\n}',
    },
    cwe: ["CWE-778"],
    attack: ["T1562.008"],
    exposedBoost: 0,
    test: (node, ctx) => {
      // Trails are account-wide and live with the account's baseline, not in every application stack. A
      // template that manages IAM users is such a baseline; one that only declares its own (even administrator)
      // roles is not, and whether a trail exists is not knowable from it (the admin role rules report the role).
      if (nodesOf(ctx, ["aws.cloudtrail.trail"]).length > 0) return null;
      const users = nodesOf(ctx, ["aws.iam.user"]);
      if (users.length === 0) return null;
      // Users alone are common in application stacks (a CI robot); the baseline is where the account's guard
      // rails are: a password policy, Config, GuardDuty, Security Hub, Organizations, IAM groups.
      if (!ctx.graph.nodes.some((n) => ACCOUNT_BASELINE.test(n.type))) return null;
      const identities = [...users, ...nodesOf(ctx, ["aws.iam.role"]).filter((r) => r.attrs.admin === true)];
      // One account-wide gap, one finding: on the first identity, naming the others.
      if (identities[0] !== node) return null;
      return {
        paths: [""],
        related: identities.slice(1),
        detail: `This template manages ${identities.map((n) => n.id).join(", ")} and declares no CloudTrail trail.`,
      };
    },
  }),
  awsRule({
    id: "TL-AWS-CT-002",
    title: "CloudTrail trail is not multi-region",
    category: "Repudiation",
    likelihood: 2,
    impact: 3,
    kinds: ["aws.cloudtrail.trail"],
    description:
      "Trail {resource} records one region only; activity in other regions (a favourite of attackers) goes unrecorded.",
    remediation: "Set IsMultiRegionTrail.",
    fix: { cloudformation: "Properties:\n  IsMultiRegionTrail: true", terraform: "is_multi_region_trail = true" },
    cwe: ["CWE-778"],
    attack: ["T1535"],
    test: (node) => node.attrs.multiRegion === false && { paths: [at(node, "multiRegion")] },
  }),
  awsRule({
    id: "TL-AWS-CT-003",
    title: "CloudTrail log file validation is disabled",
    category: "Repudiation",
    likelihood: 2,
    impact: 3,
    kinds: ["aws.cloudtrail.trail"],
    description: "Trail {resource} writes no digest files, so altered or deleted log files cannot be detected.",
    remediation: "Enable log file validation.",
    fix: {
      cloudformation: "Properties:\n  EnableLogFileValidation: true",
      terraform: "enable_log_file_validation = true",
    },
    cwe: ["CWE-354", "CWE-778"],
    attack: ["T1070"],
    test: (node) => node.attrs.logValidation === false && { paths: [at(node, "logValidation")] },
  }),
  awsRule({
    id: "TL-AWS-CT-004",
    title: "CloudTrail logs are not encrypted with KMS",
    category: "InformationDisclosure",
    likelihood: 1,
    impact: 3,
    kinds: ["aws.cloudtrail.trail"],
    description:
      "Trail {resource} relies on S3-managed encryption; anyone with read access to the bucket reads the account's activity.",
    remediation: "Encrypt the trail with a KMS key whose policy limits decryption to the security team.",
    fix: { cloudformation: "Properties:\n  KMSKeyId: !Ref TrailKey", terraform: "kms_key_id = aws_kms_key.trail.arn" },
    cwe: ["CWE-311"],
    test: (node) => node.attrs.kms === false && { paths: [at(node, "kms")] },
  }),
  awsRule({
    id: "TL-AWS-CT-005",
    title: "CloudTrail is not sent to CloudWatch Logs",
    category: "Repudiation",
    likelihood: 1,
    impact: 3,
    kinds: ["aws.cloudtrail.trail"],
    description:
      "Trail {resource} is not delivered to CloudWatch Logs, so no metric filter or alarm can react to suspicious API calls.",
    remediation:
      "Deliver the trail to a log group and add alarms for root use, IAM changes and console sign-in failures.",
    fix: {
      cloudformation:
        "Properties:\n  CloudWatchLogsLogGroupArn: !GetAtt TrailLogGroup.Arn\n  CloudWatchLogsRoleArn: !GetAtt TrailLogsRole.Arn",
      terraform:
        'cloud_watch_logs_group_arn = "${aws_cloudwatch_log_group.trail.arn}:*"\ncloud_watch_logs_role_arn  = aws_iam_role.trail_logs.arn',
    },
    cwe: ["CWE-778"],
    attack: ["T1562.008"],
    test: (node) => node.attrs.cloudWatch === false && { paths: [at(node, "cloudWatch")] },
  }),
  awsRule({
    id: "TL-AWS-CT-006",
    title: "CloudTrail trail is not logging",
    category: "Repudiation",
    likelihood: 4,
    impact: 4,
    kinds: ["aws.cloudtrail.trail"],
    description: "Trail {resource} is declared with logging turned off: nothing is recorded.",
    remediation: "Turn logging on.",
    fix: { cloudformation: "Properties:\n  IsLogging: true", terraform: "enable_logging = true" },
    cwe: ["CWE-778"],
    attack: ["T1562.008"],
    test: (node) => node.attrs.logging === false && { paths: [at(node, "logging")] },
  }),
  awsRule({
    id: "TL-AWS-CT-007",
    title: "CloudTrail logs go to a public bucket",
    category: "Tampering",
    likelihood: 3,
    impact: 5,
    kinds: ["aws.cloudtrail.trail"],
    description:
      "Trail {resource} writes to a bucket that is public, so the audit trail can be read (and, with a public-write ACL, altered) by anyone.",
    remediation:
      "Keep the trail bucket private, with a policy that only lets CloudTrail write and the security team read.",
    fix: {
      cloudformation:
        "TrailBucket:\n  Type: AWS::S3::Bucket\n  Properties:\n    PublicAccessBlockConfiguration:\n      BlockPublicAcls: true\n      IgnorePublicAcls: true\n      BlockPublicPolicy: true\n      RestrictPublicBuckets: true",
      terraform:
        'resource "aws_s3_bucket_public_access_block" "trail" {\n  bucket                  = aws_s3_bucket.trail.id\n  block_public_acls       = true\n  ignore_public_acls      = true\n  block_public_policy     = true\n  restrict_public_buckets = true\n}',
    },
    cwe: ["CWE-732", "CWE-779"],
    attack: ["T1070", "T1530"],
    test: (node, ctx) => {
      const buckets = ctx
        .out(node.id, "logs-to")
        .filter((b) => b.kind === "aws.s3.bucket" && (publicAcl(b) || publicPolicy(b)));
      return (
        buckets.length > 0 && {
          paths: ["Properties.S3BucketName", "s3_bucket_name"].filter((p) => p in node.propertyLines),
          related: buckets,
        }
      );
    },
  }),
];
