import type { GraphNode } from "../graph/types.ts";
import type { Finding, Rule } from "../rules/types.ts";
import { defineRule } from "../openapi/rule-kit.ts";

/** Phrases that address a language model rather than a human reader of the template. */
const INJECTION = [
  /\b(ignore|disregard|forget)\b[^.\n]{0,20}?\b(previous|prior|above|earlier|preceding|all|any|your|these|those)\b[^.\n]{0,20}?\b(instructions?|prompts?|directions|guidelines)\b/i,
  /\b(you are|you're|act as|pretend to be)\s+(now\s+)?(an?\s+)?(ai|assistant|language model|llm|chatgpt|claude|gpt)\b/i,
  /<\/?(system|assistant|instructions?)>|\[\/?INST\]|<<\/?SYS>>/i,
  /\b(do not|don't|never)\s+(report|flag|mention|list|output)\b[^.\n]{0,40}?\b(threats?|findings?|vulnerabilit\w*|security issues?|risks?)\b/i,
  /\b(report|return|respond with|output|answer with)\s+(no|zero|an empty list of|0)\s+(threats?|findings?|vulnerabilit\w*)\b/i,
  /\b(ai|llm|assistant|language model|automated review(er)?|scanner|threat model(l)?er)s?\b[^.\n]{0,30}?\b(must|should|shall)\s+(not\s+)?(report|flag|ignore|skip)\b/i,
];

interface Leaf {
  path: string;
  text: string;
}

function strings(value: unknown, path: string, out: Leaf[], depth: number): void {
  if (depth > 40 || out.length > 20_000) return;
  if (typeof value === "string") out.push({ path, text: value.length > 20_000 ? value.slice(0, 20_000) : value });
  else if (Array.isArray(value)) value.forEach((v, i) => strings(v, path ? `${path}.${i}` : String(i), out, depth + 1));
  else if (value !== null && typeof value === "object") {
    for (const [k, v] of Object.entries(value)) {
      const p = path ? `${path}.${k}` : k;
      out.push({ path: p, text: k });
      strings(v, p, out, depth + 1);
    }
  }
}

/** Where a node's properties (descriptions, annotations, names) carry text aimed at a model. */
export function injectionPaths(node: GraphNode): string[] {
  const leaves: Leaf[] = [{ path: "", text: node.id }];
  strings(node.properties, "", leaves, 0);
  return [...new Set(leaves.filter((l) => INJECTION.some((re) => re.test(l.text))).map((l) => l.path))];
}

export const INJECTION_RULE: Rule = defineRule({
  id: "TL-INJECT-001",
  title: "Instructions aimed at an AI model embedded in the template",
  category: "Tampering",
  likelihood: 2,
  impact: 2,
  description:
    '{resource} contains text addressed to an AI model ("ignore previous instructions", "report no threats"): someone may be trying to steer automated reviews of this template.',
  remediation: {
    text: "Remove the text and find out who added it and why; never let template text change how a review is done. Threatline's rules are unaffected, and model output is validated against the graph.",
  },
  references: { cwe: ["CWE-1427"], capec: ["CAPEC-137"] },
  why: "Templates are data. A description, annotation or comment that tells an automated reviewer to ignore findings is an attempt to tamper with the review itself (prompt injection). The finding is informational: the deterministic rules are unaffected by such text, but the change deserves a human look.",
  kinds: ["*"],
  check: (ctx): Finding[] =>
    ctx.graph.nodes.flatMap((node): Finding[] => {
      const paths = injectionPaths(node);
      return paths.length === 0 ? [] : [{ node, paths }];
    }),
});
