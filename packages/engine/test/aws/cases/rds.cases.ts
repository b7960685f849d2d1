import { tf } from "../harness.ts";
import type { RuleCase } from "../../rule-cases.ts";
import { res, one, json } from "./fixtures.ts";

const goodDbCfn = one(
  "AWS::RDS::DBInstance",
  "Engine: postgres\nDBInstanceClass: db.t3.micro\nPubliclyAccessible: false\nStorageEncrypted: true\nBackupRetentionPeriod: 14\nMultiAZ: true\nDeletionProtection: true\nEnableIAMDatabaseAuthentication: true\nEnableCloudwatchLogsExports: [postgresql]\nManageMasterUserPassword: true",
  "Db",
);

const badDbCfn = one(
  "AWS::RDS::DBInstance",
  "Engine: mysql\nDBInstanceClass: db.t3.micro\nPubliclyAccessible: true\nBackupRetentionPeriod: 0\nMasterUsername: admin\nMasterUserPassword: hunter2hunter2\nAutoMinorVersionUpgrade: false",
  "Db",
);

const goodDbTf = res(
  "aws_db_instance",
  'engine = "postgres"\ninstance_class = "db.t3.micro"\npublicly_accessible = false\nstorage_encrypted = true\nbackup_retention_period = 14\nmulti_az = true\ndeletion_protection = true\niam_database_authentication_enabled = true\nenabled_cloudwatch_logs_exports = ["postgresql"]\nmanage_master_user_password = true',
);

const badDbTf = res(
  "aws_db_instance",
  'engine = "mysql"\ninstance_class = "db.t3.micro"\npublicly_accessible = true\nbackup_retention_period = 0\npassword = "hunter2hunter2"\nauto_minor_version_upgrade = false',
);

const shortBackupCfn = one(
  "AWS::RDS::DBCluster",
  "Engine: aurora-postgresql\nStorageEncrypted: true\nBackupRetentionPeriod: 3",
  "Cluster",
);

const docdbCfn = one(
  "AWS::DocDB::DBCluster",
  "MasterUsername: admin\nMasterUserPassword: '{{resolve:secretsmanager:docdb}}'",
  "Docs",
);

const goodClusterTf = res(
  "aws_rds_cluster",
  'engine = "aurora-mysql"\nstorage_encrypted = true\nbackup_retention_period = 7\ndeletion_protection = true\niam_database_authentication_enabled = true\nenabled_cloudwatch_logs_exports = ["audit"]\nmanage_master_user_password = true',
);

