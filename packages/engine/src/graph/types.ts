import type { TemplateFormat } from "@threatline/domain";

/**
 * The normalized resource graph every format is parsed into. Rules and prompts read only this, so one
 * AWS rule serves CloudFormation, Terraform and Terraform plans alike.
 */

/** A file handed to the engine. Paths are relative, with forward slashes. */
export interface SourceFile {
  path: string;
  content: string;
}

/**
 * What a resource is, independent of the format that declared it: `aws.s3.bucket`, `aws.ec2.security-group`,
 * `aws.iam.role`, `openapi.operation`, `k8s.workload`, `k8s.service` … Rules select nodes by kind.
 * Resources Threatline has no model for keep a kind of `<provider>.other`.
 */
export type NodeKind = string;

export interface GraphNode {
  /** As users write it: `AppBucket`, `aws_s3_bucket.data`, `module.net.aws_vpc.main`, `GET /users/{id}`, `Deployment/prod/api`. */
  id: string;
  /** The native type: `AWS::S3::Bucket`, `aws_s3_bucket`, `openapi:operation`, `apps/v1/Deployment`. */
  type: string;
  kind: NodeKind;
  format: TemplateFormat;
  file: string;
  /** 1-based declaration line, or null when the format gives no positions (Terraform plan JSON). */
  line: number | null;
  /**
   * Normalized, security-relevant attributes of this kind, with the same names whatever the format
   * (see each kind's normalizer). Values the engine could not resolve to a literal are `UNRESOLVED`.
   */
  attrs: Record<string, unknown>;
  /** The properties as written (intrinsics resolved where literal), for evidence and the model. */
  properties: Record<string, unknown>;
  /** 1-based line of a property path (`Properties.BucketName`, `ingress.0.cidr_blocks`) where known. */
  propertyLines: Record<string, number>;
  /**
   * Property paths of this node whose value another resource sets (a Terraform `aws_s3_bucket_acl` gives its
   * bucket's `acl`): where that value is written, for evidence.
   */
  origins?: Record<string, { file: string; line: number | null; path: string; patch?: true }>;
  /**
   * A resource a kustomize overlay renders from another folder (`resources: [../../base]`): the overlay's
   * kustomization file. Its threats belong to that overlay (fingerprint, focus), its evidence to the declaration.
   */
  renderedBy?: string;
  /** The id the rendered resource has as declared (before the overlay renamed or moved it). */
  declaredId?: string;
  /** Terraform `count`/`for_each`, CloudFormation `Condition`: the resource may exist more than once or not at all. */
  multiplicity?: "count" | "for_each" | "conditional";
}

export const EDGE_KINDS = [
  "references",
  "depends-on",
  "security-group",
  "iam-role",
  "iam-policy",
  "security-requirement",
  "selects",
  "routes-to",
  "in-subnet",
  "encrypted-by",
  "logs-to",
  "contains",
] as const;
export type EdgeKind = (typeof EDGE_KINDS)[number];

export interface GraphEdge {
  from: string;
  to: string;
  kind: EdgeKind;
  /** The property path on `from` that makes the link, where known. */
  via?: string;
}

/** Why a node is reachable from the internet, and through what. */
export interface Exposure {
  nodeId: string;
  /** Node ids from the internet-facing entry point to this node, entry point first. */
  path: string[];
  reason: string;
}

/** A hard-coded secret found in a file: a finding for the rules, and something `redact()` must remove. */
export interface SecretFinding {
  file: string;
  line: number | null;
  /** The node it belongs to, when it is inside one. */
  nodeId: string | null;
  /** Property path or a description of where it is (`UserData`, `env.DB_PASSWORD`). */
  path: string;
  kind:
    | "password"
    | "aws-access-key"
    | "aws-secret-key"
    | "private-key"
    | "token"
    | "connection-string"
    | "noecho-default"
    | "generic";
  /** The secret value itself. Never logged, never sent; used only to redact. */
  value: string;
}

/** Facts derived from the whole graph that rules and prompts need. */
export interface GraphFacts {
  /** Nodes reachable from the internet, with the path. */
  exposures: Exposure[];
  /** Node ids that store data (buckets, databases, queues, volumes, secrets …). */
  dataStores: string[];
  /** Node ids that are identities (IAM roles/users, service accounts, Kubernetes subjects). */
  identities: string[];
  secrets: SecretFinding[];
}

/** Derives whole-graph facts (exposure, data stores, identities) for one family of resources. */
export type FactDeriver = (
  nodes: readonly GraphNode[],
  edges: readonly GraphEdge[],
) => Partial<Omit<GraphFacts, "secrets">>;

/** The language a file is written in; fixes are given in it. */
export type Dialect = "json" | "yaml" | "hcl";

export interface ResourceGraph {
  nodes: GraphNode[];
  edges: GraphEdge[];
  facts: GraphFacts;
  /** Each parsed file's language, by path (a JSON CloudFormation template gets JSON fixes). */
  dialects?: Record<string, Dialect>;
}

/** Something the parser accepted but a reader should know: a duplicate key it resolved, a tab it read as space. */
export interface FileWarning {
  /** Stable `area/reason`: `template/duplicate-key`. */
  code: string;
  message: string;
  line?: number;
  column?: number;
}

/** One input file's outcome in a parse. */
export interface FileReport {
  path: string;
  format: TemplateFormat | null;
  resources: number;
  /** Why the file was refused, in one line, with the position where the parser stopped. */
  error?: { code: string; message: string; line?: number; column?: number };
  /** What was read leniently; the file's threats stand. */
  warnings?: FileWarning[];
}

/** Marks a value the engine could not resolve to a literal (a `!Ref` to a parameter without default, a Terraform expression …). */
export const UNRESOLVED = Object.freeze({ unresolved: true }) as { readonly unresolved: true };
export type Unresolved = typeof UNRESOLVED;

export function isUnresolved(value: unknown): value is Unresolved {
  return typeof value === "object" && value !== null && (value as { unresolved?: unknown }).unresolved === true;
}
