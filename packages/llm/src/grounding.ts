import {
  type Evidence,
  type ResourceRef,
  type Threat,
  normalizeTitle,
  severityFromScore,
  threatFingerprint,
  threatScore,
} from "@threatline/domain";
import type { GraphNode, ResourceGraph } from "@threatline/engine";
import type { ModelThreat } from "./schema.ts";

export interface GroundingResult {
  threats: Threat[];
  /** Model threats that named a resource the graph does not have. */
  ungrounded: number;
}

/**
 * Turns validated model threats into `Threat`s checked against the graph. A threat is grounded when every
 * resource id it names exists in the graph; the others are dropped, or with `mode: "flag"` kept with their
 * unknown resources marked (type `unknown`, no file) and a note in the description. Scores and severities
 * are recomputed from likelihood × impact, so that a model's severity cannot disagree with its score.
 */
export function groundThreats(
  items: readonly ModelThreat[],
  graph: ResourceGraph,
  mode: "drop" | "flag",
  ruleIds: ReadonlySet<string> = new Set(),
): GroundingResult {
  const byId = new Map<string, GraphNode>(graph.nodes.map((n) => [n.id, n]));
  const seen = new Set<string>();
  const threats: Threat[] = [];
  let ungrounded = 0;

  for (const item of items) {
    const ids = [...new Set(item.resourceIds)];
    const missing = ids.filter((id) => !byId.has(id));
    if (missing.length > 0) {
      ungrounded += 1;
      if (mode === "drop") continue;
    }
    const resources: ResourceRef[] = ids.map((id) => {
      const node = byId.get(id);
      return node
        ? { id, type: node.type, file: node.file, line: node.line }
        : { id, type: "unknown", file: "", line: null };
    });
    const primary = resources[0]!;
    const primaryNode = byId.get(primary.id);
    const paths = item.evidencePaths?.filter((p) => p.length > 0) ?? [];
    const evidence: Evidence[] = (paths.length > 0 ? paths : [""]).map((path) => ({
      file: primary.file,
      line: (path && primaryNode?.propertyLines[path]) || primary.line,
      path,
    }));
    // A rule id the model invents must not borrow a rule's identity.
    const ruleId = item.ruleId && ruleIds.has(item.ruleId) ? item.ruleId : null;
    const score = threatScore(item.likelihood, item.impact);
    const note =
      missing.length > 0
        ? `Unverified: the model named resources not found in the template (${missing.join(", ")}).\n\n`
        : "";
    const threat: Threat = {
      fingerprint: threatFingerprint({
        category: item.category,
        ruleId,
        title: item.title,
        file: primary.file,
        resourceId: primary.id,
      }),
      ruleId,
      category: item.category,
      title: item.title.trim(),
      description: `${note}${item.description.trim()}`,
      severity: severityFromScore(score),
      likelihood: item.likelihood,
      impact: item.impact,
      score,
      resources,
      evidence,
      remediations: item.remediations.map((r) => (r.fix ? { text: r.text, fix: r.fix } : { text: r.text })),
      references: {
        cwe: item.references?.cwe ?? [],
        capec: item.references?.capec ?? [],
        attack: item.references?.attack ?? [],
      },
      source: "llm",
    };
    if (seen.has(threat.fingerprint)) continue;
    seen.add(threat.fingerprint);
    threats.push(threat);
  }
  return { threats, ungrounded };
}

function words(title: string): Set<string> {
  return new Set(
    normalizeTitle(title)
      .split(" ")
      .filter((w) => w.length > 2),
  );
}

/** Titles that share most of their words name the same threat ("Public bucket" / "Bucket is public"). */
export function similarTitles(a: string, b: string): boolean {
  const x = words(a);
  const y = words(b);
  if (x.size === 0 || y.size === 0) return normalizeTitle(a) === normalizeTitle(b);
  let shared = 0;
  for (const w of x) if (y.has(w)) shared += 1;
  return shared / Math.min(x.size, y.size) >= 0.6;
}

function sameThreat(rule: Threat, model: Threat): boolean {
  if (rule.fingerprint === model.fingerprint) return true;
  const rulePrimary = rule.resources[0]?.id;
  const modelPrimary = model.resources[0]?.id;
  if (!rulePrimary || rulePrimary !== modelPrimary) return false;
  if (model.ruleId !== null && model.ruleId === rule.ruleId) return true;
  return rule.category === model.category && similarTitles(rule.title, model.title);
}

/**
 * Merges model threats into the rule threats. A model threat that matches a rule threat (same fingerprint,
 * same rule on the same primary resource, or same category and primary resource with a similar title)
 * annotates it: the rule threat becomes `rule+llm` and gains the model's description and new remediations
 * and references. Its title, category, ratings and evidence stay the rule's: the model can add and annotate,
 * never delete or downgrade. Every rule threat is in the result, in its original order, then the new model
 * threats, worst first.
 */
export function mergeThreats(ruleThreats: readonly Threat[], modelThreats: readonly Threat[]): Threat[] {
  const merged = ruleThreats.map((t) => structuredClone(t));
  const added: Threat[] = [];
  const fingerprints = new Set(merged.map((t) => t.fingerprint));
  for (const model of modelThreats) {
    const target = merged.find((rule) => sameThreat(rule, model));
    if (target) {
      if (target.source === "rule") target.source = "rule+llm";
      const extra = model.description.trim();
      if (extra && !target.description.includes(extra))
        target.description = `${target.description}\n\nModel analysis: ${extra}`;
      for (const remediation of model.remediations) {
        if (!target.remediations.some((r) => r.text === remediation.text)) target.remediations.push(remediation);
      }
      for (const key of ["cwe", "capec", "attack"] as const) {
        for (const ref of model.references[key])
          if (!target.references[key].includes(ref)) target.references[key].push(ref);
      }
      continue;
    }
    if (fingerprints.has(model.fingerprint)) continue;
    fingerprints.add(model.fingerprint);
    added.push(model);
  }
  added.sort((a, b) => b.score - a.score || a.fingerprint.localeCompare(b.fingerprint));
  return [...merged, ...added];
}

/**
 * The part of a cached model answer that still holds beside today's rule threats. The answer cache is keyed by
 * the analysed file's content (with prompt, model and engine version), not by the files analysed with it as
 * context: when an OpenAPI spec is analysed again because the gateway template that serves it changed, its rule
 * threats change while its cached answer does not. A model threat that annotates a rule finding (it carries the
 * rule's id) whose rule no longer reports that resource is dropped, never re-added as a threat of its own; the
 * model's own threats (no rule id) stay.
 */
export function currentAnswer(modelThreats: readonly Threat[], ruleThreats: readonly Threat[]): Threat[] {
  const live = new Set(ruleThreats.map((t) => `${t.ruleId}\u0000${t.resources[0]?.id ?? ""}`));
  return modelThreats.filter((t) => t.ruleId === null || live.has(`${t.ruleId}\u0000${t.resources[0]?.id ?? ""}`));
}
