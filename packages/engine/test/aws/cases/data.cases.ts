import { cfn, tf, type RuleCase } from "../harness.ts";

/** One resource of a type with the given properties (YAML flow or block lines). */
const one = (type: string, props: string, name = "Res") =>
  cfn(`
  ${name}:
    Type: ${type}
    Properties:
${props
  .split("\n")
  .map((l) => `      ${l}`)
  .join("\n")}
`);
const res = (type: string, body: string, name = "this") =>
  tf(
    `resource "${type}" "${name}" {\n${body
      .split("\n")
      .map((l) => `  ${l}`)
      .join("\n")}\n}`,
  );

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

const goodCacheCfn = one(
  "AWS::ElastiCache::ReplicationGroup",
  "ReplicationGroupDescription: c\nEngine: redis\nTransitEncryptionEnabled: true\nAtRestEncryptionEnabled: true\nAuthToken: '{{resolve:secretsmanager:cache}}'\nAutomaticFailoverEnabled: true\nSnapshotRetentionLimit: 7",
  "Cache",
);
const badCacheCfn = one("AWS::ElastiCache::ReplicationGroup", "ReplicationGroupDescription: c\nEngine: redis", "Cache");
const goodCacheTf = res(
  "aws_elasticache_replication_group",
  'description = "c"\ntransit_encryption_enabled = true\nat_rest_encryption_enabled = true\nauth_token = var.token\nautomatic_failover_enabled = true\nsnapshot_retention_limit = 7',
);
const badCacheTf = res("aws_elasticache_replication_group", 'description = "c"');

const goodSearchCfn = one(
  "AWS::OpenSearchService::Domain",
  "VPCOptions: { SubnetIds: [subnet-1] }\nEncryptionAtRestOptions: { Enabled: true }\nNodeToNodeEncryptionOptions: { Enabled: true }\nDomainEndpointOptions: { EnforceHTTPS: true, TLSSecurityPolicy: Policy-Min-TLS-1-2-2019-07 }\nAdvancedSecurityOptions: { Enabled: true }\nLogPublishingOptions: { AUDIT_LOGS: { Enabled: true, CloudWatchLogsLogGroupArn: arn:aws:logs:x } }\nClusterConfig: { ZoneAwarenessEnabled: true }\nAccessPolicies:\n  Statement:\n    - { Effect: Allow, Principal: { AWS: arn:aws:iam::111122223333:role/app }, Action: 'es:*', Resource: '*' }",
  "Search",
);
const badSearchCfn = one(
  "AWS::OpenSearchService::Domain",
  "AccessPolicies:\n  Statement:\n    - { Effect: Allow, Principal: '*', Action: 'es:*', Resource: '*' }\nDomainEndpointOptions: { EnforceHTTPS: false }",
  "Search",
);
const goodSearchTf = res(
  "aws_opensearch_domain",
  'domain_name = "search"\nvpc_options {\n  subnet_ids = ["subnet-1"]\n}\nencrypt_at_rest {\n  enabled = true\n}\nnode_to_node_encryption {\n  enabled = true\n}\ndomain_endpoint_options {\n  enforce_https = true\n  tls_security_policy = "Policy-Min-TLS-1-2-2019-07"\n}\nadvanced_security_options {\n  enabled = true\n}\nlog_publishing_options {\n  log_type = "AUDIT_LOGS"\n  cloudwatch_log_group_arn = "arn:aws:logs:x"\n}\ncluster_config {\n  zone_awareness_enabled = true\n}',
);
const badSearchTf = tf(`
  resource "aws_opensearch_domain" "this" {
    domain_name = "search"
  }
  resource "aws_opensearch_domain_policy" "this" {
    domain_name     = aws_opensearch_domain.this.domain_name
    access_policies = jsonencode({ Statement = [{ Effect = "Allow", Principal = { AWS = "*" }, Action = "es:*", Resource = "*" }] })
  }
`);

/** The same template written as JSON (CloudFormation's other syntax). */
const json = (type: string, props: Record<string, unknown>, name = "Res") =>
  JSON.stringify(
    { AWSTemplateFormatVersion: "2010-09-09", Resources: { [name]: { Type: type, Properties: props } } },
    null,
    2,
  );
const doc = (...statements: Record<string, unknown>[]) => ({ Version: "2012-10-17", Statement: statements });
const efsMount = {
  Effect: "Allow",
  Principal: { AWS: "*" },
  Action: ["elasticfilesystem:ClientMount", "elasticfilesystem:ClientWrite"],
};
const viaMountTarget = { Bool: { "elasticfilesystem:AccessedViaMountTarget": "true" } };
const orgOnly = { StringEquals: { "aws:PrincipalOrgID": "o-a1b2c3d4e5" } };

