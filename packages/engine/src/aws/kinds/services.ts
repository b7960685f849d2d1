import {
  UNRESOLVED,
  block,
  bool,
  dig,
  isRecord,
  isUnresolved,
  jsonValue,
  list,
  num,
  present,
  str,
  type Maybe,
} from "../values.ts";
import type { KindSpec } from "./spec.ts";

/**
 * Services whose weaknesses are mostly one or two settings (encryption at rest and in transit, public access,
 * audit logs): analytics (Athena, EMR), build (CodeBuild), caches and brokers (DAX, MSK, Amazon MQ), desktops
 * (WorkSpaces), and account-wide settings (password policy, account public access block, Config aggregators).
 */

const DATA = "data-store" as const;

/** `false` when written false, `true` when true, `UNRESOLVED` when it cannot be read, else `fallback`. */
function flag(value: unknown, fallback: boolean): Maybe<boolean> {
  return bool(value) ?? fallback;
}

/** The first resolved of several spellings (CloudFormation and Terraform share one normalizer here). */
function upper(value: unknown): Maybe<string> {
  const text = str(value);
  return typeof text === "string" ? text.toUpperCase() : text;
}

/** EMR security configuration JSON: what it encrypts. */
function emrSecurity(value: unknown): Record<string, unknown> {
  const doc = jsonValue(value);
  if (isUnresolved(doc) || !isRecord(doc)) {
    return { atRest: UNRESOLVED, localDisk: UNRESOLVED, inTransit: UNRESOLVED };
  }
  const enc = block(doc.EncryptionConfiguration);
  if (!enc) return { atRest: false, localDisk: false, inTransit: false };
  const atRest = bool(enc.EnableAtRestEncryption) ?? false;
  return {
    atRest,
    localDisk:
      atRest === true ? present(dig(enc, "AtRestEncryptionConfiguration.LocalDiskEncryptionConfiguration")) : atRest,
    inTransit: bool(enc.EnableInTransitEncryption) ?? false,
  };
}

/** Redshift parameter group parameters as name → value. */
function parameters(items: unknown, nameKey: string, valueKey: string): Maybe<Record<string, string>> {
  if (isUnresolved(items)) return UNRESOLVED;
  const out: Record<string, string> = {};
  for (const p of list(items)) {
    const name = str(dig(p, nameKey));
    const value = str(dig(p, valueKey));
    // A parameter whose name is not literal (a module's dynamic list) could be any of them.
    if (typeof name !== "string") return UNRESOLVED;
    out[name.toLowerCase()] = typeof value === "string" ? value : "${unresolved}";
  }
  return out;
}

/** Amazon MQ: audit logs exist for ActiveMQ only; RabbitMQ has general logs. */
function mqLogging(engine: Maybe<string>, audit: unknown, general: unknown): Maybe<boolean> {
  const which = typeof engine === "string" && engine.toUpperCase() === "RABBITMQ" ? general : audit;
  return bool(which) ?? false;
}

/** A Batch container's `privileged`: CloudFormation's ContainerProperties, Terraform's JSON `container_properties`. */
function batchPrivileged(value: unknown): Maybe<boolean> {
  const props = jsonValue(value);
  if (isUnresolved(props)) return UNRESOLVED;
  if (!isRecord(props)) return false;
  const key = Object.keys(props).find((k) => k.toLowerCase() === "privileged");
  return key === undefined ? false : (bool(props[key]) ?? false);
}

/** Header names of a request, each with whether its value is written literally in the configuration. */
function headers(written: unknown): { name: string; literal: boolean }[] {
  if (!isRecord(written)) return [];
  return Object.entries(written).map(([name, value]) => ({
    name,
    literal: typeof value === "string" && value.trim() !== "" && !value.includes("${"),
  }));
}

