import { STRIDE_LABELS, type StrideCategory } from "@threatline/domain";
import { locate } from "../../graph/locate.ts";
import type { GraphNode, ResourceGraph, SecretFinding } from "../../graph/types.ts";
import type { EvidenceLocation, Finding, Rule, RuleContext } from "../../rules/types.ts";
import { pathOf } from "../kinds/index.ts";
import { pushTo } from "../values.ts";

/** What a rule's test says about one node: evidence paths, and optionally specifics. */
export interface Hit {
  paths: string[];
  /** Evidence on another resource (the policy resource of a bucket); see `Finding.locations`. */
  locations?: EvidenceLocation[];
  detail?: string;
  related?: GraphNode[];
  likelihood?: number;
  /** A fix for this hit in place of the rule's (the first hit's wins). */
  fix?: { cloudformation: string; terraform: string };
}

export interface AwsRuleSpec {
  id: string;
  title: string;
  category: StrideCategory;
  likelihood: number;
  impact: number;
  kinds: readonly string[];
  /** Names the resource with `{resource}`. */
  description: string;
  remediation: string;
  fix: { cloudformation: string; terraform: string };
  cwe?: string[];
  capec?: string[];
  attack?: string[];
  /** Why it matters, for the doc page; the rest of the page is generated from the fields above. */
  why?: string;
  /** Added to the likelihood when the node is reachable from the internet. Default 1. */
  exposedBoost?: number;
  test(node: GraphNode, ctx: RuleContext): Hit | Hit[] | null | undefined | false;
}

const byKindCache = new WeakMap<ResourceGraph, Map<string, GraphNode[]>>();

/** Nodes of the given kinds, indexed once per graph (a rule set reads the same graph 150 times). */
export function nodesOf(ctx: RuleContext, kinds: readonly string[]): GraphNode[] {
  let index = byKindCache.get(ctx.graph);
  if (!index) {
    index = new Map();
    for (const node of ctx.graph.nodes) pushTo(index, node.kind, node);
    byKindCache.set(ctx.graph, index);
  }
  return kinds.flatMap((k) => index.get(k) ?? []);
}

/** Evidence path of an attr in the node's own format. */
export function at(node: GraphNode, attr: string): string {
  return pathOf(node, attr);
}

const secretCache = new WeakMap<ResourceGraph, Map<string, SecretFinding[]>>();

/** Hard-coded secrets found in a node (by the engine's secret detection) at paths matching `where`. */
export function secretsIn(ctx: RuleContext, node: GraphNode, where: RegExp): SecretFinding[] {
  let index = secretCache.get(ctx.graph);
  if (!index) {
    index = new Map();
    for (const s of ctx.graph.facts.secrets) if (s.nodeId) pushTo(index, s.nodeId, s);
    secretCache.set(ctx.graph, index);
  }
  return (index.get(node.id) ?? []).filter((s) => where.test(s.path) && s.file === node.file);
}

function docsFor(spec: AwsRuleSpec): string {
  const refs = [...(spec.cwe ?? []), ...(spec.capec ?? []), ...(spec.attack ?? [])];
  return [
    `# ${spec.id}: ${spec.title}`,
    "",
    `**STRIDE:** ${STRIDE_LABELS[spec.category]} · **Likelihood:** ${spec.likelihood}/5 · **Impact:** ${spec.impact}/5`,
    "",
    spec.description.replaceAll("{resource}", "the resource"),
    ...(spec.why ? ["", spec.why] : []),
    "",
    "## Remediation",
    "",
    spec.remediation,
    "",
    "CloudFormation:",
    "",
    "```yaml",
    spec.fix.cloudformation,
    "```",
    "",
    "Terraform:",
    "",
    "```hcl",
    spec.fix.terraform,
    "```",
    ...(refs.length > 0 ? ["", `**References:** ${refs.join(", ")}`] : []),
  ].join("\n");
}

function dedupeLocations(all: EvidenceLocation[]): EvidenceLocation[] {
  const seen = new Set<string>();
  return all.filter((l) => {
    const key = `${l.file}\u0000${l.line ?? ""}\u0000${l.path}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}

/** Builds a rule from a compact spec: one node at a time, likelihood raised for exposed nodes. */
export function awsRule(spec: AwsRuleSpec): Rule {
  const boost = spec.exposedBoost ?? 1;
  return {
    id: spec.id,
    title: spec.title,
    category: spec.category,
    likelihood: spec.likelihood,
    impact: spec.impact,
    description: spec.description,
    remediation: {
      text: spec.remediation,
      fix: {
        cloudformation: spec.fix.cloudformation,
        terraform: spec.fix.terraform,
        "terraform-plan": spec.fix.terraform,
      },
    },
    references: { cwe: spec.cwe ?? [], capec: spec.capec ?? [], attack: spec.attack ?? [] },
    docs: docsFor(spec),
    kinds: spec.kinds,
    check(ctx) {
      const findings: Finding[] = [];
      for (const node of nodesOf(ctx, spec.kinds)) {
        let result: ReturnType<AwsRuleSpec["test"]>;
        try {
          result = spec.test(node, ctx);
        } catch {
          // Attrs shaped unexpectedly (hostile input) mean no finding, never a crash.
          continue;
        }
        if (!result) continue;
        // One finding per node: the fingerprint is per rule and resource, so several hits are one threat.
        const hits = Array.isArray(result) ? result : [result];
        if (hits.length === 0) continue;
        const related = [...new Set(hits.flatMap((h) => h.related ?? []))].filter((n) => n.id !== node.id);
        const details = hits.map((h) => h.detail).filter((d): d is string => Boolean(d));
        const fix = hits.find((h) => h.fix)?.fix;
        const base = Math.max(...hits.map((h) => h.likelihood ?? spec.likelihood));
        const likelihood = ctx.isExposed(node.id) ? Math.min(5, base + boost) : base;
        const located = hits.some((h) => h.locations && h.locations.length > 0);
        const locations = located
          ? dedupeLocations(hits.flatMap((h) => h.locations ?? h.paths.map((path) => locate(node, path))))
          : undefined;
        findings.push({
          node,
          paths: [...new Set(hits.flatMap((h) => h.paths))],
          ...(locations ? { locations } : {}),
          ...(details.length > 0 ? { detail: details.join(" ") } : {}),
          ...(related.length > 0 ? { related } : {}),
          ...(likelihood !== spec.likelihood ? { likelihood } : {}),
          ...(fix ? { fix: { ...fix, "terraform-plan": fix.terraform } } : {}),
        });
      }
      return findings;
    },
  };
}
