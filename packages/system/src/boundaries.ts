import type { BoundaryKind, SystemBoundary } from "@threatline/domain";
import type { Assembly } from "./build.ts";
import { refOf } from "./build.ts";

const ACCOUNT = "account:aws";
const CLUSTER = "cluster:k8s";

function ensure(a: Assembly, id: string, kind: BoundaryKind, label: string, parent: string | null): SystemBoundary {
  let boundary = a.boundaries.get(id);
  if (!boundary) {
    boundary = { id, kind, label, parent, resources: [], threats: [] };
    a.boundaries.set(id, boundary);
  }
  return boundary;
}

/** The entry keys an entry points at with engine edges of one kind. */
function targets(a: Assembly, key: string, kind: string): string[] {
  return (a.adj.get(key) ?? []).filter((n) => n.out && n.edge.kind === kind).map((n) => n.other);
}

/**
 * Trust boundaries: the AWS account around every AWS resource, each VPC inside it, the public and private subnet
 * tiers of each VPC (a subnet is public when it gives instances public addresses), the Kubernetes cluster and its
 * namespaces. A resource sits in the tier of its subnets, else in the VPC of its security groups or of a VPC it
 * names, else in the account; a manifest's resource in its namespace.
 */
export function placeInBoundaries(a: Assembly): void {
  const vpcOfKey = (key: string): string | undefined =>
    [
      ...targets(a, key, "references"),
      ...targets(a, key, "security-group").flatMap((sg) => targets(a, sg, "references")),
    ]
      .map((k) => a.boundaryOf.get(k))
      .find((b) => b?.startsWith("vpc:"));

  for (const entry of a.entries.values()) {
    if (entry.node.kind !== "aws.ec2.vpc") continue;
    const id = `vpc:${entry.key}`;
    ensure(a, ACCOUNT, "account", "AWS account", null);
    ensure(a, id, "vpc", `VPC ${entry.node.id}`, ACCOUNT).resources.push(refOf(entry.node));
    a.boundaryOf.set(entry.key, id);
  }
  for (const entry of a.entries.values()) {
    if (entry.node.kind !== "aws.ec2.subnet") continue;
    const vpc = vpcOfKey(entry.key);
    const tier = entry.node.attrs.public === true ? "public" : "private";
    ensure(a, ACCOUNT, "account", "AWS account", null);
    const id = `${vpc ?? ACCOUNT}:${tier}`;
    const label = tier === "public" ? "Public subnets" : "Private subnets";
    ensure(a, id, `subnet-${tier}`, label, vpc ?? ACCOUNT).resources.push(refOf(entry.node));
    a.boundaryOf.set(entry.key, id);
  }
  for (const entry of a.entries.values()) {
    if (entry.node.kind !== "k8s.namespace") continue;
    const id = `ns:${entry.node.id.split("/").pop()!}`;
    ensure(a, CLUSTER, "cluster", "Kubernetes cluster", null);
    ensure(a, id, "namespace", `namespace ${id.slice(3)}`, CLUSTER).resources.push(refOf(entry.node));
    a.boundaryOf.set(entry.key, id);
  }

  for (const node of a.nodes.values()) {
    const keys = node.resources.map((r) => `${r.file}#${r.id}`);
    const subnetTier = keys
      .flatMap((k) => targets(a, k, "in-subnet"))
      .map((k) => a.boundaryOf.get(k))
      .find((b) => b !== undefined);
    if (node.kind.startsWith("aws.")) {
      node.boundary =
        subnetTier ??
        keys.map(vpcOfKey).find((b) => b !== undefined) ??
        ensure(a, ACCOUNT, "account", "AWS account", null).id;
    } else if (node.kind.startsWith("k8s.")) {
      ensure(a, CLUSTER, "cluster", "Kubernetes cluster", null);
      const ns = node.id.split("#").pop()!.split("/");
      node.boundary =
        ns.length === 3 ? ensure(a, `ns:${ns[1]}`, "namespace", `namespace ${ns[1]}`, CLUSTER).id : CLUSTER;
    }
  }
  // A cluster the project declares as EKS runs in that account; any other is drawn on its own.
  const cluster = a.boundaries.get(CLUSTER);
  if (cluster && [...a.entries.values()].some((e) => e.node.kind === "aws.eks.cluster")) {
    cluster.parent = ensure(a, ACCOUNT, "account", "AWS account", null).id;
  }
}
