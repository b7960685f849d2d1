import type { Remediation, StrideCategory, TemplateFormat } from "@threatline/domain";
import type { GraphNode, ResourceGraph } from "../graph/types.ts";

/** What a rule says about one resource. The engine turns findings into `Threat`s. */
export interface Finding {
  /** The primary resource; its id is part of the fingerprint. */
  node: GraphNode;
  /** Other resources involved (the security group in front, the role behind …). */
  related?: GraphNode[];
  /** Property paths on `node` that show the problem, for evidence lines. */
  paths: string[];
  /**
   * Evidence written elsewhere than on `node` (the policy resource's statement that grants a bucket to
   * everyone); when given, these are the threat's evidence instead of `paths`.
   */
  locations?: EvidenceLocation[];
  /** Overrides the rule's description with specifics ("port 22 open to 0.0.0.0/0"). */
  detail?: string;
  /** Raises the rule's likelihood (e.g. when the resource is reachable from the internet). */
  likelihood?: number;
  /** A fix for this finding (the port it opens), in place of the rule's generic one; same languages. */
  fix?: Partial<Record<TemplateFormat, string>>;
}

/** A line of evidence in any file of the analysis. */
export interface EvidenceLocation {
  file: string;
  line: number | null;
  path: string;
}

export interface RuleContext {
  graph: ResourceGraph;
  /** Nodes by id. */
  byId: ReadonlyMap<string, GraphNode>;
  /** Whether a node is reachable from the internet (from `graph.facts.exposures`). */
  isExposed(nodeId: string): boolean;
  /** Nodes linked from `nodeId` by edges (optionally of one kind). */
  out(nodeId: string, kind?: string): GraphNode[];
  /** Nodes linking to `nodeId` (optionally by one kind of edge). */
  in(nodeId: string, kind?: string): GraphNode[];
}

export interface Rule {
  /** Stable forever: `TL-AWS-S3-001`, `TL-K8S-POD-003`, `TL-API-AUTH-001`, `TL-COMBO-001`. */
  id: string;
  title: string;
  category: StrideCategory;
  /** 1–5 before exposure adjustments. */
  likelihood: number;
  /** 1–5. */
  impact: number;
  /** Generic description; a finding's `detail` makes it specific. Name the resource with `{resource}`. */
  description: string;
  /** Remediation text, and a fix snippet per template language where one makes sense. */
  remediation: { text: string; fix?: Partial<Record<TemplateFormat, string>> };
  references: { cwe?: string[]; capec?: string[]; attack?: string[] };
  /** A short doc page (Markdown) for people and for SARIF help text. */
  docs: string;
  /**
   * Node kinds the rule reads; the engine only calls `check` when the graph has one. `*` runs the rule on
   * any graph (rules over whole-graph facts such as hard-coded secrets).
   */
  kinds: readonly string[];
  check(ctx: RuleContext): Finding[];
}

export type RemediationFor = (format: TemplateFormat) => Remediation;
