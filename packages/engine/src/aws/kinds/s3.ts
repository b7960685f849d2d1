import { UNRESOLVED, block, bool, dig, isRecord, isUnresolved, list, present, str, type Maybe } from "../values.ts";
import type { KindSpec } from "./spec.ts";

export interface PublicAccessBlock {
  blockPublicAcls: Maybe<boolean>;
  ignorePublicAcls: Maybe<boolean>;
  blockPublicPolicy: Maybe<boolean>;
  restrictPublicBuckets: Maybe<boolean>;
}

function pab(b: Record<string, unknown> | undefined, cfn: boolean): PublicAccessBlock | undefined {
  if (!b) return undefined;
  const k = (pascal: string, snake: string): Maybe<boolean> => bool(b[cfn ? pascal : snake]) ?? false;
  return {
    blockPublicAcls: k("BlockPublicAcls", "block_public_acls"),
    ignorePublicAcls: k("IgnorePublicAcls", "ignore_public_acls"),
    blockPublicPolicy: k("BlockPublicPolicy", "block_public_policy"),
    restrictPublicBuckets: k("RestrictPublicBuckets", "restrict_public_buckets"),
  };
}

function versioningStatus(status: unknown): Maybe<boolean> {
  const s = str(status);
  if (s === undefined || isUnresolved(s)) return s;
  return s.toLowerCase() === "enabled";
}

function tfEncryption(config: unknown): Record<string, unknown> | undefined {
  const rule = dig(config, "rule");
  if (isUnresolved(rule)) return { algorithm: UNRESOLVED, kmsKey: false };
  const byDefault = dig(rule, "apply_server_side_encryption_by_default");
  if (!byDefault) return undefined;
  return {
    algorithm: str(dig(byDefault, "sse_algorithm")) ?? UNRESOLVED,
    kmsKey: present(dig(byDefault, "kms_master_key_id")),
  };
}

/** A grant to everyone (`AllUsers`) or every AWS account (`AuthenticatedUsers`), as a canned ACL would give. */
function tfGrantAcl(grants: unknown): string | undefined {
  for (const grant of list(grants)) {
    const uri = str(dig(grant, "uri"));
    if (typeof uri !== "string") continue;
    const write = list(dig(grant, "permissions")).some((p) => p === "WRITE" || p === "FULL_CONTROL");
    if (uri.endsWith("/AllUsers")) return write ? "public-read-write" : "public-read";
    if (uri.endsWith("/AuthenticatedUsers")) return "authenticated-read";
  }
  return undefined;
}

const set = (attrs: Record<string, unknown>, patch: Record<string, unknown>): void => {
  for (const [k, v] of Object.entries(patch)) if (v !== undefined) attrs[k] = v;
};

export const S3_SPECS: KindSpec[] = [
  {
    kind: "aws.s3.bucket",
    role: "data-store",
    types: {
      "AWS::S3::Bucket": (b) => {
        const rules = list(dig(b, "BucketEncryption.ServerSideEncryptionConfiguration"));
        const byDefault = block(rules[0])?.ServerSideEncryptionByDefault;
        return {
          name: str(b.BucketName),
          acl: str(b.AccessControl),
          publicAccessBlock: pab(block(b.PublicAccessBlockConfiguration), true),
          encryption: b.BucketEncryption
            ? {
                algorithm: str(dig(byDefault, "SSEAlgorithm")) ?? UNRESOLVED,
                kmsKey: present(dig(byDefault, "KMSMasterKeyID")),
              }
            : undefined,
          versioning: b.VersioningConfiguration
            ? versioningStatus(dig(b, "VersioningConfiguration.Status"))
            : undefined,
          logging: present(b.LoggingConfiguration),
          website: present(b.WebsiteConfiguration),
          objectLock: bool(b.ObjectLockEnabled) === true || present(b.ObjectLockConfiguration),
          policy: undefined,
        };
      },
      aws_s3_bucket: (b) => ({
        name: str(b.bucket),
        acl: str(b.acl) ?? tfGrantAcl(b.grant),
        publicAccessBlock: undefined,
        encryption: tfEncryption(b.server_side_encryption_configuration),
        versioning: b.versioning ? (bool(dig(b.versioning, "enabled")) ?? false) : undefined,
        logging: present(b.logging),
        website: present(b.website),
        objectLock: bool(b.object_lock_enabled) === true || present(b.object_lock_configuration),
        policy: isRecord(b.policy) || typeof b.policy === "string" || isUnresolved(b.policy) ? b.policy : undefined,
      }),
    },
    paths: {
      acl: ["Properties.AccessControl", "acl"],
      publicAccessBlock: ["Properties.PublicAccessBlockConfiguration", null],
      encryption: ["Properties.BucketEncryption", "server_side_encryption_configuration"],
      versioning: ["Properties.VersioningConfiguration", "versioning"],
      logging: ["Properties.LoggingConfiguration", "logging"],
      website: ["Properties.WebsiteConfiguration", "website"],
      policy: [null, "policy"],
      objectLock: ["Properties.ObjectLockEnabled", "object_lock_enabled"],
    },
  },
  {
    kind: "aws.s3.bucket-policy",
    types: {
      "AWS::S3::BucketPolicy": (b) => ({ document: b.PolicyDocument }),
      aws_s3_bucket_policy: (b) => ({ document: b.policy }),
    },
    paths: { document: ["Properties.PolicyDocument", "policy"] },
    fold: [
      {
        via: ["Bucket", "bucket"],
        into: ["aws.s3.bucket"],
        byName: "name",
        apply: (t, c) => void (t.attrs.policy = c.attrs.document),
      },
    ],
  },
  {
    kind: "aws.s3.bucket-config",
    types: {
      aws_s3_bucket_acl: (b) => ({ acl: str(b.acl) ?? tfGrantAcl(dig(b, "access_control_policy.grant")) }),
      aws_s3_bucket_public_access_block: (b) => ({ publicAccessBlock: pab(b, false) }),
      aws_s3_bucket_server_side_encryption_configuration: (b) => ({
        encryption: tfEncryption(b) ?? { algorithm: UNRESOLVED, kmsKey: false },
      }),
      aws_s3_bucket_versioning: (b) => ({
        versioning: versioningStatus(dig(b, "versioning_configuration.status")) ?? UNRESOLVED,
      }),
      aws_s3_bucket_logging: () => ({ logging: true }),
      aws_s3_bucket_website_configuration: () => ({ website: true }),
      aws_s3_bucket_object_lock_configuration: () => ({ objectLock: true }),
    },
    fold: [{ via: ["bucket"], into: ["aws.s3.bucket"], byName: "name", apply: (t, c) => set(t.attrs, c.attrs) }],
  },
];
