import { describe, expect, it } from "vitest";
import { sampleInput } from "../test/helpers.ts";
import { renderMarkdown } from "./markdown.ts";

describe("Markdown export", () => {
  const text = renderMarkdown(sampleInput());

  it("has a summary table with a row per STRIDE category and totals", () => {
    expect(text).toContain("| Category | Critical | High | Medium | Low | Info | Total |");
    expect(text).toContain("| Information disclosure | 1 | 1 | 0 | 0 | 0 | 2 |");
    expect(text).toContain("| Denial of service | 0 | 0 | 0 | 2 | 1 | 3 |");
    expect(text).toContain("| **Total** | 1 | 2 | 1 | 2 | 1 | 7 |");
  });

  it("groups threats by category in STRIDE order with evidence and remediations", () => {
    const order = [
      "## Spoofing (1)",
      "## Information disclosure (2)",
      "## Elevation of privilege (1)",
      "## Low and info, by file (3)",
    ].map((h) => text.indexOf(h));
    expect(order.every((i) => i >= 0)).toBe(true);
    expect([...order].sort((a, b) => a - b)).toEqual(order);
    expect(text).not.toContain("## Tampering");
    expect(text).toContain("- infra/app stack.yaml:14 — `Properties.AccessControl`");
    expect(text).toContain("**Triage:** accepted — logs are public by design");
  });

  it("puts fix snippets in fenced blocks that their content cannot close", () => {
    expect(text).toContain(
      "  ```yaml\n  PublicAccessBlockConfiguration:\n    BlockPublicAcls: true\n    RestrictPublicBuckets: true\n  ```\n",
    );
    expect(text).toContain('  ````hcl\n  cidr_blocks = ["10.0.0.0/8"] # ``` fenced\n  ````\n');
  });

  it("escapes markup from titles and descriptions", () => {
    expect(text).not.toContain("<script>");
    expect(text).toContain("\\<script\\>alert(1)\\</script\\>");
    expect(text).toContain("# Threat model — Payments \\<prod\\>");
  });

  it("lists real risks by category first, then low and info folded per file", () => {
    expect(text).not.toContain("## Denial of service");
    const hygiene = text.indexOf("## Low and info, by file (3)");
    expect(hygiene).toBeGreaterThan(text.indexOf("## Elevation of privilege (1)"));
    expect(text).toMatch(/<details>\n<summary>\d+ low\/info hygiene findings? in [^<]+<\/summary>\n\n### /);
  });

  it("lists the files' lenient-read warnings with where they are", () => {
    const input = sampleInput();
    const out = renderMarkdown({
      ...input,
      files: [
        {
          path: "infra/app.yaml",
          format: "cloudformation",
          resources: 3,
          warnings: [{ code: "template/duplicate-key", message: "Duplicate key Type: the last one wins.", line: 12 }],
        },
      ],
    });
    expect(out).toContain("## Read leniently (1)");
    expect(out).toContain("- infra/app.yaml:12 — `template/duplicate-key` Duplicate key Type: the last one wins.");
    expect(text).not.toContain("Read leniently");
  });
});
