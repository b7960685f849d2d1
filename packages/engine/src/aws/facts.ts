import type { Exposure, FactDeriver, GraphEdge, GraphNode } from "../graph/types.ts";
import { SPEC_BY_KIND } from "./kinds/index.ts";
import { publicStatements } from "./policy.ts";
import { describePorts, worldIngress } from "./ports.ts";
import { pushTo } from "./values.ts";

const INSTANCE_LIKE = new Set([
  "aws.ec2.instance",
  "aws.ec2.launch-template",
  "aws.autoscaling.launch-configuration",
  "aws.ecs.service",
]);
const DATABASES = new Set(["aws.rds.instance", "aws.rds.cluster", "aws.redshift.cluster"]);
const PUBLIC_ACLS = new Set([
  "public-read",
  "public-read-write",
  "authenticated-read",
  "PublicRead",
  "PublicReadWrite",
  "AuthenticatedRead",
]);
const POLICY_ATTR: Record<string, string> = {
  "aws.s3.bucket": "policy",
  "aws.sqs.queue": "policy",
  "aws.sns.topic": "policy",
  "aws.ecr.repository": "policy",
  "aws.secretsmanager.secret": "policy",
  "aws.opensearch.domain": "accessPolicy",
};

/** Whether a resource policy lets anyone in (principal `*`, no condition). */
export function publicPolicy(node: GraphNode): boolean {
  const attr = POLICY_ATTR[node.kind];
  if (attr === undefined) return false;
  if (node.kind === "aws.s3.bucket") {
    const pab = node.attrs.publicAccessBlock as
      { restrictPublicBuckets?: unknown; blockPublicPolicy?: unknown } | undefined;
    if (pab?.restrictPublicBuckets === true || pab?.blockPublicPolicy === true) return false;
  }
  return publicStatements(node.attrs[attr]).length > 0;
}

export function publicAcl(node: GraphNode): boolean {
  const pab = node.attrs.publicAccessBlock as { ignorePublicAcls?: unknown } | undefined;
  return typeof node.attrs.acl === "string" && PUBLIC_ACLS.has(node.attrs.acl) && pab?.ignorePublicAcls !== true;
}

/**
 * Internet exposure for AWS: entry points (internet-facing load balancers, public APIs, function URLs,
 * distributions, public buckets and resource policies, public database endpoints, instances with a public IP
 * behind a security group open to the world), then everything their `routes-to` edges reach.
 */
export const awsFacts: FactDeriver = (nodes, edges) => {
  const byId = new Map(nodes.map((n) => [n.id, n]));
  const out = new Map<string, GraphEdge[]>();
  for (const e of edges) pushTo(out, e.from, e);
  const targets = (id: string, kind: string): GraphNode[] =>
    (out.get(id) ?? [])
      .filter((e) => e.kind === kind)
      .map((e) => byId.get(e.to))
      .filter((n): n is GraphNode => n !== undefined);

  const exposures = new Map<string, Exposure>();
  const entry = (node: GraphNode, reason: string, path: string[] = [node.id]): void => {
    if (!exposures.has(node.id)) exposures.set(node.id, { nodeId: node.id, path, reason });
  };
  const openGroups = (node: GraphNode): Array<{ sg: GraphNode; ports: string }> =>
    targets(node.id, "security-group")
      .filter((sg) => sg.kind === "aws.ec2.security-group")
      .map((sg) => ({ sg, ports: [...new Set(worldIngress(sg.attrs).map(describePorts))].join(", ") }))
      .filter((g) => g.ports !== "");

  for (const node of nodes) {
    const a = node.attrs;
    switch (node.kind) {
      case "aws.elb.load-balancer":
        if (a.internetFacing === true) entry(node, "internet-facing load balancer");
        break;
      case "aws.apigateway.rest-api":
      case "aws.apigateway.http-api":
        if (a.private !== true) entry(node, "public API endpoint");
        break;
      case "aws.cloudfront.distribution":
        entry(node, "CloudFront distribution");
        break;
      case "aws.lambda.function":
        if (a.urlAuth === "NONE") entry(node, "function URL without authentication");
        else if (typeof a.urlAuth === "string") entry(node, "function URL (IAM authentication)");
        break;
      case "aws.eks.cluster":
        if (a.publicEndpoint === true && Array.isArray(a.publicCidrs) && a.publicCidrs.includes("0.0.0.0/0")) {
          entry(node, "public Kubernetes API endpoint");
        }
        break;
      case "aws.opensearch.domain":
        if (a.vpc === false) entry(node, "public domain endpoint");
        break;
      default:
        break;
    }
    if (node.kind === "aws.s3.bucket" && (publicAcl(node) || publicPolicy(node))) {
      entry(node, publicAcl(node) ? `public ACL ${String(a.acl)}` : "bucket policy open to everyone");
    } else if (POLICY_ATTR[node.kind] && publicPolicy(node)) {
      entry(node, "resource policy open to everyone");
    }
    if (DATABASES.has(node.kind) && a.public === true) {
      const groups = targets(node.id, "security-group");
      const open = openGroups(node);
      if (open[0])
        entry(node, `publicly accessible; ${open[0].sg.id} allows ${open[0].ports} from the internet`, [
          open[0].sg.id,
          node.id,
        ]);
      else if (groups.length === 0) entry(node, "publicly accessible endpoint");
    }
    if (INSTANCE_LIKE.has(node.kind)) {
      const open = openGroups(node)[0];
      if (!open) continue;
      const subnets = targets(node.id, "in-subnet").filter((s) => s.kind === "aws.ec2.subnet");
      const publicSubnet = subnets.some((s) => s.attrs.public === true);
      const publicIp = a.publicIp === true || publicSubnet;
      const unknown = a.publicIp === undefined && subnets.length === 0 && node.kind !== "aws.ecs.service";
      if (publicIp)
        entry(node, `public IP; ${open.sg.id} allows ${open.ports} from the internet`, [open.sg.id, node.id]);
      else if (unknown && a.publicIp !== false) {
        entry(
          node,
          `${open.sg.id} allows ${open.ports} from the internet; the instance may get a public IP (default VPC)`,
          [open.sg.id, node.id],
        );
      }
    }
  }

  // What entry points route to is exposed through them.
  const queue = [...exposures.values()];
  while (queue.length > 0) {
    const current = queue.shift()!;
    for (const next of targets(current.nodeId, "routes-to")) {
      if (exposures.has(next.id)) continue;
      const exposure: Exposure = {
        nodeId: next.id,
        path: [...current.path, next.id],
        reason: `reachable through ${current.path[0]!}`,
      };
      exposures.set(next.id, exposure);
      queue.push(exposure);
    }
  }

  const withRole = (role: string): string[] =>
    nodes.filter((n) => SPEC_BY_KIND.get(n.kind)?.role === role).map((n) => n.id);
  return { exposures: [...exposures.values()], dataStores: withRole("data-store"), identities: withRole("identity") };
};
