import { locate } from "../../graph/locate.ts";
import type { GraphNode } from "../../graph/types.ts";
import type { RuleContext } from "../../rules/types.ts";
import { DEPRECATED_RUNTIMES, type Container } from "../kinds/compute.ts";
import { at, awsRule, secretsIn } from "./define.ts";

const FN = ["aws.lambda.function"];
const TASK = ["aws.ecs.task-definition"];
const containers = (attrs: Record<string, unknown>): Container[] =>
  Array.isArray(attrs.containers) ? (attrs.containers as Container[]) : [];

/** SAM event sources Lambda invokes asynchronously. */
const ASYNC_EVENTS = new Set(["S3", "SNS", "EventBridgeRule", "CloudWatchEvent", "Schedule", "ScheduleV2", "IoTRule"]);
/** Resources that invoke a function asynchronously when they point at it. */
const ASYNC_SOURCES =
  /^(AWS::(Events::Rule|Scheduler::Schedule|SNS::Subscription|S3::Bucket)|aws_(cloudwatch_event_target|scheduler_schedule|sns_topic_subscription|s3_bucket_notification))$/;
const ASYNC_PRINCIPALS = /^(s3|sns|events|scheduler|iot)\.amazonaws\.com$/;

/** Whether something in the graph invokes the function asynchronously (events, notifications, schedules). */
function invokedAsynchronously(node: GraphNode, ctx: RuleContext): boolean {
  const events = (node.attrs.events as Array<{ type?: string }> | undefined) ?? [];
  if (events.some((e) => e.type !== undefined && ASYNC_EVENTS.has(e.type))) return true;
  return ctx.in(node.id).some((source) => {
    if (ASYNC_SOURCES.test(source.type)) return true;
    if (source.type !== "AWS::Lambda::Permission" && source.type !== "aws_lambda_permission") return false;
    const body = (source.properties.Properties ?? source.properties) as Record<string, unknown>;
    const principal = body.Principal ?? body.principal;
    return typeof principal === "string" && ASYNC_PRINCIPALS.test(principal);
  });
}

