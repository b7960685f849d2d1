import type { GraphNode } from "../../graph/types.ts";
import { COMPUTE_SPECS } from "./compute.ts";
import { DATA_SPECS } from "./data.ts";
import { ENTRY_POINT_SPECS } from "./entry-points.ts";
import { IDENTITY_SPECS } from "./identity.ts";
import { NETWORK_SPECS } from "./network.ts";
import { S3_SPECS } from "./s3.ts";
import { SERVICE_SPECS } from "./services.ts";
import type { KindSpec, Normalizer } from "./spec.ts";

export type { Fold, KindSpec, Normalizer } from "./spec.ts";

/** Every AWS kind Threatline models. */
export const AWS_KIND_SPECS: readonly KindSpec[] = [
  ...S3_SPECS,
  ...NETWORK_SPECS,
  ...IDENTITY_SPECS,
  ...DATA_SPECS,
  ...COMPUTE_SPECS,
  ...ENTRY_POINT_SPECS,
  ...SERVICE_SPECS,
];

export const SPEC_BY_KIND = new Map(AWS_KIND_SPECS.map((s) => [s.kind, s]));

/** Native type (`AWS::S3::Bucket`, `aws_s3_bucket`) → its kind and normalizer. */
export const SPEC_BY_TYPE = new Map<string, { spec: KindSpec; normalize: Normalizer }>(
  AWS_KIND_SPECS.flatMap((spec) =>
    Object.entries(spec.types).map(([type, normalize]) => [type, { spec, normalize }] as const),
  ),
);

/**
 * The property path where a node's format writes an attr (`Properties.AccessControl`, `acl`), for evidence.
 * Empty when the format writes it elsewhere (a companion resource): the evidence line is then the
 * resource's declaration.
 */
export function pathOf(node: GraphNode, attr: string): string {
  const pair = SPEC_BY_KIND.get(node.kind)?.paths?.[attr];
  if (!pair) return "";
  return (node.format === "cloudformation" ? pair[0] : pair[1]) ?? "";
}

/** The kind for a native type Threatline has no model for: `aws.other`, `google.other`, `random.other`. */
export function otherKind(type: string): string {
  if (type.startsWith("AWS::") || type.startsWith("Custom::") || type.startsWith("aws_")) return "aws.other";
  const cfn = /^([A-Za-z0-9]+)::/.exec(type);
  if (cfn) return `${cfn[1]!.toLowerCase()}.other`;
  const provider = /^([a-z0-9]+)_/.exec(type);
  return provider ? `${provider[1]}.other` : "other";
}
