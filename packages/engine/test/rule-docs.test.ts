import { readFileSync, readdirSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { RULE_DOCS_DIR, ruleDocMarkdown, ruleDocs } from "../scripts/rule-docs.ts";
import { RULES } from "../src/rules/index.ts";

describe("docs/rules", () => {
  it("is what the rules say now (run `node --import tsx packages/engine/scripts/rule-docs.ts` when not)", async () => {
    const pages = await ruleDocs();
    expect(readdirSync(RULE_DOCS_DIR).sort()).toEqual([...pages.keys()].sort());
    for (const [name, text] of pages) expect(readFileSync(join(RULE_DOCS_DIR, name), "utf8"), name).toBe(text);
    // Formatting 250 pages with prettier takes seconds on a shared machine.
  }, 120_000);

  it("gives each rule its generic description, its fix and no resource placeholder", () => {
    const rule = RULES.find((r) => r.description.includes("{resource}") && r.remediation.fix?.terraform)!;
    const page = ruleDocMarkdown(rule);
    expect(page).toContain(`# ${rule.id}: ${rule.title}`);
    expect(page).not.toContain("{resource}");
    expect(page).toContain(rule.remediation.fix!.terraform!.trim());
    expect(page).toContain("### Terraform");
  });

  it("changes when a rule changes", () => {
    const rule = RULES[0]!;
    expect(ruleDocMarkdown({ ...rule, title: "Renamed" })).not.toBe(ruleDocMarkdown(rule));
  });
});
