import { UNRESOLVED, block, bool, dig, isUnresolved, list, num, present, str, strings, type Maybe } from "../values.ts";
import { isPlaceholder } from "../../secrets/patterns.ts";
import type { KindSpec } from "./spec.ts";

const DATA = "data-store" as const;

/** A literal password, as opposed to a dynamic reference, a parameter or a generated secret. */
/** A secret written as a literal: not a dynamic reference, an interpolation or a placeholder (`<password>`, `REPLACE_ME`). */
function literalSecret(value: unknown): boolean {
  return typeof value === "string" && value.length > 0 && !isPlaceholder(value);
}

function logExports(value: unknown): Maybe<string[]> {
  if (isUnresolved(value)) return UNRESOLVED;
  return strings(value);
}

/** RDS, Aurora, DocumentDB and Neptune share one model: engine-specific rules read `engine`. */
const rdsInstance = {
  "AWS::RDS::DBInstance": (b: Record<string, unknown>) => ({
    engine: str(b.Engine),
    member: present(b.DBClusterIdentifier),
    public: bool(b.PubliclyAccessible) ?? false,
    // A read replica's storage is encrypted as its source's is (the source is where that is decided).
    encrypted: bool(b.StorageEncrypted) ?? (present(b.SourceDBInstanceIdentifier) ? UNRESOLVED : false),
    backupRetention: num(b.BackupRetentionPeriod) ?? 1,
    multiAz: bool(b.MultiAZ) ?? false,
    deletionProtection: bool(b.DeletionProtection) ?? false,
    iamAuth: bool(b.EnableIAMDatabaseAuthentication) ?? false,
    minorUpgrade: bool(b.AutoMinorVersionUpgrade) ?? true,
    logExports: logExports(b.EnableCloudwatchLogsExports),
    literalPassword: literalSecret(b.MasterUserPassword),
  }),
  aws_db_instance: (b: Record<string, unknown>) => ({
    engine: str(b.engine),
    member: false,
    public: bool(b.publicly_accessible) ?? false,
    encrypted: bool(b.storage_encrypted) ?? (present(b.replicate_source_db) ? UNRESOLVED : false),
    backupRetention: num(b.backup_retention_period) ?? 1,
    multiAz: bool(b.multi_az) ?? false,
    deletionProtection: bool(b.deletion_protection) ?? false,
    iamAuth: bool(b.iam_database_authentication_enabled) ?? false,
    minorUpgrade: bool(b.auto_minor_version_upgrade) ?? true,
    logExports: logExports(b.enabled_cloudwatch_logs_exports),
    literalPassword: literalSecret(b.password),
  }),
  "AWS::DocDB::DBInstance": (b: Record<string, unknown>) => memberInstance("docdb", bool(b.AutoMinorVersionUpgrade)),
  "AWS::Neptune::DBInstance": (b: Record<string, unknown>) =>
    memberInstance("neptune", bool(b.AutoMinorVersionUpgrade)),
  aws_rds_cluster_instance: (b: Record<string, unknown>) => ({
    ...memberInstance(str(b.engine), bool(b.auto_minor_version_upgrade)),
    public: bool(b.publicly_accessible) ?? false,
  }),
  aws_docdb_cluster_instance: (b: Record<string, unknown>) =>
    memberInstance("docdb", bool(b.auto_minor_version_upgrade)),
  aws_neptune_cluster_instance: (b: Record<string, unknown>) => ({
    ...memberInstance("neptune", bool(b.auto_minor_version_upgrade)),
    public: bool(b.publicly_accessible) ?? false,
  }),
};

function memberInstance(engine: Maybe<string>, minorUpgrade: Maybe<boolean>): Record<string, unknown> {
  return { engine, member: true, public: false, minorUpgrade: minorUpgrade ?? true };
}

