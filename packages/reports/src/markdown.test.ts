import { describe, expect, it } from "vitest";
import { sampleInput, sampleMitigations } from "../test/helpers.ts";
import { renderHtml } from "./html.ts";
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

  it("counts files and threats in words: '1 file', '7 threats'", () => {
    const one = renderMarkdown(sampleInput({ files: sampleInput().files.slice(0, 1) }));
    expect(one).toContain(" by threatline 0.1.0. 1 file, 7 threats, ");
    expect(text).toContain(" 6 files, 7 threats, ");
    expect(renderHtml(sampleInput({ files: [] }))).toContain("· 0 files</div>");
    expect(renderHtml(sampleInput({ files: sampleInput().files.slice(0, 1) }))).toContain("· 1 file</div>");
  });

  it("lists the mitigation records in a table and under each threat, and says when they mitigate it", () => {
    const withRecords = renderMarkdown(sampleInput({ mitigations: sampleMitigations() }));
    expect(withRecords).toContain("## Mitigations (4)");
    expect(withRecords).toContain(
      '| Restrict SSH to the bastion\'s security group | done | ops@example.com | https://tickets.example.com/SEC-12 | =HYPERLINK("http://evil") SSH open to 0.0.0.0/0 |',
    );
    // Table cells are escaped: a title's markup and pipe cannot break the table.
    expect(withRecords).toContain("| Replace the login page's \\<script\\> with a \\| pipe | won't do |");
    expect(withRecords).toContain("- Block public access on every bucket · **in progress**");
    expect(withRecords).toContain("- **Status:** mitigated (its mitigations are done)");
    expect(withRecords.match(/\*\*Status:\*\* mitigated/g)).toHaveLength(1);
    expect(text).not.toContain("Mitigations");
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
