import { at, awsRule } from "./define.ts";

// TL-AWS-EC: ElastiCache.

const REDIS = (engine: unknown): boolean => engine === undefined || engine === "redis" || engine === "valkey";

export const EC_RULES = [
  awsRule({
    id: "TL-AWS-EC-001",
    title: "ElastiCache in-transit encryption is disabled",
    category: "InformationDisclosure",
    likelihood: 2,
    impact: 4,
    kinds: ["aws.elasticache.replication-group", "aws.elasticache.cluster"],
    description: "Cache {resource} accepts plaintext connections: data and AUTH tokens cross the network in the clear.",
    remediation: "Enable in-transit encryption (TLS).",
    fix: {
      cloudformation: "Properties:\n  TransitEncryptionEnabled: true",
      terraform: "transit_encryption_enabled = true",
    },
    cwe: ["CWE-319"],
    capec: ["CAPEC-157"],
    attack: ["T1040"],
    test: (node) =>
      node.attrs.member !== true &&
      node.attrs.transitEncryption === false && { paths: [at(node, "transitEncryption")] },
  }),
  awsRule({
    id: "TL-AWS-EC-002",
    title: "ElastiCache at-rest encryption is disabled",
    category: "InformationDisclosure",
    likelihood: 2,
    impact: 3,
    kinds: ["aws.elasticache.replication-group"],
    description: "Replication group {resource} writes its data and backups unencrypted.",
    remediation: "Enable at-rest encryption (requires creating a new replication group).",
    fix: {
      cloudformation: "Properties:\n  AtRestEncryptionEnabled: true\n  KmsKeyId: !Ref CacheKey",
      terraform: "at_rest_encryption_enabled = true\nkms_key_id                 = aws_kms_key.cache.arn",
    },
    cwe: ["CWE-311"],
    test: (node) => node.attrs.atRestEncryption === false && { paths: [at(node, "atRestEncryption")] },
  }),
  awsRule({
    id: "TL-AWS-EC-003",
    title: "Redis replication group requires no authentication",
    category: "Spoofing",
    likelihood: 3,
    impact: 4,
    kinds: ["aws.elasticache.replication-group"],
    description:
      "Redis replication group {resource} has no AUTH token and no RBAC user group: anything that reaches it can read and write every key.",
    remediation: "Enable transit encryption and set an AUTH token from Secrets Manager, or use RBAC user groups.",
    fix: {
      cloudformation:
        "Properties:\n  TransitEncryptionEnabled: true\n  AuthToken: '{{resolve:secretsmanager:cache/auth:SecretString:token}}'",
      terraform:
        "transit_encryption_enabled = true\nauth_token                 = data.aws_secretsmanager_secret_version.cache_auth.secret_string",
    },
    cwe: ["CWE-306"],
    attack: ["T1078"],
    test: (node) => REDIS(node.attrs.engine) && node.attrs.auth === false && { paths: [at(node, "auth")] },
  }),
  awsRule({
    id: "TL-AWS-EC-004",
    title: "ElastiCache automatic failover is disabled",
    category: "DenialOfService",
    likelihood: 2,
    impact: 3,
    kinds: ["aws.elasticache.replication-group"],
    description:
      "Replication group {resource} does not fail over automatically: losing the primary node means downtime.",
    remediation: "Enable automatic failover and Multi-AZ with at least one replica.",
    fix: {
      cloudformation: "Properties:\n  AutomaticFailoverEnabled: true\n  MultiAZEnabled: true",
      terraform: "automatic_failover_enabled = true\nmulti_az_enabled           = true",
    },
    cwe: ["CWE-400"],
    exposedBoost: 0,
    test: (node) => node.attrs.failover === false && { paths: [at(node, "failover")] },
  }),
  awsRule({
    id: "TL-AWS-EC-005",
    title: "Redis keeps no snapshots",
    category: "DenialOfService",
    likelihood: 1,
    impact: 3,
    kinds: ["aws.elasticache.replication-group", "aws.elasticache.cluster"],
    description: "Redis cache {resource} keeps no automatic snapshots, so its data cannot be restored.",
    remediation: "Set a snapshot retention limit of at least one day.",
    fix: { cloudformation: "Properties:\n  SnapshotRetentionLimit: 7", terraform: "snapshot_retention_limit = 7" },
    cwe: ["CWE-693"],
    exposedBoost: 0,
    test: (node) =>
      REDIS(node.attrs.engine) &&
      node.attrs.member !== true &&
      node.attrs.snapshotRetention === 0 && { paths: [at(node, "snapshotRetention")] },
  }),
];