const cluster = (engine: string | undefined) => (b: Record<string, unknown>) => ({
  engine: engine ?? str(b.Engine) ?? str(b.engine),
  public: bool(b.PubliclyAccessible ?? b.publicly_accessible) ?? false,
  // Aurora Serverless v1 clusters are always encrypted at rest: the setting does not apply to them.
  encrypted:
    str(b.EngineMode ?? b.engine_mode) === "serverless"
      ? true
      : (bool(b.StorageEncrypted ?? b.storage_encrypted) ?? false),
  backupRetention: num(b.BackupRetentionPeriod ?? b.backup_retention_period) ?? 1,
  deletionProtection: bool(b.DeletionProtection ?? b.deletion_protection) ?? false,
  iamAuth:
    bool(b.EnableIAMDatabaseAuthentication ?? b.IamAuthEnabled ?? b.iam_database_authentication_enabled) ?? false,
  logExports: logExports(
    b.EnableCloudwatchLogsExports ?? b.enabled_cloudwatch_logs_exports ?? b.enable_cloudwatch_logs_exports,
  ),
  literalPassword: literalSecret(b.MasterUserPassword ?? b.master_password),
});

const sqsEncrypted = (kms: unknown, sse: unknown): Maybe<boolean> => {
  if (present(kms)) return true;
  const managed = bool(sse);
  return managed === undefined ? false : managed;
};

