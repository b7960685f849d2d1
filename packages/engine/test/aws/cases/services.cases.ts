import { cfn, tf, type RuleCase } from "../harness.ts";

/** One resource of a type with the given properties (YAML block lines). */
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
/** The same template written as JSON (CloudFormation's other syntax). */
const json = (type: string, props: Record<string, unknown>, name = "Res") =>
  JSON.stringify(
    { AWSTemplateFormatVersion: "2010-09-09", Resources: { [name]: { Type: type, Properties: props } } },
    null,
    2,
  );

const athenaGoodCfn = one(
  "AWS::Athena::WorkGroup",
  "Name: analytics\nWorkGroupConfiguration:\n  EnforceWorkGroupConfiguration: true\n  ResultConfiguration:\n    OutputLocation: s3://results/\n    EncryptionConfiguration:\n      EncryptionOption: SSE_KMS\n      KmsKey: arn:aws:kms:eu-west-1:111122223333:key/abc",
);
const athenaGoodTf = res(
  "aws_athena_workgroup",
  'name = "analytics"\nconfiguration {\n  enforce_workgroup_configuration = true\n  result_configuration {\n    output_location = "s3://results/"\n    encryption_configuration {\n      encryption_option = "SSE_KMS"\n      kms_key_arn       = aws_kms_key.results.arn\n    }\n  }\n}',
);

const codebuildCfn = (extra: string) =>
  one(
    "AWS::CodeBuild::Project",
    `ServiceRole: arn:aws:iam::111122223333:role/build\nSource: { Type: CODEPIPELINE }\nEnvironment:\n  Type: LINUX_CONTAINER\n  ComputeType: BUILD_GENERAL1_SMALL\n  Image: aws/codebuild/standard:7.0${extra}`,
  );
const codebuildTf = (extra: string) =>
  res(
    "aws_codebuild_project",
    `name = "build"\nservice_role = aws_iam_role.build.arn\nsource {\n  type = "CODEPIPELINE"\n}\nenvironment {\n  type = "LINUX_CONTAINER"\n  compute_type = "BUILD_GENERAL1_SMALL"\n  image = "aws/codebuild/standard:7.0"\n}${extra}`,
  );

const daxGoodCfn = one(
  "AWS::DAX::Cluster",
  "NodeType: dax.r5.large\nReplicationFactor: 3\nIAMRoleARN: arn:aws:iam::111122223333:role/dax\nSSESpecification: { SSEEnabled: true }\nClusterEndpointEncryptionType: TLS",
);
const daxBadCfn = one(
  "AWS::DAX::Cluster",
  "NodeType: dax.r5.large\nReplicationFactor: 3\nIAMRoleARN: arn:aws:iam::111122223333:role/dax",
);
const daxGoodTf = res(
  "aws_dax_cluster",
  'cluster_name = "cache"\nnode_type = "dax.r5.large"\nreplication_factor = 3\niam_role_arn = aws_iam_role.dax.arn\nserver_side_encryption {\n  enabled = true\n}\ncluster_endpoint_encryption_type = "TLS"',
);
const daxBadTf = res(
  "aws_dax_cluster",
  'cluster_name = "cache"\nnode_type = "dax.r5.large"\nreplication_factor = 3\niam_role_arn = aws_iam_role.dax.arn',
);

const taskCfn = (transit: string) =>
  one(
    "AWS::ECS::TaskDefinition",
    `ContainerDefinitions:\n  - Name: app\n    Image: app:1\n    ReadonlyRootFilesystem: true\n    LogConfiguration: { LogDriver: awslogs }\nVolumes:\n  - Name: data\n    EFSVolumeConfiguration:\n      FilesystemId: fs-123${transit}`,
    "Task",
  );
const taskTf = (transit: string) =>
  res(
    "aws_ecs_task_definition",
    `family = "app"\ncontainer_definitions = jsonencode([{ name = "app", image = "app:1", readonlyRootFilesystem = true, logConfiguration = { logDriver = "awslogs" } }])\nvolume {\n  name = "data"\n  efs_volume_configuration {\n    file_system_id = "fs-123"${transit}\n  }\n}`,
  );

const emrConfigCfn = (config: string) =>
  one("AWS::EMR::SecurityConfiguration", `SecurityConfiguration:\n${config.replace(/^/gm, "  ")}`);
