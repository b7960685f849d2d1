/**
 * docs/rules/<id>.md: one page per builtin rule (what it finds, why, the fix in each template language,
 * references), generated from the rule's own metadata, and docs/rules/README.md listing them. SARIF `helpUri`
 * points at these pages.
 *
 * Run: `node --import tsx packages/engine/scripts/rule-docs.ts` (rewrites docs/rules); a unit test fails when a
 * page is stale, missing or left over.
 */
import { mkdirSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { format, resolveConfig } from "prettier";
import { STRIDE_LABELS, severityFromScore, threatScore, type TemplateFormat } from "@threatline/domain";
import { RULES } from "../src/rules/index.ts";
import type { Rule } from "../src/rules/types.ts";

export const RULE_DOCS_DIR = join(import.meta.dirname, "..", "..", "..", "docs", "rules");

const LANGUAGES: Array<[TemplateFormat, string, string]> = [
  ["cloudformation", "CloudFormation", "yaml"],
  ["terraform", "Terraform", "hcl"],
  ["kubernetes", "Kubernetes", "yaml"],
  ["openapi", "OpenAPI", "yaml"],
];

function fence(code: string, language: string): string {
  const longest = Math.max(0, ...[...code.matchAll(/`+/g)].map((m) => m[0].length));
  const marks = "`".repeat(Math.max(3, longest + 1));
  return `${marks}${language}\n${code.trimEnd()}\n${marks}`;
}

function referenceLink(ref: string): string {
  const cwe = /^CWE-(\d+)$/i.exec(ref);
  if (cwe) return `[${ref}](https://cwe.mitre.org/data/definitions/${cwe[1]}.html)`;
  const capec = /^CAPEC-(\d+)$/i.exec(ref);
  if (capec) return `[${ref}](https://capec.mitre.org/data/definitions/${capec[1]}.html)`;
  const attack = /^T(\d{4})(?:\.(\d{3}))?$/.exec(ref);
  if (attack) return `[${ref}](https://attack.mitre.org/techniques/T${attack[1]}${attack[2] ? `/${attack[2]}` : ""}/)`;
  return ref;
}

/** The description with its `{resource}` placeholder read as "the resource", as a sentence. */
function generic(text: string): string {
  const out = text.replaceAll("{resource}", "the resource");
  return out.charAt(0).toUpperCase() + out.slice(1);
}

const normalise = (s: string): string =>
  s
    .replace(/[\s*`#_]+/g, " ")
    .trim()
    .toLowerCase();

/** The paragraphs of the rule's own doc text that the page does not already say (its "why", mostly). */
function notes(rule: Rule, said: string): string[] {
  const known = normalise(said);
  return rule.docs
    .split(/\n\s*\n/)
    .map((p) => p.trim())
    .filter((p) => p.length > 0 && !/^#/.test(p) && !/^```/.test(p) && !p.includes("```"))
    .filter((p) => !/^\*\*(STRIDE|Category|Remediation|References|Fix)[:*]/i.test(p) && !/^[A-Za-z ]+:$/.test(p))
    .filter((p) => !known.includes(normalise(p)));
}

/** One rule's page, before formatting. */
export function ruleDocMarkdown(rule: Rule): string {
  const severity = severityFromScore(threatScore(rule.likelihood, rule.impact));
  const fixes = LANGUAGES.flatMap(([key, label, language]) => {
    const code = rule.remediation.fix?.[key];
    return code ? [`### ${label}`, "", fence(code, language), ""] : [];
  });
  const refs = [...(rule.references.cwe ?? []), ...(rule.references.capec ?? []), ...(rule.references.attack ?? [])];
  const body = [generic(rule.description), rule.remediation.text, ...Object.values(rule.remediation.fix ?? {})].join(
    "\n",
  );
  const extra = notes(rule, body);
  return [
    `# ${rule.id}: ${rule.title}`,
    "",
    "| STRIDE | base severity | likelihood × impact | reads |",
    "| --- | --- | --- | --- |",
    `| ${STRIDE_LABELS[rule.category]} | ${severity} | ${rule.likelihood} × ${rule.impact} | ${rule.kinds.map((k) => `\`${k}\``).join(", ")} |`,
    "",
    "## What it finds",
    "",
    generic(rule.description),
    ...(extra.length > 0 ? ["", "## Why it matters", "", ...extra.flatMap((p) => [p, ""])] : [""]),
    "## Fix",
    "",
    rule.remediation.text,
    "",
    ...fixes,
    ...(refs.length > 0 ? ["## References", "", ...refs.map((r) => `- ${referenceLink(r)}`), ""] : []),
    "---",
    "",
    "Generated from the rule's metadata by `node --import tsx packages/engine/scripts/rule-docs.ts`.",
    "",
  ].join("\n");
}

export function ruleIndexMarkdown(rules: readonly Rule[] = RULES): string {
  return [
    "# Rules",
    "",
    `${rules.length} builtin rules, one page each, generated from the rules' metadata (see also [coverage](../coverage.md)).`,
    "",
    "| rule | title | STRIDE | base severity |",
    "| --- | --- | --- | --- |",
    ...[...rules]
      .sort((a, b) => a.id.localeCompare(b.id))
      .map(
        (r) =>
          `| [${r.id}](${r.id}.md) | ${r.title.replaceAll("|", "\\|")} | ${STRIDE_LABELS[r.category]} | ${severityFromScore(threatScore(r.likelihood, r.impact))} |`,
      ),
    "",
  ].join("\n");
}

/** Every file of docs/rules by name, as `prettier --write` leaves it. */
export async function ruleDocs(rules: readonly Rule[] = RULES): Promise<Map<string, string>> {
  const config = { ...(await resolveConfig(join(RULE_DOCS_DIR, "README.md"))), parser: "markdown" as const };
  const out = new Map<string, string>();
  out.set("README.md", await format(ruleIndexMarkdown(rules), config));
  for (const rule of rules) out.set(`${rule.id}.md`, await format(ruleDocMarkdown(rule), config));
  return out;
}

/** Rewrites docs/rules (pages of removed rules go too). `coverage-doc.ts` calls it, so one command does both. */
export async function writeRuleDocs(): Promise<void> {
  const pages = await ruleDocs();
  rmSync(RULE_DOCS_DIR, { recursive: true, force: true });
  mkdirSync(RULE_DOCS_DIR, { recursive: true });
  for (const [name, text] of pages) writeFileSync(join(RULE_DOCS_DIR, name), text);
  process.stdout.write(`${RULE_DOCS_DIR}: ${pages.size} pages (${readdirSync(RULE_DOCS_DIR).length} files)\n`);
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) await writeRuleDocs();