export const DATA_SPECS: KindSpec[] = [
  {
    kind: "aws.rds.instance",
    role: DATA,
    types: rdsInstance,
    paths: {
      public: ["Properties.PubliclyAccessible", "publicly_accessible"],
      encrypted: ["Properties.StorageEncrypted", "storage_encrypted"],
      backupRetention: ["Properties.BackupRetentionPeriod", "backup_retention_period"],
      multiAz: ["Properties.MultiAZ", "multi_az"],
      deletionProtection: ["Properties.DeletionProtection", "deletion_protection"],
      iamAuth: ["Properties.EnableIAMDatabaseAuthentication", "iam_database_authentication_enabled"],
      minorUpgrade: ["Properties.AutoMinorVersionUpgrade", "auto_minor_version_upgrade"],
      logExports: ["Properties.EnableCloudwatchLogsExports", "enabled_cloudwatch_logs_exports"],
      literalPassword: ["Properties.MasterUserPassword", "password"],
    },
  },
  {
    kind: "aws.rds.cluster",
    role: DATA,
    types: {
      "AWS::RDS::DBCluster": cluster(undefined),
      "AWS::DocDB::DBCluster": cluster("docdb"),
      "AWS::Neptune::DBCluster": cluster("neptune"),
      aws_rds_cluster: cluster(undefined),
      aws_docdb_cluster: cluster("docdb"),
      aws_neptune_cluster: cluster("neptune"),
    },
    paths: {
      public: ["Properties.PubliclyAccessible", "publicly_accessible"],
      encrypted: ["Properties.StorageEncrypted", "storage_encrypted"],
      backupRetention: ["Properties.BackupRetentionPeriod", "backup_retention_period"],
      deletionProtection: ["Properties.DeletionProtection", "deletion_protection"],
      iamAuth: ["Properties.EnableIAMDatabaseAuthentication", "iam_database_authentication_enabled"],
      logExports: ["Properties.EnableCloudwatchLogsExports", "enabled_cloudwatch_logs_exports"],
      literalPassword: ["Properties.MasterUserPassword", "master_password"],
    },
  },
  {
    kind: "aws.redshift.cluster",
    role: DATA,
    types: {
      "AWS::Redshift::Cluster": (b) => ({
        public: bool(b.PubliclyAccessible) ?? false,
        encrypted: bool(b.Encrypted) ?? false,
        // Since January 2025 AWS encrypts a new cluster that does not say (CloudFormation sends nothing then).
        encryptedByDefault: b.Encrypted === undefined,
        logging: present(b.LoggingProperties),
        parameterGroup: str(b.ClusterParameterGroupName),
      }),
      aws_redshift_cluster: (b) => ({
        public: bool(b.publicly_accessible) ?? false,
        encrypted: bool(b.encrypted) ?? false,
        logging: bool(dig(b, "logging.enable")) === true,
        parameterGroup: str(b.cluster_parameter_group_name),
      }),
    },
    paths: {
      public: ["Properties.PubliclyAccessible", "publicly_accessible"],
      encrypted: ["Properties.Encrypted", "encrypted"],
      logging: ["Properties.LoggingProperties", "logging"],
      parameterGroup: ["Properties.ClusterParameterGroupName", "cluster_parameter_group_name"],
    },
  },
  {
    kind: "aws.redshift.logging",
    types: { aws_redshift_logging: () => ({}) },
    fold: [
      { via: ["cluster_identifier"], into: ["aws.redshift.cluster"], apply: (t) => void (t.attrs.logging = true) },
    ],
  },
  {
    kind: "aws.dynamodb.table",
    role: DATA,
    types: {
      "AWS::DynamoDB::Table": (b) => ({
        pitr: bool(dig(b, "PointInTimeRecoverySpecification.PointInTimeRecoveryEnabled")) ?? false,
        cmk: present(dig(b, "SSESpecification.KMSMasterKeyId")),
        deletionProtection: bool(b.DeletionProtectionEnabled) ?? false,
      }),
      "AWS::DynamoDB::GlobalTable": (b) => ({
        pitr:
          list(b.Replicas).every(
            (r) => bool(dig(r, "PointInTimeRecoverySpecification.PointInTimeRecoveryEnabled")) === true,
          ) && list(b.Replicas).length > 0,
        cmk: list(b.Replicas).some((r) => present(dig(r, "SSESpecification.KMSMasterKeyId"))),
        deletionProtection:
          list(b.Replicas).every((r) => bool(dig(r, "DeletionProtectionEnabled")) === true) &&
          list(b.Replicas).length > 0,
      }),
      "AWS::Serverless::SimpleTable": () => ({ pitr: false, cmk: false, deletionProtection: false }),
      aws_dynamodb_table: (b) => ({
        pitr: bool(dig(b, "point_in_time_recovery.enabled")) ?? false,
        cmk: present(dig(b, "server_side_encryption.kms_key_arn")),
        deletionProtection: bool(b.deletion_protection_enabled) ?? false,
      }),
    },
    paths: {
      pitr: ["Properties.PointInTimeRecoverySpecification", "point_in_time_recovery"],
      cmk: ["Properties.SSESpecification", "server_side_encryption"],
      deletionProtection: ["Properties.DeletionProtectionEnabled", "deletion_protection_enabled"],
    },
  },
  {
    kind: "aws.elasticache.replication-group",
    role: DATA,
    types: {
      "AWS::ElastiCache::ReplicationGroup": (b) => ({
        engine: str(b.Engine) ?? "redis",
        transitEncryption: bool(b.TransitEncryptionEnabled) ?? false,
        atRestEncryption: bool(b.AtRestEncryptionEnabled) ?? false,
        auth: present(b.AuthToken) || present(b.UserGroupIds),
        failover: bool(b.AutomaticFailoverEnabled) ?? false,
        snapshotRetention: num(b.SnapshotRetentionLimit) ?? 0,
      }),
      aws_elasticache_replication_group: (b) => ({
        engine: str(b.engine) ?? "redis",
        transitEncryption: bool(b.transit_encryption_enabled) ?? false,
        atRestEncryption: bool(b.at_rest_encryption_enabled) ?? false,
        auth: present(b.auth_token) || present(b.user_group_ids),
        failover: bool(b.automatic_failover_enabled) ?? false,
        snapshotRetention: num(b.snapshot_retention_limit) ?? 0,
      }),
    },
    paths: {
      transitEncryption: ["Properties.TransitEncryptionEnabled", "transit_encryption_enabled"],
      atRestEncryption: ["Properties.AtRestEncryptionEnabled", "at_rest_encryption_enabled"],
      auth: ["Properties.AuthToken", "auth_token"],
      failover: ["Properties.AutomaticFailoverEnabled", "automatic_failover_enabled"],
      snapshotRetention: ["Properties.SnapshotRetentionLimit", "snapshot_retention_limit"],
    },
  },
  {
    kind: "aws.elasticache.cluster",
    role: DATA,
    types: {
      "AWS::ElastiCache::CacheCluster": (b) => ({
        engine: str(b.Engine),
        transitEncryption: bool(b.TransitEncryptionEnabled) ?? false,
        snapshotRetention: num(b.SnapshotRetentionLimit) ?? 0,
      }),
      aws_elasticache_cluster: (b) => ({
        engine: str(b.engine) ?? (present(b.replication_group_id) ? UNRESOLVED : undefined),
        member: present(b.replication_group_id),
        transitEncryption: bool(b.transit_encryption_enabled) ?? false,
        snapshotRetention: num(b.snapshot_retention_limit) ?? 0,
      }),
    },
    paths: {
      transitEncryption: ["Properties.TransitEncryptionEnabled", "transit_encryption_enabled"],
      snapshotRetention: ["Properties.SnapshotRetentionLimit", "snapshot_retention_limit"],
    },
  },
  {
    kind: "aws.opensearch.domain",
    role: DATA,
    types: {
      "AWS::OpenSearchService::Domain": (b) => openSearchCfn(b, "ClusterConfig"),
      "AWS::Elasticsearch::Domain": (b) => openSearchCfn(b, "ElasticsearchClusterConfig"),
      aws_opensearch_domain: openSearchTf,
      aws_elasticsearch_domain: openSearchTf,
    },
    paths: {
      vpc: ["Properties.VPCOptions", "vpc_options"],
      accessPolicy: ["Properties.AccessPolicies", "access_policies"],
      encryptionAtRest: ["Properties.EncryptionAtRestOptions", "encrypt_at_rest"],
      nodeToNode: ["Properties.NodeToNodeEncryptionOptions", "node_to_node_encryption"],
      enforceHttps: ["Properties.DomainEndpointOptions", "domain_endpoint_options"],
      fineGrained: ["Properties.AdvancedSecurityOptions", "advanced_security_options"],
      auditLogs: ["Properties.LogPublishingOptions", "log_publishing_options"],
      zoneAwareness: ["Properties.ClusterConfig", "cluster_config"],
    },
  },
  {
    kind: "aws.opensearch.domain-policy",
    types: {
      aws_opensearch_domain_policy: (b) => ({ document: b.access_policies }),
      aws_elasticsearch_domain_policy: (b) => ({ document: b.access_policies }),
    },
    fold: [
      {
        via: ["domain_name"],
        into: ["aws.opensearch.domain"],
        byName: "name",
        apply: (t, c) => void (t.attrs.accessPolicy = c.attrs.document),
      },
    ],
  },
  {
    kind: "aws.efs.file-system",
    role: DATA,
    types: {
      "AWS::EFS::FileSystem": (b) => ({
        encrypted: bool(b.Encrypted) ?? false,
        backup: str(dig(b, "BackupPolicy.Status")) === "ENABLED",
        policy: b.FileSystemPolicy,
      }),
      aws_efs_file_system: (b) => ({ encrypted: bool(b.encrypted) ?? false, backup: false }),
    },
    paths: {
      encrypted: ["Properties.Encrypted", "encrypted"],
      backup: ["Properties.BackupPolicy", null],
      policy: ["Properties.FileSystemPolicy", null],
    },
  },
  {
    kind: "aws.efs.file-system-policy",
    types: { aws_efs_file_system_policy: (b) => ({ document: b.policy }) },
    paths: { document: [null, "policy"] },
    fold: [
      {
        via: ["file_system_id"],
        into: ["aws.efs.file-system"],
        apply: (t, c) => void (t.attrs.policy = c.attrs.document),
      },
    ],
  },
  {
    kind: "aws.efs.backup-policy",
    types: { aws_efs_backup_policy: (b) => ({ enabled: str(dig(b, "backup_policy.status")) === "ENABLED" }) },
    fold: [
      {
        via: ["file_system_id"],
        into: ["aws.efs.file-system"],
        apply: (t, c) => void (t.attrs.backup = c.attrs.enabled),
      },
    ],
  },
  {
    kind: "aws.kinesis.stream",
    role: DATA,
    types: {
      "AWS::Kinesis::Stream": (b) => ({ encrypted: present(b.StreamEncryption) }),
      aws_kinesis_stream: (b) => ({ encrypted: str(b.encryption_type) === "KMS" || isUnresolved(b.encryption_type) }),
    },
    paths: { encrypted: ["Properties.StreamEncryption", "encryption_type"] },
  },
  {
    kind: "aws.sqs.queue",
    role: DATA,
    types: {
      "AWS::SQS::Queue": (b) => ({
        name: str(b.QueueName),
        encrypted: sqsEncrypted(b.KmsMasterKeyId, b.SqsManagedSseEnabled),
        sseDeclared: b.SqsManagedSseEnabled !== undefined,
        dlq: present(b.RedrivePolicy),
      }),
      aws_sqs_queue: (b) => ({
        name: str(b.name),
        encrypted: sqsEncrypted(b.kms_master_key_id, b.sqs_managed_sse_enabled),
        sseDeclared: b.sqs_managed_sse_enabled !== undefined,
        dlq: present(b.redrive_policy),
        policy: b.policy,
      }),
    },
    paths: {
      encrypted: ["Properties.KmsMasterKeyId", "kms_master_key_id"],
      dlq: ["Properties.RedrivePolicy", "redrive_policy"],
      policy: [null, "policy"],
    },
  },
  {
    kind: "aws.sqs.queue-policy",
    types: {
      "AWS::SQS::QueuePolicy": (b) => ({ document: b.PolicyDocument }),
      aws_sqs_queue_policy: (b) => ({ document: b.policy }),
    },
    paths: { document: ["Properties.PolicyDocument", "policy"] },
    fold: [
      {
        via: ["Queues", "queue_url"],
        into: ["aws.sqs.queue"],
        byName: "name",
        apply: (t, c) => void (t.attrs.policy = c.attrs.document),
      },
    ],
  },
  {
    kind: "aws.sns.topic",
    role: DATA,
    types: {
      "AWS::SNS::Topic": (b) => ({
        name: str(b.TopicName),
        encrypted: present(b.KmsMasterKeyId),
        subscriptions: list(b.Subscription).map((s, i) => ({
          protocol: str(dig(s, "Protocol")),
          path: `Properties.Subscription.${i}`,
        })),
      }),
      aws_sns_topic: (b) => ({
        name: str(b.name),
        encrypted: present(b.kms_master_key_id),
        policy: b.policy,
        subscriptions: [],
      }),
    },
    paths: { encrypted: ["Properties.KmsMasterKeyId", "kms_master_key_id"], policy: [null, "policy"] },
  },
  {
    kind: "aws.sns.topic-policy",
    types: {
      "AWS::SNS::TopicPolicy": (b) => ({ document: b.PolicyDocument }),
      aws_sns_topic_policy: (b) => ({ document: b.policy }),
    },
    paths: { document: ["Properties.PolicyDocument", "policy"] },
    fold: [
      {
        via: ["Topics", "arn"],
        into: ["aws.sns.topic"],
        byName: "name",
        apply: (t, c) => void (t.attrs.policy = c.attrs.document),
      },
    ],
  },
  {
    kind: "aws.sns.subscription",
    types: {
      "AWS::SNS::Subscription": (b) => ({ protocol: str(b.Protocol) }),
      aws_sns_topic_subscription: (b) => ({ protocol: str(b.protocol) }),
    },
    paths: { protocol: ["Properties.Protocol", "protocol"] },
  },
  {
    kind: "aws.secretsmanager.secret",
    role: DATA,
    types: {
      "AWS::SecretsManager::Secret": (b) => ({
        name: str(b.Name),
        rotation: false,
        cmk: present(b.KmsKeyId),
        literalValue: literalSecret(b.SecretString),
      }),
      aws_secretsmanager_secret: (b) => ({
        name: str(b.name),
        rotation: false,
        cmk: present(b.kms_key_id),
        literalValue: false,
        policy: b.policy,
      }),
    },
    paths: {
      rotation: ["", ""],
      cmk: ["Properties.KmsKeyId", "kms_key_id"],
      literalValue: ["Properties.SecretString", null],
      policy: [null, "policy"],
    },
  },
  {
    kind: "aws.secretsmanager.secret-config",
    types: {
      "AWS::SecretsManager::RotationSchedule": () => ({ rotation: true }),
      aws_secretsmanager_secret_rotation: () => ({ rotation: true }),
      "AWS::SecretsManager::ResourcePolicy": (b) => ({ policy: b.ResourcePolicy }),
      aws_secretsmanager_secret_policy: (b) => ({ policy: b.policy }),
      aws_secretsmanager_secret_version: (b) => ({ literalValue: literalSecret(b.secret_string) }),
    },
    paths: { policy: ["Properties.ResourcePolicy", "policy"] },
    fold: [
      {
        via: ["SecretId", "secret_id", "secret_arn"],
        into: ["aws.secretsmanager.secret"],
        byName: "name",
        apply: (t, c) => {
          for (const [k, v] of Object.entries(c.attrs)) if (v !== undefined && v !== false) t.attrs[k] = v;
        },
      },
    ],
  },
  {
    kind: "aws.kms.key",
    types: {
      "AWS::KMS::Key": (b) => ({
        rotation: bool(b.EnableKeyRotation) ?? false,
        policy: b.KeyPolicy,
        deletionWindow: num(b.PendingWindowInDays) ?? 30,
        symmetric: (str(b.KeySpec) ?? "SYMMETRIC_DEFAULT") === "SYMMETRIC_DEFAULT",
      }),
      aws_kms_key: (b) => ({
        rotation: bool(b.enable_key_rotation) ?? false,
        policy: b.policy,
        deletionWindow: num(b.deletion_window_in_days) ?? 30,
        symmetric: (str(b.customer_master_key_spec) ?? "SYMMETRIC_DEFAULT") === "SYMMETRIC_DEFAULT",
      }),
    },
    paths: {
      rotation: ["Properties.EnableKeyRotation", "enable_key_rotation"],
      policy: ["Properties.KeyPolicy", "policy"],
      deletionWindow: ["Properties.PendingWindowInDays", "deletion_window_in_days"],
    },
  },
  {
    kind: "aws.ecr.repository",
    role: DATA,
    types: {
      "AWS::ECR::Repository": (b) => ({
        name: str(b.RepositoryName),
        mutable: (str(b.ImageTagMutability) ?? "MUTABLE") === "MUTABLE",
        scanOnPush: bool(dig(b, "ImageScanningConfiguration.ScanOnPush")) ?? false,
        kms: str(dig(b, "EncryptionConfiguration.EncryptionType")) === "KMS",
        policy: b.RepositoryPolicyText,
      }),
      aws_ecr_repository: (b) => ({
        name: str(b.name),
        mutable: (str(b.image_tag_mutability) ?? "MUTABLE") === "MUTABLE",
        scanOnPush: bool(dig(b, "image_scanning_configuration.scan_on_push")) ?? false,
        kms: str(dig(b, "encryption_configuration.encryption_type")) === "KMS",
      }),
    },
    paths: {
      mutable: ["Properties.ImageTagMutability", "image_tag_mutability"],
      scanOnPush: ["Properties.ImageScanningConfiguration", "image_scanning_configuration"],
      kms: ["Properties.EncryptionConfiguration", "encryption_configuration"],
      policy: ["Properties.RepositoryPolicyText", null],
    },
  },
  {
    kind: "aws.ecr.repository-policy",
    types: { aws_ecr_repository_policy: (b) => ({ document: b.policy }) },
    paths: { document: [null, "policy"] },
    fold: [
      {
        via: ["repository"],
        into: ["aws.ecr.repository"],
        byName: "name",
        apply: (t, c) => void (t.attrs.policy = c.attrs.document),
      },
    ],
  },
  {
    kind: "aws.glacier.vault",
    role: DATA,
    types: { aws_glacier_vault: (b) => ({ name: str(b.name), policy: b.access_policy }) },
    paths: { policy: [null, "access_policy"] },
  },
  {
    kind: "aws.glacier.vault-lock",
    types: { aws_glacier_vault_lock: (b) => ({ document: b.policy }) },
    paths: { document: [null, "policy"] },
  },
  {
    kind: "aws.backup.vault",
    role: DATA,
    types: {
      "AWS::Backup::BackupVault": (b) => ({ name: str(b.BackupVaultName), policy: b.AccessPolicy }),
      aws_backup_vault: (b) => ({ name: str(b.name) }),
    },
    paths: { policy: ["Properties.AccessPolicy", null] },
  },
  {
    kind: "aws.backup.vault-policy",
    types: { aws_backup_vault_policy: (b) => ({ document: b.policy }) },
    paths: { document: [null, "policy"] },
    fold: [
      {
        via: ["backup_vault_name"],
        into: ["aws.backup.vault"],
        byName: "name",
        apply: (t, c) => void (t.attrs.policy = c.attrs.document),
      },
    ],
  },
  {
    /** An account's CloudWatch Logs resource policy: which services or accounts may write to its log groups. */
    kind: "aws.logs.resource-policy",
    types: {
      "AWS::Logs::ResourcePolicy": (b) => ({ policy: b.PolicyDocument }),
      aws_cloudwatch_log_resource_policy: (b) => ({ policy: b.policy_document }),
    },
    paths: { policy: ["Properties.PolicyDocument", "policy_document"] },
  },
  {
    /** A cross-account log destination: its policy says which accounts may subscribe their logs to it. */
    kind: "aws.logs.destination",
    types: {
      "AWS::Logs::Destination": (b) => ({ name: str(b.DestinationName), policy: b.DestinationPolicy }),
      aws_cloudwatch_log_destination: (b) => ({ name: str(b.name) }),
    },
    paths: { policy: ["Properties.DestinationPolicy", null] },
  },
  {
    kind: "aws.logs.destination-policy",
    types: { aws_cloudwatch_log_destination_policy: (b) => ({ document: b.access_policy }) },
    paths: { document: [null, "access_policy"] },
    fold: [
      {
        via: ["destination_name"],
        into: ["aws.logs.destination"],
        byName: "name",
        apply: (t, c) => void (t.attrs.policy = c.attrs.document),
      },
    ],
  },
  {
    kind: "aws.logs.log-group",
    types: {
      "AWS::Logs::LogGroup": (b) => ({ retention: num(b.RetentionInDays), kms: present(b.KmsKeyId) }),
      aws_cloudwatch_log_group: (b) => ({ retention: num(b.retention_in_days), kms: present(b.kms_key_id) }),
    },
    paths: {
      retention: ["Properties.RetentionInDays", "retention_in_days"],
      kms: ["Properties.KmsKeyId", "kms_key_id"],
    },
  },
];

