import { cfn, tf } from "../harness.ts";
import type { RuleCase } from "../../rule-cases.ts";
import { res } from "./fixtures.ts";

const secureBucketCfn = cfn(`
  Data:
    Type: AWS::S3::Bucket
    Properties:
      BucketEncryption:
        ServerSideEncryptionConfiguration:
          - ServerSideEncryptionByDefault: { SSEAlgorithm: aws:kms, KMSMasterKeyID: alias/data }
      VersioningConfiguration: { Status: Enabled }
      LoggingConfiguration: { DestinationBucketName: central-access-logs }
      PublicAccessBlockConfiguration:
        BlockPublicAcls: true
        IgnorePublicAcls: true
        BlockPublicPolicy: true
        RestrictPublicBuckets: true
  DataPolicy:
    Type: AWS::S3::BucketPolicy
    Properties:
      Bucket: !Ref Data
      PolicyDocument:
        Statement:
          - Effect: Deny
            Principal: "*"
            Action: "s3:*"
            Resource: [!GetAtt Data.Arn, !Sub "\${Data.Arn}/*"]
            Condition: { Bool: { "aws:SecureTransport": false } }
          - Effect: Allow
            Principal: { AWS: arn:aws:iam::111122223333:role/reader }
            Action: s3:GetObject
            Resource: !Sub "\${Data.Arn}/*"
`);

const secureBucketTf = tf(`
  resource "aws_s3_bucket" "data" {
    bucket = "data"
  }
  resource "aws_s3_bucket_server_side_encryption_configuration" "data" {
    bucket = aws_s3_bucket.data.id
    rule {
      apply_server_side_encryption_by_default {
        sse_algorithm     = "aws:kms"
        kms_master_key_id = "alias/data"
      }
    }
  }
  resource "aws_s3_bucket_versioning" "data" {
    bucket = aws_s3_bucket.data.id
    versioning_configuration {
      status = "Enabled"
    }
  }
  resource "aws_s3_bucket_logging" "data" {
    bucket        = aws_s3_bucket.data.id
    target_bucket = "central-access-logs"
  }
  resource "aws_s3_bucket_public_access_block" "data" {
    bucket                  = aws_s3_bucket.data.id
    block_public_acls       = true
    ignore_public_acls      = true
    block_public_policy     = true
    restrict_public_buckets = true
  }
  resource "aws_s3_bucket_policy" "data" {
    bucket = aws_s3_bucket.data.id
    policy = jsonencode({
      Version = "2012-10-17"
      Statement = [{
        Effect    = "Deny"
        Principal = "*"
        Action    = "s3:*"
        Resource  = ["\${aws_s3_bucket.data.arn}/*"]
        Condition = { Bool = { "aws:SecureTransport" = "false" } }
      }]
    })
  }
`);

const bucketCfn = (props: string) =>
  cfn(`
  Data:
    Type: AWS::S3::Bucket
    Properties:
${props
  .split("\n")
  .map((l) => `      ${l}`)
  .join("\n")}
`);

const publicPolicyCfn = (action: string) =>
  cfn(`
  Data:
    Type: AWS::S3::Bucket
  Policy:
    Type: AWS::S3::BucketPolicy
    Properties:
      Bucket: !Ref Data
      PolicyDocument:
        Statement:
          - Effect: Allow
            Principal: "*"
            Action: ${action}
            Resource: !Sub "\${Data.Arn}/*"
`);

const publicPolicyTf = (action: string) =>
  tf(`
  resource "aws_s3_bucket" "data" {
    bucket = "data"
  }
  resource "aws_s3_bucket_policy" "data" {
    bucket = aws_s3_bucket.data.id
    policy = data.aws_iam_policy_document.data.json
  }
  data "aws_iam_policy_document" "data" {
    statement {
      actions   = ["${action}"]
      resources = ["\${aws_s3_bucket.data.arn}/*"]
      principals {
        type        = "*"
        identifiers = ["*"]
      }
    }
  }
`);

/** A bucket whose policy has the given statements (YAML list items, indented under Statement). */
const bucketPolicyCfn = (statements: string, bucketProps = "") =>
  cfn(`
  Data:
    Type: AWS::S3::Bucket
${
  bucketProps
    ? `    Properties:\n${bucketProps
        .split("\n")
        .map((l) => `      ${l}`)
        .join("\n")}\n`
    : ""
}  Policy:
    Type: AWS::S3::BucketPolicy
    Properties:
      Bucket: !Ref Data
      PolicyDocument:
        Statement:
${statements
  .split("\n")
  .map((l) => `          ${l}`)
  .join("\n")}
`);

const getAnyone = '- Effect: Allow\n  Principal: "*"\n  Action: s3:GetObject\n  Resource: !Sub "${Data.Arn}/*"';

