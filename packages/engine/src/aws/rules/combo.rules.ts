import type { Exposure, GraphEdge, GraphNode, ResourceGraph } from "../../graph/types.ts";
import type { RuleContext } from "../../rules/types.ts";
import { publicAcl, publicPolicy } from "../facts.ts";
import { INSTANCE_KINDS } from "../kinds/network.ts";
import { describePorts, opensPort, worldIngress } from "../ports.ts";
import { grantsAny, publicStatements } from "../policy.ts";
import { pushTo } from "../values.ts";
import { awsRule } from "./define.ts";
import { S3_LIST, S3_WRITE } from "./s3.rules.ts";

const edgeCache = new WeakMap<ResourceGraph, Map<string, GraphEdge[]>>();

function edgesFrom(ctx: RuleContext, id: string): GraphEdge[] {
  let index = edgeCache.get(ctx.graph);
  if (!index) {
    index = new Map();
    for (const e of ctx.graph.edges) pushTo(index, e.from, e);
    edgeCache.set(ctx.graph, index);
  }
  return index.get(id) ?? [];
}

const exposureCache = new WeakMap<ResourceGraph, Map<string, Exposure>>();

/** A node's exposure (entry point first), indexed once per graph. */
function exposureOf(ctx: RuleContext, id: string): Exposure | undefined {
  let index = exposureCache.get(ctx.graph);
  if (!index) {
    index = new Map();
    for (const e of ctx.graph.facts.exposures) if (!index.has(e.nodeId)) index.set(e.nodeId, e);
    exposureCache.set(ctx.graph, index);
  }
  return index.get(id);
}

/** Property paths on `node` of its edges of one kind (where the attachment is written). */
function viaPaths(ctx: RuleContext, node: GraphNode, kind: string): string[] {
  return edgesFrom(ctx, node.id)
    .filter((e) => e.kind === kind && e.via)
    .map((e) => e.via!)
    .filter((p) => p in node.propertyLines);
}

/** Roles a compute resource runs as: directly, or through an instance profile. */
function rolesBehind(ctx: RuleContext, node: GraphNode): GraphNode[] {
  const roles: GraphNode[] = [];
  const seen = new Set<string>([node.id]);
  let frontier = [node];
  for (let hop = 0; hop < 2; hop++) {
    const next: GraphNode[] = [];
    for (const n of frontier) {
      for (const target of ctx.out(n.id, "iam-role")) {
        if (seen.has(target.id)) continue;
        seen.add(target.id);
        if (target.kind === "aws.iam.role") roles.push(target);
        else if (target.kind === "aws.iam.instance-profile") next.push(target);
      }
    }
    frontier = next;
  }
  return roles;
}

function openGroups(ctx: RuleContext, node: GraphNode): GraphNode[] {
  return ctx.out(node.id, "security-group").filter((sg) => worldIngress(sg.attrs).length > 0);
}

/** Whether a data store keeps its data unencrypted (at rest, or in transit for caches). */
export function unencrypted(node: GraphNode): boolean {
  const a = node.attrs;
  switch (node.kind) {
    // S3 encrypts every new object (SSE-S3) since January 2023 and it cannot be turned off: a bucket without an
    // encryption configuration is encrypted with an AWS-owned key, which TL-AWS-S3-006 reports. Not unencrypted.
    case "aws.rds.instance":
    case "aws.rds.cluster":
      return a.member !== true && a.encrypted === false;
    case "aws.elasticache.replication-group":
      return a.atRestEncryption === false || a.transitEncryption === false;
    case "aws.elasticache.cluster":
      return a.member !== true && a.transitEncryption === false;
    case "aws.opensearch.domain":
      return a.encryptionAtRest === false;
    case "aws.efs.file-system":
    case "aws.redshift.cluster":
    case "aws.sqs.queue":
    case "aws.sns.topic":
    case "aws.kinesis.stream":
    case "aws.ec2.volume":
      return a.encrypted === false;
    default:
      return false;
  }
}

/**
 * A database with a public endpoint whose security groups let the internet reach its port (TL-COMBO-003), with
 * those groups and the port; undefined otherwise.
 */
