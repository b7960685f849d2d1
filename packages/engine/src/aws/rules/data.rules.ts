import type { GraphEdge, GraphNode, ResourceGraph } from "../../graph/types.ts";
import type { RuleContext } from "../../rules/types.ts";
import { fencedByDeny, isPublicPrincipal, type Statement } from "../policy.ts";
import { policyHits, publicPolicyHits, policyKinds, whatOf, whoOf } from "./resource-policy.ts";
import { at, awsRule } from "./define.ts";
import { list, pushTo } from "../values.ts";

const DB = ["aws.rds.instance", "aws.rds.cluster"];

/**
 * `Bool elasticfilesystem:AccessedViaMountTarget true`: only NFS clients that reach one of the file system's
 * mount targets (inside its VPC) are granted — the console's "prevent anonymous access" statement.
 */
function viaMountTarget(s: Statement): boolean {
  return Object.entries(s.conditions).some(
    ([operator, body]) =>
      /^Bool$/i.test(operator) &&
      Object.entries(body).some(
        ([key, value]) =>
          key.toLowerCase() === "elasticfilesystem:accessedviamounttarget" &&
          list(value).some((v) => v === true || (typeof v === "string" && v.toLowerCase() === "true")),
      ),
  );
}

/** A resource policy rule's fix: a statement to a named principal of the owner's organization. */
function orgFix(service: string, action: string): { cloudformation: string; terraform: string } {
  return {
    cloudformation: `Statement:\n  - Effect: Allow\n    Principal:\n      AWS: arn:aws:iam::111122223333:role/${service}-reader\n    Action: ${action}\n    Resource: '*'`,
    terraform: `statement {\n  actions   = ["${action}"]\n  resources = ["*"]\n  principals {\n    type        = "AWS"\n    identifiers = ["arn:aws:iam::111122223333:role/${service}-reader"]\n  }\n}`,
  };
}
const standalone = (node: GraphNode): boolean => node.attrs.member !== true;
const companionsOf = (ctx: RuleContext, node: GraphNode, kinds: string[]): GraphNode[] =>
  ctx.in(node.id).filter((n) => kinds.includes(n.kind));
const IAM_AUTH_ENGINES = /^(mysql|postgres|aurora|aurora-mysql|aurora-postgresql|mariadb|neptune)$/;
const REDIS = (engine: unknown): boolean => engine === undefined || engine === "redis" || engine === "valkey";

/** Properties through which a resource sends its failed messages somewhere (a redrive *allow* policy is the DLQ's own). */
const DLQ_VIA = /dead.?letter|redrive(?!.?allow)|on.?failure/i;

const incomingCache = new WeakMap<ResourceGraph, Map<string, GraphEdge[]>>();

/** Edges into a node, indexed once per graph (a scan of every edge per queue was quadratic in large templates). */
function incomingEdges(ctx: RuleContext, id: string): GraphEdge[] {
  let index = incomingCache.get(ctx.graph);
  if (!index) {
    index = new Map();
    for (const edge of ctx.graph.edges) pushTo(index, edge.to, edge);
    incomingCache.set(ctx.graph, index);
  }
  return index.get(id) ?? [];
}

function hasKey(value: unknown, key: string): boolean {
  if (value === null || typeof value !== "object") return false;
  const record = value as Record<string, unknown>;
  return key in record || (record.Properties !== undefined && hasKey(record.Properties, key));
}