export const RDS_CASES: RuleCase[] = [
  {
    rule: "TL-AWS-RDS-001",
    cfn: { pos: [badDbCfn, one("AWS::RDS::DBCluster", "Engine: mysql\nPubliclyAccessible: true")], neg: [goodDbCfn] },
    tf: { pos: [badDbTf], neg: [goodDbTf] },
  },
  {
    rule: "TL-AWS-RDS-002",
    cfn: {
      pos: [badDbCfn, docdbCfn],
      neg: [
        goodDbCfn,
        shortBackupCfn,
        one("AWS::RDS::DBCluster", "Engine: aurora-postgresql\nEngineMode: serverless"),
        // A read replica is encrypted as its source is; the source is where that is reported.
        one("AWS::RDS::DBInstance", "SourceDBInstanceIdentifier: !Ref Primary\nDBInstanceClass: db.t3.micro"),
      ],
    },
    tf: {
      pos: [badDbTf, res("aws_neptune_cluster", "backup_retention_period = 7")],
      neg: [
        goodDbTf,
        goodClusterTf,
        // Aurora Serverless v1 is always encrypted at rest; storage_encrypted does not apply.
        res("aws_rds_cluster", 'engine = "aurora-mysql"\n  engine_mode = "serverless"'),
      ],
    },
  },
  { rule: "TL-AWS-RDS-003", cfn: { pos: [badDbCfn], neg: [goodDbCfn] }, tf: { pos: [badDbTf], neg: [goodDbTf] } },
  {
    rule: "TL-AWS-RDS-004",
    cfn: { pos: [shortBackupCfn, docdbCfn], neg: [goodDbCfn, badDbCfn] },
    tf: { pos: [res("aws_docdb_cluster", "backup_retention_period = 2")], neg: [goodClusterTf] },
  },
  {
    rule: "TL-AWS-RDS-005",
    cfn: { pos: [badDbCfn], neg: [goodDbCfn, shortBackupCfn] },
    tf: { pos: [badDbTf], neg: [goodDbTf] },
  },
  {
    rule: "TL-AWS-RDS-006",
    cfn: { pos: [badDbCfn, docdbCfn], neg: [goodDbCfn] },
    tf: { pos: [badDbTf], neg: [goodDbTf, goodClusterTf] },
  },
  {
    rule: "TL-AWS-RDS-007",
    cfn: {
      pos: [badDbCfn, one("AWS::Neptune::DBCluster", "StorageEncrypted: true")],
      neg: [goodDbCfn, one("AWS::RDS::DBInstance", "Engine: sqlserver-ex\nDBInstanceClass: db.t3.micro")],
    },
    tf: { pos: [badDbTf], neg: [goodDbTf, goodClusterTf] },
  },
  {
    rule: "TL-AWS-RDS-008",
    cfn: { pos: [badDbCfn, docdbCfn], neg: [goodDbCfn] },
    tf: { pos: [badDbTf], neg: [goodDbTf, goodClusterTf] },
  },
  { rule: "TL-AWS-RDS-009", cfn: { pos: [badDbCfn], neg: [goodDbCfn] }, tf: { pos: [badDbTf], neg: [goodDbTf] } },
  {
    rule: "TL-AWS-RDS-010",
    cfn: {
      pos: [
        badDbCfn,
        one("AWS::RDS::DBCluster", "Engine: aurora-mysql\nMasterUsername: admin\nMasterUserPassword: Sup3rS3cret"),
      ],
      neg: [goodDbCfn, docdbCfn],
    },
    tf: {
      pos: [badDbTf, res("aws_rds_cluster", 'engine = "aurora-mysql"\nmaster_password = "Sup3rS3cret"')],
      neg: [goodDbTf, res("aws_db_instance", "password = var.db_password")],
    },
  },
  {
    rule: "TL-AWS-RDS-011",
    cfn: {
      pos: [
        one(
          "AWS::DocDB::DBClusterParameterGroup",
          "Family: docdb5.0\nDescription: p\nParameters:\n  tls: disabled",
          "Params",
        ),
      ],
      neg: [
        one(
          "AWS::DocDB::DBClusterParameterGroup",
          "Family: docdb5.0\nDescription: p\nParameters:\n  tls: enabled\n  audit_logs: enabled",
          "Params",
        ),
      ],
    },
    json: {
      pos: [
        json("AWS::DocDB::DBClusterParameterGroup", {
          Family: "docdb4.0",
          Description: "p",
          Parameters: { tls: "disabled" },
        }),
      ],
      neg: [
        json("AWS::DocDB::DBClusterParameterGroup", {
          Family: "docdb4.0",
          Description: "p",
          Parameters: { ttl_monitor: "enabled" },
        }),
      ],
    },
    tf: {
      pos: [
        tf(
          `resource "aws_docdb_cluster_parameter_group" "p" {\n  family = "docdb5.0"\n  name   = "p"\n  parameter {\n    name  = "tls"\n    value = "disabled"\n  }\n}\nresource "aws_docdb_cluster" "docs" {\n  storage_encrypted = true\n  db_cluster_parameter_group_name = aws_docdb_cluster_parameter_group.p.name\n}`,
        ),
      ],
      neg: [
        tf(
          `resource "aws_docdb_cluster_parameter_group" "p" {\n  family = "docdb5.0"\n  name   = "p"\n  parameter {\n    name  = "tls"\n    value = "enabled"\n  }\n}`,
        ),
      ],
    },
  },
];
