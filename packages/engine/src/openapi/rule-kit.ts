import type { Rule } from "../rules/types.ts";

/** A rule without its `docs`, which `defineRule` writes from the rest so that docs never drift. */
export type RuleSpec = Omit<Rule, "docs"> & { why?: string };

function referenceLinks(refs: Rule["references"]): string {
  const items = [
    ...(refs.cwe ?? []).map((c) => `[${c}](https://cwe.mitre.org/data/definitions/${c.replace(/^CWE-/, "")}.html)`),
    ...(refs.capec ?? []).map(
      (c) => `[${c}](https://capec.mitre.org/data/definitions/${c.replace(/^CAPEC-/, "")}.html)`,
    ),
    ...(refs.attack ?? []).map((t) => `[ATT&CK ${t}](https://attack.mitre.org/techniques/${t.replace(".", "/")}/)`),
  ];
  return items.length > 0 ? `\n\n**References:** ${items.join(", ")}` : "";
}

/** Builds a rule with a short Markdown doc page (for people and for SARIF help text). */
export function defineRule(spec: RuleSpec): Rule {
  const { why, ...rule } = spec;
  const body = rule.description.replaceAll("{resource}", "the resource");
  const docs = `## ${rule.id}: ${rule.title}\n\n${why ?? body.charAt(0).toUpperCase() + body.slice(1)}\n\n**Category:** ${rule.category}. **Likelihood** ${rule.likelihood}/5, **impact** ${rule.impact}/5 before adjustments (several rules raise likelihood when the resource is reachable from the internet).\n\n**Remediation:** ${rule.remediation.text}${referenceLinks(rule.references)}`;
  return { ...rule, docs };
}
