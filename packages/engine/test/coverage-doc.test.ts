import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { CHECKLIST, COVERAGE_PATH, coverageDoc, coverageMarkdown } from "../scripts/coverage-doc.ts";
import { RULES } from "../src/rules/index.ts";

describe("docs/coverage.md", () => {
  it("is what the rules say now (run `node --import tsx packages/engine/scripts/coverage-doc.ts` when not)", async () => {
    expect(readFileSync(COVERAGE_PATH, "utf8")).toBe(await coverageDoc());
  });

  it("lists every builtin rule once, under a named service", () => {
    const page = coverageMarkdown();
    for (const rule of RULES) expect(page.split(`| ${rule.id} |`).length - 1, rule.id).toBe(1);
    expect(page).toMatch(/\| MSK \(Kafka\) \| TL-AWS-MSK-001 \|/);
  });

  it("names only existing rules in its services-at-a-glance table, and says why root access keys are not checked", () => {
    const ids = new Set(RULES.map((r) => r.id));
    for (const row of CHECKLIST) for (const id of row.rules) expect(ids.has(id), `${row.service}: ${id}`).toBe(true);
    expect(coverageMarkdown()).toMatch(/\| Root account access keys \| not checkable in infrastructure as code/);
  });

  it("changes when a rule changes", () => {
    const renamed = RULES.map((r) => (r.id === "TL-AWS-MQ-001" ? { ...r, title: "Broker open to all" } : r));
    expect(coverageMarkdown(renamed)).toContain("Broker open to all");
    expect(coverageMarkdown(renamed)).not.toBe(coverageMarkdown());
  });
});
