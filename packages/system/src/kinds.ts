import type { SystemElement } from "@threatline/domain";

/**
 * Resources that only configure another one (a bucket's policy, a listener, a security group rule): drawn as part
 * of the resource they configure, so the diagram shows the system rather than the template's bookkeeping.
 */
export const FOLDED = new Set([
  "aws.s3.bucket-policy",
  "aws.s3.bucket-config",
  "aws.s3.account-public-access-block",
  "aws.sqs.queue-policy",
  "aws.sns.topic-policy",
  "aws.sns.subscription",
  "aws.iam.policy",
  "aws.iam.policy-attachment",
  "aws.iam.instance-profile",
  "aws.iam.login-profile",
  "aws.iam.access-key",
  "aws.iam.group-membership",
  "aws.ec2.security-group",
  "aws.ec2.security-group-rule",
  "aws.ec2.route",
  "aws.ec2.route-table",
  "aws.ec2.route-table-association",
  "aws.ec2.network-acl",
  "aws.ec2.network-acl-entry",
  "aws.ec2.internet-gateway",
  "aws.ec2.flow-log",
  "aws.ec2.launch-template",
  "aws.autoscaling.launch-configuration",
  "aws.elb.listener",
  "aws.elb.listener-rule",
  "aws.elb.target-group",
  "aws.elb.target-attachment",
  "aws.apigateway.method",
  "aws.apigateway.method-settings",
  "aws.apigateway.integration",
  "aws.apigateway.stage",
  "aws.apigateway.usage-plan",
  "aws.lambda.permission",
  "aws.lambda.url",
  "aws.wafv2.web-acl-association",
  "aws.wafv2.logging",
  "aws.redshift.logging",
  "aws.redshift.parameter-group",
  "aws.opensearch.domain-policy",
  "aws.ecr.repository-policy",
  "aws.efs.backup-policy",
  "aws.secretsmanager.secret-config",
  "aws.ecs.task-definition",
  "openapi.operation",
  "openapi.security-scheme",
  "k8s.rbac.binding",
  "k8s.rbac.role",
  "k8s.network-policy",
  "k8s.configmap",
]);

/** Resources that are trust boundaries rather than things in them. */
export const BOUNDARY_RESOURCES = new Set(["aws.ec2.vpc", "aws.ec2.subnet", "k8s.namespace"]);

const STORES = new Set([
  "aws.s3.bucket",
  "aws.dynamodb.table",
  "aws.rds.instance",
  "aws.rds.cluster",
  "aws.redshift.cluster",
  "aws.elasticache.cluster",
  "aws.elasticache.replication-group",
  "aws.dax.cluster",
  "aws.efs.file-system",
  "aws.ec2.volume",
  "aws.opensearch.domain",
  "aws.secretsmanager.secret",
  "aws.kinesis.stream",
  "aws.sqs.queue",
  "aws.sns.topic",
  "aws.msk.cluster",
  "aws.mq.broker",
  "aws.logs.log-group",
  "aws.ecr.repository",
  "k8s.secret",
  "k8s.volume",
]);

/** Stores whose contents are the data an attacker is after (queues and logs carry it too, but pass it on). */
export const SENSITIVE_STORES = new Set([
  "aws.s3.bucket",
  "aws.dynamodb.table",
  "aws.rds.instance",
  "aws.rds.cluster",
  "aws.redshift.cluster",
  "aws.elasticache.cluster",
  "aws.elasticache.replication-group",
  "aws.dax.cluster",
  "aws.efs.file-system",
  "aws.opensearch.domain",
  "aws.secretsmanager.secret",
  "k8s.secret",
]);

const IDENTITIES = new Set(["aws.iam.role", "aws.iam.user", "aws.iam.group", "k8s.service-account"]);
const CONTROLS = new Set([
  "aws.kms.key",
  "aws.wafv2.web-acl",
  "aws.cloudtrail.trail",
  "aws.config.aggregator",
  "aws.iam.password-policy",
  "aws.emr.security-configuration",
]);

/** The diagram role of an engine kind. */
export function elementOf(kind: string): SystemElement {
  if (STORES.has(kind)) return "store";
  if (IDENTITIES.has(kind)) return "identity";
  if (CONTROLS.has(kind) || FOLDED.has(kind)) return "control";
  return "process";
}

/** The service part of a kind (`aws.apigateway`), which a folded resource prefers its owner to share. */
export function serviceOf(kind: string): string {
  return kind.split(".").slice(0, 2).join(".");
}

/** The AWS service of an ARN (`arn:aws:s3:::bucket` → `s3`) and the kinds its resources have. */
export const KINDS_BY_ARN_SERVICE: Record<string, readonly string[]> = {
  s3: ["aws.s3.bucket"],
  dynamodb: ["aws.dynamodb.table"],
  rds: ["aws.rds.instance", "aws.rds.cluster"],
  "rds-db": ["aws.rds.instance", "aws.rds.cluster"],
  redshift: ["aws.redshift.cluster"],
  sqs: ["aws.sqs.queue"],
  sns: ["aws.sns.topic"],
  kinesis: ["aws.kinesis.stream"],
  secretsmanager: ["aws.secretsmanager.secret"],
  es: ["aws.opensearch.domain"],
  elasticache: ["aws.elasticache.cluster", "aws.elasticache.replication-group"],
  elasticfilesystem: ["aws.efs.file-system"],
  lambda: ["aws.lambda.function"],
  iam: ["aws.iam.role", "aws.iam.user", "aws.iam.group"],
  elasticloadbalancing: ["aws.elb.load-balancer"],
  logs: ["aws.logs.log-group"],
  ecr: ["aws.ecr.repository"],
};
