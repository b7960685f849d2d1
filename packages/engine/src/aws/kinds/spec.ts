import type { GraphNode } from "../../graph/types.ts";
import type { Attrs, RawResource } from "../values.ts";

/** Reads one native resource type's body into the kind's normalized attrs. */
export type Normalizer = (body: Record<string, unknown>, raw: RawResource) => Attrs;

/**
 * A companion resource folded into the resource it configures (Terraform's `aws_s3_bucket_versioning`,
 * CloudFormation's `AWS::EC2::SecurityGroupIngress` …). The companion stays a node of its own; the target's
 * attrs change so that one rule serves both ways of writing it.
 */
export interface Fold {
  /** Body properties of the companion that reference the target, in either format (`Bucket`, `bucket`). */
  via: readonly string[];
  /** Kinds the target may have. */
  into: readonly string[];
  /** Target attr to match when `via` holds a literal name instead of a reference. */
  byName?: string;
  apply(target: GraphNode, companion: GraphNode): void;
}

export interface KindSpec {
  kind: string;
  /** CloudFormation types (`AWS::S3::Bucket`) and Terraform types (`aws_s3_bucket`) of this kind. */
  types: Record<string, Normalizer>;
  /**
   * Where each attr is written, as `[CloudFormation path, Terraform path]`, for evidence lines. `null` when
   * that format writes it on a companion resource.
   */
  paths?: Record<string, readonly [string | null, string | null]>;
  /** Data-store kinds feed `facts.dataStores`; identity kinds feed `facts.identities`. */
  role?: "data-store" | "identity";
  fold?: readonly Fold[];
}
