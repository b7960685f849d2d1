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
  scalarText,
  str,
  strings,
  type Maybe,
} from "../values.ts";
import { wildcardOnly } from "../policy.ts";
import { samPolicies } from "./identity.ts";
import type { KindSpec } from "./spec.ts";

/** Runtimes AWS no longer patches (Lambda's deprecation calendar). */
export const DEPRECATED_RUNTIMES =
  /^(python2\.7|python3\.[5-8]|nodejs(4\.3|6\.10|8\.10|10\.x|12\.x|14\.x|16\.x)?|ruby2\.[57]|dotnetcore[12]\.\d|dotnetcore3\.1|dotnet5\.0|go1\.x|java8)$/;

function tracingMode(value: unknown): Maybe<boolean> {
  const mode = str(value);
  if (mode === undefined || isUnresolved(mode)) return mode === undefined ? false : UNRESOLVED;
  return mode === "Active";
}

function envNames(vars: unknown): string[] {
  return isRecord(vars) ? Object.keys(vars) : [];
}

/** A key of a container definition, whichever case the format writes it in (`Privileged`, `privileged`). */
function pick(record: Record<string, unknown>, key: string): unknown {
  if (key in record) return record[key];
  const lower = key.toLowerCase();
  const found = Object.keys(record).find((k) => k.toLowerCase() === lower);
  return found === undefined ? undefined : record[found];
}

export interface Container {
  name: Maybe<string>;
  privileged: Maybe<boolean>;
  readonlyRoot: Maybe<boolean>;
  user: Maybe<string>;
  env: string[];
  logging: boolean;
  path: string;
}

function containers(value: unknown, basePath: string): Container[] | typeof UNRESOLVED {
  const defs = jsonValue(value);
  if (isUnresolved(defs)) return UNRESOLVED;
  return list(defs).map((c, i) => {
    const r = isRecord(c) ? c : {};
    return {
      name: str(pick(r, "name")),
      privileged: bool(pick(r, "privileged")) ?? false,
      readonlyRoot: bool(pick(r, "readonlyRootFilesystem")) ?? false,
      user: str(pick(r, "user")),
      env: list(pick(r, "environment"))
        .map((e) => (isRecord(e) ? str(pick(e, "name")) : undefined))
        .filter((n): n is string => typeof n === "string"),
      logging: present(pick(r, "logConfiguration")),
      path: `${basePath}.${i}`,
    };
  });
}

/** A SourceArn / SourceAccount / PrincipalOrgID that names something (a reference, or a literal not all `*`). */
function narrowing(value: unknown): boolean {
  return present(value) && !wildcardOnly(value);
}

/**
 * Evidence paths of the task's EFS volumes mounted without TLS: ECS mounts EFS in plaintext unless
 * `TransitEncryption` is ENABLED (its default is DISABLED).
 */
function efsPlaintext(volumes: unknown, configKey: string, transitKey: string, basePath: string): string[] {
  return list(volumes).flatMap((v, i) => {
    const config = dig(v, configKey);
    if (config === undefined) return [];
    const transit = str(dig(config, transitKey));
    return transit === undefined || (typeof transit === "string" && transit.toUpperCase() === "DISABLED")
      ? [`${basePath}.${i}`]
      : [];
  });
}

