import type { GraphNode } from "../../graph/types.ts";
import type { RuleContext } from "../../rules/types.ts";
import { publicAcl } from "../facts.ts";
import type { PublicAccessBlock } from "../kinds/s3.ts";
import { type Statement, fencedByDeny, grantsAny, isPublicPrincipal, publicStatements, statements } from "../policy.ts";
import { isUnresolved } from "../values.ts";
import { at, awsRule, type Hit } from "./define.ts";
import { policyHits, policyKinds, whatOf, whoOf } from "./resource-policy.ts";

// TL-AWS-S3: Amazon S3 buckets.

const BUCKET = ["aws.s3.bucket"];

/** Companion resources (Terraform's `aws_s3_bucket_*`) configuring a bucket, for the threat's resource list. */
function companions(ctx: RuleContext, node: GraphNode, kind: string): GraphNode[] {
  return ctx.in(node.id).filter((n) => n.kind === kind);
}

const READ = ["s3:GetObject", "s3:GetObjectVersion", "s3:ListBucket", "s3:ListBucketVersions"];

export const S3_LIST = ["s3:ListBucket", "s3:ListBucketVersions"];

export const S3_WRITE = [
  "s3:PutObject",
  "s3:DeleteObject",
  "s3:DeleteObjectVersion",
  "s3:PutBucketPolicy",
  "s3:DeleteBucketPolicy",
  "s3:PutBucketAcl",
  "s3:PutObjectAcl",
  "s3:DeleteBucket",
];

const pabOf = (node: GraphNode): PublicAccessBlock | undefined =>
  node.attrs.publicAccessBlock as PublicAccessBlock | undefined;

/**
 * A public policy cannot take effect on a bucket whose public access block restricts public buckets (access
 * is limited to the owner account and AWS services) or blocks public policies (the policy is refused).
 */
const policyBlocked = (node: GraphNode): boolean =>
  pabOf(node)?.restrictPublicBuckets === true || pabOf(node)?.blockPublicPolicy === true;

/** Public statements (no narrowing condition, not fenced by a Deny) granting any of `actions`. */
function publicGrants(node: GraphNode, actions: string[]): Statement[] {
  return publicStatements(node.attrs.policy).filter((s) => grantsAny(s, actions));
}

/** A public grant, as one threat per statement: write (S3-004) when it writes, else read (S3-003). */
function publicGrantHits(ctx: RuleContext, node: GraphNode, write: boolean): Hit[] {
  if (node.kind === "aws.s3.bucket" && policyBlocked(node)) return [];
  return policyHits(ctx, node, "aws.s3.bucket", (s, all) => {
    if (!isPublicPrincipal(s) || fencedByDeny(s, all)) return false;
    const writes = grantsAny(s, S3_WRITE);
    if (write ? !writes : writes || !grantsAny(s, READ)) return false;
    return `lets ${whoOf(s)} ${whatOf(s)} with no condition narrowing who`;
  });
}