const publicStatement = "- { Effect: Allow, Principal: '*', Action: '*', Resource: '*' }";
const publicStatementTf = '{ Effect = "Allow", Principal = "*", Action = "*", Resource = "*" }';

export const DATA_CASES: RuleCase[] = [
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
    rule: "TL-AWS-REDSHIFT-001",
    cfn: {
      pos: [one("AWS::Redshift::Cluster", "PubliclyAccessible: true\nEncrypted: true")],
      neg: [one("AWS::Redshift::Cluster", "PubliclyAccessible: false\nEncrypted: true")],
    },
    tf: {
      pos: [res("aws_redshift_cluster", "publicly_accessible = true")],
      neg: [res("aws_redshift_cluster", "publicly_accessible = false")],
    },
  },
  {
    rule: "TL-AWS-REDSHIFT-002",
    cfn: {
      pos: [one("AWS::Redshift::Cluster", "NodeType: dc2.large")],
      neg: [one("AWS::Redshift::Cluster", "Encrypted: true")],
    },
    tf: {
      pos: [res("aws_redshift_cluster", 'node_type = "dc2.large"')],
      neg: [res("aws_redshift_cluster", "encrypted = true")],
    },
  },
  {
    rule: "TL-AWS-REDSHIFT-003",
    cfn: {
      pos: [one("AWS::Redshift::Cluster", "Encrypted: true")],
      neg: [one("AWS::Redshift::Cluster", "Encrypted: true\nLoggingProperties: { BucketName: audit }")],
    },
    tf: {
      pos: [res("aws_redshift_cluster", "encrypted = true")],
      neg: [
        tf(
          `resource "aws_redshift_cluster" "this" {\n  encrypted = true\n}\nresource "aws_redshift_logging" "this" {\n  cluster_identifier = aws_redshift_cluster.this.id\n}`,
        ),
      ],
    },
  },
  {
    rule: "TL-AWS-DDB-001",
    cfn: {
      pos: [one("AWS::DynamoDB::Table", "BillingMode: PAY_PER_REQUEST")],
      neg: [one("AWS::DynamoDB::Table", "PointInTimeRecoverySpecification: { PointInTimeRecoveryEnabled: true }")],
    },
    tf: {
      pos: [res("aws_dynamodb_table", 'name = "t"')],
      neg: [res("aws_dynamodb_table", "point_in_time_recovery {\n  enabled = true\n}")],
    },
  },
  {
    rule: "TL-AWS-DDB-002",
    cfn: {
      pos: [one("AWS::DynamoDB::Table", "SSESpecification: { SSEEnabled: true }")],
      neg: [
        one("AWS::DynamoDB::Table", "SSESpecification: { SSEEnabled: true, SSEType: KMS, KMSMasterKeyId: alias/t }"),
      ],
    },
    tf: {
      pos: [res("aws_dynamodb_table", 'name = "t"')],
      neg: [
        res(
          "aws_dynamodb_table",
          'server_side_encryption {\n  enabled = true\n  kms_key_arn = "arn:aws:kms:eu-west-1:111122223333:key/1"\n}',
        ),
      ],
    },
  },
  {
    rule: "TL-AWS-DDB-003",
    cfn: {
      pos: [one("AWS::DynamoDB::Table", "BillingMode: PAY_PER_REQUEST")],
      neg: [one("AWS::DynamoDB::Table", "DeletionProtectionEnabled: true")],
    },
    tf: {
      pos: [res("aws_dynamodb_table", 'name = "t"')],
      neg: [res("aws_dynamodb_table", "deletion_protection_enabled = true")],
    },
  },
  {
    rule: "TL-AWS-EC-001",
    cfn: {
      pos: [badCacheCfn, one("AWS::ElastiCache::CacheCluster", "Engine: memcached\nNumCacheNodes: 1")],
      neg: [goodCacheCfn],
    },
    tf: { pos: [badCacheTf], neg: [goodCacheTf] },
  },
  {
    rule: "TL-AWS-EC-002",
    cfn: { pos: [badCacheCfn], neg: [goodCacheCfn] },
    tf: { pos: [badCacheTf], neg: [goodCacheTf] },
  },
  {
    rule: "TL-AWS-EC-003",
    cfn: {
      pos: [badCacheCfn],
      neg: [
        goodCacheCfn,
        one(
          "AWS::ElastiCache::ReplicationGroup",
          "ReplicationGroupDescription: c\nEngine: redis\nUserGroupIds: [app-users]",
        ),
      ],
    },
    tf: { pos: [badCacheTf], neg: [goodCacheTf] },
  },
  {
    rule: "TL-AWS-EC-004",
    cfn: { pos: [badCacheCfn], neg: [goodCacheCfn] },
    tf: { pos: [badCacheTf], neg: [goodCacheTf] },
  },
  {
    rule: "TL-AWS-EC-005",
    cfn: {
      pos: [badCacheCfn, one("AWS::ElastiCache::CacheCluster", "Engine: redis\nNumCacheNodes: 1")],
      neg: [goodCacheCfn, one("AWS::ElastiCache::CacheCluster", "Engine: memcached\nNumCacheNodes: 1")],
    },
    tf: { pos: [badCacheTf], neg: [goodCacheTf] },
  },
  {
    rule: "TL-AWS-OS-001",
    cfn: {
      pos: [badSearchCfn, one("AWS::Elasticsearch::Domain", "ElasticsearchVersion: '7.10'")],
      neg: [goodSearchCfn],
    },
    tf: { pos: [badSearchTf], neg: [goodSearchTf] },
  },
  {
    rule: "TL-AWS-OS-002",
    cfn: { pos: [badSearchCfn], neg: [goodSearchCfn] },
    tf: {
      pos: [
        badSearchTf,
        tf(
          `resource "aws_opensearch_domain_policy" "p" {\n  domain_name     = "search-of-another-stack"\n  access_policies = jsonencode({ Statement = [${publicStatementTf}] })\n}`,
        ),
      ],
      neg: [
        goodSearchTf,
        tf(
          `resource "aws_opensearch_domain_policy" "p" {\n  domain_name     = "search-of-another-stack"\n  access_policies = jsonencode({ Statement = [{ Effect = "Allow", Principal = "*", Action = "es:ESHttp*", Resource = "*", Condition = { IpAddress = { "aws:SourceIp" = ["10.0.0.0/8"] } } }] })\n}`,
        ),
      ],
    },
  },
  {
    rule: "TL-AWS-OS-003",
    cfn: { pos: [badSearchCfn], neg: [goodSearchCfn] },
    tf: { pos: [badSearchTf], neg: [goodSearchTf] },
  },
  {
    rule: "TL-AWS-OS-004",
    cfn: { pos: [badSearchCfn], neg: [goodSearchCfn] },
    tf: { pos: [badSearchTf], neg: [goodSearchTf] },
  },
  {
    rule: "TL-AWS-OS-005",
    cfn: {
      pos: [
        badSearchCfn,
        one(
          "AWS::OpenSearchService::Domain",
          "DomainEndpointOptions: { EnforceHTTPS: true, TLSSecurityPolicy: Policy-Min-TLS-1-0-2019-07 }",
        ),
      ],
      neg: [goodSearchCfn],
    },
    tf: { pos: [badSearchTf], neg: [goodSearchTf] },
  },
  {
    rule: "TL-AWS-OS-006",
    cfn: { pos: [badSearchCfn], neg: [goodSearchCfn] },
    tf: { pos: [badSearchTf], neg: [goodSearchTf] },
  },
  {
    rule: "TL-AWS-OS-007",
    cfn: { pos: [badSearchCfn], neg: [goodSearchCfn] },
    tf: { pos: [badSearchTf], neg: [goodSearchTf] },
  },
  {
    rule: "TL-AWS-OS-008",
    cfn: { pos: [badSearchCfn], neg: [goodSearchCfn] },
    tf: { pos: [badSearchTf], neg: [goodSearchTf] },
  },
  {
    rule: "TL-AWS-EFS-001",
    cfn: {
      pos: [one("AWS::EFS::FileSystem", "PerformanceMode: generalPurpose")],
      neg: [one("AWS::EFS::FileSystem", "Encrypted: true")],
    },
    tf: {
      pos: [res("aws_efs_file_system", 'creation_token = "fs"')],
      neg: [res("aws_efs_file_system", "encrypted = true")],
    },
  },
  {
    rule: "TL-AWS-EFS-002",
    cfn: {
      pos: [one("AWS::EFS::FileSystem", "Encrypted: true")],
      neg: [one("AWS::EFS::FileSystem", "Encrypted: true\nBackupPolicy: { Status: ENABLED }")],
    },
    tf: {
      pos: [res("aws_efs_file_system", "encrypted = true")],
      neg: [
        tf(
          `resource "aws_efs_file_system" "this" {\n  encrypted = true\n}\nresource "aws_efs_backup_policy" "this" {\n  file_system_id = aws_efs_file_system.this.id\n  backup_policy {\n    status = "ENABLED"\n  }\n}`,
        ),
      ],
    },
  },
  {
    rule: "TL-AWS-KINESIS-001",
    cfn: {
      pos: [one("AWS::Kinesis::Stream", "ShardCount: 1")],
      neg: [
        one(
          "AWS::Kinesis::Stream",
          "ShardCount: 1\nStreamEncryption: { EncryptionType: KMS, KeyId: alias/aws/kinesis }",
        ),
      ],
    },
    tf: {
      pos: [res("aws_kinesis_stream", "shard_count = 1")],
      neg: [res("aws_kinesis_stream", 'shard_count = 1\nencryption_type = "KMS"\nkms_key_id = "alias/aws/kinesis"')],
    },
  },
  {
    rule: "TL-AWS-SQS-001",
    cfn: {
      pos: [one("AWS::SQS::Queue", "SqsManagedSseEnabled: false"), one("AWS::SQS::Queue", "DelaySeconds: 0")],
      neg: [
        one("AWS::SQS::Queue", "KmsMasterKeyId: alias/aws/sqs"),
        one("AWS::SQS::Queue", "SqsManagedSseEnabled: true"),
      ],
    },
    tf: {
      pos: [res("aws_sqs_queue", 'name = "q"\nsqs_managed_sse_enabled = false')],
      neg: [res("aws_sqs_queue", 'kms_master_key_id = "alias/aws/sqs"')],
    },
  },
  {
    rule: "TL-AWS-SQS-002",
    cfn: {
      pos: [
        cfn(
          `\n  Queue:\n    Type: AWS::SQS::Queue\n  Policy:\n    Type: AWS::SQS::QueuePolicy\n    Properties:\n      Queues: [!Ref Queue]\n      PolicyDocument:\n        Statement:\n          ${publicStatement}\n`,
        ),
      ],
      neg: [one("AWS::SQS::Queue", "KmsMasterKeyId: alias/aws/sqs")],
    },
    tf: {
      pos: [
        tf(
          `resource "aws_sqs_queue" "q" {}\nresource "aws_sqs_queue_policy" "q" {\n  queue_url = aws_sqs_queue.q.id\n  policy    = jsonencode({ Statement = [${publicStatementTf}] })\n}`,
        ),
        // A queue of another stack, named by its URL.
        tf(
          `resource "aws_sqs_queue_policy" "q" {\n  queue_url = "https://sqs.eu-west-1.amazonaws.com/111122223333/jobs"\n  policy    = jsonencode({ Statement = [${publicStatementTf}] })\n}`,
        ),
      ],
      neg: [
        res("aws_sqs_queue", 'name = "q"'),
        tf(
          `resource "aws_sns_topic" "t" {}\nresource "aws_sqs_queue" "q" {}\nresource "aws_sqs_queue_policy" "q" {\n  queue_url = aws_sqs_queue.q.id\n  policy    = jsonencode({ Statement = [{ Effect = "Allow", Principal = "*", Action = "sqs:SendMessage", Resource = "*", Condition = { ArnEquals = { "aws:SourceArn" = aws_sns_topic.t.arn } } }] })\n}`,
        ),
      ],
    },
  },
  {
    rule: "TL-AWS-SQS-003",
    cfn: {
      pos: [one("AWS::SQS::Queue", "KmsMasterKeyId: alias/aws/sqs")],
      neg: [
        cfn(
          `\n  Dlq:\n    Type: AWS::SQS::Queue\n  Queue:\n    Type: AWS::SQS::Queue\n    Properties:\n      RedrivePolicy: { deadLetterTargetArn: !GetAtt Dlq.Arn, maxReceiveCount: 5 }\n`,
        ),
      ],
    },
    tf: {
      pos: [res("aws_sqs_queue", 'name = "q"')],
      neg: [
        tf(
          `resource "aws_sqs_queue" "dlq" {}\nresource "aws_sqs_queue" "q" {\n  redrive_policy = jsonencode({ deadLetterTargetArn = aws_sqs_queue.dlq.arn, maxReceiveCount = 5 })\n}`,
        ),
      ],
    },
  },
  {
    rule: "TL-AWS-SNS-001",
    cfn: {
      pos: [one("AWS::SNS::Topic", "TopicName: t")],
      neg: [one("AWS::SNS::Topic", "KmsMasterKeyId: alias/aws/sns")],
    },
    tf: {
      pos: [res("aws_sns_topic", 'name = "t"')],
      neg: [res("aws_sns_topic", 'kms_master_key_id = "alias/aws/sns"')],
    },
  },
  {
    rule: "TL-AWS-SNS-002",
    cfn: {
      pos: [
        cfn(
          `\n  Topic:\n    Type: AWS::SNS::Topic\n  Policy:\n    Type: AWS::SNS::TopicPolicy\n    Properties:\n      Topics: [!Ref Topic]\n      PolicyDocument:\n        Statement:\n          ${publicStatement}\n`,
        ),
      ],
      neg: [one("AWS::SNS::Topic", "TopicName: t")],
    },
    tf: {
      pos: [res("aws_sns_topic", `policy = jsonencode({ Statement = [${publicStatementTf}] })`)],
      neg: [
        res("aws_sns_topic", 'name = "t"'),
        res(
          "aws_sns_topic",
          'policy = jsonencode({ Statement = [{ Effect = "Allow", Principal = { AWS = "*" }, Action = "sns:Publish", Resource = "*", Condition = { StringEquals = { "aws:SourceAccount" = "111122223333" } } }] })',
        ),
      ],
    },
  },
  {
    rule: "TL-AWS-SNS-003",
    cfn: {
      pos: [
        one("AWS::SNS::Topic", "Subscription:\n  - { Protocol: http, Endpoint: 'http://hooks.example.com' }"),
        one("AWS::SNS::Subscription", "Protocol: http\nEndpoint: http://x\nTopicArn: arn:aws:sns:x"),
      ],
      neg: [one("AWS::SNS::Topic", "Subscription:\n  - { Protocol: https, Endpoint: 'https://hooks.example.com' }")],
    },
    tf: {
      pos: [res("aws_sns_topic_subscription", 'topic_arn = "arn:aws:sns:x"\nprotocol = "http"\nendpoint = "http://x"')],
      neg: [
        res("aws_sns_topic_subscription", 'topic_arn = "arn:aws:sns:x"\nprotocol = "sqs"\nendpoint = "arn:aws:sqs:x"'),
      ],
    },
  },
  {
    rule: "TL-AWS-SM-001",
    cfn: {
      pos: [one("AWS::SecretsManager::Secret", "GenerateSecretString: { PasswordLength: 32 }")],
      neg: [
        cfn(
          `\n  Res:\n    Type: AWS::SecretsManager::Secret\n    Properties: { GenerateSecretString: { PasswordLength: 32 } }\n  Rotation:\n    Type: AWS::SecretsManager::RotationSchedule\n    Properties: { SecretId: !Ref Res, RotationRules: { AutomaticallyAfterDays: 30 } }\n`,
        ),
      ],
    },
    tf: {
      pos: [res("aws_secretsmanager_secret", 'name = "s"')],
      neg: [
        tf(
          `resource "aws_secretsmanager_secret" "s" {\n  name = "s"\n}\nresource "aws_secretsmanager_secret_rotation" "s" {\n  secret_id = aws_secretsmanager_secret.s.id\n}`,
        ),
      ],
    },
  },
  {
    rule: "TL-AWS-SM-002",
    cfn: {
      pos: [one("AWS::SecretsManager::Secret", "GenerateSecretString: { PasswordLength: 32 }")],
      neg: [one("AWS::SecretsManager::Secret", "KmsKeyId: alias/secrets")],
    },
    tf: {
      pos: [res("aws_secretsmanager_secret", 'name = "s"')],
      neg: [res("aws_secretsmanager_secret", 'kms_key_id = "alias/secrets"')],
    },
  },
  {
    rule: "TL-AWS-SM-003",
    cfn: {
      pos: [one("AWS::SecretsManager::Secret", 'SecretString: \'{"password": "hunter2hunter2"}\'')],
      neg: [one("AWS::SecretsManager::Secret", "GenerateSecretString: { PasswordLength: 32 }")],
    },
    tf: {
      pos: [
        tf(
          `resource "aws_secretsmanager_secret" "s" {}\nresource "aws_secretsmanager_secret_version" "s" {\n  secret_id     = aws_secretsmanager_secret.s.id\n  secret_string = "hunter2hunter2"\n}`,
        ),
      ],
      neg: [
        tf(
          `resource "aws_secretsmanager_secret" "s" {}\nresource "aws_secretsmanager_secret_version" "s" {\n  secret_id     = aws_secretsmanager_secret.s.id\n  secret_string = random_password.db.result\n}`,
        ),
      ],
    },
  },
  {
    rule: "TL-AWS-SM-004",
    cfn: {
      pos: [
        cfn(
          `\n  Res:\n    Type: AWS::SecretsManager::Secret\n  Policy:\n    Type: AWS::SecretsManager::ResourcePolicy\n    Properties:\n      SecretId: !Ref Res\n      ResourcePolicy:\n        Statement:\n          ${publicStatement}\n`,
        ),
      ],
      neg: [one("AWS::SecretsManager::Secret", "KmsKeyId: alias/secrets")],
    },
    tf: {
      pos: [
        res("aws_secretsmanager_secret", `policy = jsonencode({ Statement = [${publicStatementTf}] })`),
        tf(
          `resource "aws_secretsmanager_secret_policy" "p" {\n  secret_arn = "arn:aws:secretsmanager:eu-west-1:111122223333:secret:db-AbCdEf"\n  policy     = jsonencode({ Statement = [${publicStatementTf}] })\n}`,
        ),
      ],
      neg: [res("aws_secretsmanager_secret", 'name = "s"')],
    },
  },
  {
    rule: "TL-AWS-ECR-001",
    cfn: {
      pos: [one("AWS::ECR::Repository", "RepositoryName: app")],
      neg: [one("AWS::ECR::Repository", "ImageTagMutability: IMMUTABLE")],
    },
    tf: {
      pos: [res("aws_ecr_repository", 'name = "app"')],
      neg: [res("aws_ecr_repository", 'image_tag_mutability = "IMMUTABLE"')],
    },
  },
  {
    rule: "TL-AWS-ECR-002",
    cfn: {
      pos: [one("AWS::ECR::Repository", "RepositoryName: app")],
      neg: [one("AWS::ECR::Repository", "ImageScanningConfiguration: { ScanOnPush: true }")],
    },
    tf: {
      pos: [res("aws_ecr_repository", 'name = "app"')],
      neg: [res("aws_ecr_repository", "image_scanning_configuration {\n  scan_on_push = true\n}")],
    },
  },
  {
    rule: "TL-AWS-ECR-003",
    cfn: {
      pos: [one("AWS::ECR::Repository", `RepositoryPolicyText:\n  Statement:\n    ${publicStatement}`)],
      neg: [one("AWS::ECR::Repository", "RepositoryName: app")],
    },
    tf: {
      pos: [
        tf(
          `resource "aws_ecr_repository" "app" {}\nresource "aws_ecr_repository_policy" "app" {\n  repository = aws_ecr_repository.app.name\n  policy     = jsonencode({ Statement = [${publicStatementTf}] })\n}`,
        ),
        tf(
          `resource "aws_ecr_repository_policy" "app" {\n  repository = "app-of-another-stack"\n  policy     = jsonencode({ Statement = [${publicStatementTf}] })\n}`,
        ),
      ],
      neg: [res("aws_ecr_repository", 'name = "app"')],
    },
  },
  {
    rule: "TL-AWS-ECR-004",
    cfn: {
      pos: [one("AWS::ECR::Repository", "RepositoryName: app")],
      neg: [one("AWS::ECR::Repository", "EncryptionConfiguration: { EncryptionType: KMS }")],
    },
    tf: {
      pos: [res("aws_ecr_repository", 'name = "app"')],
      neg: [res("aws_ecr_repository", 'encryption_configuration {\n  encryption_type = "KMS"\n}')],
    },
  },
  {
    rule: "TL-AWS-EFS-003",
    cfn: {
      pos: [
        one(
          "AWS::EFS::FileSystem",
          "Encrypted: true\nFileSystemPolicy:\n  Statement:\n    - Effect: Allow\n      Principal: { AWS: '*' }\n      Action: [elasticfilesystem:ClientMount, elasticfilesystem:ClientRootAccess]",
          "Files",
        ),
      ],
      neg: [
        one(
          "AWS::EFS::FileSystem",
          "Encrypted: true\nFileSystemPolicy:\n  Statement:\n    - Effect: Allow\n      Principal: { AWS: '*' }\n      Action: [elasticfilesystem:ClientMount, elasticfilesystem:ClientWrite]\n      Condition:\n        Bool:\n          elasticfilesystem:AccessedViaMountTarget: 'true'",
          "Files",
        ),
        one("AWS::EFS::FileSystem", "Encrypted: true", "Files"),
      ],
    },
    json: {
      pos: [json("AWS::EFS::FileSystem", { Encrypted: true, FileSystemPolicy: doc(efsMount) }, "Files")],
      neg: [
        json(
          "AWS::EFS::FileSystem",
          { Encrypted: true, FileSystemPolicy: doc({ ...efsMount, Condition: viaMountTarget }) },
          "Files",
        ),
        json(
          "AWS::EFS::FileSystem",
          { Encrypted: true, FileSystemPolicy: doc({ ...efsMount, Condition: orgOnly }) },
          "Files",
        ),
      ],
    },
    tf: {
      pos: [
        tf(
          `resource "aws_efs_file_system" "files" {\n  encrypted = true\n}\nresource "aws_efs_file_system_policy" "files" {\n  file_system_id = aws_efs_file_system.files.id\n  policy = jsonencode({ Statement = [{ Effect = "Allow", Principal = { AWS = "*" }, Action = ["elasticfilesystem:ClientMount", "elasticfilesystem:ClientWrite"] }] })\n}`,
        ),
        tf(
          `resource "aws_efs_file_system_policy" "files" {\n  file_system_id = "fs-0123456789abcdef0"\n  policy = jsonencode({ Statement = [{ Effect = "Allow", Principal = "*", Action = "elasticfilesystem:*" }] })\n}`,
        ),
      ],
      neg: [
        tf(
          `resource "aws_efs_file_system" "files" {\n  encrypted = true\n}\nresource "aws_efs_file_system_policy" "files" {\n  file_system_id = aws_efs_file_system.files.id\n  policy = jsonencode({ Statement = [{ Effect = "Allow", Principal = { AWS = "*" }, Action = ["elasticfilesystem:ClientMount"], Condition = { Bool = { "elasticfilesystem:AccessedViaMountTarget" = "true" } } }] })\n}`,
        ),
        tf(
          `resource "aws_efs_file_system_policy" "files" {\n  file_system_id = "fs-0123456789abcdef0"\n  policy = jsonencode({ Statement = [{ Effect = "Allow", Principal = { AWS = aws_iam_role.app.arn }, Action = "elasticfilesystem:ClientMount" }] })\n}`,
        ),
      ],
    },
  },
  {
    rule: "TL-AWS-GLACIER-001",
    tf: {
      pos: [
        res(
          "aws_glacier_vault",
          'name = "archive"\naccess_policy = jsonencode({ Statement = [{ Effect = "Allow", Principal = "*", Action = ["glacier:InitiateJob", "glacier:GetJobOutput"], Resource = "arn:aws:glacier:eu-west-1:111122223333:vaults/archive" }] })',
        ),
        res(
          "aws_glacier_vault",
          'name = "archive"\naccess_policy = <<EOF\n{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"AWS":"*"},"Action":"glacier:*","Resource":"*"}]}\nEOF',
        ),
      ],
      neg: [
        res(
          "aws_glacier_vault",
          'name = "archive"\naccess_policy = jsonencode({ Statement = [{ Effect = "Allow", Principal = "*", Action = ["glacier:InitiateJob"], Resource = "*", Condition = { StringEquals = { "aws:PrincipalOrgID" = "o-a1b2c3d4e5" } } }] })',
        ),
        res(
          "aws_glacier_vault",
          'name = "archive"\naccess_policy = jsonencode({ Statement = [{ Effect = "Deny", Principal = "*", Action = "glacier:DeleteArchive", Resource = "*" }] })',
        ),
      ],
    },
  },
  {
    rule: "TL-AWS-BACKUP-001",
    cfn: {
      pos: [
        one(
          "AWS::Backup::BackupVault",
          "BackupVaultName: main\nAccessPolicy:\n  Version: '2012-10-17'\n  Statement:\n    - Effect: Allow\n      Principal: '*'\n      Action: [backup:CopyIntoBackupVault, backup:DeleteRecoveryPoint]\n      Resource: '*'",
          "Vault",
        ),
      ],
      neg: [
        one(
          "AWS::Backup::BackupVault",
          "BackupVaultName: main\nAccessPolicy:\n  Version: '2012-10-17'\n  Statement:\n    - Effect: Deny\n      Principal: '*'\n      Action: backup:DeleteRecoveryPoint\n      Resource: '*'",
          "Vault",
        ),
      ],
    },
    json: {
      pos: [
        json(
          "AWS::Backup::BackupVault",
          {
            BackupVaultName: "main",
            AccessPolicy: doc({ Effect: "Allow", Principal: { AWS: "*" }, Action: "backup:*", Resource: "*" }),
          },
          "Vault",
        ),
      ],
      neg: [
        json(
          "AWS::Backup::BackupVault",
          {
            BackupVaultName: "main",
            AccessPolicy: doc({
              Effect: "Allow",
              Principal: { AWS: "*" },
              Action: "backup:CopyIntoBackupVault",
              Resource: "*",
              Condition: orgOnly,
            }),
          },
          "Vault",
        ),
      ],
    },
    tf: {
      pos: [
        tf(
          `resource "aws_backup_vault" "main" {\n  name = "main"\n}\nresource "aws_backup_vault_policy" "main" {\n  backup_vault_name = aws_backup_vault.main.name\n  policy = jsonencode({ Statement = [{ Effect = "Allow", Principal = { AWS = "*" }, Action = ["backup:CopyIntoBackupVault", "backup:DescribeBackupVault"], Resource = "*" }] })\n}`,
        ),
      ],
      neg: [
        tf(
          `resource "aws_backup_vault" "main" {\n  name = "main"\n}\nresource "aws_backup_vault_policy" "main" {\n  backup_vault_name = aws_backup_vault.main.name\n  policy = jsonencode({ Statement = [{ Effect = "Allow", Principal = { AWS = "*" }, Action = ["backup:CopyIntoBackupVault"], Resource = "*", Condition = { StringEquals = { "aws:PrincipalOrgID" = "o-a1b2c3d4e5" } } }] })\n}`,
        ),
      ],
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
  {
    rule: "TL-AWS-LOGS-003",
    cfn: {
      pos: [
        one(
          "AWS::Logs::ResourcePolicy",
          `PolicyName: open\nPolicyDocument: '{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":"*","Action":["logs:CreateLogStream","logs:PutLogEvents"],"Resource":"*"}]}'`,
          "LogsPolicy",
        ),
        one(
          "AWS::Logs::Destination",
          `DestinationName: central\nRoleArn: arn:aws:iam::111122223333:role/cwl\nTargetArn: arn:aws:kinesis:eu-west-1:111122223333:stream/logs\nDestinationPolicy: '{"Statement":[{"Effect":"Allow","Principal":{"AWS":"*"},"Action":"logs:PutSubscriptionFilter","Resource":"*"}]}'`,
          "Destination",
        ),
      ],
      neg: [
        one(
          "AWS::Logs::ResourcePolicy",
          `PolicyName: es\nPolicyDocument: '{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"Service":"es.amazonaws.com"},"Action":["logs:CreateLogStream","logs:PutLogEvents"],"Resource":"*"}]}'`,
          "LogsPolicy",
        ),
        one(
          "AWS::Logs::Destination",
          `DestinationName: central\nRoleArn: arn:aws:iam::111122223333:role/cwl\nTargetArn: arn:aws:kinesis:eu-west-1:111122223333:stream/logs\nDestinationPolicy: '{"Statement":[{"Effect":"Allow","Principal":{"AWS":"*"},"Action":"logs:PutSubscriptionFilter","Resource":"*","Condition":{"StringEquals":{"aws:PrincipalOrgID":["o-a1b2c3d4e5"]}}}]}'`,
          "Destination",
        ),
      ],
    },
    json: {
      pos: [
        json("AWS::Logs::ResourcePolicy", {
          PolicyName: "open",
          PolicyDocument: JSON.stringify(
            doc({ Effect: "Allow", Principal: { AWS: "*" }, Action: "logs:PutLogEvents", Resource: "*" }),
          ),
        }),
      ],
      neg: [
        json("AWS::Logs::ResourcePolicy", {
          PolicyName: "r53",
          PolicyDocument: JSON.stringify(
            doc({
              Effect: "Allow",
              Principal: { Service: "route53.amazonaws.com" },
              Action: "logs:PutLogEvents",
              Resource: "*",
            }),
          ),
        }),
      ],
    },
    tf: {
      pos: [
        res(
          "aws_cloudwatch_log_resource_policy",
          'policy_name = "open"\npolicy_document = jsonencode({ Statement = [{ Effect = "Allow", Principal = "*", Action = ["logs:PutLogEvents"], Resource = "*" }] })',
        ),
        tf(
          `resource "aws_cloudwatch_log_destination" "central" {\n  name       = "central"\n  role_arn   = aws_iam_role.cwl.arn\n  target_arn = aws_kinesis_stream.logs.arn\n}\nresource "aws_cloudwatch_log_destination_policy" "central" {\n  destination_name = aws_cloudwatch_log_destination.central.name\n  access_policy = jsonencode({ Statement = [{ Effect = "Allow", Principal = { AWS = "*" }, Action = "logs:PutSubscriptionFilter", Resource = aws_cloudwatch_log_destination.central.arn }] })\n}`,
        ),
      ],
      neg: [
        res(
          "aws_cloudwatch_log_resource_policy",
          'policy_name = "es"\npolicy_document = jsonencode({ Statement = [{ Effect = "Allow", Principal = { Service = "es.amazonaws.com" }, Action = ["logs:PutLogEvents"], Resource = "*" }] })',
        ),
        tf(
          `resource "aws_cloudwatch_log_destination" "central" {\n  name       = "central"\n  role_arn   = aws_iam_role.cwl.arn\n  target_arn = aws_kinesis_stream.logs.arn\n}\nresource "aws_cloudwatch_log_destination_policy" "central" {\n  destination_name = aws_cloudwatch_log_destination.central.name\n  access_policy = jsonencode({ Statement = [{ Effect = "Allow", Principal = { AWS = ["222233334444"] }, Action = "logs:PutSubscriptionFilter", Resource = aws_cloudwatch_log_destination.central.arn }] })\n}`,
        ),
      ],
    },
  },
  {
    rule: "TL-AWS-LOGS-001",
    cfn: {
      pos: [one("AWS::Logs::LogGroup", "RetentionInDays: 30")],
      neg: [one("AWS::Logs::LogGroup", "RetentionInDays: 400")],
    },
    tf: {
      pos: [res("aws_cloudwatch_log_group", "retention_in_days = 7")],
      neg: [res("aws_cloudwatch_log_group", "retention_in_days = 365")],
    },
  },
  {
    rule: "TL-AWS-LOGS-002",
    cfn: {
      pos: [one("AWS::Logs::LogGroup", "RetentionInDays: 400")],
      neg: [one("AWS::Logs::LogGroup", "KmsKeyId: arn:aws:kms:x")],
    },
    tf: {
      pos: [res("aws_cloudwatch_log_group", "retention_in_days = 365")],
      neg: [res("aws_cloudwatch_log_group", 'kms_key_id = "arn:aws:kms:x"')],
    },
  },
];