function databaseOpenToInternet(
  ctx: RuleContext,
  node: GraphNode,
): { groups: GraphNode[]; port: number | undefined } | undefined {
  if (!DATABASE_KINDS.includes(node.kind) || node.attrs.public !== true) return undefined;
  const engine =
    typeof node.attrs.engine === "string" ? node.attrs.engine : node.kind === "aws.redshift.cluster" ? "redshift" : "";
  const port = engine === "redshift" ? 5439 : ENGINE_PORTS.find(([re]) => re.test(engine))?.[1];
  const groups = ctx
    .out(node.id, "security-group")
    .filter((sg) => worldIngress(sg.attrs).some((r) => (port === undefined ? true : opensPort(r, port))));
  return groups.length === 0 ? undefined : { groups, port };
}

const DATABASE_KINDS = ["aws.rds.instance", "aws.rds.cluster", "aws.redshift.cluster"];

const ENGINE_PORTS: Array<[RegExp, number]> = [
  [/postgres/, 5432],
  [/mysql|mariadb|aurora$/, 3306],
  [/sqlserver/, 1433],
  [/oracle/, 1521],
  [/docdb/, 27017],
  [/neptune/, 8182],
];

const COMPUTE = [...INSTANCE_KINDS, "aws.autoscaling.group", "aws.lambda.function", "aws.ecs.service"];
const NOT_DATA_EDGES = new Set([
  "security-group",
  "iam-role",
  "iam-policy",
  "in-subnet",
  "encrypted-by",
  "logs-to",
  "depends-on",
]);