export const S3_RULES = [
  awsRule({
    id: "TL-AWS-S3-001",
    title: "S3 bucket ACL grants public read access",
    category: "InformationDisclosure",
    likelihood: 4,
    impact: 4,
    kinds: BUCKET,
    description:
      "Bucket {resource} has a canned ACL that lets anyone on the internet (or any AWS account) list and read its objects.",
    remediation:
      "Remove the public ACL, disable ACLs with BucketOwnerEnforced object ownership, and serve public content through CloudFront with origin access control.",
    fix: {
      cloudformation:
        "Properties:\n  OwnershipControls:\n    Rules:\n      - ObjectOwnership: BucketOwnerEnforced\n  # remove AccessControl: PublicRead",
      terraform:
        'resource "aws_s3_bucket_ownership_controls" "this" {\n  bucket = aws_s3_bucket.this.id\n  rule {\n    object_ownership = "BucketOwnerEnforced"\n  }\n}\n# and remove acl = "public-read"',
    },
    cwe: ["CWE-732", "CWE-200"],
    capec: ["CAPEC-122"],
    attack: ["T1530"],
    test: (node, ctx) =>
      publicAcl(node) &&
      pabOf(node)?.ignorePublicAcls !== true &&
      node.attrs.acl !== "public-read-write" &&
      node.attrs.acl !== "PublicReadWrite" && {
        paths: [at(node, "acl")],
        related: companions(ctx, node, "aws.s3.bucket-config"),
        detail: `Bucket ${node.id} has ACL ${String(node.attrs.acl)}: anyone can read its objects.`,
      },
  }),
  awsRule({
    id: "TL-AWS-S3-002",
    title: "S3 bucket ACL grants public write access",
    category: "Tampering",
    likelihood: 4,
    impact: 5,
    kinds: BUCKET,
    description: "Bucket {resource} has the public-read-write ACL: anyone can upload, overwrite and delete objects.",
    remediation:
      "Remove the public-read-write ACL and enforce bucket-owner object ownership so that ACLs no longer apply.",
    fix: {
      cloudformation:
        "Properties:\n  OwnershipControls:\n    Rules:\n      - ObjectOwnership: BucketOwnerEnforced\n  # remove AccessControl: PublicReadWrite",
      terraform:
        '# remove acl = "public-read-write"\nresource "aws_s3_bucket_ownership_controls" "this" {\n  bucket = aws_s3_bucket.this.id\n  rule {\n    object_ownership = "BucketOwnerEnforced"\n  }\n}',
    },
    cwe: ["CWE-732"],
    capec: ["CAPEC-122"],
    attack: ["T1565.001"],
    test: (node, ctx) =>
      (node.attrs.acl === "public-read-write" || node.attrs.acl === "PublicReadWrite") &&
      pabOf(node)?.ignorePublicAcls !== true && {
        paths: [at(node, "acl")],
        related: companions(ctx, node, "aws.s3.bucket-config"),
      },
  }),
  awsRule({
    id: "TL-AWS-S3-003",
    title: "S3 bucket policy allows anyone to read objects",
    category: "InformationDisclosure",
    likelihood: 4,
    impact: 4,
    kinds: policyKinds("aws.s3.bucket"),
    description:
      'The bucket policy of {resource} grants read access to Principal "*" (or with NotPrincipal) with no condition narrowing who (a source VPC endpoint, account or organization).',
    remediation:
      "Grant read access to specific principals, or restrict the statement with conditions (aws:SourceVpce, aws:PrincipalOrgID, aws:SourceArn of a CloudFront distribution).",
    fix: {
      cloudformation:
        'PolicyDocument:\n  Statement:\n    - Effect: Allow\n      Principal:\n        Service: cloudfront.amazonaws.com\n      Action: s3:GetObject\n      Resource: !Sub "${Bucket.Arn}/*"\n      Condition:\n        StringEquals:\n          AWS:SourceArn: !Sub "arn:aws:cloudfront::${AWS::AccountId}:distribution/${Distribution}"',
      terraform:
        'statement {\n  actions   = ["s3:GetObject"]\n  resources = ["${aws_s3_bucket.this.arn}/*"]\n  principals {\n    type        = "Service"\n    identifiers = ["cloudfront.amazonaws.com"]\n  }\n  condition {\n    test     = "StringEquals"\n    variable = "AWS:SourceArn"\n    values   = [aws_cloudfront_distribution.this.arn]\n  }\n}',
    },
    cwe: ["CWE-732", "CWE-284"],
    capec: ["CAPEC-122"],
    attack: ["T1530"],
    test: (node, ctx) => publicGrantHits(ctx, node, false),
  }),
  awsRule({
    id: "TL-AWS-S3-004",
    title: "S3 bucket policy allows anyone to write or delete objects",
    category: "Tampering",
    likelihood: 4,
    impact: 5,
    kinds: policyKinds("aws.s3.bucket"),
    description:
      'The bucket policy of {resource} lets Principal "*" (or everyone but a NotPrincipal) put, delete or re-permission objects, with no condition narrowing who.',
    remediation: 'Remove write actions from statements whose principal is "*"; grant them to the roles that need them.',
    fix: {
      cloudformation:
        'PolicyDocument:\n  Statement:\n    - Effect: Allow\n      Principal:\n        AWS: !GetAtt UploaderRole.Arn\n      Action: s3:PutObject\n      Resource: !Sub "${Bucket.Arn}/*"',
      terraform:
        'statement {\n  actions   = ["s3:PutObject"]\n  resources = ["${aws_s3_bucket.this.arn}/*"]\n  principals {\n    type        = "AWS"\n    identifiers = [aws_iam_role.uploader.arn]\n  }\n}',
    },
    cwe: ["CWE-732"],
    capec: ["CAPEC-122"],
    attack: ["T1565.001", "T1485"],
    test: (node, ctx) => publicGrantHits(ctx, node, true),
  }),
  awsRule({
    id: "TL-AWS-S3-005",
    title: "S3 bucket public access block is missing or incomplete",
    category: "InformationDisclosure",
    likelihood: 2,
    impact: 4,
    kinds: BUCKET,
    description:
      "Bucket {resource} does not turn on all four public access block settings, so a future ACL or policy change can make it public.",
    remediation:
      "Turn on BlockPublicAcls, IgnorePublicAcls, BlockPublicPolicy and RestrictPublicBuckets for the bucket.",
    fix: {
      cloudformation:
        "Properties:\n  PublicAccessBlockConfiguration:\n    BlockPublicAcls: true\n    IgnorePublicAcls: true\n    BlockPublicPolicy: true\n    RestrictPublicBuckets: true",
      terraform:
        'resource "aws_s3_bucket_public_access_block" "this" {\n  bucket                  = aws_s3_bucket.this.id\n  block_public_acls       = true\n  ignore_public_acls      = true\n  block_public_policy     = true\n  restrict_public_buckets = true\n}',
    },
    cwe: ["CWE-284"],
    attack: ["T1530"],
    test: (node, ctx) => {
      // The threat is that the bucket could *become* public. One that already is (a public ACL, or a policy
      // granting "*" read or write) is reported by S3-001 to S3-004, whose fixes close it; this would repeat them.
      if (publicAcl(node) || publicGrants(node, [...READ, ...S3_WRITE]).length > 0) return null;
      const pab = node.attrs.publicAccessBlock as PublicAccessBlock | undefined;
      if (!pab)
        return { paths: [at(node, "publicAccessBlock")], detail: `Bucket ${node.id} declares no public access block.` };
      const off = Object.entries(pab).filter(([, v]) => v === false);
      if (off.length === 0) return null;
      return {
        paths: [at(node, "publicAccessBlock")],
        detail: `Bucket ${node.id} turns off ${off.map(([k]) => k).join(", ")} in its public access block.`,
        likelihood: 3,
        related: companions(ctx, node, "aws.s3.bucket-config"),
      };
    },
  }),
  awsRule({
    id: "TL-AWS-S3-006",
    title: "S3 bucket has no default encryption configuration",
    category: "InformationDisclosure",
    likelihood: 1,
    impact: 3,
    kinds: BUCKET,
    description:
      "Bucket {resource} declares no server-side encryption configuration, so the template does not control how its data is encrypted at rest.",
    why: "Since January 2023 S3 encrypts every new object with SSE-S3 when a bucket declares nothing, so the data is not in the clear: what is missing is the choice of key (and a key policy that limits who decrypts).",
    exposedBoost: 0,
    remediation: "Declare default encryption with a customer-managed KMS key (SSE-KMS) and turn on the bucket key.",
    fix: {
      cloudformation:
        "Properties:\n  BucketEncryption:\n    ServerSideEncryptionConfiguration:\n      - ServerSideEncryptionByDefault:\n          SSEAlgorithm: aws:kms\n          KMSMasterKeyID: !Ref DataKey\n        BucketKeyEnabled: true",
      terraform:
        'resource "aws_s3_bucket_server_side_encryption_configuration" "this" {\n  bucket = aws_s3_bucket.this.id\n  rule {\n    apply_server_side_encryption_by_default {\n      sse_algorithm     = "aws:kms"\n      kms_master_key_id = aws_kms_key.data.arn\n    }\n    bucket_key_enabled = true\n  }\n}',
    },
    cwe: ["CWE-311"],
    attack: ["T1530"],
    test: (node) => node.attrs.encryption === undefined && { paths: [at(node, "encryption")] },
  }),
  awsRule({
    id: "TL-AWS-S3-007",
    title: "S3 bucket is encrypted with S3-managed keys instead of KMS",
    category: "InformationDisclosure",
    likelihood: 1,
    impact: 3,
    kinds: BUCKET,
    description:
      "Bucket {resource} uses SSE-S3 (AES256): anyone with s3:GetObject can read the data, with no key policy to separate duties and no key usage in CloudTrail.",
    remediation: "Use SSE-KMS with a customer-managed key whose policy limits who may decrypt.",
    fix: {
      cloudformation: "ServerSideEncryptionByDefault:\n  SSEAlgorithm: aws:kms\n  KMSMasterKeyID: !Ref DataKey",
      terraform:
        'apply_server_side_encryption_by_default {\n  sse_algorithm     = "aws:kms"\n  kms_master_key_id = aws_kms_key.data.arn\n}',
    },
    cwe: ["CWE-311"],
    test: (node) => {
      const enc = node.attrs.encryption as { algorithm?: unknown } | undefined;
      return enc?.algorithm === "AES256" && { paths: [at(node, "encryption")] };
    },
  }),
  awsRule({
    id: "TL-AWS-S3-008",
    title: "S3 bucket versioning is not enabled",
    category: "Tampering",
    likelihood: 1,
    impact: 3,
    kinds: BUCKET,
    description:
      "Bucket {resource} keeps no previous versions: an overwritten or deleted object (by mistake or by ransomware) cannot be recovered.",
    remediation: "Enable versioning (and consider Object Lock for records that must not change).",
    fix: {
      cloudformation: "Properties:\n  VersioningConfiguration:\n    Status: Enabled",
      terraform:
        'resource "aws_s3_bucket_versioning" "this" {\n  bucket = aws_s3_bucket.this.id\n  versioning_configuration {\n    status = "Enabled"\n  }\n}',
    },
    cwe: ["CWE-693"],
    attack: ["T1485", "T1486"],
    test: (node, ctx) =>
      (node.attrs.versioning === undefined || node.attrs.versioning === false) && {
        paths: [at(node, "versioning")],
        related: companions(ctx, node, "aws.s3.bucket-config"),
      },
  }),
  awsRule({
    id: "TL-AWS-S3-009",
    title: "S3 bucket access logging is disabled",
    category: "Repudiation",
    likelihood: 1,
    impact: 3,
    kinds: BUCKET,
    description:
      "Bucket {resource} writes no server access logs: who read or changed which object cannot be established afterwards.",
    remediation: "Send server access logs to a dedicated log bucket (or enable CloudTrail data events for the bucket).",
    fix: {
      cloudformation:
        "Properties:\n  LoggingConfiguration:\n    DestinationBucketName: !Ref LogBucket\n    LogFilePrefix: access/",
      terraform:
        'resource "aws_s3_bucket_logging" "this" {\n  bucket        = aws_s3_bucket.this.id\n  target_bucket = aws_s3_bucket.logs.id\n  target_prefix = "access/"\n}',
    },
    cwe: ["CWE-778"],
    attack: ["T1530"],
    test: (node, ctx) => {
      if (node.attrs.logging === true) return null;
      // A bucket that receives other buckets' access logs is the log bucket itself (logging it would loop).
      if (ctx.in(node.id, "logs-to").some((n) => n.kind === "aws.s3.bucket")) return null;
      return { paths: [at(node, "logging")] };
    },
  }),
  awsRule({
    id: "TL-AWS-S3-010",
    title: "S3 bucket does not require TLS",
    category: "InformationDisclosure",
    likelihood: 1,
    impact: 3,
    kinds: BUCKET,
    description:
      "No bucket policy statement of {resource} denies requests where aws:SecureTransport is false, so clients may read and write over plain HTTP.",
    remediation: "Add a Deny statement for all principals and actions when aws:SecureTransport is false.",
    fix: {
      cloudformation:
        'PolicyDocument:\n  Statement:\n    - Sid: DenyInsecureTransport\n      Effect: Deny\n      Principal: "*"\n      Action: "s3:*"\n      Resource:\n        - !GetAtt Bucket.Arn\n        - !Sub "${Bucket.Arn}/*"\n      Condition:\n        Bool:\n          aws:SecureTransport: false',
      terraform:
        'statement {\n  sid     = "DenyInsecureTransport"\n  effect  = "Deny"\n  actions = ["s3:*"]\n  resources = [aws_s3_bucket.this.arn, "${aws_s3_bucket.this.arn}/*"]\n  principals {\n    type        = "*"\n    identifiers = ["*"]\n  }\n  condition {\n    test     = "Bool"\n    variable = "aws:SecureTransport"\n    values   = ["false"]\n  }\n}',
    },
    cwe: ["CWE-319"],
    capec: ["CAPEC-157"],
    attack: ["T1557"],
    test: (node) => {
      if (isUnresolved(node.attrs.policy)) return null;
      const denies = statements(node.attrs.policy).some(
        (s) => s.effect === "Deny" && s.conditionKeys.includes("aws:securetransport"),
      );
      return !denies && { paths: [at(node, "policy")] };
    },
  }),
  awsRule({
    id: "TL-AWS-S3-011",
    title: "S3 bucket serves a static website",
    category: "InformationDisclosure",
    likelihood: 2,
    impact: 3,
    kinds: BUCKET,
    description:
      "Bucket {resource} is configured as a website endpoint, which only speaks HTTP and requires the content to be public.",
    remediation: "Serve the site through CloudFront with origin access control and HTTPS, and keep the bucket private.",
    fix: {
      cloudformation:
        "# remove WebsiteConfiguration; put a CloudFront distribution with OriginAccessControlId in front",
      terraform:
        "# remove aws_s3_bucket_website_configuration; use aws_cloudfront_distribution with origin_access_control_id",
    },
    cwe: ["CWE-319", "CWE-200"],
    test: (node) => node.attrs.website === true && { paths: [at(node, "website")] },
  }),
  awsRule({
    id: "TL-AWS-S3-012",
    title: "Account-level S3 public access block is incomplete",
    category: "InformationDisclosure",
    likelihood: 2,
    impact: 4,
    kinds: ["aws.s3.account-public-access-block"],
    description:
      "The account's S3 public access block {resource} leaves a flag off, so one bucket ACL or policy can still make data public.",
    remediation:
      "Turn on all four flags (BlockPublicAcls, IgnorePublicAcls, BlockPublicPolicy, RestrictPublicBuckets).",
    fix: {
      cloudformation: "# No CloudFormation resource: set it with the S3 console, the CLI or Terraform.",
      terraform:
        "block_public_acls       = true\nblock_public_policy     = true\nignore_public_acls      = true\nrestrict_public_buckets = true",
    },
    cwe: ["CWE-284"],
    exposedBoost: 0,
    test: (node) => {
      const flags = ["blockPublicAcls", "blockPublicPolicy", "ignorePublicAcls", "restrictPublicBuckets"];
      const off = flags.filter((f) => node.attrs[f] === false);
      return (
        off.length > 0 && { paths: off.map((f) => at(node, f)), detail: `${node.id} leaves ${off.join(", ")} off.` }
      );
    },
  }),
];