export const DATA_RULES = [
  awsRule({
    id: "TL-AWS-RDS-001",
    title: "Database is publicly accessible",
    category: "InformationDisclosure",
    likelihood: 3,
    impact: 5,
    kinds: DB,
    description:
      "Database {resource} has a public endpoint: only its security groups and password stand between the internet and the data.",
    remediation:
      "Set PubliclyAccessible to false and reach the database from the application tier or through a bastion/SSM tunnel.",
    fix: { cloudformation: "Properties:\n  PubliclyAccessible: false", terraform: "publicly_accessible = false" },
    cwe: ["CWE-284", "CWE-668"],
    capec: ["CAPEC-49"],
    attack: ["T1190", "T1133"],
    test: (node) => node.attrs.public === true && { paths: [at(node, "public")] },
  }),
  awsRule({
    id: "TL-AWS-RDS-002",
    title: "Database storage is not encrypted",
    category: "InformationDisclosure",
    likelihood: 2,
    impact: 4,
    kinds: DB,
    description:
      "Database {resource} stores data, backups and snapshots unencrypted; a shared or leaked snapshot exposes everything.",
    remediation:
      "Enable storage encryption with a customer-managed KMS key (existing databases need a snapshot copy and restore).",
    fix: {
      cloudformation: "Properties:\n  StorageEncrypted: true\n  KmsKeyId: !Ref DbKey",
      terraform: "storage_encrypted = true\nkms_key_id        = aws_kms_key.db.arn",
    },
    cwe: ["CWE-311"],
    attack: ["T1530"],
    test: (node) => standalone(node) && node.attrs.encrypted === false && { paths: [at(node, "encrypted")] },
  }),
  awsRule({
    id: "TL-AWS-RDS-003",
    title: "Database automated backups are disabled",
    category: "DenialOfService",
    likelihood: 2,
    impact: 4,
    kinds: DB,
    description:
      "Database {resource} keeps no automated backups (retention 0): a deletion, corruption or ransomware attack cannot be undone.",
    remediation: "Keep automated backups for at least 7 days.",
    fix: { cloudformation: "Properties:\n  BackupRetentionPeriod: 7", terraform: "backup_retention_period = 7" },
    cwe: ["CWE-693"],
    attack: ["T1485", "T1490"],
    exposedBoost: 0,
    test: (node) => standalone(node) && node.attrs.backupRetention === 0 && { paths: [at(node, "backupRetention")] },
  }),
  awsRule({
    id: "TL-AWS-RDS-004",
    title: "Database backup retention is shorter than 7 days",
    category: "DenialOfService",
    likelihood: 1,
    impact: 3,
    kinds: DB,
    description:
      "Database {resource} keeps backups for less than a week; a problem noticed late cannot be rolled back.",
    remediation: "Keep automated backups for at least 7 days.",
    fix: { cloudformation: "Properties:\n  BackupRetentionPeriod: 7", terraform: "backup_retention_period = 7" },
    cwe: ["CWE-693"],
    attack: ["T1490"],
    exposedBoost: 0,
    test: (node) => {
      const days = node.attrs.backupRetention;
      return (
        standalone(node) &&
        typeof days === "number" &&
        days > 0 &&
        days < 7 && {
          paths: [at(node, "backupRetention")],
          detail: `Database ${node.id} keeps backups for ${days} day(s).`,
        }
      );
    },
  }),
  awsRule({
    id: "TL-AWS-RDS-005",
    title: "Database runs in a single availability zone",
    category: "DenialOfService",
    likelihood: 1,
    impact: 3,
    kinds: ["aws.rds.instance"],
    description: "Database {resource} is not Multi-AZ: an availability-zone outage or maintenance takes it down.",
    remediation: "Enable Multi-AZ for production databases.",
    fix: { cloudformation: "Properties:\n  MultiAZ: true", terraform: "multi_az = true" },
    cwe: ["CWE-400"],
    exposedBoost: 0,
    test: (node) => standalone(node) && node.attrs.multiAz === false && { paths: [at(node, "multiAz")] },
  }),
  awsRule({
    id: "TL-AWS-RDS-006",
    title: "Database deletion protection is disabled",
    category: "DenialOfService",
    likelihood: 1,
    impact: 3,
    kinds: DB,
    description: "Database {resource} can be deleted by a single API call or stack change.",
    remediation: "Enable deletion protection (and set DeletionPolicy: Snapshot in CloudFormation).",
    fix: {
      cloudformation: "DeletionPolicy: Snapshot\nProperties:\n  DeletionProtection: true",
      terraform: "deletion_protection = true",
    },
    cwe: ["CWE-693"],
    attack: ["T1485"],
    exposedBoost: 0,
    test: (node) =>
      standalone(node) && node.attrs.deletionProtection === false && { paths: [at(node, "deletionProtection")] },
  }),
  awsRule({
    id: "TL-AWS-RDS-007",
    title: "Database IAM authentication is disabled",
    category: "Spoofing",
    likelihood: 1,
    impact: 3,
    kinds: DB,
    description:
      "Database {resource} accepts only static passwords; IAM authentication would give short-lived, audited credentials.",
    remediation: "Enable IAM database authentication and connect with generated tokens.",
    fix: {
      cloudformation: "Properties:\n  EnableIAMDatabaseAuthentication: true",
      terraform: "iam_database_authentication_enabled = true",
    },
    cwe: ["CWE-798", "CWE-287"],
    exposedBoost: 0,
    test: (node) =>
      standalone(node) &&
      node.attrs.iamAuth === false &&
      typeof node.attrs.engine === "string" &&
      IAM_AUTH_ENGINES.test(node.attrs.engine) && { paths: [at(node, "iamAuth")] },
  }),
  awsRule({
    id: "TL-AWS-RDS-008",
    title: "Database logs are not exported",
    category: "Repudiation",
    likelihood: 1,
    impact: 3,
    kinds: DB,
    description:
      "Database {resource} exports no logs (audit, error, general, postgresql …) to CloudWatch Logs, so access to the data cannot be reviewed.",
    remediation: "Export the engine's audit and error logs to CloudWatch Logs.",
    fix: {
      cloudformation: "Properties:\n  EnableCloudwatchLogsExports:\n    - audit\n    - error",
      terraform: 'enabled_cloudwatch_logs_exports = ["audit", "error"]',
    },
    cwe: ["CWE-778"],
    attack: ["T1562.008"],
    test: (node) =>
      standalone(node) &&
      Array.isArray(node.attrs.logExports) &&
      node.attrs.logExports.length === 0 && { paths: [at(node, "logExports")] },
  }),
  awsRule({
    id: "TL-AWS-RDS-009",
    title: "Database minor version upgrades are disabled",
    category: "Tampering",
    likelihood: 1,
    impact: 3,
    kinds: ["aws.rds.instance"],
    description: "Database {resource} does not take minor engine upgrades, which carry security fixes.",
    remediation: "Enable automatic minor version upgrades.",
    fix: {
      cloudformation: "Properties:\n  AutoMinorVersionUpgrade: true",
      terraform: "auto_minor_version_upgrade = true",
    },
    cwe: ["CWE-1104"],
    test: (node) => node.attrs.minorUpgrade === false && { paths: [at(node, "minorUpgrade")] },
  }),
  awsRule({
    id: "TL-AWS-RDS-010",
    title: "Database master password is written in the template",
    category: "InformationDisclosure",
    likelihood: 4,
    impact: 5,
    kinds: DB,
    description:
      "The master password of {resource} is a literal in the template: everyone who reads the repository, the stack or the plan knows it.",
    remediation:
      "Let RDS manage the password in Secrets Manager (ManageMasterUserPassword / manage_master_user_password) or use a dynamic reference.",
    fix: {
      cloudformation: "Properties:\n  ManageMasterUserPassword: true",
      terraform: "manage_master_user_password = true",
    },
    cwe: ["CWE-798", "CWE-259"],
    capec: ["CAPEC-191"],
    attack: ["T1552.001"],
    test: (node) => node.attrs.literalPassword === true && { paths: [at(node, "literalPassword")] },
  }),
  awsRule({
    id: "TL-AWS-RDS-011",
    title: "DocumentDB cluster parameter group turns TLS off",
    category: "InformationDisclosure",
    likelihood: 2,
    impact: 4,
    kinds: ["aws.docdb.parameter-group"],
    description:
      "DocumentDB cluster parameter group {resource} sets tls to disabled: the clusters that use it accept unencrypted connections, and credentials and documents cross the network in cleartext.",
    remediation: "Set the tls parameter to enabled (or tls1.2+) and reboot the cluster's instances.",
    fix: {
      cloudformation:
        "Type: AWS::DocDB::DBClusterParameterGroup\nProperties:\n  Family: docdb5.0\n  Description: TLS required\n  Parameters:\n    tls: enabled",
      terraform: 'parameter {\n  name  = "tls"\n  value = "enabled"\n}',
    },
    cwe: ["CWE-319"],
    attack: ["T1040"],
    test: (node, ctx) =>
      typeof node.attrs.tls === "string" &&
      node.attrs.tls.toLowerCase() === "disabled" && {
        paths: [at(node, "tls")],
        related: ctx.in(node.id).filter((n) => n.kind === "aws.rds.cluster"),
      },
  }),
  awsRule({
    id: "TL-AWS-REDSHIFT-001",
    title: "Redshift cluster is publicly accessible",
    category: "InformationDisclosure",
    likelihood: 3,
    impact: 5,
    kinds: ["aws.redshift.cluster"],
    description: "Redshift cluster {resource} has a public endpoint.",
    remediation: "Set PubliclyAccessible to false.",
    fix: { cloudformation: "Properties:\n  PubliclyAccessible: false", terraform: "publicly_accessible = false" },
    cwe: ["CWE-284"],
    attack: ["T1190"],
    test: (node) => node.attrs.public === true && { paths: [at(node, "public")] },
  }),
  awsRule({
    id: "TL-AWS-REDSHIFT-002",
    title: "Redshift cluster is not encrypted",
    category: "InformationDisclosure",
    likelihood: 2,
    impact: 4,
    kinds: ["aws.redshift.cluster"],
    description: "Redshift cluster {resource} stores its data and snapshots unencrypted.",
    remediation: "Enable encryption with a customer-managed KMS key.",
    fix: {
      cloudformation: "Properties:\n  Encrypted: true\n  KmsKeyId: !Ref WarehouseKey",
      terraform: "encrypted  = true\nkms_key_id = aws_kms_key.warehouse.arn",
    },
    cwe: ["CWE-311"],
    test: (node) =>
      node.attrs.encrypted === false && {
        paths: [at(node, "encrypted")],
        ...(node.attrs.encryptedByDefault === true
          ? {
              likelihood: 1,
              detail: `Cluster ${node.id} does not declare encryption: AWS encrypts new clusters by default since 2025, with an AWS-owned key unless one is given.`,
            }
          : {}),
      },
  }),
  awsRule({
    id: "TL-AWS-REDSHIFT-003",
    title: "Redshift audit logging is disabled",
    category: "Repudiation",
    likelihood: 1,
    impact: 3,
    kinds: ["aws.redshift.cluster"],
    description: "Redshift cluster {resource} keeps no connection and user activity logs.",
    remediation: "Enable audit logging to S3 or CloudWatch Logs.",
    fix: {
      cloudformation: "Properties:\n  LoggingProperties:\n    BucketName: !Ref AuditBucket",
      terraform:
        'resource "aws_redshift_logging" "this" {\n  cluster_identifier   = aws_redshift_cluster.this.id\n  log_destination_type = "cloudwatch"\n  log_exports          = ["connectionlog", "userlog", "useractivitylog"]\n}',
    },
    cwe: ["CWE-778"],
    test: (node) => node.attrs.logging === false && { paths: [at(node, "logging")] },
  }),
  awsRule({
    id: "TL-AWS-DDB-001",
    title: "DynamoDB point-in-time recovery is disabled",
    category: "Tampering",
    likelihood: 2,
    impact: 4,
    kinds: ["aws.dynamodb.table"],
    description: "Table {resource} cannot be restored to an earlier second: bad writes and deletions are permanent.",
    remediation: "Enable point-in-time recovery.",
    fix: {
      cloudformation: "Properties:\n  PointInTimeRecoverySpecification:\n    PointInTimeRecoveryEnabled: true",
      terraform: "point_in_time_recovery {\n  enabled = true\n}",
    },
    cwe: ["CWE-693"],
    attack: ["T1485"],
    exposedBoost: 0,
    test: (node) => node.attrs.pitr === false && { paths: [at(node, "pitr")] },
  }),
  awsRule({
    id: "TL-AWS-DDB-002",
    title: "DynamoDB table is not encrypted with a customer-managed key",
    category: "InformationDisclosure",
    likelihood: 1,
    impact: 3,
    kinds: ["aws.dynamodb.table"],
    description:
      "Table {resource} uses an AWS-owned or AWS-managed key, so its key policy cannot limit who decrypts the data.",
    remediation: "Use SSE with a customer-managed KMS key.",
    fix: {
      cloudformation:
        "Properties:\n  SSESpecification:\n    SSEEnabled: true\n    SSEType: KMS\n    KMSMasterKeyId: !Ref TableKey",
      terraform: "server_side_encryption {\n  enabled     = true\n  kms_key_arn = aws_kms_key.table.arn\n}",
    },
    cwe: ["CWE-311"],
    exposedBoost: 0,
    test: (node) => node.attrs.cmk === false && { paths: [at(node, "cmk")] },
  }),
  awsRule({
    id: "TL-AWS-DDB-003",
    title: "DynamoDB deletion protection is disabled",
    category: "DenialOfService",
    likelihood: 1,
    impact: 4,
    kinds: ["aws.dynamodb.table"],
    description: "Table {resource} can be deleted by a single API call or stack change.",
    remediation: "Enable deletion protection.",
    fix: {
      cloudformation: "Properties:\n  DeletionProtectionEnabled: true",
      terraform: "deletion_protection_enabled = true",
    },
    cwe: ["CWE-693"],
    attack: ["T1485"],
    exposedBoost: 0,
    test: (node) => node.attrs.deletionProtection === false && { paths: [at(node, "deletionProtection")] },
  }),
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
  awsRule({
    id: "TL-AWS-OS-001",
    title: "OpenSearch domain has a public endpoint",
    category: "InformationDisclosure",
    likelihood: 3,
    impact: 4,
    kinds: ["aws.opensearch.domain"],
    description:
      "Domain {resource} is not placed in a VPC: its endpoint is reachable from the internet, protected only by its access policy.",
    remediation: "Place the domain in private subnets (VPCOptions).",
    fix: {
      cloudformation:
        "Properties:\n  VPCOptions:\n    SubnetIds:\n      - !Ref PrivateSubnet\n    SecurityGroupIds:\n      - !Ref SearchSecurityGroup",
      terraform:
        "vpc_options {\n  subnet_ids         = [aws_subnet.private.id]\n  security_group_ids = [aws_security_group.search.id]\n}",
    },
    cwe: ["CWE-284", "CWE-668"],
    attack: ["T1190"],
    test: (node) => node.attrs.vpc === false && { paths: [at(node, "vpc")] },
  }),
  awsRule({
    id: "TL-AWS-OS-002",
    title: "OpenSearch access policy allows anyone",
    category: "InformationDisclosure",
    likelihood: 4,
    impact: 5,
    kinds: policyKinds("aws.opensearch.domain"),
    description:
      'The access policy of {resource} allows Principal "*" without a condition: anyone who reaches the endpoint can read and write the indexes.',
    remediation: "Grant access to named roles, or restrict with aws:SourceIp / fine-grained access control.",
    fix: {
      cloudformation:
        "AccessPolicies:\n  Statement:\n    - Effect: Allow\n      Principal:\n        AWS: !GetAtt SearchClientRole.Arn\n      Action: es:ESHttp*\n      Resource: !Sub arn:aws:es:${AWS::Region}:${AWS::AccountId}:domain/search/*",
      terraform:
        'access_policies = jsonencode({\n  Version = "2012-10-17"\n  Statement = [{\n    Effect    = "Allow"\n    Principal = { AWS = aws_iam_role.search_client.arn }\n    Action    = "es:ESHttp*"\n    Resource  = "${aws_opensearch_domain.this.arn}/*"\n  }]\n})',
    },
    cwe: ["CWE-284", "CWE-732"],
    attack: ["T1530"],
    test: (node, ctx) => publicPolicyHits(ctx, node, "aws.opensearch.domain"),
  }),
  awsRule({
    id: "TL-AWS-OS-003",
    title: "OpenSearch encryption at rest is disabled",
    category: "InformationDisclosure",
    likelihood: 2,
    impact: 3,
    kinds: ["aws.opensearch.domain"],
    description: "Domain {resource} stores indexes and snapshots unencrypted.",
    remediation: "Enable encryption at rest.",
    fix: {
      cloudformation: "Properties:\n  EncryptionAtRestOptions:\n    Enabled: true",
      terraform: "encrypt_at_rest {\n  enabled = true\n}",
    },
    cwe: ["CWE-311"],
    test: (node) => node.attrs.encryptionAtRest === false && { paths: [at(node, "encryptionAtRest")] },
  }),
  awsRule({
    id: "TL-AWS-OS-004",
    title: "OpenSearch node-to-node encryption is disabled",
    category: "InformationDisclosure",
    likelihood: 2,
    impact: 3,
    kinds: ["aws.opensearch.domain"],
    description: "Nodes of domain {resource} talk to each other in plaintext.",
    remediation: "Enable node-to-node encryption.",
    fix: {
      cloudformation: "Properties:\n  NodeToNodeEncryptionOptions:\n    Enabled: true",
      terraform: "node_to_node_encryption {\n  enabled = true\n}",
    },
    cwe: ["CWE-319"],
    attack: ["T1040"],
    test: (node) => node.attrs.nodeToNode === false && { paths: [at(node, "nodeToNode")] },
  }),
  awsRule({
    id: "TL-AWS-OS-005",
    title: "OpenSearch does not enforce HTTPS with a current TLS policy",
    category: "InformationDisclosure",
    likelihood: 2,
    impact: 3,
    kinds: ["aws.opensearch.domain"],
    description: "Domain {resource} accepts plain HTTP or TLS 1.0/1.1 connections.",
    remediation: "Enforce HTTPS with the TLS 1.2 (or later) security policy.",
    fix: {
      cloudformation:
        "Properties:\n  DomainEndpointOptions:\n    EnforceHTTPS: true\n    TLSSecurityPolicy: Policy-Min-TLS-1-2-PFS-2023-10",
      terraform:
        'domain_endpoint_options {\n  enforce_https       = true\n  tls_security_policy = "Policy-Min-TLS-1-2-PFS-2023-10"\n}',
    },
    cwe: ["CWE-319", "CWE-326"],
    test: (node) =>
      (node.attrs.enforceHttps === false || node.attrs.tlsPolicy === "Policy-Min-TLS-1-0-2019-07") && {
        paths: [at(node, "enforceHttps")],
      },
  }),
  awsRule({
    id: "TL-AWS-OS-006",
    title: "OpenSearch fine-grained access control is disabled",
    category: "ElevationOfPrivilege",
    likelihood: 2,
    impact: 4,
    kinds: ["aws.opensearch.domain"],
    description:
      "Domain {resource} has no fine-grained access control: every authorized caller can read and change every index.",
    remediation:
      "Enable advanced security options with an internal user database or IAM master user, and map roles per index.",
    fix: {
      cloudformation:
        "Properties:\n  AdvancedSecurityOptions:\n    Enabled: true\n    InternalUserDatabaseEnabled: false\n    MasterUserOptions:\n      MasterUserARN: !GetAtt SearchAdminRole.Arn",
      terraform:
        "advanced_security_options {\n  enabled                        = true\n  internal_user_database_enabled = false\n  master_user_options {\n    master_user_arn = aws_iam_role.search_admin.arn\n  }\n}",
    },
    cwe: ["CWE-285"],
    test: (node) => node.attrs.fineGrained === false && { paths: [at(node, "fineGrained")] },
  }),
  awsRule({
    id: "TL-AWS-OS-007",
    title: "OpenSearch audit logs are not published",
    category: "Repudiation",
    likelihood: 2,
    impact: 3,
    kinds: ["aws.opensearch.domain"],
    description: "Domain {resource} publishes no audit logs: who searched or changed what is not recorded.",
    remediation: "Publish AUDIT_LOGS to CloudWatch Logs (requires fine-grained access control).",
    fix: {
      cloudformation:
        "Properties:\n  LogPublishingOptions:\n    AUDIT_LOGS:\n      Enabled: true\n      CloudWatchLogsLogGroupArn: !GetAtt SearchAuditLogs.Arn",
      terraform:
        'log_publishing_options {\n  log_type                 = "AUDIT_LOGS"\n  cloudwatch_log_group_arn = aws_cloudwatch_log_group.search_audit.arn\n}',
    },
    cwe: ["CWE-778"],
    test: (node) => node.attrs.auditLogs === false && { paths: [at(node, "auditLogs")] },
  }),
  awsRule({
    id: "TL-AWS-OS-008",
    title: "OpenSearch zone awareness is disabled",
    category: "DenialOfService",
    likelihood: 1,
    impact: 3,
    kinds: ["aws.opensearch.domain"],
    description: "Domain {resource} runs in one availability zone; an outage there makes the cluster unavailable.",
    remediation: "Enable zone awareness across two or three zones.",
    fix: {
      cloudformation:
        "Properties:\n  ClusterConfig:\n    ZoneAwarenessEnabled: true\n    ZoneAwarenessConfig:\n      AvailabilityZoneCount: 3",
      terraform:
        "cluster_config {\n  zone_awareness_enabled = true\n  zone_awareness_config {\n    availability_zone_count = 3\n  }\n}",
    },
    cwe: ["CWE-400"],
    exposedBoost: 0,
    test: (node) => node.attrs.zoneAwareness === false && { paths: [at(node, "zoneAwareness")] },
  }),
  awsRule({
    id: "TL-AWS-EFS-001",
    title: "EFS file system is not encrypted",
    category: "InformationDisclosure",
    likelihood: 2,
    impact: 3,
    kinds: ["aws.efs.file-system"],
    description: "File system {resource} stores its data unencrypted.",
    remediation: "Enable encryption at rest (requires a new file system).",
    fix: {
      cloudformation: "Properties:\n  Encrypted: true\n  KmsKeyId: !Ref FilesKey",
      terraform: "encrypted  = true\nkms_key_id = aws_kms_key.files.arn",
    },
    cwe: ["CWE-311"],
    test: (node) => node.attrs.encrypted === false && { paths: [at(node, "encrypted")] },
  }),
  awsRule({
    id: "TL-AWS-EFS-002",
    title: "EFS file system has no backup policy",
    category: "DenialOfService",
    likelihood: 1,
    impact: 3,
    kinds: ["aws.efs.file-system"],
    description: "File system {resource} is not backed up automatically.",
    remediation: "Enable the EFS backup policy (AWS Backup).",
    fix: {
      cloudformation: "Properties:\n  BackupPolicy:\n    Status: ENABLED",
      terraform:
        'resource "aws_efs_backup_policy" "this" {\n  file_system_id = aws_efs_file_system.this.id\n  backup_policy {\n    status = "ENABLED"\n  }\n}',
    },
    cwe: ["CWE-693"],
    exposedBoost: 0,
    test: (node) => node.attrs.backup === false && { paths: [at(node, "backup")] },
  }),
  awsRule({
    id: "TL-AWS-EFS-003",
    title: "EFS file system policy allows any AWS principal",
    category: "InformationDisclosure",
    likelihood: 2,
    impact: 4,
    kinds: policyKinds("aws.efs.file-system"),
    description:
      'The file system policy of {resource} allows Principal "*" with no condition narrowing who (no aws:PrincipalOrgID, aws:SourceVpc, access point or mount-target condition): any AWS principal that can reach a mount target may mount, write to or act as root on it.',
    why: 'With IAM authorization on, a file system policy is what decides who mounts; a statement granting `*` hands that decision back to the network alone. The console\'s "prevent anonymous access" statement (`elasticfilesystem:AccessedViaMountTarget`) and statements limited to an access point or the organization are not reported.',
    remediation:
      "Grant mount and write to the roles that use the file system, or limit `*` with aws:PrincipalOrgID or elasticfilesystem:AccessedViaMountTarget, and never grant ClientRootAccess broadly.",
    fix: {
      cloudformation:
        "FileSystemPolicy:\n  Statement:\n    - Effect: Allow\n      Principal:\n        AWS: !GetAtt AppRole.Arn\n      Action:\n        - elasticfilesystem:ClientMount\n        - elasticfilesystem:ClientWrite",
      terraform:
        'statement {\n  actions = ["elasticfilesystem:ClientMount", "elasticfilesystem:ClientWrite"]\n  principals {\n    type        = "AWS"\n    identifiers = [aws_iam_role.app.arn]\n  }\n}',
    },
    cwe: ["CWE-732"],
    attack: ["T1530"],
    exposedBoost: 0,
    test: (node, ctx) =>
      policyHits(
        ctx,
        node,
        "aws.efs.file-system",
        (s, all) =>
          isPublicPrincipal(s) &&
          !fencedByDeny(s, all) &&
          !viaMountTarget(s) &&
          `lets ${whoOf(s)} ${whatOf(s)} with no condition narrowing who`,
      ),
  }),
  awsRule({
    id: "TL-AWS-GLACIER-001",
    title: "Glacier vault access policy allows anyone",
    category: "InformationDisclosure",
    likelihood: 3,
    impact: 4,
    kinds: policyKinds("aws.glacier.vault"),
    description:
      'The access policy of Glacier vault {resource} allows Principal "*" with no condition narrowing who: any AWS account can act on its archives (retrieve, upload or delete, as the statement allows).',
    remediation: "Grant the vault to named accounts or roles; restrict any `*` principal with aws:PrincipalOrgID.",
    fix: orgFix("vault", "glacier:InitiateJob"),
    cwe: ["CWE-732"],
    attack: ["T1530", "T1485"],
    test: (node, ctx) => publicPolicyHits(ctx, node, "aws.glacier.vault"),
  }),
  awsRule({
    id: "TL-AWS-BACKUP-001",
    title: "Backup vault access policy allows anyone",
    category: "Tampering",
    likelihood: 3,
    impact: 4,
    kinds: policyKinds("aws.backup.vault"),
    description:
      'The access policy of backup vault {resource} allows Principal "*" with no condition narrowing who: any AWS account can act on its recovery points (copy them out, restore or delete them, as the statement allows).',
    why: "A backup vault's policy is usually a Deny that protects recovery points from deletion; an Allow to everyone turns the last copy of the data into something anyone can take or destroy.",
    remediation:
      "Allow only the accounts of the organization (aws:PrincipalOrgID) to copy into the vault, and deny backup:DeleteRecoveryPoint to everyone but a break-glass role.",
    fix: {
      cloudformation:
        "AccessPolicy:\n  Statement:\n    - Effect: Deny\n      Principal: '*'\n      Action: backup:DeleteRecoveryPoint\n      Resource: '*'",
      terraform:
        'policy = jsonencode({\n  Statement = [{\n    Effect    = "Deny"\n    Principal = "*"\n    Action    = "backup:DeleteRecoveryPoint"\n    Resource  = "*"\n  }]\n})',
    },
    cwe: ["CWE-732"],
    attack: ["T1490", "T1530"],
    test: (node, ctx) => publicPolicyHits(ctx, node, "aws.backup.vault"),
  }),
  awsRule({
    id: "TL-AWS-KINESIS-001",
    title: "Kinesis stream is not encrypted",
    category: "InformationDisclosure",
    likelihood: 2,
    impact: 3,
    kinds: ["aws.kinesis.stream"],
    description: "Stream {resource} stores records unencrypted.",
    remediation: "Enable server-side encryption with KMS.",
    fix: {
      cloudformation: "Properties:\n  StreamEncryption:\n    EncryptionType: KMS\n    KeyId: alias/aws/kinesis",
      terraform: 'encryption_type = "KMS"\nkms_key_id      = "alias/aws/kinesis"',
    },
    cwe: ["CWE-311"],
    test: (node) => node.attrs.encrypted === false && { paths: [at(node, "encrypted")] },
  }),
  awsRule({
    id: "TL-AWS-SQS-001",
    title: "SQS queue is not encrypted",
    category: "InformationDisclosure",
    likelihood: 1,
    impact: 2,
    kinds: ["aws.sqs.queue"],
    description: "Queue {resource} declares no server-side encryption (or turns SQS-managed encryption off).",
    why: "New queues get SQS-managed encryption (SSE-SQS) by default since 2022, so a queue that only declares nothing is a low finding; one that turns SSE-SQS off keeps messages unencrypted.",
    remediation: "Enable SSE with a KMS key, or at least SQS-managed SSE.",
    fix: {
      cloudformation: "Properties:\n  KmsMasterKeyId: alias/aws/sqs",
      terraform: 'kms_master_key_id = "alias/aws/sqs"',
    },
    cwe: ["CWE-311"],
    test: (node) =>
      node.attrs.encrypted === false && {
        paths: [at(node, "encrypted")],
        // Undeclared means SSE-SQS by AWS's default: only the choice of key is missing.
        ...(node.attrs.sseDeclared === true
          ? {}
          : {
              likelihood: 1,
              detail: `Queue ${node.id} declares no encryption; AWS applies SSE-SQS by default, so no KMS key policy limits who reads its messages.`,
            }),
      },
  }),
  awsRule({
    id: "TL-AWS-SQS-002",
    title: "SQS queue policy allows anyone",
    category: "InformationDisclosure",
    likelihood: 4,
    impact: 4,
    kinds: policyKinds("aws.sqs.queue"),
    description:
      'The policy of queue {resource} allows Principal "*" without a condition: anyone can read, send or delete messages.',
    remediation: "Grant the queue to named principals or services, with aws:SourceArn conditions.",
    fix: {
      cloudformation:
        "PolicyDocument:\n  Statement:\n    - Effect: Allow\n      Principal:\n        Service: sns.amazonaws.com\n      Action: sqs:SendMessage\n      Resource: !GetAtt Queue.Arn\n      Condition:\n        ArnEquals:\n          aws:SourceArn: !Ref Topic",
      terraform:
        'statement {\n  actions   = ["sqs:SendMessage"]\n  resources = [aws_sqs_queue.this.arn]\n  principals {\n    type        = "Service"\n    identifiers = ["sns.amazonaws.com"]\n  }\n  condition {\n    test     = "ArnEquals"\n    variable = "aws:SourceArn"\n    values   = [aws_sns_topic.this.arn]\n  }\n}',
    },
    cwe: ["CWE-732"],
    attack: ["T1530"],
    test: (node, ctx) => publicPolicyHits(ctx, node, "aws.sqs.queue"),
  }),
  awsRule({
    id: "TL-AWS-SQS-003",
    title: "SQS queue has no dead-letter queue",
    category: "DenialOfService",
    likelihood: 2,
    impact: 2,
    kinds: ["aws.sqs.queue"],
    description:
      "Queue {resource} has no redrive policy: a poison message is retried until it expires and blocks or slows its consumers.",
    remediation: "Add a dead-letter queue with a maxReceiveCount.",
    fix: {
      cloudformation:
        "Properties:\n  RedrivePolicy:\n    deadLetterTargetArn: !GetAtt DeadLetterQueue.Arn\n    maxReceiveCount: 5",
      terraform:
        "redrive_policy = jsonencode({\n  deadLetterTargetArn = aws_sqs_queue.dlq.arn\n  maxReceiveCount     = 5\n})",
    },
    cwe: ["CWE-400"],
    exposedBoost: 0,
    test: (node, ctx) => {
      if (node.attrs.dlq !== false) return null;
      // A queue that receives other resources' failures is a dead-letter queue itself: another queue's redrive
      // policy, a function's or a rule target's DeadLetterConfig, an event source's on-failure destination, a
      // subscription's redrive policy, or a queue that allows redrive into it or is named as one.
      const incoming = incomingEdges(ctx, node.id);
      const receivesFailures = incoming.some((e) => DLQ_VIA.test(e.via ?? ""));
      const allowsRedrive =
        hasKey(node.properties, "RedriveAllowPolicy") || hasKey(node.properties, "redrive_allow_policy");
      const isDlq = receivesFailures || allowsRedrive;
      // A redrive policy declared as its own resource (aws_sqs_queue_redrive_policy) gives this queue one.
      const redriveElsewhere = incoming.some((e) => ctx.byId.get(e.from)?.type === "aws_sqs_queue_redrive_policy");
      const named = /(^|[^a-z])(dlq|dead[-_ ]?letter)/i.test(
        `${node.id} ${typeof node.attrs.name === "string" ? node.attrs.name : ""}`,
      );
      return !isDlq && !redriveElsewhere && !named && { paths: [at(node, "dlq")] };
    },
  }),
  awsRule({
    id: "TL-AWS-SNS-001",
    title: "SNS topic is not encrypted",
    category: "InformationDisclosure",
    likelihood: 2,
    impact: 3,
    kinds: ["aws.sns.topic"],
    description: "Topic {resource} stores messages unencrypted.",
    remediation: "Set a KMS key on the topic.",
    fix: {
      cloudformation: "Properties:\n  KmsMasterKeyId: alias/aws/sns",
      terraform: 'kms_master_key_id = "alias/aws/sns"',
    },
    cwe: ["CWE-311"],
    test: (node) => node.attrs.encrypted === false && { paths: [at(node, "encrypted")] },
  }),
  awsRule({
    id: "TL-AWS-SNS-002",
    title: "SNS topic policy allows anyone",
    category: "Tampering",
    likelihood: 4,
    impact: 4,
    kinds: policyKinds("aws.sns.topic"),
    description:
      'The policy of topic {resource} allows Principal "*" without a condition: anyone can publish (spoofed notifications) or subscribe (data theft).',
    remediation:
      "Grant publish and subscribe to named principals or services, with aws:SourceArn / aws:SourceAccount conditions.",
    fix: {
      cloudformation:
        "PolicyDocument:\n  Statement:\n    - Effect: Allow\n      Principal:\n        Service: events.amazonaws.com\n      Action: sns:Publish\n      Resource: !Ref Topic",
      terraform:
        'statement {\n  actions   = ["sns:Publish"]\n  resources = [aws_sns_topic.this.arn]\n  principals {\n    type        = "Service"\n    identifiers = ["events.amazonaws.com"]\n  }\n}',
    },
    cwe: ["CWE-732"],
    attack: ["T1565"],
    test: (node, ctx) => publicPolicyHits(ctx, node, "aws.sns.topic"),
  }),
  awsRule({
    id: "TL-AWS-SNS-003",
    title: "SNS subscription delivers over plain HTTP",
    category: "InformationDisclosure",
    likelihood: 2,
    impact: 3,
    kinds: ["aws.sns.subscription", "aws.sns.topic"],
    description: "{resource} delivers notifications to an http:// endpoint, in cleartext.",
    remediation: "Use the https protocol for endpoint subscriptions.",
    fix: {
      cloudformation: "Properties:\n  Protocol: https\n  Endpoint: https://hooks.example.com/notify",
      terraform: 'protocol = "https"\nendpoint = "https://hooks.example.com/notify"',
    },
    cwe: ["CWE-319"],
    attack: ["T1040"],
    test: (node) => {
      if (node.kind === "aws.sns.subscription")
        return node.attrs.protocol === "http" && { paths: [at(node, "protocol")] };
      const subs = ((node.attrs.subscriptions as Array<{ protocol: unknown; path: string }>) ?? []).filter(
        (s) => s.protocol === "http",
      );
      return subs.length > 0 && { paths: subs.map((s) => s.path) };
    },
  }),
  awsRule({
    id: "TL-AWS-SM-001",
    title: "Secret is never rotated",
    category: "Spoofing",
    likelihood: 1,
    impact: 3,
    kinds: ["aws.secretsmanager.secret"],
    description: "Secret {resource} has no rotation schedule; a leaked value stays valid indefinitely.",
    remediation: "Add a rotation schedule with a rotation Lambda (or the managed rotation for RDS).",
    fix: {
      cloudformation:
        "SecretRotation:\n  Type: AWS::SecretsManager::RotationSchedule\n  Properties:\n    SecretId: !Ref Secret\n    RotationLambdaARN: !GetAtt RotationFunction.Arn\n    RotationRules:\n      AutomaticallyAfterDays: 30",
      terraform:
        'resource "aws_secretsmanager_secret_rotation" "this" {\n  secret_id           = aws_secretsmanager_secret.this.id\n  rotation_lambda_arn = aws_lambda_function.rotation.arn\n  rotation_rules {\n    automatically_after_days = 30\n  }\n}',
    },
    cwe: ["CWE-324"],
    attack: ["T1552"],
    exposedBoost: 0,
    test: (node) => node.attrs.rotation === false && { paths: [at(node, "rotation")] },
  }),
  awsRule({
    id: "TL-AWS-SM-002",
    title: "Secret is not encrypted with a customer-managed key",
    category: "InformationDisclosure",
    likelihood: 1,
    impact: 3,
    kinds: ["aws.secretsmanager.secret"],
    description:
      "Secret {resource} uses the AWS-managed key, whose policy cannot be narrowed and which cannot be shared across accounts.",
    remediation: "Encrypt the secret with a customer-managed KMS key.",
    fix: {
      cloudformation: "Properties:\n  KmsKeyId: !Ref SecretsKey",
      terraform: "kms_key_id = aws_kms_key.secrets.arn",
    },
    cwe: ["CWE-311"],
    exposedBoost: 0,
    test: (node) => node.attrs.cmk === false && { paths: [at(node, "cmk")] },
  }),
  awsRule({
    id: "TL-AWS-SM-003",
    title: "Secret value is written in the template",
    category: "InformationDisclosure",
    likelihood: 4,
    impact: 5,
    kinds: ["aws.secretsmanager.secret"],
    description:
      "The value of secret {resource} is a literal in the template or module, so it is in version control, stack parameters and state.",
    remediation:
      "Generate the value (GenerateSecretString, random_password with ephemeral write-only arguments) or set it out of band.",
    fix: {
      cloudformation:
        'Properties:\n  GenerateSecretString:\n    SecretStringTemplate: \'{"username": "app"}\'\n    GenerateStringKey: password\n    PasswordLength: 32',
      terraform:
        'resource "random_password" "db" {\n  length = 32\n}\n# then secret_string = random_password.db.result (or set it outside Terraform)',
    },
    cwe: ["CWE-798", "CWE-312"],
    attack: ["T1552.001"],
    test: (node, ctx) =>
      node.attrs.literalValue === true && {
        paths: [at(node, "literalValue")],
        related: companionsOf(ctx, node, ["aws.secretsmanager.secret-config"]),
      },
  }),
  awsRule({
    id: "TL-AWS-SM-004",
    title: "Secret resource policy allows anyone",
    category: "InformationDisclosure",
    likelihood: 3,
    impact: 5,
    kinds: policyKinds("aws.secretsmanager.secret"),
    description: 'The resource policy of secret {resource} allows Principal "*" without a condition.',
    remediation: "Grant the secret to named roles; block public policies (BlockPublicPolicy).",
    fix: {
      cloudformation:
        "SecretPolicy:\n  Type: AWS::SecretsManager::ResourcePolicy\n  Properties:\n    SecretId: !Ref Secret\n    BlockPublicPolicy: true\n    ResourcePolicy:\n      Statement:\n        - Effect: Allow\n          Principal:\n            AWS: !GetAtt AppRole.Arn\n          Action: secretsmanager:GetSecretValue\n          Resource: '*'",
      terraform:
        'resource "aws_secretsmanager_secret_policy" "this" {\n  secret_arn          = aws_secretsmanager_secret.this.arn\n  block_public_policy = true\n  policy              = data.aws_iam_policy_document.secret_readers.json\n}',
    },
    cwe: ["CWE-732"],
    attack: ["T1552"],
    test: (node, ctx) => publicPolicyHits(ctx, node, "aws.secretsmanager.secret"),
  }),
  awsRule({
    id: "TL-AWS-ECR-001",
    title: "ECR repository allows mutable image tags",
    category: "Tampering",
    likelihood: 2,
    impact: 3,
    kinds: ["aws.ecr.repository"],
    description:
      "Repository {resource} lets a pushed tag be overwritten: a deployment of `:1.2.3` may run different code than was reviewed.",
    remediation: "Make tags immutable and deploy by digest.",
    fix: {
      cloudformation: "Properties:\n  ImageTagMutability: IMMUTABLE",
      terraform: 'image_tag_mutability = "IMMUTABLE"',
    },
    cwe: ["CWE-494"],
    attack: ["T1525"],
    test: (node) => node.attrs.mutable === true && { paths: [at(node, "mutable")] },
  }),
  awsRule({
    id: "TL-AWS-ECR-002",
    title: "ECR image scanning on push is disabled",
    category: "Tampering",
    likelihood: 2,
    impact: 3,
    kinds: ["aws.ecr.repository"],
    description: "Images pushed to {resource} are not scanned for known vulnerabilities.",
    remediation: "Enable scan on push (or enhanced scanning with Inspector).",
    fix: {
      cloudformation: "Properties:\n  ImageScanningConfiguration:\n    ScanOnPush: true",
      terraform: "image_scanning_configuration {\n  scan_on_push = true\n}",
    },
    cwe: ["CWE-1104"],
    attack: ["T1525"],
    test: (node) => node.attrs.scanOnPush === false && { paths: [at(node, "scanOnPush")] },
  }),
  awsRule({
    id: "TL-AWS-ECR-003",
    title: "ECR repository policy allows anyone",
    category: "InformationDisclosure",
    likelihood: 3,
    impact: 4,
    kinds: policyKinds("aws.ecr.repository"),
    description:
      'The policy of repository {resource} allows Principal "*": anyone can pull (and with write actions, push) images.',
    remediation: "Grant pull to named accounts or your organization (aws:PrincipalOrgID).",
    fix: {
      cloudformation:
        "RepositoryPolicyText:\n  Statement:\n    - Effect: Allow\n      Principal:\n        AWS: arn:aws:iam::111122223333:root\n      Action:\n        - ecr:BatchGetImage\n        - ecr:GetDownloadUrlForLayer",
      terraform:
        'statement {\n  actions = ["ecr:BatchGetImage", "ecr:GetDownloadUrlForLayer"]\n  principals {\n    type        = "AWS"\n    identifiers = ["arn:aws:iam::111122223333:root"]\n  }\n}',
    },
    cwe: ["CWE-732"],
    attack: ["T1525", "T1530"],
    test: (node, ctx) => publicPolicyHits(ctx, node, "aws.ecr.repository"),
  }),
  awsRule({
    id: "TL-AWS-ECR-004",
    title: "ECR repository is not encrypted with KMS",
    category: "InformationDisclosure",
    likelihood: 1,
    impact: 2,
    kinds: ["aws.ecr.repository"],
    description: "Repository {resource} uses AES-256 with AWS-owned keys rather than a KMS key under your control.",
    remediation: "Use KMS encryption for repositories holding proprietary images.",
    fix: {
      cloudformation: "Properties:\n  EncryptionConfiguration:\n    EncryptionType: KMS\n    KmsKey: !Ref ImagesKey",
      terraform: 'encryption_configuration {\n  encryption_type = "KMS"\n  kms_key         = aws_kms_key.images.arn\n}',
    },
    cwe: ["CWE-311"],
    exposedBoost: 0,
    test: (node) => node.attrs.kms === false && { paths: [at(node, "kms")] },
  }),
  awsRule({
    id: "TL-AWS-LOGS-001",
    title: "Log group keeps logs for less than a year",
    category: "Repudiation",
    likelihood: 1,
    impact: 3,
    kinds: ["aws.logs.log-group"],
    description: "Log group {resource} deletes events within a year; incidents are often found later than that.",
    remediation: "Keep security-relevant logs for at least 365 days (or archive them to S3).",
    fix: { cloudformation: "Properties:\n  RetentionInDays: 365", terraform: "retention_in_days = 365" },
    cwe: ["CWE-779"],
    exposedBoost: 0,
    test: (node) =>
      typeof node.attrs.retention === "number" &&
      node.attrs.retention > 0 &&
      node.attrs.retention < 365 && {
        paths: [at(node, "retention")],
        detail: `Log group ${node.id} keeps events for ${node.attrs.retention} days.`,
      },
  }),
  awsRule({
    id: "TL-AWS-LOGS-002",
    title: "Log group is not encrypted with KMS",
    category: "InformationDisclosure",
    likelihood: 1,
    impact: 2,
    kinds: ["aws.logs.log-group"],
    description:
      "Log group {resource} is not encrypted with a customer-managed key, so anyone with logs:GetLogEvents can read it.",
    remediation: "Associate a KMS key with the log group.",
    fix: {
      cloudformation: "Properties:\n  KmsKeyId: !GetAtt LogsKey.Arn",
      terraform: "kms_key_id = aws_kms_key.logs.arn",
    },
    cwe: ["CWE-311"],
    exposedBoost: 0,
    test: (node) => node.attrs.kms === false && { paths: [at(node, "kms")] },
  }),
  awsRule({
    id: "TL-AWS-LOGS-003",
    title: "CloudWatch Logs resource or destination policy allows anyone",
    category: "Tampering",
    likelihood: 3,
    impact: 3,
    kinds: [...policyKinds("aws.logs.resource-policy"), ...policyKinds("aws.logs.destination")],
    description:
      'The CloudWatch Logs policy {resource} allows Principal "*" with no condition narrowing who: any AWS account can write log events into the account\'s log groups (a resource policy) or stream its logs into the destination (a destination policy), forging or flooding the audit trail.',
    remediation:
      "Grant the policy to the AWS service that delivers the logs (with aws:SourceAccount / aws:SourceArn) or to named accounts; limit a destination to the accounts of the organization with aws:PrincipalOrgID.",
    fix: {
      cloudformation:
        'PolicyDocument: !Sub |\n  {"Statement":[{"Effect":"Allow","Principal":{"Service":"delivery.logs.amazonaws.com"},\n    "Action":["logs:CreateLogStream","logs:PutLogEvents"],"Resource":"${LogGroup.Arn}",\n    "Condition":{"StringEquals":{"aws:SourceAccount":"${AWS::AccountId}"}}}]}',
      terraform:
        'statement {\n  actions   = ["logs:CreateLogStream", "logs:PutLogEvents"]\n  resources = ["${aws_cloudwatch_log_group.this.arn}:*"]\n  principals {\n    type        = "Service"\n    identifiers = ["delivery.logs.amazonaws.com"]\n  }\n  condition {\n    test     = "StringEquals"\n    variable = "aws:SourceAccount"\n    values   = [data.aws_caller_identity.current.account_id]\n  }\n}',
    },
    cwe: ["CWE-732"],
    attack: ["T1565", "T1562.008"],
    exposedBoost: 0,
    test: (node, ctx) => [
      ...publicPolicyHits(ctx, node, "aws.logs.resource-policy"),
      ...publicPolicyHits(ctx, node, "aws.logs.destination"),
    ],
  }),
];