export const COMBO_RULES = [
  awsRule({
    id: "TL-COMBO-001",
    title: "Internet-reachable instance runs with an administrator role",
    category: "ElevationOfPrivilege",
    likelihood: 4,
    impact: 5,
    kinds: INSTANCE_KINDS,
    description:
      "{resource} is reachable from the internet through a security group open to the world and runs with an administrator IAM role: one exploited service or SSRF gives an attacker the whole AWS account.",
    remediation:
      "Close the security group to the internet (put the instance behind a load balancer in a private subnet), and replace the administrator role with one scoped to what the instance does.",
    fix: {
      cloudformation:
        "InstanceRole:\n  Type: AWS::IAM::Role\n  Properties:\n    ManagedPolicyArns:\n      - arn:aws:iam::aws:policy/AmazonSSMManagedInstanceCore # plus a scoped policy, not AdministratorAccess",
      terraform:
        'resource "aws_iam_role_policy_attachment" "ssm" {\n  role       = aws_iam_role.instance.name\n  policy_arn = "arn:aws:iam::aws:policy/AmazonSSMManagedInstanceCore" # not AdministratorAccess\n}',
    },
    cwe: ["CWE-250", "CWE-284"],
    capec: ["CAPEC-233"],
    attack: ["T1190", "T1552.005", "T1078.004"],
    exposedBoost: 1,
    test: (node, ctx) => {
      if (!ctx.isExposed(node.id)) return null;
      const groups = openGroups(ctx, node);
      const admins = rolesBehind(ctx, node).filter((r) => r.attrs.admin === true);
      if (groups.length === 0 || admins.length === 0) return null;
      const ports = [...new Set(groups.flatMap((g) => worldIngress(g.attrs).map(describePorts)))].join(", ");
      return {
        paths: [...viaPaths(ctx, node, "security-group"), ...viaPaths(ctx, node, "iam-role")],
        related: [...groups, ...admins],
        detail: `${node.id} is reachable from the internet (${ports} open in ${groups.map((g) => g.id).join(", ")}) and runs as ${admins.map((r) => r.id).join(", ")}, which has administrator access: compromising the instance compromises the account.`,
      };
    },
  }),
  awsRule({
    id: "TL-COMBO-002",
    title: "Public entry point in front of an unencrypted data store",
    category: "InformationDisclosure",
    likelihood: 4,
    impact: 5,
    kinds: [
      "aws.rds.instance",
      "aws.rds.cluster",
      "aws.elasticache.replication-group",
      "aws.elasticache.cluster",
      "aws.opensearch.domain",
      "aws.efs.file-system",
      "aws.redshift.cluster",
      "aws.sqs.queue",
      "aws.sns.topic",
      "aws.kinesis.stream",
    ],
    description:
      "Unencrypted data store {resource} sits behind an internet-facing entry point: whoever compromises the front reaches data that is not encrypted.",
    remediation:
      "Encrypt the data store with a customer-managed KMS key, and narrow what the internet-facing tier can reach.",
    fix: {
      cloudformation:
        "Properties:\n  StorageEncrypted: true # BucketEncryption for S3, AtRestEncryptionEnabled/TransitEncryptionEnabled for caches\n  KmsKeyId: !Ref DataKey",
      terraform:
        "storage_encrypted = true # server_side_encryption_configuration for S3, at_rest/transit_encryption_enabled for caches\nkms_key_id        = aws_kms_key.data.arn",
    },
    cwe: ["CWE-311", "CWE-668"],
    attack: ["T1190", "T1530"],
    exposedBoost: 0,
    test: (node, ctx) => {
      if (!unencrypted(node)) return null;
      const exposure = exposureOf(ctx, node.id);
      // A database the internet reaches directly is TL-COMBO-003's finding (and RDS-001 says it is unencrypted);
      // storage encryption changes nothing for whoever connects to its port, so this would only repeat them.
      if (exposure && databaseOpenToInternet(ctx, node)) return null;
      if (exposure) {
        return {
          paths: [""],
          detail: `Unencrypted ${node.id} is itself reachable from the internet (${exposure.reason}).`,
          related: exposure.path
            .filter((id) => id !== node.id)
            .map((id) => ctx.byId.get(id)!)
            .filter(Boolean),
        };
      }
      const fronts = ctx
        .in(node.id)
        .filter((n) => COMPUTE.includes(n.kind) && ctx.isExposed(n.id))
        .filter((n) => edgesFrom(ctx, n.id).some((e) => e.to === node.id && !NOT_DATA_EDGES.has(e.kind)));
      const front = fronts[0];
      if (!front) return null;
      const path = exposureOf(ctx, front.id)?.path ?? [front.id];
      return {
        paths: [""],
        related: [
          ...path.map((id) => ctx.byId.get(id)).filter((n): n is GraphNode => n !== undefined),
          ...fronts.slice(1),
        ],
        detail: `Unencrypted ${node.id} is used by ${front.id}, which is reachable from the internet (${path.join(" → ")}).`,
      };
    },
  }),
  awsRule({
    id: "TL-COMBO-003",
    title: "Database reachable from the internet",
    category: "InformationDisclosure",
    likelihood: 5,
    impact: 5,
    kinds: DATABASE_KINDS,
    description:
      "Database {resource} has a public endpoint and a security group that lets the internet reach its port: it is one password away from an attacker.",
    remediation: "Make the database private and allow its port only from the application tier's security group.",
    fix: {
      cloudformation:
        "Properties:\n  PubliclyAccessible: false\nDbSecurityGroup ingress:\n  SourceSecurityGroupId: !Ref AppSecurityGroup",
      terraform:
        "publicly_accessible = false\n# and in the database security group: security_groups = [aws_security_group.app.id]",
    },
    cwe: ["CWE-284", "CWE-668"],
    capec: ["CAPEC-49"],
    attack: ["T1190", "T1110"],
    exposedBoost: 0,
    test: (node, ctx) => {
      const open = databaseOpenToInternet(ctx, node);
      if (!open) return null;
      const { groups, port } = open;
      return {
        paths: [
          ...["Properties.PubliclyAccessible", "publicly_accessible"].filter((p) => p in node.propertyLines),
          ...viaPaths(ctx, node, "security-group"),
        ],
        related: groups,
        detail: `Database ${node.id} is publicly accessible and ${groups.map((g) => g.id).join(", ")} allow${groups.length === 1 ? "s" : ""} ${port === undefined ? "its port" : `port ${port}`} from the internet.`,
      };
    },
  }),
  awsRule({
    id: "TL-COMBO-004",
    title: "Public bucket without access logging",
    category: "Repudiation",
    likelihood: 4,
    impact: 4,
    kinds: ["aws.s3.bucket"],
    description:
      "Bucket {resource} can be listed or changed by anyone and writes no access logs: its content can be enumerated, replaced or deleted without leaving a trace.",
    remediation:
      "Make the bucket private; if it must be public, turn on server access logging or CloudTrail data events.",
    fix: {
      cloudformation:
        "Properties:\n  LoggingConfiguration:\n    DestinationBucketName: !Ref LogBucket\n  PublicAccessBlockConfiguration:\n    BlockPublicAcls: true\n    IgnorePublicAcls: true\n    BlockPublicPolicy: true\n    RestrictPublicBuckets: true",
      terraform:
        'resource "aws_s3_bucket_logging" "this" {\n  bucket        = aws_s3_bucket.this.id\n  target_bucket = aws_s3_bucket.logs.id\n  target_prefix = "access/"\n}',
    },
    cwe: ["CWE-778", "CWE-732"],
    attack: ["T1530"],
    exposedBoost: 0,
    // Public reads of objects alone (a website's assets, one shared file) are S3-003's threat; missing logs on
    // them is hygiene (S3-009). Listing or writing by anyone is where the missing trail matters.
    test: (node) =>
      (publicAcl(node) ||
        (publicPolicy(node) &&
          publicStatements(node.attrs.policy).some((s) => grantsAny(s, [...S3_WRITE, ...S3_LIST])))) &&
      node.attrs.logging !== true && {
        paths: ["Properties.LoggingConfiguration", "logging"].filter((p) => p in node.propertyLines).concat([""]),
      },
  }),
  awsRule({
    id: "TL-COMBO-005",
    title: "Internet-reachable function has administrator privileges",
    category: "ElevationOfPrivilege",
    likelihood: 4,
    impact: 5,
    kinds: ["aws.lambda.function"],
    description:
      "Function {resource} can be invoked from the internet and runs with administrator privileges: an injection bug in it hands over the account.",
    remediation: "Give the function a role scoped to what it does, and put authentication in front of it.",
    fix: {
      cloudformation:
        "Policies:\n  - DynamoDBCrudPolicy:\n      TableName: !Ref Table # instead of AdministratorAccess",
      terraform:
        'resource "aws_iam_role_policy" "function" {\n  role   = aws_iam_role.function.id\n  policy = data.aws_iam_policy_document.function_scoped.json # instead of AdministratorAccess\n}',
    },
    cwe: ["CWE-250"],
    attack: ["T1190", "T1078.004"],
    exposedBoost: 0,
    test: (node, ctx) => {
      if (!ctx.isExposed(node.id)) return null;
      const admins = rolesBehind(ctx, node).filter((r) => r.attrs.admin === true);
      if (node.attrs.admin !== true && admins.length === 0) return null;
      const exposure = exposureOf(ctx, node.id);
      return {
        paths: [...viaPaths(ctx, node, "iam-role"), ...["Properties.Policies"].filter((p) => p in node.propertyLines)],
        related: admins,
        detail: `${node.id} is reachable from the internet (${exposure?.reason ?? "exposed"}) and has administrator privileges${admins.length > 0 ? ` through ${admins.map((r) => r.id).join(", ")}` : ""}.`,
      };
    },
  }),
  awsRule({
    id: "TL-COMBO-006",
    title: "Administrator IAM user with long-lived access keys",
    category: "ElevationOfPrivilege",
    likelihood: 4,
    impact: 5,
    kinds: ["aws.iam.user"],
    description:
      "IAM user {resource} has administrator privileges and an access key: one leaked key (in code, CI logs or a laptop) is full control of the account, from anywhere, until someone notices.",
    remediation:
      "Delete the access key; give the user no direct permissions, and have people and automation assume roles with temporary credentials.",
    fix: {
      cloudformation:
        "# remove the AWS::IAM::AccessKey and the AdministratorAccess attachment;\n# grant administration through an IAM Identity Center permission set with MFA",
      terraform:
        "# remove aws_iam_access_key and the AdministratorAccess attachment;\n# use aws_ssoadmin_permission_set for administrators",
    },
    cwe: ["CWE-798", "CWE-250"],
    attack: ["T1078.004", "T1552.001"],
    exposedBoost: 0,
    test: (node, ctx) =>
      node.attrs.admin === true &&
      node.attrs.accessKeys === true && {
        paths: ["Properties.ManagedPolicyArns"].filter((p) => p in node.propertyLines).concat([""]),
        related: ctx
          .in(node.id)
          .filter((n) => n.kind === "aws.iam.access-key" || n.kind === "aws.iam.policy-attachment"),
      },
  }),
];
