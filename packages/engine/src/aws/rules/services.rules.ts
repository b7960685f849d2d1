import type { GraphNode } from "../../graph/types.ts";
import type { RuleContext } from "../../rules/types.ts";
import { isUnresolved } from "../values.ts";
import { at, awsRule, nodesOf, type Hit } from "./define.ts";

/**
 * The parameter group a Redshift cluster uses: the linked resource, one declared with the literal name it
 * gives, `"legacy-default"` for `default.redshift-1.0` (where require_ssl is false), or `undefined` when none
 * is named (AWS then picks `default.redshift-2.0`, which requires SSL since January 2025) or it cannot be told
 * (a group declared elsewhere).
 */
function redshiftGroup(node: GraphNode, ctx: RuleContext): GraphNode | "legacy-default" | undefined {
  const linked = ctx.out(node.id).find((n) => n.kind === "aws.redshift.parameter-group");
  if (linked) return linked;
  const name = node.attrs.parameterGroup;
  if (typeof name !== "string") return undefined;
  if (name === "default.redshift-1.0") return "legacy-default";
  return nodesOf(ctx, ["aws.redshift.parameter-group"]).find((g) => g.attrs.name === name && g.file === node.file);
}

const WEAK_TLS_MSK = new Set(["PLAINTEXT", "TLS_PLAINTEXT"]);

/** Request headers that carry credentials. */
const CREDENTIAL_HEADER = /authorization|token|api[-_]?key|secret|password|cookie|credential/i;