export const SERVICE_SPECS: KindSpec[] = [
  {
    kind: "tf.data.http",
    types: {
      "data.http": (b, raw) => ({
        url: str(b.url),
        method: upper(b.method) ?? "GET",
        headers: headers(raw.properties.request_headers),
      }),
    },
    paths: { headers: [null, "request_headers"], url: [null, "url"] },
  },
  {
    kind: "aws.batch.job-definition",
    types: {
      "AWS::Batch::JobDefinition": (b) => ({ privileged: batchPrivileged(b.ContainerProperties) }),
      aws_batch_job_definition: (b) => ({ privileged: batchPrivileged(b.container_properties) }),
    },
    paths: { privileged: ["Properties.ContainerProperties.Privileged", "container_properties"] },
  },
  {
    kind: "aws.sagemaker.notebook",
    types: {
      "AWS::SageMaker::NotebookInstance": (b) => ({
        directInternet: b.DirectInternetAccess === undefined ? true : upper(b.DirectInternetAccess) === "ENABLED",
        rootAccess: b.RootAccess === undefined ? true : upper(b.RootAccess) === "ENABLED",
      }),
      aws_sagemaker_notebook_instance: (b) => ({
        directInternet: b.direct_internet_access === undefined ? true : upper(b.direct_internet_access) === "ENABLED",
        rootAccess: b.root_access === undefined ? true : upper(b.root_access) === "ENABLED",
      }),
    },
    paths: {
      directInternet: ["Properties.DirectInternetAccess", "direct_internet_access"],
      rootAccess: ["Properties.RootAccess", "root_access"],
    },
  },
  {
    kind: "aws.athena.workgroup",
    types: {
      "AWS::Athena::WorkGroup": (b) => {
        const config = block(b.WorkGroupConfiguration);
        return {
          resultEncryption: present(dig(config, "ResultConfiguration.EncryptionConfiguration.EncryptionOption")),
          enforced: flag(config?.EnforceWorkGroupConfiguration, true),
        };
      },
      aws_athena_workgroup: (b) => {
        const config = block(b.configuration);
        return {
          resultEncryption: present(dig(config, "result_configuration.encryption_configuration.encryption_option")),
          enforced: flag(config?.enforce_workgroup_configuration, true),
        };
      },
    },
    paths: {
      resultEncryption: ["Properties.WorkGroupConfiguration", "configuration"],
      enforced: [
        "Properties.WorkGroupConfiguration.EnforceWorkGroupConfiguration",
        "configuration.0.enforce_workgroup_configuration",
      ],
    },
  },
  {
    kind: "aws.codebuild.project",
    types: {
      "AWS::CodeBuild::Project": (b) => ({
        unencryptedArtifacts: [b.Artifacts, ...list(b.SecondaryArtifacts)].some(
          (a) => upper(dig(a, "Type")) === "S3" && bool(dig(a, "EncryptionDisabled")) === true,
        ),
        unencryptedLogs:
          upper(dig(b, "LogsConfig.S3Logs.Status")) === "ENABLED" &&
          bool(dig(b, "LogsConfig.S3Logs.EncryptionDisabled")) === true,
        privileged: bool(dig(b, "Environment.PrivilegedMode")) ?? false,
      }),
      aws_codebuild_project: (b) => ({
        unencryptedArtifacts: [...list(b.artifacts), ...list(b.secondary_artifacts)].some(
          (a) => upper(dig(a, "type")) === "S3" && bool(dig(a, "encryption_disabled")) === true,
        ),
        unencryptedLogs:
          upper(dig(b, "logs_config.s3_logs.status")) === "ENABLED" &&
          bool(dig(b, "logs_config.s3_logs.encryption_disabled")) === true,
        privileged: bool(dig(b, "environment.privileged_mode")) ?? false,
      }),
    },
    paths: {
      unencryptedArtifacts: ["Properties.Artifacts", "artifacts"],
      unencryptedLogs: ["Properties.LogsConfig", "logs_config"],
      privileged: ["Properties.Environment.PrivilegedMode", "environment.0.privileged_mode"],
    },
  },
  {
    kind: "aws.dax.cluster",
    role: DATA,
    types: {
      "AWS::DAX::Cluster": (b) => ({
        encrypted: flag(dig(b, "SSESpecification.SSEEnabled"), false),
        tls: b.ClusterEndpointEncryptionType === undefined ? false : upper(b.ClusterEndpointEncryptionType),
      }),
      aws_dax_cluster: (b) => ({
        encrypted: flag(dig(b, "server_side_encryption.enabled"), false),
        tls: b.cluster_endpoint_encryption_type === undefined ? false : upper(b.cluster_endpoint_encryption_type),
      }),
    },
    paths: {
      encrypted: ["Properties.SSESpecification", "server_side_encryption"],
      tls: ["Properties.ClusterEndpointEncryptionType", "cluster_endpoint_encryption_type"],
    },
  },
  {
    kind: "aws.emr.security-configuration",
    types: {
      "AWS::EMR::SecurityConfiguration": (b) => ({ name: str(b.Name), ...emrSecurity(b.SecurityConfiguration) }),
      aws_emr_security_configuration: (b) => ({ name: str(b.name), ...emrSecurity(b.configuration) }),
    },
    paths: {
      atRest: ["Properties.SecurityConfiguration", "configuration"],
      localDisk: ["Properties.SecurityConfiguration", "configuration"],
      inTransit: ["Properties.SecurityConfiguration", "configuration"],
    },
  },
  {
    kind: "aws.emr.cluster",
    role: DATA,
    types: {
      "AWS::EMR::Cluster": (b) => ({ securityConfiguration: present(b.SecurityConfiguration) }),
      aws_emr_cluster: (b) => ({ securityConfiguration: present(b.security_configuration) }),
    },
    paths: { securityConfiguration: ["Properties.SecurityConfiguration", "security_configuration"] },
  },
  {
    kind: "aws.msk.cluster",
    role: DATA,
    types: {
      "AWS::MSK::Cluster": (b) => {
        const transit = dig(b, "EncryptionInfo.EncryptionInTransit");
        const auth = block(b.ClientAuthentication);
        return {
          clientBroker: upper(dig(transit, "ClientBroker")) ?? "TLS",
          inCluster: flag(dig(transit, "InCluster"), true),
          cmk: present(dig(b, "EncryptionInfo.EncryptionAtRest.DataVolumeKMSKeyId")),
          publicAccess: upper(dig(b, "BrokerNodeGroupInfo.ConnectivityInfo.PublicAccess.Type")) ?? "DISABLED",
          unauthenticated:
            auth === undefined
              ? isUnresolved(b.ClientAuthentication)
                ? UNRESOLVED
                : true
              : (bool(dig(auth, "Unauthenticated.Enabled")) ?? !(present(auth.Sasl) || present(auth.Tls))),
        };
      },
      aws_msk_cluster: (b) => {
        const transit = dig(b, "encryption_info.encryption_in_transit");
        const auth = block(b.client_authentication);
        return {
          clientBroker: upper(dig(transit, "client_broker")) ?? "TLS",
          inCluster: flag(dig(transit, "in_cluster"), true),
          cmk: present(dig(b, "encryption_info.encryption_at_rest_kms_key_arn")),
          publicAccess: upper(dig(b, "broker_node_group_info.connectivity_info.public_access.type")) ?? "DISABLED",
          unauthenticated:
            auth === undefined
              ? isUnresolved(b.client_authentication)
                ? UNRESOLVED
                : true
              : (bool(auth.unauthenticated) ?? !(present(auth.sasl) || present(auth.tls))),
        };
      },
    },
    paths: {
      clientBroker: ["Properties.EncryptionInfo", "encryption_info"],
      inCluster: ["Properties.EncryptionInfo", "encryption_info"],
      cmk: ["Properties.EncryptionInfo", "encryption_info"],
      publicAccess: ["Properties.BrokerNodeGroupInfo", "broker_node_group_info"],
      unauthenticated: ["Properties.ClientAuthentication", "client_authentication"],
    },
  },
  {
    kind: "aws.mq.broker",
    role: DATA,
    types: {
      "AWS::AmazonMQ::Broker": (b) => ({
        engine: upper(b.EngineType),
        public: flag(b.PubliclyAccessible, false),
        cmk:
          bool(dig(b, "EncryptionOptions.UseAwsOwnedKey")) === false || present(dig(b, "EncryptionOptions.KmsKeyId")),
        logging: mqLogging(upper(b.EngineType), dig(b, "Logs.Audit"), dig(b, "Logs.General")),
      }),
      aws_mq_broker: (b) => ({
        engine: upper(b.engine_type),
        public: flag(b.publicly_accessible, false),
        cmk:
          bool(dig(b, "encryption_options.use_aws_owned_key")) === false ||
          present(dig(b, "encryption_options.kms_key_id")),
        logging: mqLogging(upper(b.engine_type), dig(b, "logs.audit"), dig(b, "logs.general")),
      }),
    },
    paths: {
      public: ["Properties.PubliclyAccessible", "publicly_accessible"],
      cmk: ["Properties.EncryptionOptions", "encryption_options"],
      logging: ["Properties.Logs", "logs"],
    },
  },
  {
    kind: "aws.redshift.parameter-group",
    types: {
      "AWS::Redshift::ClusterParameterGroup": (b) => ({
        name: str(b.ParameterGroupName),
        family: str(b.ParameterGroupFamily),
        parameters: parameters(b.Parameters, "ParameterName", "ParameterValue"),
      }),
      aws_redshift_parameter_group: (b) => ({
        name: str(b.name),
        family: str(b.family),
        parameters: parameters(b.parameter, "name", "value"),
      }),
    },
    paths: { parameters: ["Properties.Parameters", "parameter"] },
  },
  {
    kind: "aws.docdb.parameter-group",
    types: {
      "AWS::DocDB::DBClusterParameterGroup": (b) => {
        const params = b.Parameters;
        if (isUnresolved(params) || !isRecord(params))
          return { name: str(b.Name), tls: isUnresolved(params) ? UNRESOLVED : undefined };
        const entry = Object.entries(params).find(([k]) => k.toLowerCase() === "tls");
        return { name: str(b.Name), tls: entry ? str(entry[1]) : undefined };
      },
      aws_docdb_cluster_parameter_group: (b) => {
        const params = parameters(b.parameter, "name", "value");
        return { name: str(b.name), tls: isUnresolved(params) ? UNRESOLVED : params?.tls };
      },
    },
    paths: { tls: ["Properties.Parameters", "parameter"] },
  },
  {
    kind: "aws.workspaces.workspace",
    role: DATA,
    types: {
      "AWS::WorkSpaces::Workspace": (b) => ({
        rootEncrypted: flag(b.RootVolumeEncryptionEnabled, false),
        userEncrypted: flag(b.UserVolumeEncryptionEnabled, false),
      }),
      aws_workspaces_workspace: (b) => ({
        rootEncrypted: flag(b.root_volume_encryption_enabled, false),
        userEncrypted: flag(b.user_volume_encryption_enabled, false),
      }),
    },
    paths: {
      rootEncrypted: ["Properties.RootVolumeEncryptionEnabled", "root_volume_encryption_enabled"],
      userEncrypted: ["Properties.UserVolumeEncryptionEnabled", "user_volume_encryption_enabled"],
    },
  },
  {
    kind: "aws.s3.account-public-access-block",
    types: {
      aws_s3_account_public_access_block: (b) => ({
        blockPublicAcls: flag(b.block_public_acls, false),
        blockPublicPolicy: flag(b.block_public_policy, false),
        ignorePublicAcls: flag(b.ignore_public_acls, false),
        restrictPublicBuckets: flag(b.restrict_public_buckets, false),
      }),
    },
    paths: {
      blockPublicAcls: [null, "block_public_acls"],
      blockPublicPolicy: [null, "block_public_policy"],
      ignorePublicAcls: [null, "ignore_public_acls"],
      restrictPublicBuckets: [null, "restrict_public_buckets"],
    },
  },
  {
    kind: "aws.iam.password-policy",
    types: {
      aws_iam_account_password_policy: (b) => ({
        minLength: num(b.minimum_password_length) ?? 6,
        lowercase: flag(b.require_lowercase_characters, false),
        uppercase: flag(b.require_uppercase_characters, false),
        numbers: flag(b.require_numbers, false),
        symbols: flag(b.require_symbols, false),
        reuse: num(b.password_reuse_prevention) ?? 0,
        maxAge: num(b.max_password_age) ?? 0,
      }),
    },
    paths: {
      minLength: [null, "minimum_password_length"],
      reuse: [null, "password_reuse_prevention"],
      maxAge: [null, "max_password_age"],
    },
  },
  {
    kind: "aws.config.aggregator",
    types: {
      "AWS::Config::ConfigurationAggregator": (b) => ({
        partialSources: [
          ...list(b.AccountAggregationSources).map(
            (src, i) => [src, `Properties.AccountAggregationSources.${i}`] as const,
          ),
          ...list(b.OrganizationAggregationSource).map(
            (src) => [src, "Properties.OrganizationAggregationSource"] as const,
          ),
        ]
          .filter(([src]) => (bool(dig(src, "AllAwsRegions")) ?? false) === false)
          .map(([, path]) => path),
      }),
      aws_config_configuration_aggregator: (b) => ({
        partialSources: [
          ...list(b.account_aggregation_source).map((src) => [src, "account_aggregation_source"] as const),
          ...list(b.organization_aggregation_source).map((src) => [src, "organization_aggregation_source"] as const),
        ]
          .filter(([src]) => (bool(dig(src, "all_regions")) ?? false) === false)
          .map(([, path]) => path),
      }),
    },
  },
];