const fencedByVpce =
  '- Effect: Deny\n  Principal: "*"\n  Action: "s3:*"\n  Resource: !Sub "${Data.Arn}/*"\n  Condition:\n    StringNotEquals:\n      aws:SourceVpce: vpce-0123456789abcdef0';

export const S3_CASES: RuleCase[] = [
  {
    rule: "TL-AWS-S3-001",
    cfn: { pos: [bucketCfn("AccessControl: PublicRead")], neg: [secureBucketCfn, bucketCfn("AccessControl: Private")] },
    tf: {
      pos: [
        tf(`
          resource "aws_s3_bucket" "data" {
            bucket = "data"
          }
          resource "aws_s3_bucket_acl" "data" {
            bucket = aws_s3_bucket.data.id
            acl    = "public-read"
          }
        `),
        tf(`
          resource "aws_s3_bucket" "data" {
            acl = "authenticated-read"
          }
        `),
      ],
      neg: [secureBucketTf],
    },
  },
  {
    rule: "TL-AWS-S3-002",
    cfn: { pos: [bucketCfn("AccessControl: PublicReadWrite")], neg: [bucketCfn("AccessControl: PublicRead")] },
    tf: {
      pos: [tf(`resource "aws_s3_bucket" "data" {\n  acl = "public-read-write"\n}`)],
      neg: [tf(`resource "aws_s3_bucket" "data" {\n  acl = "private"\n}`)],
    },
  },
  {
    rule: "TL-AWS-S3-003",
    cfn: {
      pos: [
        publicPolicyCfn("s3:GetObject"),
        // A condition whose value matches any source does not narrow who.
        bucketPolicyCfn(`${getAnyone}\n  Condition:\n    ArnLike:\n      aws:SourceArn: "arn:aws:s3:::*"`),
        // Negated operators and aws:SecureTransport do not narrow who either.
        bucketPolicyCfn(`${getAnyone}\n  Condition:\n    StringNotEquals:\n      aws:SourceAccount: "111122223333"`),
        bucketPolicyCfn(`${getAnyone}\n  Condition:\n    Bool:\n      aws:SecureTransport: true`),
        // A Referer anyone can send, and Denies that keep anonymous callers in, do not fence the grant.
        bucketPolicyCfn(
          `${getAnyone}\n  Condition:\n    StringLike:\n      aws:Referer: "http://site.example.com/*"\n- Effect: Deny\n  Principal: "*"\n  Action: s3:GetObject\n  Resource: !Sub "\${Data.Arn}/*"\n  Condition:\n    StringNotEquals:\n      aws:userid: anonymous`,
        ),
        bucketPolicyCfn(
          '- Effect: Allow\n  NotPrincipal: { AWS: "arn:aws:iam::111122223333:role/admin" }\n  Action: s3:GetObject\n  Resource: !Sub "${Data.Arn}/*"',
        ),
      ],
      neg: [
        secureBucketCfn,
        publicPolicyCfn("s3:PutObject"),
        bucketPolicyCfn(`${getAnyone}\n  Condition:\n    StringEquals:\n      aws:SourceVpce: vpce-0123456789abcdef0`),
        bucketPolicyCfn(`${getAnyone}\n  Condition:\n    StringEquals:\n      aws:PrincipalOrgID: o-a1b2c3d4e5`),
        bucketPolicyCfn(`${getAnyone}\n${fencedByVpce}`),
        bucketPolicyCfn(getAnyone, "PublicAccessBlockConfiguration:\n  RestrictPublicBuckets: true"),
      ],
    },
    tf: {
      pos: [
        publicPolicyTf("s3:GetObject"),
        // A count-indexed policy document, attached to a bucket named by a literal.
        tf(`
          resource "aws_s3_bucket" "data" {
            bucket = "acme-data"
          }
          data "aws_iam_policy_document" "public" {
            count = 1
            statement {
              actions   = ["s3:GetObject"]
              resources = ["arn:aws:s3:::acme-data/*"]
              principals {
                type        = "AWS"
                identifiers = ["*"]
              }
            }
          }
          resource "aws_s3_bucket_policy" "data" {
            bucket = "acme-data"
            policy = data.aws_iam_policy_document.public[0].json
          }
        `),
        // A bucket declared elsewhere: the policy resource is the finding.
        tf(`
          resource "aws_s3_bucket_policy" "site" {
            bucket = "bucket-of-another-stack"
            policy = <<-EOT
              {"Statement": [{"Effect": "Allow", "Principal": "*", "Action": "s3:GetObject", "Resource": "arn:aws:s3:::bucket-of-another-stack/*"}]}
            EOT
          }
        `),
      ],
      neg: [
        secureBucketTf,
        publicPolicyTf("s3:PutObject"),
        tf(`
          resource "aws_s3_bucket_policy" "site" {
            bucket = "bucket-of-another-stack"
            policy = jsonencode({ Statement = [{ Effect = "Allow", Principal = "*", Action = "s3:GetObject", Resource = "*", Condition = { StringEquals = { "aws:SourceVpce" = "vpce-0123456789abcdef0" } } }] })
          }
        `),
      ],
    },
  },
  {
    rule: "TL-AWS-S3-004",
    cfn: {
      pos: [
        publicPolicyCfn("s3:PutObject"),
        publicPolicyCfn('"s3:*"'),
        bucketPolicyCfn('- Effect: Allow\n  Principal: { AWS: "*" }\n  NotAction: s3:DeleteBucket\n  Resource: "*"'),
      ],
      neg: [
        publicPolicyCfn("s3:GetObject"),
        secureBucketCfn,
        bucketPolicyCfn(
          '- Effect: Allow\n  Principal: "*"\n  Action: s3:PutObject\n  Resource: !Sub "${Data.Arn}/*"\n  Condition:\n    ArnEquals:\n      aws:SourceArn: !GetAtt Trail.Arn',
        ),
      ],
    },
    tf: { pos: [publicPolicyTf("s3:*")], neg: [publicPolicyTf("s3:GetObject")] },
  },
  {
    rule: "TL-AWS-S3-005",
    cfn: {
      pos: [
        bucketCfn("BucketName: data"),
        bucketCfn(
          "PublicAccessBlockConfiguration:\n  BlockPublicAcls: false\n  IgnorePublicAcls: true\n  BlockPublicPolicy: true\n  RestrictPublicBuckets: true",
        ),
      ],
      // Already public: S3-001 reports it (see rule-overlap.test.ts).
      neg: [secureBucketCfn, bucketCfn("AccessControl: PublicRead")],
    },
    tf: { pos: [tf(`resource "aws_s3_bucket" "data" {\n  bucket = "data"\n}`)], neg: [secureBucketTf] },
  },
  {
    rule: "TL-AWS-S3-006",
    cfn: { pos: [bucketCfn("BucketName: data")], neg: [secureBucketCfn] },
    tf: { pos: [tf(`resource "aws_s3_bucket" "data" {\n  bucket = "data"\n}`)], neg: [secureBucketTf] },
  },
  {
    rule: "TL-AWS-S3-007",
    cfn: {
      pos: [
        bucketCfn(
          "BucketEncryption:\n  ServerSideEncryptionConfiguration:\n    - ServerSideEncryptionByDefault:\n        SSEAlgorithm: AES256",
        ),
      ],
      neg: [secureBucketCfn],
    },
    tf: {
      pos: [
        tf(`
          resource "aws_s3_bucket" "data" {
            server_side_encryption_configuration {
              rule {
                apply_server_side_encryption_by_default {
                  sse_algorithm = "AES256"
                }
              }
            }
          }
        `),
      ],
      neg: [secureBucketTf],
    },
  },
  {
    rule: "TL-AWS-S3-008",
    cfn: { pos: [bucketCfn("VersioningConfiguration:\n  Status: Suspended")], neg: [secureBucketCfn] },
    tf: {
      pos: [tf(`resource "aws_s3_bucket" "data" {\n  versioning {\n    enabled = false\n  }\n}`)],
      neg: [secureBucketTf],
    },
  },
  {
    rule: "TL-AWS-S3-009",
    cfn: { pos: [bucketCfn("BucketName: data")], neg: [secureBucketCfn] },
    tf: { pos: [tf(`resource "aws_s3_bucket" "data" {\n  bucket = "data"\n}`)], neg: [secureBucketTf] },
  },
  {
    rule: "TL-AWS-S3-010",
    cfn: { pos: [bucketCfn("BucketName: data"), publicPolicyCfn("s3:GetObject")], neg: [secureBucketCfn] },
    tf: { pos: [tf(`resource "aws_s3_bucket" "data" {\n  bucket = "data"\n}`)], neg: [secureBucketTf] },
  },
  {
    rule: "TL-AWS-S3-011",
    cfn: { pos: [bucketCfn("WebsiteConfiguration:\n  IndexDocument: index.html")], neg: [secureBucketCfn] },
    tf: {
      pos: [
        tf(
          `resource "aws_s3_bucket" "site" {}\nresource "aws_s3_bucket_website_configuration" "site" {\n  bucket = aws_s3_bucket.site.id\n  index_document {\n    suffix = "index.html"\n  }\n}`,
        ),
      ],
      neg: [secureBucketTf],
    },
  },
  {
    rule: "TL-AWS-S3-012",
    tf: {
      pos: [res("aws_s3_account_public_access_block", "block_public_acls = true\nblock_public_policy = true")],
      neg: [
        res(
          "aws_s3_account_public_access_block",
          "block_public_acls = true\nblock_public_policy = true\nignore_public_acls = true\nrestrict_public_buckets = true",
        ),
      ],
    },
  },
];
