import { z } from "zod";
import { SeveritySchema } from "./severity.ts";
import { StrideCategorySchema } from "./stride.ts";
import { ResourceRefSchema, ThreatSchema } from "./threat.ts";

/**
 * The role a node plays in a data-flow diagram: an external actor, a process (compute, gateways, APIs), a data
 * store, an identity (roles, service accounts: what grants access), or a control (keys, policies, firewalls that
 * guard something but move no data).
 */
export const SYSTEM_ELEMENTS = ["actor", "process", "store", "identity", "control"] as const;
export const SystemElementSchema = z.enum(SYSTEM_ELEMENTS);
export type SystemElement = z.infer<typeof SystemElementSchema>;

/**
 * What an edge of the system graph means: `network` (reachable over the network: the internet to an entry point,
 * a load balancer to its targets), `flow` (data moves: routes, event sources, a function writing a table),
 * `access` (an identity's permission on data), `assumes` (a workload runs as an identity), `serves` (an API contract
 * and the gateway or backend that serves it, matched across files), `link` (a reference that is neither).
 */
export const SYSTEM_EDGE_KINDS = ["network", "flow", "access", "assumes", "serves", "link"] as const;
export const SystemEdgeKindSchema = z.enum(SYSTEM_EDGE_KINDS);
export type SystemEdgeKind = z.infer<typeof SystemEdgeKindSchema>;

/** Trust boundaries, outermost first: nested as written (a subnet tier inside its VPC inside the account). */
export const BOUNDARY_KINDS = [
  "internet",
  "account",
  "vpc",
  "subnet-public",
  "subnet-private",
  "cluster",
  "namespace",
] as const;
export const BoundaryKindSchema = z.enum(BOUNDARY_KINDS);
export type BoundaryKind = z.infer<typeof BoundaryKindSchema>;

/** An open threat on a node, as the diagram needs it (the full threat is one request away). */
export const SystemThreatRefSchema = z.object({
  fingerprint: z.string(),
  ruleId: z.string().nullable(),
  category: StrideCategorySchema,
  severity: SeveritySchema,
  title: z.string(),
});
export type SystemThreatRef = z.infer<typeof SystemThreatRefSchema>;

export const SystemNodeSchema = z.object({
  /** Stable across versions: `file#resourceId` for resources, `actor:…` for actors. */
  id: z.string().min(1),
  label: z.string(),
  /** The engine's kind (`aws.s3.bucket`, `k8s.workload`) or `actor.internet`, `actor.aws-service`, `actor.account`. */
  kind: z.string(),
  element: SystemElementSchema,
  /** Where it is declared; null for actors. */
  file: z.string().nullable(),
  line: z.number().int().nonnegative().nullable(),
  /** The resources drawn as this node: the resource itself and what only configures it (its policy, its rules). */
  resources: z.array(ResourceRefSchema),
  /** The innermost trust boundary it sits in, or null (actors outside every boundary). */
  boundary: z.string().nullable(),
  /** Reachable from the internet, by the engine's exposure facts or a path across files. */
  exposed: z.boolean(),
  /** Open threats on its resources (triage applied by the API), worst first. */
  threats: z.array(SystemThreatRefSchema),
});
export type SystemNode = z.infer<typeof SystemNodeSchema>;

export const SystemEdgeSchema = z.object({
  id: z.string(),
  from: z.string(),
  to: z.string(),
  kind: SystemEdgeKindSchema,
  label: z.string(),
  /** Connects resources declared in different files: found by names, ARNs, hostnames or routes. */
  crossFile: z.boolean(),
});
export type SystemEdge = z.infer<typeof SystemEdgeSchema>;

export const SystemBoundarySchema = z.object({
  id: z.string(),
  kind: BoundaryKindSchema,
  label: z.string(),
  parent: z.string().nullable(),
  /** The resource that defines it (a VPC, a namespace), when one does. */
  resources: z.array(ResourceRefSchema),
  /** Open threats on those resources (a VPC without flow logs). */
  threats: z.array(SystemThreatRefSchema),
});
export type SystemBoundary = z.infer<typeof SystemBoundarySchema>;

/** A threat only the whole project shows, with the nodes of its path (first to last) for the diagram to highlight. */
export const SystemThreatSchema = ThreatSchema.extend({ path: z.array(z.string()) });
export type SystemThreat = z.infer<typeof SystemThreatSchema>;

/** One project version drawn as a system: what talks to what, across which trust boundary. */
export const SystemGraphSchema = z.object({
  nodes: z.array(SystemNodeSchema),
  edges: z.array(SystemEdgeSchema),
  boundaries: z.array(SystemBoundarySchema),
  /** Combination threats across files. */
  threats: z.array(SystemThreatSchema),
  /** The files merged, with the analysis each came from (when it came from one). */
  files: z.array(z.object({ path: z.string(), analysisId: z.string().nullable() })),
});
export type SystemGraph = z.infer<typeof SystemGraphSchema>;

/** `GET /projects/:id/system-graph`: the graph of one stored version of the project, and the versions there are. */
export const SystemGraphDtoSchema = SystemGraphSchema.extend({
  projectId: z.string(),
  version: z.number().int().positive(),
  createdAt: z.string(),
  versions: z.array(z.object({ version: z.number().int().positive(), createdAt: z.string(), nodeCount: z.number() })),
});
export type SystemGraphDto = z.infer<typeof SystemGraphDtoSchema>;
