import { locate } from "../../graph/locate.ts";
import type { GraphNode } from "../../graph/types.ts";
import type { RuleContext } from "../../rules/types.ts";
import { DEPRECATED_RUNTIMES } from "../kinds/compute.ts";
import { at, awsRule, secretsIn } from "./define.ts";

// TL-AWS-LAMBDA: Lambda.

const FN = ["aws.lambda.function"];

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

export const LAMBDA_RULES = [
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
];