function openSearchCfn(b: Record<string, unknown>, clusterKey: string): Record<string, unknown> {
  return {
    name: str(b.DomainName),
    vpc: present(b.VPCOptions),
    accessPolicy: b.AccessPolicies,
    encryptionAtRest: bool(dig(b, "EncryptionAtRestOptions.Enabled")) ?? false,
    nodeToNode: bool(dig(b, "NodeToNodeEncryptionOptions.Enabled")) ?? false,
    enforceHttps: bool(dig(b, "DomainEndpointOptions.EnforceHTTPS")) ?? false,
    tlsPolicy: str(dig(b, "DomainEndpointOptions.TLSSecurityPolicy")),
    fineGrained: bool(dig(b, "AdvancedSecurityOptions.Enabled")) ?? false,
    auditLogs: bool(dig(b, "LogPublishingOptions.AUDIT_LOGS.Enabled")) ?? false,
    zoneAwareness: bool(dig(b, `${clusterKey}.ZoneAwarenessEnabled`)) ?? false,
  };
}

function openSearchTf(b: Record<string, unknown>): Record<string, unknown> {
  const audit = list(b.log_publishing_options).find((o) => str(dig(o, "log_type")) === "AUDIT_LOGS");
  return {
    name: str(b.domain_name),
    vpc: present(b.vpc_options),
    accessPolicy: b.access_policies,
    encryptionAtRest: bool(dig(b, "encrypt_at_rest.enabled")) ?? false,
    nodeToNode: bool(dig(b, "node_to_node_encryption.enabled")) ?? false,
    enforceHttps:
      bool(dig(b, "domain_endpoint_options.enforce_https")) ?? (block(b.domain_endpoint_options) ? true : false),
    tlsPolicy: str(dig(b, "domain_endpoint_options.tls_security_policy")),
    fineGrained: bool(dig(b, "advanced_security_options.enabled")) ?? false,
    auditLogs: audit ? (bool(dig(audit, "enabled")) ?? true) : false,
    zoneAwareness: bool(dig(b, "cluster_config.zone_awareness_enabled")) ?? false,
  };
}