export const COMPUTE_RULES = [
  awsRule({
    id: "TL-AWS-LAMBDA-001",
    title: "Lambda function has no dead-letter queue",
    category: "DenialOfService",
    likelihood: 1,
    impact: 2,
    kinds: FN,
    description:
      "Function {resource} has no dead-letter queue or failure destination: asynchronous events that keep failing are dropped silently.",
    remediation: "Configure a dead-letter queue (or an on-failure destination) for asynchronous invocations.",
    fix: {
      cloudformation: "Properties:\n  DeadLetterConfig:\n    TargetArn: !GetAtt FunctionDlq.Arn",
      terraform: "dead_letter_config {\n  target_arn = aws_sqs_queue.function_dlq.arn\n}",
    },
    cwe: ["CWE-400"],
    exposedBoost: 0,
    // Only asynchronous invocations are retried and then dropped; a function behind an API answers its caller.
    test: (node, ctx) => node.attrs.dlq === false && invokedAsynchronously(node, ctx) && { paths: [at(node, "dlq")] },
  }),
  awsRule({
    id: "TL-AWS-LAMBDA-002",
    title: "Lambda function has no concurrency limit",
    category: "DenialOfService",
    likelihood: 1,
    impact: 2,
    kinds: FN,
    description:
      "Function {resource} reserves no concurrency: a flood of requests can exhaust the account's concurrency (starving other functions) or overwhelm what it calls.",
    remediation: "Set reserved concurrency to the level the function and its downstream can sustain.",
    fix: {
      cloudformation: "Properties:\n  ReservedConcurrentExecutions: 50",
      terraform: "reserved_concurrent_executions = 50",
    },
    cwe: ["CWE-770"],
    capec: ["CAPEC-125"],
    attack: ["T1499"],
    test: (node) =>
      (node.attrs.reservedConcurrency === undefined || node.attrs.reservedConcurrency === -1) && {
        paths: [at(node, "reservedConcurrency")],
      },
  }),
  awsRule({
    id: "TL-AWS-LAMBDA-003",
    title: "Lambda function URL requires no authentication",
    category: "Spoofing",
    likelihood: 4,
    impact: 4,
    kinds: [...FN, "aws.lambda.url"],
    description:
      "Function {resource} has a public function URL with AuthType NONE: anyone on the internet can invoke it.",
    remediation:
      "Use AuthType AWS_IAM (callers sign requests), or put the function behind API Gateway with an authorizer.",
    fix: {
      cloudformation:
        "FunctionUrl:\n  Type: AWS::Lambda::Url\n  Properties:\n    TargetFunctionArn: !GetAtt Function.Arn\n    AuthType: AWS_IAM",
      terraform:
        'resource "aws_lambda_function_url" "this" {\n  function_name      = aws_lambda_function.this.function_name\n  authorization_type = "AWS_IAM"\n}',
    },
    cwe: ["CWE-306"],
    capec: ["CAPEC-115"],
    attack: ["T1190"],
    test: (node, ctx) => {
      if (node.kind === "aws.lambda.url") {
        // A URL for a function declared elsewhere (named by a literal): the URL itself is the finding.
        if (ctx.out(node.id).some((n) => n.kind === "aws.lambda.function")) return null;
        return node.attrs.authType === "NONE" && { paths: [at(node, "authType")] };
      }
      const urls = ctx.in(node.id).filter((n) => n.kind === "aws.lambda.url");
      if (node.attrs.urlAuth !== "NONE") return null;
      // Evidence on the URL resource's AuthType when the URL is a resource of its own.
      const url = urls.find((u) => u.attrs.authType === "NONE");
      return {
        paths: [at(node, "urlAuth")],
        related: urls,
        ...(url
          ? {
              locations: [locate(url, at(url, "authType"))],
            }
          : {}),
      };
    },
  }),
  awsRule({
    id: "TL-AWS-LAMBDA-004",
    title: "Secrets in Lambda environment variables",
    category: "InformationDisclosure",
    likelihood: 4,
    impact: 4,
    kinds: FN,
    description:
      "An environment variable of {resource} holds a hard-coded secret, visible to anyone who can read the function's configuration.",
    remediation:
      "Store the secret in Secrets Manager or SSM Parameter Store and read it at runtime (the Parameters and Secrets extension caches it).",
    fix: {
      cloudformation: "Environment:\n  Variables:\n    DB_SECRET_ARN: !Ref DbSecret # read the value at runtime",
      terraform:
        "environment {\n  variables = {\n    DB_SECRET_ARN = aws_secretsmanager_secret.db.arn # read the value at runtime\n  }\n}",
    },
    cwe: ["CWE-798", "CWE-526"],
    attack: ["T1552.001"],
    test: (node, ctx) => {
      const found = secretsIn(ctx, node, /Environment|environment/);
      return (
        found.length > 0 && {
          paths: [...new Set(found.map((s) => (s.path in node.propertyLines ? s.path : at(node, "env"))))],
        }
      );
    },
  }),
  awsRule({
    id: "TL-AWS-LAMBDA-005",
    title: "Lambda function uses a deprecated runtime",
    category: "Tampering",
    likelihood: 2,
    impact: 3,
    kinds: FN,
    description: "Function {resource} runs on a runtime AWS no longer patches.",
    remediation: "Move to a supported runtime version.",
    fix: { cloudformation: "Properties:\n  Runtime: python3.12", terraform: 'runtime = "python3.12"' },
    cwe: ["CWE-1104"],
    test: (node) =>
      typeof node.attrs.runtime === "string" &&
      DEPRECATED_RUNTIMES.test(node.attrs.runtime) && {
        paths: [at(node, "runtime")],
        detail: `Function ${node.id} runs on ${node.attrs.runtime}, which no longer receives security patches.`,
      },
  }),
  awsRule({
    id: "TL-AWS-LAMBDA-006",
    title: "Lambda permission lets any principal invoke the function",
    category: "ElevationOfPrivilege",
    likelihood: 3,
    impact: 4,
    kinds: ["aws.lambda.permission"],
    description:
      'Permission {resource} grants Principal "*" without SourceArn or SourceAccount: any account (or anyone, for a function URL) can invoke the function.',
    remediation: "Name the invoking service and restrict it with SourceArn / SourceAccount.",
    fix: {
      cloudformation:
        "Properties:\n  Principal: apigateway.amazonaws.com\n  SourceArn: !Sub arn:aws:execute-api:${AWS::Region}:${AWS::AccountId}:${Api}/*",
      terraform:
        'principal  = "apigateway.amazonaws.com"\nsource_arn = "${aws_api_gateway_rest_api.this.execution_arn}/*"',
    },
    cwe: ["CWE-284"],
    attack: ["T1190"],
    test: (node, ctx) => {
      if (node.attrs.principal !== "*" || node.attrs.restricted !== false || node.attrs.urlAuth === "AWS_IAM")
        return null;
      const functions = ctx.out(node.id).filter((n) => n.kind === "aws.lambda.function");
      // The public function URL it serves is one threat, reported on the function (TL-AWS-LAMBDA-003).
      if (node.attrs.urlAuth === "NONE" && functions.some((f) => f.attrs.urlAuth === "NONE")) return null;
      return {
        paths: [at(node, "principal")],
        related: functions,
        detail:
          node.attrs.urlAuth === "NONE"
            ? `Permission ${node.id} lets anyone invoke the function through a function URL without authentication.`
            : `Permission ${node.id} grants ${typeof node.attrs.action === "string" ? node.attrs.action : "invocation"} to Principal "*" with no SourceArn, SourceAccount or PrincipalOrgID naming who (a wildcard-only SourceArn names no one).`,
      };
    },
  }),
  awsRule({
    id: "TL-AWS-LAMBDA-007",
    title: "Lambda function has no X-Ray tracing",
    category: "Repudiation",
    likelihood: 1,
    impact: 2,
    kinds: FN,
    description:
      "Function {resource} does not trace requests, which leaves gaps when reconstructing what a request did.",
    remediation: "Enable active tracing.",
    fix: {
      cloudformation: "Properties:\n  TracingConfig:\n    Mode: Active",
      terraform: 'tracing_config {\n  mode = "Active"\n}',
    },
    cwe: ["CWE-778"],
    exposedBoost: 0,
    test: (node) => node.attrs.tracing === false && { paths: [at(node, "tracing")] },
  }),
  awsRule({
    id: "TL-AWS-LAMBDA-008",
    title: "Lambda environment is not encrypted with a customer-managed key",
    category: "InformationDisclosure",
    likelihood: 1,
    impact: 2,
    kinds: FN,
    description:
      "Function {resource} has environment variables encrypted only with the AWS-managed key; anyone with lambda:GetFunctionConfiguration reads them.",
    remediation: "Set KmsKeyArn to a customer-managed key whose policy limits decryption.",
    fix: {
      cloudformation: "Properties:\n  KmsKeyArn: !GetAtt FunctionKey.Arn",
      terraform: "kms_key_arn = aws_kms_key.function.arn",
    },
    cwe: ["CWE-311"],
    exposedBoost: 0,
    test: (node) =>
      Array.isArray(node.attrs.env) &&
      node.attrs.env.length > 0 &&
      node.attrs.envKms === false && { paths: [at(node, "env")] },
  }),
  awsRule({
    id: "TL-AWS-ECS-001",
    title: "ECS container runs privileged",
    category: "ElevationOfPrivilege",
    likelihood: 3,
    impact: 5,
    kinds: TASK,
    description:
      "A container of task definition {resource} runs privileged: a compromise of the container is a compromise of the host.",
    remediation: "Remove Privileged; grant only the Linux capabilities the container needs.",
    fix: {
      cloudformation:
        "ContainerDefinitions:\n  - Name: app\n    Privileged: false\n    LinuxParameters:\n      Capabilities:\n        Drop: [ALL]",
      terraform:
        'container_definitions = jsonencode([{\n  name       = "app"\n  privileged = false\n  linuxParameters = { capabilities = { drop = ["ALL"] } }\n}])',
    },
    cwe: ["CWE-250"],
    attack: ["T1611"],
    test: (node) => {
      const bad = containers(node.attrs).filter((c) => c.privileged === true);
      return (
        bad.length > 0 && {
          paths: bad.map((c) => (c.path in node.propertyLines ? c.path : at(node, "containers"))),
          detail: `Containers ${bad.map((c) => (typeof c.name === "string" ? c.name : "?")).join(", ")} of ${node.id} run privileged.`,
        }
      );
    },
  }),
  awsRule({
    id: "TL-AWS-ECS-002",
    title: "Secrets in ECS container environment",
    category: "InformationDisclosure",
    likelihood: 4,
    impact: 4,
    kinds: TASK,
    description:
      "A container environment variable of {resource} holds a hard-coded secret, visible to anyone who can describe the task definition.",
    remediation: "Use the container definition's Secrets (valueFrom Secrets Manager or SSM) instead of Environment.",
    fix: {
      cloudformation: "Secrets:\n  - Name: DB_PASSWORD\n    ValueFrom: !Ref DbSecret",
      terraform: 'secrets = [{\n  name      = "DB_PASSWORD"\n  valueFrom = aws_secretsmanager_secret.db.arn\n}]',
    },
    cwe: ["CWE-798", "CWE-526"],
    attack: ["T1552.001"],
    test: (node, ctx) => {
      const found = secretsIn(ctx, node, /ContainerDefinitions|container_definitions/);
      return (
        found.length > 0 && {
          paths: [...new Set(found.map((s) => (s.path in node.propertyLines ? s.path : at(node, "containers"))))],
        }
      );
    },
  }),
  awsRule({
    id: "TL-AWS-ECS-003",
    title: "ECS container has no log configuration",
    category: "Repudiation",
    likelihood: 2,
    impact: 3,
    kinds: TASK,
    description: "A container of {resource} sends its output nowhere: what it did cannot be reviewed.",
    remediation: "Configure the awslogs (or FireLens) log driver for every container.",
    fix: {
      cloudformation:
        "LogConfiguration:\n  LogDriver: awslogs\n  Options:\n    awslogs-group: !Ref AppLogs\n    awslogs-region: !Ref AWS::Region\n    awslogs-stream-prefix: app",
      terraform:
        'logConfiguration = {\n  logDriver = "awslogs"\n  options = {\n    awslogs-group         = aws_cloudwatch_log_group.app.name\n    awslogs-region        = "eu-west-1"\n    awslogs-stream-prefix = "app"\n  }\n}',
    },
    cwe: ["CWE-778"],
    exposedBoost: 0,
    test: (node) => {
      const bad = containers(node.attrs).filter((c) => !c.logging);
      return (
        bad.length > 0 && { paths: bad.map((c) => (c.path in node.propertyLines ? c.path : at(node, "containers"))) }
      );
    },
  }),
  awsRule({
    id: "TL-AWS-ECS-004",
    title: "ECS container root file system is writable",
    category: "Tampering",
    likelihood: 2,
    impact: 3,
    kinds: TASK,
    description:
      "A container of {resource} can write to its root file system, so an attacker can drop tools or alter binaries.",
    remediation: "Set ReadonlyRootFilesystem and mount writable volumes only where needed.",
    fix: {
      cloudformation: "ContainerDefinitions:\n  - Name: app\n    ReadonlyRootFilesystem: true",
      terraform: "readonlyRootFilesystem = true",
    },
    cwe: ["CWE-732"],
    attack: ["T1036"],
    exposedBoost: 0,
    test: (node) => {
      const bad = containers(node.attrs).filter((c) => c.readonlyRoot === false);
      return (
        bad.length > 0 && { paths: bad.map((c) => (c.path in node.propertyLines ? c.path : at(node, "containers"))) }
      );
    },
  }),
  awsRule({
    id: "TL-AWS-ECS-005",
    title: "ECS task shares the host's network or process namespace",
    category: "ElevationOfPrivilege",
    likelihood: 2,
    impact: 4,
    kinds: TASK,
    description:
      "Task definition {resource} uses host networking or the host PID namespace, so its containers see the host's interfaces or processes.",
    remediation: "Use awsvpc networking and task-level PID mode.",
    fix: {
      cloudformation: "Properties:\n  NetworkMode: awsvpc\n  PidMode: task",
      terraform: 'network_mode = "awsvpc"\npid_mode     = "task"',
    },
    cwe: ["CWE-250", "CWE-653"],
    attack: ["T1611"],
    test: (node) => {
      const paths = [
        node.attrs.networkMode === "host" ? at(node, "networkMode") : "",
        node.attrs.pidMode === "host" ? at(node, "pidMode") : "",
      ].filter(Boolean);
      return paths.length > 0 && { paths };
    },
  }),
  awsRule({
    id: "TL-AWS-ECS-006",
    title: "ECS service assigns public IP addresses",
    category: "InformationDisclosure",
    likelihood: 2,
    impact: 3,
    kinds: ["aws.ecs.service"],
    description:
      "Service {resource} gives its tasks public IP addresses; only security groups stand between them and the internet.",
    remediation: "Run tasks in private subnets behind a load balancer, with AssignPublicIp DISABLED.",
    fix: {
      cloudformation:
        "NetworkConfiguration:\n  AwsvpcConfiguration:\n    AssignPublicIp: DISABLED\n    Subnets:\n      - !Ref PrivateSubnet",
      terraform: "network_configuration {\n  assign_public_ip = false\n  subnets          = [aws_subnet.private.id]\n}",
    },
    cwe: ["CWE-284"],
    test: (node) => node.attrs.publicIp === true && { paths: [at(node, "publicIp")] },
  }),
  awsRule({
    id: "TL-AWS-ECS-007",
    title: "ECS cluster has Container Insights disabled",
    category: "Repudiation",
    likelihood: 1,
    impact: 2,
    kinds: ["aws.ecs.cluster"],
    description: "Cluster {resource} collects no Container Insights metrics and events.",
    remediation: "Enable containerInsights in the cluster settings.",
    fix: {
      cloudformation: "Properties:\n  ClusterSettings:\n    - Name: containerInsights\n      Value: enabled",
      terraform: 'setting {\n  name  = "containerInsights"\n  value = "enabled"\n}',
    },
    cwe: ["CWE-778"],
    exposedBoost: 0,
    test: (node) => node.attrs.insights === false && { paths: [at(node, "insights")] },
  }),
  awsRule({
    id: "TL-AWS-EKS-001",
    title: "EKS API endpoint is public to the whole internet",
    category: "Spoofing",
    likelihood: 3,
    impact: 5,
    kinds: ["aws.eks.cluster"],
    description:
      "The Kubernetes API of cluster {resource} is reachable from 0.0.0.0/0; a leaked kubeconfig or an API vulnerability is exploitable from anywhere.",
    remediation:
      "Turn on the private endpoint and turn off the public one, or restrict PublicAccessCidrs to known networks.",
    fix: {
      cloudformation: "ResourcesVpcConfig:\n  EndpointPrivateAccess: true\n  EndpointPublicAccess: false",
      terraform: "vpc_config {\n  endpoint_private_access = true\n  endpoint_public_access  = false\n}",
    },
    cwe: ["CWE-284"],
    attack: ["T1133"],
    exposedBoost: 0,
    test: (node) =>
      node.attrs.publicEndpoint === true &&
      Array.isArray(node.attrs.publicCidrs) &&
      node.attrs.publicCidrs.includes("0.0.0.0/0") && { paths: [at(node, "publicEndpoint")] },
  }),
  awsRule({
    id: "TL-AWS-EKS-002",
    title: "EKS control plane audit logging is incomplete",
    category: "Repudiation",
    likelihood: 2,
    impact: 3,
    kinds: ["aws.eks.cluster"],
    description:
      "Cluster {resource} does not send api, audit and authenticator logs to CloudWatch: who did what to the cluster is not recorded.",
    remediation: "Enable at least the api, audit and authenticator log types.",
    fix: {
      cloudformation:
        "Logging:\n  ClusterLogging:\n    EnabledTypes:\n      - Type: api\n      - Type: audit\n      - Type: authenticator",
      terraform: 'enabled_cluster_log_types = ["api", "audit", "authenticator"]',
    },
    cwe: ["CWE-778"],
    attack: ["T1562.008"],
    test: (node) => {
      const types = (node.attrs.logTypes as unknown[]) ?? [];
      if (types.some((t) => typeof t === "object")) return null;
      const missing = ["api", "audit", "authenticator"].filter((t) => !types.includes(t));
      return (
        missing.length > 0 && {
          paths: [at(node, "logTypes")],
          detail: `Cluster ${node.id} does not log ${missing.join(", ")}.`,
        }
      );
    },
  }),
  awsRule({
    id: "TL-AWS-EKS-003",
    title: "EKS secrets are not encrypted with KMS",
    category: "InformationDisclosure",
    likelihood: 2,
    impact: 4,
    kinds: ["aws.eks.cluster"],
    description: "Cluster {resource} does not envelope-encrypt Kubernetes Secrets with a KMS key.",
    remediation: "Add an encryption config for the secrets resource with a customer-managed key.",
    fix: {
      cloudformation:
        "EncryptionConfig:\n  - Resources: [secrets]\n    Provider:\n      KeyArn: !GetAtt ClusterKey.Arn",
      terraform:
        'encryption_config {\n  resources = ["secrets"]\n  provider {\n    key_arn = aws_kms_key.cluster.arn\n  }\n}',
    },
    cwe: ["CWE-311"],
    exposedBoost: 0,
    test: (node) => node.attrs.secretsEncrypted === false && { paths: [at(node, "secretsEncrypted")] },
  }),
];