const emrFull =
  "EncryptionConfiguration:\n  EnableInTransitEncryption: true\n  InTransitEncryptionConfiguration:\n    TLSCertificateConfiguration: { CertificateProviderType: PEM, S3Object: s3://certs/c.zip }\n  EnableAtRestEncryption: true\n  AtRestEncryptionConfiguration:\n    S3EncryptionConfiguration: { EncryptionMode: SSE-S3 }\n    LocalDiskEncryptionConfiguration: { EncryptionKeyProviderType: AwsKms, AwsKmsKey: arn:aws:kms:eu-west-1:111122223333:key/abc }";
const emrConfigTf = (config: string) =>
  res("aws_emr_security_configuration", `name = "emr"\nconfiguration = <<EOF\n${config}\nEOF`);
const emrFullJson = JSON.stringify({
  EncryptionConfiguration: {
    EnableInTransitEncryption: true,
    InTransitEncryptionConfiguration: {
      TLSCertificateConfiguration: { CertificateProviderType: "PEM", S3Object: "s3://certs/c.zip" },
    },
    EnableAtRestEncryption: true,
    AtRestEncryptionConfiguration: {
      S3EncryptionConfiguration: { EncryptionMode: "SSE-S3" },
      LocalDiskEncryptionConfiguration: { EncryptionKeyProviderType: "AwsKms", AwsKmsKey: "arn:aws:kms:x" },
    },
  },
});

const mskGoodCfn = one(
  "AWS::MSK::Cluster",
  "ClusterName: events\nKafkaVersion: 3.6.0\nNumberOfBrokerNodes: 3\nBrokerNodeGroupInfo:\n  InstanceType: kafka.m5.large\n  ClientSubnets: [subnet-1, subnet-2, subnet-3]\nEncryptionInfo:\n  EncryptionAtRest: { DataVolumeKMSKeyId: arn:aws:kms:eu-west-1:111122223333:key/abc }\n  EncryptionInTransit: { ClientBroker: TLS, InCluster: true }\nClientAuthentication:\n  Sasl: { Iam: { Enabled: true } }",
);
const mskGoodTf = res(
  "aws_msk_cluster",
  'cluster_name = "events"\nkafka_version = "3.6.0"\nnumber_of_broker_nodes = 3\nbroker_node_group_info {\n  instance_type = "kafka.m5.large"\n  client_subnets = ["subnet-1", "subnet-2", "subnet-3"]\n}\nencryption_info {\n  encryption_at_rest_kms_key_arn = aws_kms_key.kafka.arn\n  encryption_in_transit {\n    client_broker = "TLS"\n    in_cluster = true\n  }\n}\nclient_authentication {\n  sasl {\n    iam = true\n  }\n}',
);

const mqGoodCfn = one(
  "AWS::AmazonMQ::Broker",
  "BrokerName: orders\nEngineType: ACTIVEMQ\nEngineVersion: 5.17.6\nHostInstanceType: mq.m5.large\nDeploymentMode: ACTIVE_STANDBY_MULTI_AZ\nPubliclyAccessible: false\nAutoMinorVersionUpgrade: true\nUsers: [{ Username: app, Password: '{{resolve:secretsmanager:mq}}' }]\nEncryptionOptions: { UseAwsOwnedKey: false, KmsKeyId: arn:aws:kms:eu-west-1:111122223333:key/abc }\nLogs: { Audit: true, General: true }",
);
const mqGoodTf = res(
  "aws_mq_broker",
  'broker_name = "orders"\nengine_type = "ActiveMQ"\nengine_version = "5.17.6"\nhost_instance_type = "mq.m5.large"\npublicly_accessible = false\nuser {\n  username = "app"\n  password = var.mq_password\n}\nencryption_options {\n  use_aws_owned_key = false\n  kms_key_id = aws_kms_key.mq.arn\n}\nlogs {\n  audit = true\n  general = true\n}',
);