export const COMPUTE_SPECS: KindSpec[] = [
  {
    kind: "aws.lambda.function",
    types: {
      "AWS::Lambda::Function": (b) => ({
        runtime: str(b.Runtime),
        dlq: present(dig(b, "DeadLetterConfig.TargetArn")),
        reservedConcurrency: num(b.ReservedConcurrentExecutions),
        env: envNames(dig(b, "Environment.Variables")),
        envKms: present(b.KmsKeyArn),
        tracing: tracingMode(dig(b, "TracingConfig.Mode")),
        vpc: present(b.VpcConfig),
        urlAuth: undefined,
        inlinePolicies: [],
        managedPolicyArns: [],
      }),
      "AWS::Serverless::Function": (b) => {
        const policies = samPolicies(b.Policies);
        return {
          runtime: str(b.Runtime),
          dlq: present(b.DeadLetterQueue),
          reservedConcurrency: num(b.ReservedConcurrentExecutions),
          env: envNames(dig(b, "Environment.Variables")),
          envKms: present(b.KmsKeyArn),
          tracing: tracingMode(b.Tracing),
          vpc: present(b.VpcConfig),
          urlAuth: b.FunctionUrlConfig ? (str(dig(b, "FunctionUrlConfig.AuthType")) ?? UNRESOLVED) : undefined,
          inlinePolicies: policies.documents.map((d, i) => ({
            name: `Policies.${i}`,
            document: d.document,
            path: d.path,
          })),
          managedPolicyArns: policies.managed,
          events: Object.entries(block(b.Events) ?? {}).map(([name, e]) => ({
            name,
            type: str(dig(e, "Type")),
            api: present(dig(e, "Properties.RestApiId")) || present(dig(e, "Properties.ApiId")),
            auth: present(dig(e, "Properties.Auth.Authorizer")) && str(dig(e, "Properties.Auth.Authorizer")) !== "NONE",
            apiKey: bool(dig(e, "Properties.Auth.ApiKeyRequired")) === true,
            path: `Properties.Events.${name}`,
          })),
        };
      },
      aws_lambda_function: (b) => ({
        runtime: str(b.runtime),
        dlq: present(dig(b, "dead_letter_config.target_arn")),
        reservedConcurrency: num(b.reserved_concurrent_executions),
        env: envNames(dig(b, "environment.variables")),
        envKms: present(b.kms_key_arn),
        tracing: tracingMode(dig(b, "tracing_config.mode")),
        vpc: present(b.vpc_config),
        urlAuth: undefined,
        inlinePolicies: [],
        managedPolicyArns: [],
      }),
    },
    paths: {
      runtime: ["Properties.Runtime", "runtime"],
      dlq: ["Properties.DeadLetterConfig", "dead_letter_config"],
      reservedConcurrency: ["Properties.ReservedConcurrentExecutions", "reserved_concurrent_executions"],
      env: ["Properties.Environment", "environment"],
      envKms: ["Properties.KmsKeyArn", "kms_key_arn"],
      tracing: ["Properties.TracingConfig", "tracing_config"],
      urlAuth: ["Properties.FunctionUrlConfig.AuthType", null],
    },
  },
  {
    kind: "aws.lambda.url",
    types: {
      "AWS::Lambda::Url": (b) => ({ authType: str(b.AuthType) }),
      aws_lambda_function_url: (b) => ({ authType: str(b.authorization_type) }),
    },
    paths: { authType: ["Properties.AuthType", "authorization_type"] },
    fold: [
      {
        via: ["TargetFunctionArn", "function_name"],
        into: ["aws.lambda.function"],
        apply: (t, c) => void (t.attrs.urlAuth = c.attrs.authType),
      },
    ],
  },
  {
    kind: "aws.lambda.permission",
    types: {
      "AWS::Lambda::Permission": (b) => ({
        principal: str(b.Principal),
        restricted: narrowing(b.SourceArn) || narrowing(b.SourceAccount) || narrowing(b.PrincipalOrgID),
        urlAuth: str(b.FunctionUrlAuthType),
        action: str(b.Action),
      }),
      aws_lambda_permission: (b) => ({
        principal: str(b.principal),
        restricted: narrowing(b.source_arn) || narrowing(b.source_account) || narrowing(b.principal_org_id),
        urlAuth: str(b.function_url_auth_type),
        action: str(b.action),
      }),
    },
    paths: { principal: ["Properties.Principal", "principal"] },
  },
  {
    kind: "aws.ecs.task-definition",
    types: {
      "AWS::ECS::TaskDefinition": (b) => ({
        containers: containers(b.ContainerDefinitions, "Properties.ContainerDefinitions"),
        networkMode: str(b.NetworkMode),
        pidMode: str(b.PidMode),
        efsPlaintext: efsPlaintext(b.Volumes, "EFSVolumeConfiguration", "TransitEncryption", "Properties.Volumes"),
      }),
      aws_ecs_task_definition: (b) => ({
        containers: containers(b.container_definitions, "container_definitions"),
        networkMode: str(b.network_mode),
        pidMode: str(b.pid_mode),
        efsPlaintext: efsPlaintext(b.volume, "efs_volume_configuration", "transit_encryption", "volume"),
      }),
    },
    paths: {
      containers: ["Properties.ContainerDefinitions", "container_definitions"],
      networkMode: ["Properties.NetworkMode", "network_mode"],
      pidMode: ["Properties.PidMode", "pid_mode"],
    },
  },
  {
    kind: "aws.ecs.service",
    types: {
      "AWS::ECS::Service": (b) => ({
        publicIp: str(dig(b, "NetworkConfiguration.AwsvpcConfiguration.AssignPublicIp")) === "ENABLED",
      }),
      aws_ecs_service: (b) => ({ publicIp: bool(dig(b, "network_configuration.assign_public_ip")) === true }),
    },
    paths: { publicIp: ["Properties.NetworkConfiguration", "network_configuration"] },
  },
  {
    kind: "aws.ecs.cluster",
    types: {
      "AWS::ECS::Cluster": (b) => ({
        insights: list(b.ClusterSettings).some(
          (s) =>
            str(dig(s, "Name")) === "containerInsights" &&
            ["enabled", "enhanced"].includes(scalarText(dig(s, "Value"))),
        ),
      }),
      aws_ecs_cluster: (b) => ({
        insights: list(b.setting).some(
          (s) =>
            str(dig(s, "name")) === "containerInsights" &&
            ["enabled", "enhanced"].includes(scalarText(dig(s, "value"))),
        ),
      }),
    },
    paths: { insights: ["Properties.ClusterSettings", "setting"] },
  },
  {
    kind: "aws.eks.cluster",
    types: {
      "AWS::EKS::Cluster": (b) => {
        const vpc = block(b.ResourcesVpcConfig) ?? {};
        return {
          publicEndpoint: bool(vpc.EndpointPublicAccess) ?? true,
          publicCidrs:
            vpc.PublicAccessCidrs === undefined
              ? ["0.0.0.0/0"]
              : isUnresolved(vpc.PublicAccessCidrs)
                ? [UNRESOLVED]
                : list(vpc.PublicAccessCidrs),
          logTypes: list(dig(b, "Logging.ClusterLogging.EnabledTypes")).map((t) => str(dig(t, "Type"))),
          secretsEncrypted: list(b.EncryptionConfig).some((c) => list(dig(c, "Resources")).includes("secrets")),
        };
      },
      aws_eks_cluster: (b) => {
        const vpc = block(b.vpc_config) ?? {};
        return {
          publicEndpoint: bool(vpc.endpoint_public_access) ?? true,
          publicCidrs:
            vpc.public_access_cidrs === undefined
              ? ["0.0.0.0/0"]
              : isUnresolved(vpc.public_access_cidrs)
                ? [UNRESOLVED]
                : list(vpc.public_access_cidrs),
          logTypes: isUnresolved(b.enabled_cluster_log_types) ? [UNRESOLVED] : strings(b.enabled_cluster_log_types),
          secretsEncrypted: list(b.encryption_config).some((c) => list(dig(c, "resources")).includes("secrets")),
        };
      },
    },
    paths: {
      publicEndpoint: ["Properties.ResourcesVpcConfig", "vpc_config"],
      logTypes: ["Properties.Logging", "enabled_cluster_log_types"],
      secretsEncrypted: ["Properties.EncryptionConfig", "encryption_config"],
    },
  },
];