export const SERVICE_RULES = [
  awsRule({
    id: "TL-TF-HTTP-001",
    title: "Terraform http data source sends a credential",
    category: "InformationDisclosure",
    likelihood: 3,
    impact: 3,
    kinds: ["tf.data.http"],
    description:
      "Data source {resource} sends a credential in a request header at every plan, from wherever Terraform runs; the header value is also stored in the state file in clear text.",
    why: "The state and plan files are read by far more people and systems than the secret's owner intended.",
    remediation:
      "Fetch the data with a scoped, short-lived token (or from a store the provider reads with its own credentials), over HTTPS, and keep the state encrypted with restricted access.",
    fix: {
      cloudformation: "# Terraform only.",
      terraform:
        'data "http" "this" {\n  url = "https://api.example.com/v1/config"\n  request_headers = {\n    Accept = "application/json"\n  }\n}',
    },
    cwe: ["CWE-522"],
    exposedBoost: 0,
    test: (node) => {
      const sent = (
        Array.isArray(node.attrs.headers) ? (node.attrs.headers as { name: string; literal: boolean }[]) : []
      ).filter((h) => CREDENTIAL_HEADER.test(h.name));
      if (sent.length === 0) return false;
      const plain = typeof node.attrs.url === "string" && /^http:\/\//i.test(node.attrs.url);
      const literal = sent.some((h) => h.literal);
      return {
        paths: [at(node, "headers")],
        ...(plain || literal ? { likelihood: 4 } : {}),
        detail: `Data source ${node.id} sends ${sent.map((h) => h.name).join(", ")}${literal ? " written in the configuration" : ""}${plain ? " over plain HTTP" : ""}; the value ends up in the state file.`,
      };
    },
  }),
  awsRule({
    id: "TL-AWS-BATCH-001",
    title: "Batch job container runs privileged",
    category: "ElevationOfPrivilege",
    likelihood: 2,
    impact: 5,
    kinds: ["aws.batch.job-definition"],
    description:
      "Job definition {resource} runs its container privileged: code in the job (or in an image it pulls) controls the host it runs on.",
    remediation: "Remove Privileged; grant only the Linux capabilities the job needs.",
    fix: {
      cloudformation: "Properties:\n  ContainerProperties:\n    Privileged: false",
      terraform: "container_properties = jsonencode({\n  privileged = false\n})",
    },
    cwe: ["CWE-250"],
    attack: ["T1611"],
    test: (node) => node.attrs.privileged === true && { paths: [at(node, "privileged")] },
  }),
  awsRule({
    id: "TL-AWS-SAGEMAKER-001",
    title: "SageMaker notebook has direct internet access",
    category: "InformationDisclosure",
    likelihood: 2,
    impact: 4,
    kinds: ["aws.sagemaker.notebook"],
    description:
      "Notebook instance {resource} reaches the internet directly, outside the VPC's controls: data and its role's credentials can leave from it (direct access is the default).",
    remediation: "Disable direct internet access and place the notebook in a VPC subnet with controlled egress.",
    fix: {
      cloudformation:
        "Properties:\n  DirectInternetAccess: Disabled\n  SubnetId: !Ref PrivateSubnet\n  SecurityGroupIds: [!Ref NotebookSg]",
      terraform:
        'direct_internet_access = "Disabled"\nsubnet_id              = aws_subnet.private.id\nsecurity_groups        = [aws_security_group.notebook.id]',
    },
    cwe: ["CWE-284"],
    attack: ["T1567"],
    exposedBoost: 0,
    test: (node) => node.attrs.directInternet === true && { paths: [at(node, "directInternet")] },
  }),
  awsRule({
    id: "TL-AWS-ATHENA-001",
    title: "Athena workgroup does not encrypt query results with a chosen key",
    category: "InformationDisclosure",
    likelihood: 2,
    impact: 2,
    kinds: ["aws.athena.workgroup"],
    description:
      "Workgroup {resource} sets no encryption for query results: they land with whatever the output bucket applies (S3's default SSE-S3 since 2023), so no key policy limits who reads them.",
    why: "Query results often hold the most sensitive columns of a data lake, copied out of their governed tables.",
    remediation: "Encrypt query results with SSE_KMS (or CSE_KMS) and a customer-managed key.",
    fix: {
      cloudformation:
        "Properties:\n  WorkGroupConfiguration:\n    EnforceWorkGroupConfiguration: true\n    ResultConfiguration:\n      EncryptionConfiguration:\n        EncryptionOption: SSE_KMS\n        KmsKey: !GetAtt ResultsKey.Arn",
      terraform:
        'configuration {\n  enforce_workgroup_configuration = true\n  result_configuration {\n    encryption_configuration {\n      encryption_option = "SSE_KMS"\n      kms_key_arn       = aws_kms_key.results.arn\n    }\n  }\n}',
    },
    cwe: ["CWE-311"],
    exposedBoost: 0,
    test: (node) => node.attrs.resultEncryption === false && { paths: [at(node, "resultEncryption")] },
  }),
  awsRule({
    id: "TL-AWS-ATHENA-002",
    title: "Athena workgroup lets clients override its settings",
    category: "Tampering",
    likelihood: 2,
    impact: 2,
    kinds: ["aws.athena.workgroup"],
    description:
      "Workgroup {resource} does not enforce its configuration: each query may choose its own result location and turn result encryption off.",
    remediation: "Set EnforceWorkGroupConfiguration to true.",
    fix: {
      cloudformation: "Properties:\n  WorkGroupConfiguration:\n    EnforceWorkGroupConfiguration: true",
      terraform: "configuration {\n  enforce_workgroup_configuration = true\n}",
    },
    cwe: ["CWE-693"],
    exposedBoost: 0,
    test: (node) => node.attrs.enforced === false && { paths: [at(node, "enforced")] },
  }),
  awsRule({
    id: "TL-AWS-CODEBUILD-001",
    title: "CodeBuild project turns off encryption of its artifacts or logs",
    category: "InformationDisclosure",
    likelihood: 2,
    impact: 2,
    kinds: ["aws.codebuild.project"],
    description:
      "Project {resource} writes build artifacts or S3 logs with encryption disabled: CodeBuild does not apply the project's KMS key to them (only the bucket's default encryption remains).",
    why: "Build artifacts and logs routinely contain packaged code, configuration and the occasional leaked credential.",
    remediation: "Remove EncryptionDisabled (artifacts and S3 logs are encrypted with the project's key by default).",
    fix: {
      cloudformation:
        "Properties:\n  Artifacts:\n    Type: S3\n    EncryptionDisabled: false\n  LogsConfig:\n    S3Logs:\n      Status: ENABLED\n      EncryptionDisabled: false",
      terraform:
        'artifacts {\n  type                = "S3"\n  encryption_disabled = false\n}\nlogs_config {\n  s3_logs {\n    status              = "ENABLED"\n    encryption_disabled = false\n  }\n}',
    },
    cwe: ["CWE-311"],
    exposedBoost: 0,
    test: (node) => {
      const paths = [
        ...(node.attrs.unencryptedArtifacts === true ? [at(node, "unencryptedArtifacts")] : []),
        ...(node.attrs.unencryptedLogs === true ? [at(node, "unencryptedLogs")] : []),
      ];
      return paths.length > 0 && { paths };
    },
  }),
  awsRule({
    id: "TL-AWS-CODEBUILD-002",
    title: "CodeBuild project runs builds in privileged mode",
    category: "ElevationOfPrivilege",
    likelihood: 1,
    impact: 4,
    kinds: ["aws.codebuild.project"],
    description:
      "Project {resource} runs its build container privileged: build scripts (and any dependency they run) get root on the build host's Docker daemon.",
    why: "Privileged mode is needed to build Docker images; elsewhere it only widens what a poisoned dependency can do.",
    remediation: "Turn PrivilegedMode off unless the project builds container images.",
    fix: {
      cloudformation: "Properties:\n  Environment:\n    PrivilegedMode: false",
      terraform: "environment {\n  privileged_mode = false\n}",
    },
    cwe: ["CWE-250"],
    exposedBoost: 0,
    test: (node) => node.attrs.privileged === true && { paths: [at(node, "privileged")] },
  }),
  awsRule({
    id: "TL-AWS-DAX-001",
    title: "DAX cluster is not encrypted at rest",
    category: "InformationDisclosure",
    likelihood: 2,
    impact: 3,
    kinds: ["aws.dax.cluster"],
    description: "DAX cluster {resource} caches table data on nodes without server-side encryption.",
    remediation: "Enable SSE (it can only be set when the cluster is created).",
    fix: {
      cloudformation: "Properties:\n  SSESpecification:\n    SSEEnabled: true",
      terraform: "server_side_encryption {\n  enabled = true\n}",
    },
    cwe: ["CWE-311"],
    test: (node) => node.attrs.encrypted === false && { paths: [at(node, "encrypted")] },
  }),
  awsRule({
    id: "TL-AWS-DAX-002",
    title: "DAX cluster endpoint does not use TLS",
    category: "InformationDisclosure",
    likelihood: 2,
    impact: 3,
    kinds: ["aws.dax.cluster"],
    description: "Clients reach DAX cluster {resource} in plaintext: its endpoint encryption type is not TLS.",
    remediation: "Set the cluster endpoint encryption type to TLS (at creation).",
    fix: {
      cloudformation: "Properties:\n  ClusterEndpointEncryptionType: TLS",
      terraform: 'cluster_endpoint_encryption_type = "TLS"',
    },
    cwe: ["CWE-319"],
    test: (node) => (node.attrs.tls === false || node.attrs.tls === "NONE") && { paths: [at(node, "tls")] },
  }),
  awsRule({
    id: "TL-AWS-ECS-008",
    title: "ECS task mounts EFS without transit encryption",
    category: "InformationDisclosure",
    likelihood: 2,
    impact: 3,
    kinds: ["aws.ecs.task-definition"],
    description:
      "Task definition {resource} mounts an EFS volume without TLS: file contents cross the network in plaintext.",
    remediation:
      "Set TransitEncryption to ENABLED on every EFS volume (and use an access point with IAM authorization).",
    fix: {
      cloudformation:
        "Volumes:\n  - Name: data\n    EFSVolumeConfiguration:\n      FilesystemId: !Ref FileSystem\n      TransitEncryption: ENABLED\n      AuthorizationConfig:\n        IAM: ENABLED",
      terraform:
        'volume {\n  name = "data"\n  efs_volume_configuration {\n    file_system_id     = aws_efs_file_system.data.id\n    transit_encryption = "ENABLED"\n    authorization_config {\n      iam = "ENABLED"\n    }\n  }\n}',
    },
    cwe: ["CWE-319"],
    test: (node) => {
      const paths = Array.isArray(node.attrs.efsPlaintext) ? (node.attrs.efsPlaintext as string[]) : [];
      return paths.length > 0 && { paths };
    },
  }),
  awsRule({
    id: "TL-AWS-EMR-001",
    title: "EMR security configuration does not encrypt data at rest",
    category: "InformationDisclosure",
    likelihood: 2,
    impact: 3,
    kinds: ["aws.emr.security-configuration"],
    description:
      "Security configuration {resource} leaves data at rest unencrypted (at-rest encryption off, or on without local disk encryption).",
    why: "Without local disk encryption, HDFS blocks and shuffle data on the cluster's instance volumes are in the clear.",
    remediation: "Enable at-rest encryption with both S3 and local disk (KMS) encryption.",
    fix: {
      cloudformation:
        "Properties:\n  SecurityConfiguration:\n    EncryptionConfiguration:\n      EnableAtRestEncryption: true\n      AtRestEncryptionConfiguration:\n        S3EncryptionConfiguration: { EncryptionMode: SSE-KMS, AwsKmsKey: !Ref EmrKey }\n        LocalDiskEncryptionConfiguration: { EncryptionKeyProviderType: AwsKms, AwsKmsKey: !Ref EmrKey }",
      terraform:
        'configuration = jsonencode({\n  EncryptionConfiguration = {\n    EnableAtRestEncryption = true\n    AtRestEncryptionConfiguration = {\n      S3EncryptionConfiguration        = { EncryptionMode = "SSE-KMS", AwsKmsKey = aws_kms_key.emr.arn }\n      LocalDiskEncryptionConfiguration = { EncryptionKeyProviderType = "AwsKms", AwsKmsKey = aws_kms_key.emr.arn }\n    }\n  }\n})',
    },
    cwe: ["CWE-311"],
    test: (node) =>
      (node.attrs.atRest === false || node.attrs.localDisk === false) && {
        paths: [at(node, "atRest")],
        detail:
          node.attrs.atRest === false
            ? `Security configuration ${node.id} does not enable at-rest encryption.`
            : `Security configuration ${node.id} enables at-rest encryption without local disk encryption.`,
      },
  }),
  awsRule({
    id: "TL-AWS-EMR-002",
    title: "EMR security configuration does not encrypt data in transit",
    category: "InformationDisclosure",
    likelihood: 2,
    impact: 3,
    kinds: ["aws.emr.security-configuration"],
    description:
      "Security configuration {resource} does not enable in-transit encryption between cluster nodes and clients.",
    remediation: "Enable in-transit encryption with a TLS certificate provider.",
    fix: {
      cloudformation:
        "EncryptionConfiguration:\n  EnableInTransitEncryption: true\n  InTransitEncryptionConfiguration:\n    TLSCertificateConfiguration: { CertificateProviderType: PEM, S3Object: s3://certs/emr.zip }",
      terraform:
        'EnableInTransitEncryption = true\nInTransitEncryptionConfiguration = {\n  TLSCertificateConfiguration = { CertificateProviderType = "PEM", S3Object = "s3://certs/emr.zip" }\n}',
    },
    cwe: ["CWE-319"],
    test: (node) => node.attrs.inTransit === false && { paths: [at(node, "inTransit")] },
  }),
  awsRule({
    id: "TL-AWS-EMR-003",
    title: "EMR cluster has no security configuration",
    category: "InformationDisclosure",
    likelihood: 2,
    impact: 3,
    kinds: ["aws.emr.cluster"],
    description:
      "Cluster {resource} names no security configuration: its local disks, data in transit and EMRFS data get no EMR-managed encryption.",
    remediation: "Create a security configuration with at-rest and in-transit encryption and attach it.",
    fix: {
      cloudformation: "Properties:\n  SecurityConfiguration: !Ref EmrSecurityConfiguration",
      terraform: "security_configuration = aws_emr_security_configuration.this.name",
    },
    cwe: ["CWE-311"],
    test: (node) => node.attrs.securityConfiguration === false && { paths: [at(node, "securityConfiguration")] },
  }),
  awsRule({
    id: "TL-AWS-MSK-001",
    title: "MSK cluster accepts plaintext traffic",
    category: "InformationDisclosure",
    likelihood: 2,
    impact: 4,
    kinds: ["aws.msk.cluster"],
    description: "Cluster {resource} lets clients or brokers exchange records in plaintext.",
    remediation: "Set client-broker encryption to TLS and keep in-cluster encryption on.",
    fix: {
      cloudformation:
        "Properties:\n  EncryptionInfo:\n    EncryptionInTransit:\n      ClientBroker: TLS\n      InCluster: true",
      terraform:
        'encryption_info {\n  encryption_in_transit {\n    client_broker = "TLS"\n    in_cluster    = true\n  }\n}',
    },
    cwe: ["CWE-319"],
    test: (node) => {
      const broker = node.attrs.clientBroker;
      const details = [
        ...(typeof broker === "string" && WEAK_TLS_MSK.has(broker) ? [`client-broker traffic allows ${broker}`] : []),
        ...(node.attrs.inCluster === false ? ["broker-to-broker traffic is not encrypted"] : []),
      ];
      return (
        details.length > 0 && {
          paths: [at(node, "clientBroker")],
          detail: `Cluster ${node.id}: ${details.join("; ")}.`,
        }
      );
    },
  }),
  awsRule({
    id: "TL-AWS-MSK-002",
    title: "MSK cluster brokers are publicly accessible",
    category: "InformationDisclosure",
    likelihood: 3,
    impact: 4,
    kinds: ["aws.msk.cluster"],
    description:
      "Cluster {resource} gives its brokers public IP addresses: the Kafka listeners are reachable from the internet.",
    remediation: "Turn public access off and reach the brokers through the VPC (PrivateLink or peering).",
    fix: {
      cloudformation:
        "Properties:\n  BrokerNodeGroupInfo:\n    ConnectivityInfo:\n      PublicAccess:\n        Type: DISABLED",
      terraform:
        'broker_node_group_info {\n  connectivity_info {\n    public_access {\n      type = "DISABLED"\n    }\n  }\n}',
    },
    cwe: ["CWE-284"],
    attack: ["T1190"],
    test: (node) => node.attrs.publicAccess === "SERVICE_PROVIDED_EIPS" && { paths: [at(node, "publicAccess")] },
  }),
  awsRule({
    id: "TL-AWS-MSK-003",
    title: "MSK cluster allows unauthenticated clients",
    category: "Spoofing",
    likelihood: 2,
    impact: 4,
    kinds: ["aws.msk.cluster"],
    description:
      "Cluster {resource} accepts clients without authentication (no IAM, SASL/SCRAM or TLS client certificates): anything in the network can produce and consume.",
    remediation: "Require IAM or SASL/SCRAM (or mutual TLS) client authentication and turn unauthenticated access off.",
    fix: {
      cloudformation:
        "Properties:\n  ClientAuthentication:\n    Sasl:\n      Iam:\n        Enabled: true\n    Unauthenticated:\n      Enabled: false",
      terraform: "client_authentication {\n  unauthenticated = false\n  sasl {\n    iam = true\n  }\n}",
    },
    cwe: ["CWE-306"],
    test: (node) => node.attrs.unauthenticated === true && { paths: [at(node, "unauthenticated")] },
  }),
  awsRule({
    id: "TL-AWS-MSK-004",
    title: "MSK cluster is not encrypted with a customer-managed key",
    category: "InformationDisclosure",
    likelihood: 1,
    impact: 3,
    kinds: ["aws.msk.cluster"],
    description:
      "Cluster {resource} encrypts its volumes with the AWS-managed key, so no key policy of yours limits who can read the data.",
    remediation: "Encrypt the data volumes with a customer-managed KMS key.",
    fix: {
      cloudformation: "Properties:\n  EncryptionInfo:\n    EncryptionAtRest:\n      DataVolumeKMSKeyId: !Ref KafkaKey",
      terraform: "encryption_info {\n  encryption_at_rest_kms_key_arn = aws_kms_key.kafka.arn\n}",
    },
    cwe: ["CWE-311"],
    exposedBoost: 0,
    test: (node) => node.attrs.cmk === false && { paths: [at(node, "cmk")] },
  }),
  awsRule({
    id: "TL-AWS-MQ-001",
    title: "Amazon MQ broker is publicly accessible",
    category: "InformationDisclosure",
    likelihood: 3,
    impact: 4,
    kinds: ["aws.mq.broker"],
    description:
      "Broker {resource} has a public endpoint: its message and console ports are reachable from the internet.",
    remediation: "Deploy the broker privately in the VPC (PubliclyAccessible false).",
    fix: { cloudformation: "Properties:\n  PubliclyAccessible: false", terraform: "publicly_accessible = false" },
    cwe: ["CWE-284"],
    attack: ["T1190"],
    test: (node) => node.attrs.public === true && { paths: [at(node, "public")] },
  }),
  awsRule({
    id: "TL-AWS-MQ-002",
    title: "Amazon MQ broker is not encrypted with a customer-managed key",
    category: "InformationDisclosure",
    likelihood: 1,
    impact: 3,
    kinds: ["aws.mq.broker"],
    description:
      "Broker {resource} encrypts messages at rest with an AWS-owned key, which no key policy or CloudTrail record of yours covers.",
    remediation: "Use a customer-managed KMS key (UseAwsOwnedKey false with KmsKeyId).",
    fix: {
      cloudformation: "Properties:\n  EncryptionOptions:\n    UseAwsOwnedKey: false\n    KmsKeyId: !Ref BrokerKey",
      terraform: "encryption_options {\n  use_aws_owned_key = false\n  kms_key_id        = aws_kms_key.broker.arn\n}",
    },
    cwe: ["CWE-311"],
    exposedBoost: 0,
    test: (node) => node.attrs.cmk === false && { paths: [at(node, "cmk")] },
  }),
  awsRule({
    id: "TL-AWS-MQ-003",
    title: "Amazon MQ broker logging is disabled",
    category: "Repudiation",
    likelihood: 2,
    impact: 2,
    kinds: ["aws.mq.broker"],
    description:
      "Broker {resource} publishes no audit log (ActiveMQ) or general log (RabbitMQ) to CloudWatch: who changed or used it goes unrecorded.",
    remediation: "Enable audit logs for ActiveMQ, general logs for RabbitMQ.",
    fix: {
      cloudformation: "Properties:\n  Logs:\n    Audit: true\n    General: true",
      terraform: "logs {\n  audit   = true\n  general = true\n}",
    },
    cwe: ["CWE-778"],
    exposedBoost: 0,
    test: (node) => node.attrs.logging === false && { paths: [at(node, "logging")] },
  }),
  awsRule({
    id: "TL-AWS-REDSHIFT-004",
    title: "Redshift cluster does not require SSL",
    category: "InformationDisclosure",
    likelihood: 2,
    impact: 4,
    kinds: ["aws.redshift.cluster"],
    description:
      "Cluster {resource} accepts unencrypted client connections: its parameter group turns require_ssl off, or leaves it at the false default of the redshift-1.0 family.",
    remediation: "Use a parameter group with require_ssl = true.",
    fix: {
      cloudformation:
        "WarehouseParameters:\n  Type: AWS::Redshift::ClusterParameterGroup\n  Properties:\n    Description: TLS only\n    ParameterGroupFamily: redshift-1.0\n    Parameters:\n      - ParameterName: require_ssl\n        ParameterValue: 'true'\n# on the cluster: ClusterParameterGroupName: !Ref WarehouseParameters",
      terraform:
        'resource "aws_redshift_parameter_group" "tls" {\n  name   = "tls-only"\n  family = "redshift-1.0"\n  parameter {\n    name  = "require_ssl"\n    value = "true"\n  }\n}\n# on the cluster: cluster_parameter_group_name = aws_redshift_parameter_group.tls.name',
    },
    cwe: ["CWE-319"],
    test: (node, ctx): Hit | false => {
      const group = redshiftGroup(node, ctx);
      if (group === undefined) return false;
      if (group === "legacy-default") {
        return {
          paths: [at(node, "parameterGroup")],
          detail: `Cluster ${node.id} uses default.redshift-1.0, where require_ssl is false.`,
        };
      }
      const params = group.attrs.parameters;
      if (isUnresolved(params) || typeof params !== "object" || params === null) return false;
      const value = (params as Record<string, string>).require_ssl;
      // Unset, require_ssl takes the family's default: false in redshift-1.0, true in redshift-2.0.
      const unset = value === undefined && group.attrs.family === "redshift-1.0";
      if (!unset && value?.toLowerCase() !== "false") return false;
      return {
        paths: [at(node, "parameterGroup")],
        related: [group],
        detail: `Cluster ${node.id} uses parameter group ${group.id}, which does not set require_ssl to true.`,
      };
    },
  }),
  awsRule({
    id: "TL-AWS-WORKSPACES-001",
    title: "WorkSpace volumes are not encrypted",
    category: "InformationDisclosure",
    likelihood: 2,
    impact: 3,
    kinds: ["aws.workspaces.workspace"],
    description: "WorkSpace {resource} keeps its root or user volume unencrypted.",
    remediation: "Encrypt both the root and the user volume (with a KMS key).",
    fix: {
      cloudformation:
        "Properties:\n  RootVolumeEncryptionEnabled: true\n  UserVolumeEncryptionEnabled: true\n  VolumeEncryptionKey: !Ref DesktopKey",
      terraform:
        "root_volume_encryption_enabled = true\nuser_volume_encryption_enabled = true\nvolume_encryption_key          = aws_kms_key.desktop.arn",
    },
    cwe: ["CWE-311"],
    test: (node) => {
      const paths = [
        ...(node.attrs.rootEncrypted === false ? [at(node, "rootEncrypted")] : []),
        ...(node.attrs.userEncrypted === false ? [at(node, "userEncrypted")] : []),
      ];
      return paths.length > 0 && { paths };
    },
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
  awsRule({
    id: "TL-AWS-IAM-016",
    title: "Account password policy is weak",
    category: "Spoofing",
    likelihood: 2,
    impact: 3,
    kinds: ["aws.iam.password-policy"],
    description:
      "Password policy {resource} accepts passwords a guessing attack breaks easily (short, single character class, or reusable).",
    remediation:
      "Require at least 14 characters of all four character classes and prevent reuse of the last 24 passwords.",
    fix: {
      cloudformation: "# No CloudFormation resource: set it with the IAM console, the CLI or Terraform.",
      terraform:
        "minimum_password_length        = 14\nrequire_lowercase_characters   = true\nrequire_uppercase_characters   = true\nrequire_numbers                = true\nrequire_symbols                = true\npassword_reuse_prevention      = 24",
    },
    cwe: ["CWE-521"],
    attack: ["T1110"],
    exposedBoost: 0,
    test: (node) => {
      const a = node.attrs;
      const weak: string[] = [];
      if (typeof a.minLength === "number" && a.minLength < 14) weak.push(`minimum length ${a.minLength}`);
      const classes = ["lowercase", "uppercase", "numbers", "symbols"].filter((c) => a[c] === false);
      if (classes.length > 0) weak.push(`no ${classes.join("/")} required`);
      if (typeof a.reuse === "number" && a.reuse < 24)
        weak.push(a.reuse === 0 ? "reuse allowed" : `reuse prevention ${a.reuse}`);
      return (
        weak.length > 0 && {
          paths: [at(node, "minLength")],
          detail: `Password policy ${node.id}: ${weak.join(", ")}.`,
        }
      );
    },
  }),
  awsRule({
    id: "TL-AWS-CONFIG-001",
    title: "Config aggregator does not cover all regions",
    category: "Repudiation",
    likelihood: 1,
    impact: 3,
    kinds: ["aws.config.aggregator"],
    description:
      "Aggregator {resource} collects configuration from a fixed list of regions: resources created in any other region go unseen.",
    remediation: "Aggregate from all regions (AllAwsRegions / all_regions), which also covers regions enabled later.",
    fix: {
      cloudformation:
        "Properties:\n  OrganizationAggregationSource:\n    AllAwsRegions: true\n    RoleArn: !GetAtt AggregatorRole.Arn",
      terraform:
        "organization_aggregation_source {\n  all_regions = true\n  role_arn    = aws_iam_role.aggregator.arn\n}",
    },
    cwe: ["CWE-778"],
    exposedBoost: 0,
    test: (node) => {
      const paths = Array.isArray(node.attrs.partialSources) ? (node.attrs.partialSources as string[]) : [];
      return paths.length > 0 && { paths };
    },
  }),
];