const redshiftCfn = (group: string, cluster = "ClusterParameterGroupName: !Ref Params", family = "redshift-1.0") =>
  cfn(`
  Params:
    Type: AWS::Redshift::ClusterParameterGroup
    Properties:
      Description: params
      ParameterGroupFamily: ${family}
      Parameters:
${group}
  Warehouse:
    Type: AWS::Redshift::Cluster
    Properties:
      ClusterType: single-node
      NodeType: dc2.large
      DBName: dev
      MasterUsername: admin
      MasterUserPassword: '{{resolve:secretsmanager:wh}}'
      Encrypted: true
      ${cluster}
`);
const redshiftTf = (value: string, cluster = "cluster_parameter_group_name = aws_redshift_parameter_group.this.name") =>
  tf(`
  resource "aws_redshift_parameter_group" "this" {
    name   = "params"
    family = "redshift-1.0"
    parameter {
      name  = "require_ssl"
      value = "${value}"
    }
  }
  resource "aws_redshift_cluster" "this" {
    cluster_identifier = "warehouse"
    node_type          = "dc2.large"
    encrypted          = true
    ${cluster}
  }
`);

export const SERVICE_CASES: RuleCase[] = [
  {
    rule: "TL-TF-HTTP-001",
    tf: {
      pos: [
        tf(`
          data "http" "config" {
            url = "https://api.example.com/config"
            request_headers = {
              Authorization = "Bearer \${var.api_token}"
            }
          }
        `),
        tf(`
          data "http" "config" {
            url = "http://config.internal/v1"
            request_headers = {
              X-Api-Key = "k3y-1234567890"
            }
          }
        `),
      ],
      neg: [
        tf(`
          data "http" "ip" {
            url = "https://checkip.amazonaws.com"
            request_headers = {
              Accept = "text/plain"
            }
          }
        `),
      ],
    },
  },
  {
    rule: "TL-AWS-BATCH-001",
    cfn: {
      pos: [
        one("AWS::Batch::JobDefinition", "Type: container\nContainerProperties:\n  Image: busybox\n  Privileged: true"),
      ],
      neg: [one("AWS::Batch::JobDefinition", "Type: container\nContainerProperties:\n  Image: busybox")],
    },
    json: {
      pos: [
        json("AWS::Batch::JobDefinition", {
          Type: "container",
          ContainerProperties: { Image: "busybox", Privileged: "true" },
        }),
      ],
      neg: [
        json("AWS::Batch::JobDefinition", {
          Type: "container",
          ContainerProperties: { Image: "busybox", Privileged: false },
        }),
      ],
    },
    tf: {
      pos: [
        res(
          "aws_batch_job_definition",
          'name = "j"\ntype = "container"\ncontainer_properties = jsonencode({ image = "busybox", privileged = true })',
        ),
      ],
      neg: [
        res(
          "aws_batch_job_definition",
          'name = "j"\ntype = "container"\ncontainer_properties = jsonencode({ image = "busybox" })',
        ),
      ],
    },
  },
  {
    rule: "TL-AWS-SAGEMAKER-001",
    cfn: {
      pos: [
        one(
          "AWS::SageMaker::NotebookInstance",
          "InstanceType: ml.t3.medium\nRoleArn: arn:aws:iam::111122223333:role/nb",
        ),
      ],
      neg: [
        one(
          "AWS::SageMaker::NotebookInstance",
          "InstanceType: ml.t3.medium\nRoleArn: arn:aws:iam::111122223333:role/nb\nDirectInternetAccess: Disabled\nSubnetId: subnet-1\nSecurityGroupIds: [sg-1]",
        ),
      ],
    },
    tf: {
      pos: [
        res(
          "aws_sagemaker_notebook_instance",
          'name = "nb"\nrole_arn = "r"\ninstance_type = "ml.t3.medium"\ndirect_internet_access = "Enabled"',
        ),
      ],
      neg: [
        res(
          "aws_sagemaker_notebook_instance",
          'name = "nb"\nrole_arn = "r"\ninstance_type = "ml.t3.medium"\ndirect_internet_access = "Disabled"\nsubnet_id = "subnet-1"',
        ),
      ],
    },
  },
  {
    rule: "TL-AWS-ATHENA-001",
    cfn: {
      pos: [one("AWS::Athena::WorkGroup", "Name: analytics")],
      neg: [athenaGoodCfn],
    },
    json: {
      pos: [
        json("AWS::Athena::WorkGroup", {
          Name: "analytics",
          WorkGroupConfiguration: { ResultConfiguration: { OutputLocation: "s3://results/" } },
        }),
      ],
      neg: [
        json("AWS::Athena::WorkGroup", {
          Name: "a",
          WorkGroupConfiguration: {
            ResultConfiguration: { EncryptionConfiguration: { EncryptionOption: "SSE_KMS", KmsKey: "k" } },
          },
        }),
      ],
    },
    tf: {
      pos: [res("aws_athena_workgroup", 'name = "analytics"')],
      neg: [athenaGoodTf],
    },
  },
  {
    rule: "TL-AWS-ATHENA-002",
    cfn: {
      pos: [
        one(
          "AWS::Athena::WorkGroup",
          "Name: analytics\nWorkGroupConfiguration:\n  EnforceWorkGroupConfiguration: false\n  ResultConfiguration:\n    EncryptionConfiguration: { EncryptionOption: SSE_S3 }",
        ),
      ],
      neg: [athenaGoodCfn, one("AWS::Athena::WorkGroup", "Name: analytics")],
    },
    tf: {
      pos: [res("aws_athena_workgroup", 'name = "a"\nconfiguration {\n  enforce_workgroup_configuration = false\n}')],
      neg: [athenaGoodTf, res("aws_athena_workgroup", 'name = "a"')],
    },
  },
  {
    rule: "TL-AWS-CODEBUILD-001",
    cfn: {
      pos: [
        codebuildCfn("\nArtifacts: { Type: S3, Location: artifacts, EncryptionDisabled: true }"),
        codebuildCfn(
          "\nArtifacts: { Type: NO_ARTIFACTS }\nLogsConfig:\n  S3Logs: { Status: ENABLED, Location: logs/build, EncryptionDisabled: true }",
        ),
      ],
      neg: [
        codebuildCfn("\nArtifacts: { Type: S3, Location: artifacts }"),
        // EncryptionDisabled means nothing for pipeline artifacts (the pipeline's store encrypts them).
        codebuildCfn("\nArtifacts: { Type: CODEPIPELINE, EncryptionDisabled: true }"),
      ],
    },
    json: {
      pos: [
        json("AWS::CodeBuild::Project", {
          Artifacts: { Type: "S3", Location: "artifacts", EncryptionDisabled: "true" },
          Environment: { Type: "LINUX_CONTAINER", Image: "aws/codebuild/standard:7.0" },
        }),
      ],
      neg: [
        json("AWS::CodeBuild::Project", {
          Artifacts: { Type: "S3", Location: "artifacts", EncryptionDisabled: "false" },
        }),
      ],
    },
    tf: {
      pos: [codebuildTf('\nartifacts {\n  type = "S3"\n  location = "artifacts"\n  encryption_disabled = true\n}')],
      neg: [
        codebuildTf('\nartifacts {\n  type = "S3"\n  location = "artifacts"\n}'),
        codebuildTf(
          '\nartifacts {\n  type = "NO_ARTIFACTS"\n}\nlogs_config {\n  s3_logs {\n    status = "DISABLED"\n    encryption_disabled = true\n  }\n}',
        ),
      ],
    },
  },
  {
    rule: "TL-AWS-CODEBUILD-002",
    cfn: {
      pos: [codebuildCfn("\n  PrivilegedMode: true\nArtifacts: { Type: NO_ARTIFACTS }")],
      neg: [codebuildCfn("\n  PrivilegedMode: false\nArtifacts: { Type: NO_ARTIFACTS }")],
    },
    tf: {
      pos: [
        res(
          "aws_codebuild_project",
          'name = "b"\nenvironment {\n  type = "LINUX_CONTAINER"\n  image = "aws/codebuild/standard:7.0"\n  compute_type = "BUILD_GENERAL1_SMALL"\n  privileged_mode = true\n}',
        ),
      ],
      neg: [codebuildTf("")],
    },
  },
  {
    rule: "TL-AWS-DAX-001",
    cfn: { pos: [daxBadCfn], neg: [daxGoodCfn] },
    tf: { pos: [daxBadTf], neg: [daxGoodTf] },
  },
  {
    rule: "TL-AWS-DAX-002",
    cfn: {
      pos: [
        daxBadCfn,
        one(
          "AWS::DAX::Cluster",
          "NodeType: dax.r5.large\nReplicationFactor: 1\nIAMRoleARN: r\nClusterEndpointEncryptionType: NONE",
        ),
      ],
      neg: [daxGoodCfn],
    },
    tf: { pos: [daxBadTf], neg: [daxGoodTf] },
  },
  {
    rule: "TL-AWS-ECS-008",
    cfn: {
      pos: [taskCfn(""), taskCfn("\n      TransitEncryption: DISABLED")],
      neg: [taskCfn("\n      TransitEncryption: ENABLED")],
    },
    tf: {
      pos: [taskTf("")],
      neg: [taskTf('\n    transit_encryption = "ENABLED"')],
    },
  },
  {
    rule: "TL-AWS-EMR-001",
    cfn: {
      pos: [
        emrConfigCfn("EncryptionConfiguration:\n  EnableInTransitEncryption: true\n  EnableAtRestEncryption: false"),
        emrConfigCfn(
          "EncryptionConfiguration:\n  EnableInTransitEncryption: true\n  EnableAtRestEncryption: true\n  AtRestEncryptionConfiguration:\n    S3EncryptionConfiguration: { EncryptionMode: SSE-S3 }",
        ),
      ],
      neg: [emrConfigCfn(emrFull)],
    },
    tf: {
      pos: [
        emrConfigTf(
          '{"EncryptionConfiguration": {"EnableAtRestEncryption": false, "EnableInTransitEncryption": true}}',
        ),
      ],
      neg: [emrConfigTf(emrFullJson)],
    },
  },
  {
    rule: "TL-AWS-EMR-002",
    cfn: {
      pos: [
        emrConfigCfn("EncryptionConfiguration:\n  EnableInTransitEncryption: false\n  EnableAtRestEncryption: false"),
      ],
      neg: [emrConfigCfn(emrFull)],
    },
    tf: {
      pos: [
        res(
          "aws_emr_security_configuration",
          'name = "emr"\nconfiguration = jsonencode({ EncryptionConfiguration = { EnableInTransitEncryption = false, EnableAtRestEncryption = false } })',
        ),
      ],
      neg: [emrConfigTf(emrFullJson)],
    },
  },
  {
    rule: "TL-AWS-EMR-003",
    cfn: {
      pos: [
        one(
          "AWS::EMR::Cluster",
          "Name: etl\nReleaseLabel: emr-7.0.0\nInstances: { Ec2SubnetId: subnet-1 }\nJobFlowRole: r\nServiceRole: s",
        ),
      ],
      neg: [
        one(
          "AWS::EMR::Cluster",
          "Name: etl\nReleaseLabel: emr-7.0.0\nInstances: { Ec2SubnetId: subnet-1 }\nJobFlowRole: r\nServiceRole: s\nSecurityConfiguration: emr-encrypted",
        ),
      ],
    },
    tf: {
      pos: [res("aws_emr_cluster", 'name = "etl"\nrelease_label = "emr-7.0.0"\nservice_role = "s"')],
      neg: [
        res(
          "aws_emr_cluster",
          'name = "etl"\nrelease_label = "emr-7.0.0"\nservice_role = "s"\nsecurity_configuration = aws_emr_security_configuration.this.name',
        ),
      ],
    },
  },
  {
    rule: "TL-AWS-MSK-001",
    cfn: {
      pos: [
        one(
          "AWS::MSK::Cluster",
          "ClusterName: e\nKafkaVersion: 3.6.0\nNumberOfBrokerNodes: 3\nBrokerNodeGroupInfo: { InstanceType: kafka.m5.large, ClientSubnets: [a, b, c] }\nEncryptionInfo:\n  EncryptionInTransit: { ClientBroker: TLS_PLAINTEXT }",
        ),
      ],
      neg: [mskGoodCfn],
    },
    json: {
      pos: [
        json("AWS::MSK::Cluster", {
          ClusterName: "e",
          EncryptionInfo: { EncryptionInTransit: { ClientBroker: "TLS", InCluster: false } },
        }),
      ],
      neg: [
        json("AWS::MSK::Cluster", {
          ClusterName: "e",
          EncryptionInfo: { EncryptionInTransit: { ClientBroker: "TLS", InCluster: true } },
        }),
      ],
    },
    tf: {
      pos: [
        res(
          "aws_msk_cluster",
          'cluster_name = "e"\nencryption_info {\n  encryption_in_transit {\n    client_broker = "PLAINTEXT"\n  }\n}',
        ),
      ],
      neg: [mskGoodTf],
    },
  },
  {
    rule: "TL-AWS-MSK-002",
    cfn: {
      pos: [
        one(
          "AWS::MSK::Cluster",
          "ClusterName: e\nBrokerNodeGroupInfo:\n  InstanceType: kafka.m5.large\n  ClientSubnets: [a, b, c]\n  ConnectivityInfo:\n    PublicAccess: { Type: SERVICE_PROVIDED_EIPS }\nClientAuthentication:\n  Sasl: { Iam: { Enabled: true } }",
        ),
      ],
      neg: [mskGoodCfn],
    },
    tf: {
      pos: [
        res(
          "aws_msk_cluster",
          'cluster_name = "e"\nbroker_node_group_info {\n  instance_type = "kafka.m5.large"\n  connectivity_info {\n    public_access {\n      type = "SERVICE_PROVIDED_EIPS"\n    }\n  }\n}',
        ),
      ],
      neg: [mskGoodTf],
    },
  },
  {
    rule: "TL-AWS-MSK-003",
    cfn: {
      pos: [
        one("AWS::MSK::Cluster", "ClusterName: e\nKafkaVersion: 3.6.0"),
        one(
          "AWS::MSK::Cluster",
          "ClusterName: e\nClientAuthentication:\n  Unauthenticated: { Enabled: true }\n  Sasl: { Iam: { Enabled: true } }",
        ),
      ],
      neg: [mskGoodCfn],
    },
    tf: {
      pos: [res("aws_msk_cluster", 'cluster_name = "e"')],
      neg: [mskGoodTf],
    },
  },
  {
    rule: "TL-AWS-MSK-004",
    cfn: { pos: [one("AWS::MSK::Cluster", "ClusterName: e")], neg: [mskGoodCfn] },
    tf: { pos: [res("aws_msk_cluster", 'cluster_name = "e"')], neg: [mskGoodTf] },
  },
  {
    rule: "TL-AWS-MQ-001",
    cfn: {
      pos: [one("AWS::AmazonMQ::Broker", "BrokerName: b\nEngineType: RABBITMQ\nPubliclyAccessible: true")],
      neg: [mqGoodCfn],
    },
    json: {
      pos: [json("AWS::AmazonMQ::Broker", { BrokerName: "b", EngineType: "ACTIVEMQ", PubliclyAccessible: "true" })],
      neg: [json("AWS::AmazonMQ::Broker", { BrokerName: "b", EngineType: "ACTIVEMQ", PubliclyAccessible: false })],
    },
    tf: {
      pos: [res("aws_mq_broker", 'broker_name = "b"\nengine_type = "RabbitMQ"\npublicly_accessible = true')],
      neg: [mqGoodTf],
    },
  },
  {
    rule: "TL-AWS-MQ-002",
    cfn: {
      pos: [one("AWS::AmazonMQ::Broker", "BrokerName: b\nEngineType: ACTIVEMQ\nPubliclyAccessible: false")],
      neg: [mqGoodCfn],
    },
    tf: { pos: [res("aws_mq_broker", 'broker_name = "b"\nengine_type = "ActiveMQ"')], neg: [mqGoodTf] },
  },
  {
    rule: "TL-AWS-MQ-003",
    cfn: {
      pos: [
        one(
          "AWS::AmazonMQ::Broker",
          "BrokerName: b\nEngineType: ACTIVEMQ\nPubliclyAccessible: false\nLogs: { General: true }",
        ),
      ],
      neg: [
        mqGoodCfn,
        one(
          "AWS::AmazonMQ::Broker",
          "BrokerName: b\nEngineType: RABBITMQ\nPubliclyAccessible: false\nLogs: { General: true }",
        ),
      ],
    },
    tf: {
      pos: [res("aws_mq_broker", 'broker_name = "b"\nengine_type = "RabbitMQ"')],
      neg: [mqGoodTf],
    },
  },
  {
    rule: "TL-AWS-REDSHIFT-004",
    cfn: {
      pos: [
        redshiftCfn("        - { ParameterName: enable_user_activity_logging, ParameterValue: 'true' }"),
        redshiftCfn(
          "        - { ParameterName: require_ssl, ParameterValue: 'true' }",
          "ClusterParameterGroupName: default.redshift-1.0",
        ),
      ],
      neg: [
        redshiftCfn("        - { ParameterName: require_ssl, ParameterValue: 'true' }"),
        // redshift-2.0 (the family AWS picks since 2025) requires SSL unless told otherwise.
        redshiftCfn(
          "        - { ParameterName: enable_user_activity_logging, ParameterValue: 'true' }",
          "ClusterParameterGroupName: !Ref Params",
          "redshift-2.0",
        ),
        // No group named: AWS gives new clusters default.redshift-2.0.
        redshiftCfn("        - { ParameterName: require_ssl, ParameterValue: 'false' }", "Port: 5439"),
      ],
    },
    tf: {
      pos: [redshiftTf("false"), redshiftTf("true", 'cluster_parameter_group_name = "default.redshift-1.0"')],
      neg: [
        redshiftTf("true"),
        // A group declared elsewhere, by name: its parameters cannot be read here.
        redshiftTf("false", 'cluster_parameter_group_name = "shared-tls-only"'),
      ],
    },
  },
  {
    rule: "TL-AWS-WORKSPACES-001",
    cfn: {
      pos: [
        one(
          "AWS::WorkSpaces::Workspace",
          "BundleId: wsb-1\nDirectoryId: d-1\nUserName: ana\nRootVolumeEncryptionEnabled: true",
        ),
      ],
      neg: [
        one(
          "AWS::WorkSpaces::Workspace",
          "BundleId: wsb-1\nDirectoryId: d-1\nUserName: ana\nRootVolumeEncryptionEnabled: true\nUserVolumeEncryptionEnabled: true\nVolumeEncryptionKey: alias/ws",
        ),
      ],
    },
    tf: {
      pos: [res("aws_workspaces_workspace", 'bundle_id = "wsb-1"\ndirectory_id = "d-1"\nuser_name = "ana"')],
      neg: [
        res(
          "aws_workspaces_workspace",
          'bundle_id = "wsb-1"\ndirectory_id = "d-1"\nuser_name = "ana"\nroot_volume_encryption_enabled = true\nuser_volume_encryption_enabled = true\nvolume_encryption_key = "alias/ws"',
        ),
      ],
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
  {
    rule: "TL-AWS-IAM-016",
    tf: {
      pos: [
        res("aws_iam_account_password_policy", "minimum_password_length = 8\nrequire_numbers = true"),
        res(
          "aws_iam_account_password_policy",
          "minimum_password_length = 14\nrequire_lowercase_characters = true\nrequire_uppercase_characters = true\nrequire_numbers = true\nrequire_symbols = true",
        ),
      ],
      neg: [
        res(
          "aws_iam_account_password_policy",
          "minimum_password_length = 14\nrequire_lowercase_characters = true\nrequire_uppercase_characters = true\nrequire_numbers = true\nrequire_symbols = true\npassword_reuse_prevention = 24\nmax_password_age = 90",
        ),
      ],
    },
  },
  {
    rule: "TL-AWS-CONFIG-001",
    cfn: {
      pos: [
        one(
          "AWS::Config::ConfigurationAggregator",
          "ConfigurationAggregatorName: org\nOrganizationAggregationSource:\n  AwsRegions: [eu-west-1]\n  RoleArn: arn:aws:iam::111122223333:role/agg",
        ),
      ],
      neg: [
        one(
          "AWS::Config::ConfigurationAggregator",
          "ConfigurationAggregatorName: org\nOrganizationAggregationSource:\n  AllAwsRegions: true\n  RoleArn: arn:aws:iam::111122223333:role/agg",
        ),
      ],
    },
    tf: {
      pos: [
        res(
          "aws_config_configuration_aggregator",
          'name = "org"\naccount_aggregation_source {\n  account_ids = ["111122223333"]\n  regions = ["eu-west-1"]\n}',
        ),
      ],
      neg: [
        res(
          "aws_config_configuration_aggregator",
          'name = "org"\norganization_aggregation_source {\n  all_regions = true\n  role_arn = aws_iam_role.agg.arn\n}',
        ),
      ],
    },
  },
];
