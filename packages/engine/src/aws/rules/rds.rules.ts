import type { GraphNode } from "../../graph/types.ts";
import { at, awsRule } from "./define.ts";

// TL-AWS-RDS: RDS and Aurora.

const DB = ["aws.rds.instance", "aws.rds.cluster"];

const standalone = (node: GraphNode): boolean => node.attrs.member !== true;

const IAM_AUTH_ENGINES = /^(mysql|postgres|aurora|aurora-mysql|aurora-postgresql|mariadb|neptune)$/;

export const RDS_RULES = [
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
          detail: `Database ${node.id} keeps backups for ${days} day${days === 1 ? "" : "s"}.`,
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
];
