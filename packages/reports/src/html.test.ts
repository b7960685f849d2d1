import { describe, expect, it } from "vitest";
import { SEVERITIES, SEVERITY_COLORS } from "@threatline/domain";
import { sampleInput, sampleMitigations } from "../test/helpers.ts";
import { renderHtml, strideSeverityChart } from "./html.ts";

describe("HTML report", () => {
  const input = sampleInput();
  const html = renderHtml(input);

  it("escapes every model and template string", () => {
    expect(html).not.toContain("<script");
    expect(html).toContain("Café login &#60;script&#62;alert(1)&#60;/script&#62; spoofable");
    expect(html).toContain("Payments &#60;prod&#62;");
    const hostile = renderHtml({
      ...input,
      files: [{ path: '"><img src=x onerror=alert(1)>.yaml', format: null, resources: 0 }],
      threats: input.threats.map((t) => ({
        ...t,
        remediations: [{ text: "</li><script>x()</script>", fix: "</code></pre><iframe src=//evil>" }],
      })),
    });
    expect(hostile).not.toMatch(/<(img|iframe|script)\b/i);
    expect(hostile).toContain("&#34;&#62;&#60;img src=x onerror=alert(1)&#62;.yaml");
  });

  it("lists the mitigation records, escaped, and shows them on their threats", () => {
    const withRecords = renderHtml(sampleInput({ mitigations: sampleMitigations() }));
    expect(withRecords).toContain("<h2>Mitigations (4)</h2>");
    expect(withRecords).toContain("Replace the login page&#39;s &#60;script&#62; with a | pipe");
    expect(withRecords).not.toMatch(/<script/i);
    expect(withRecords).toContain("<dt>Status</dt><dd>mitigated (its mitigations are done)</dd>");
    expect(withRecords).toContain(
      '<dt>Mitigations</dt><dd>Restrict SSH to the bastion&#39;s security group <span class="muted">done · ops@example.com</span> · https://tickets.example.com/SEC-12</dd>',
    );
    expect(withRecords).not.toMatch(/(src|href)\s*=\s*["']?(https?:)?\/\//i);
    expect(html).not.toContain("Mitigations");
  });

  it("is self-contained: no script, no external resource", () => {
    expect(html).not.toMatch(/<script|<link|<iframe|<img|@import/i);
    expect(html).not.toMatch(/(src|href)\s*=\s*["']?(https?:)?\/\//i);
    expect(html).not.toMatch(/url\(\s*["']?(https?:)?\/\//i);
    // Besides the SVG namespace (an identifier, never fetched) the only URL is the one in a threat's title, as text.
    expect([...html.matchAll(/https?:\/\/[^\s"'<&]+/g)].map((m) => m[0])).toEqual([
      "http://www.w3.org/2000/svg",
      "http://www.w3.org/2000/svg",
      "http://evil",
    ]);
    expect(html).toContain("default-src 'none'");
  });

  it("works on a phone: tables scroll sideways, codes wrap, a narrow chart with readable labels, inline code", () => {
    expect(html).toContain('<div class="scroll"><table>');
    expect(html).toMatch(/\.scroll \{ overflow-x: auto;/);
    expect(html).toMatch(/code \{ overflow-wrap: anywhere;/);
    expect(html).toMatch(
      /@media \(max-width: 640px\) \{[^]*\.chart-wide \{ display: none; \}[^]*\.chart-narrow \{ display: block; \}/,
    );
    const narrow = strideSeverityChart(input.threats, "narrow");
    // Drawn at most 340 units wide: on a 400 px screen its 12-unit labels are about 12 px.
    expect(Number(/viewBox="0 0 (\d+) /.exec(narrow)![1])).toBeLessThanOrEqual(340);
    expect(narrow).toContain('<text x="0" y="22" font-size="12" fill="#111827">Spoofing</text>');
    const code = renderHtml(
      sampleInput({ threats: [{ ...input.threats[0]!, description: "Set `BlockPublicAcls` <now>." }] }),
    );
    expect(code).toContain("Set <code>BlockPublicAcls</code> &#60;now&#62;.");
    expect(code).not.toContain("`BlockPublicAcls`");
    const merged = renderHtml(
      sampleInput({
        threats: [{ ...input.threats[0]!, description: "Public bucket.\n\nTL-AWS-S3-009: no access logs." }],
      }),
    );
    expect(merged).toContain("<p>Public bucket.</p><p>TL-AWS-S3-009: no access logs.</p>");
  });

  it("paints severities with the SPA's palette (one constant in packages/domain)", () => {
    const present = new Set(input.threats.map((t) => t.severity));
    for (const severity of SEVERITIES.filter((s) => present.has(s))) {
      expect(html).toContain(`class="sev" style="background:${SEVERITY_COLORS[severity]}"`);
      expect(html).toMatch(
        new RegExp(`fill="${SEVERITY_COLORS[severity]}" data-category="[A-Za-z]+" data-severity="${severity}"`),
      );
    }
    // The report's own old palette is gone (its medium amber failed contrast with white text).
    expect(html).not.toContain("#f59e0b");
  });

  it("prints: has print CSS that keeps threats whole", () => {
    expect(html).toMatch(/@media print \{[^]*\.threat, table, svg \{ break-inside: avoid/);
    expect(html).toContain("@page");
  });

  it("draws one bar segment per STRIDE × severity with threats, sized by count", () => {
    const svg = strideSeverityChart(input.threats);
    const segments = [
      ...svg.matchAll(
        /<rect x="([\d.]+)" y="\d+" width="([\d.]+)"[^>]*data-category="(\w+)" data-severity="(\w+)" data-count="(\d+)"/g,
      ),
    ].map((m) => ({ width: Number(m[2]), category: m[3], severity: m[4], count: Number(m[5]) }));
    expect(segments.map((s) => [s.category, s.severity, s.count])).toEqual([
      ["Spoofing", "medium", 1],
      ["InformationDisclosure", "critical", 1],
      ["InformationDisclosure", "high", 1],
      ["DenialOfService", "low", 2],
      ["DenialOfService", "info", 1],
      ["ElevationOfPrivilege", "high", 1],
    ]);
    // DenialOfService has the most threats (3): its bar is the full width; one threat is a third of it.
    const dos = segments.filter((s) => s.category === "DenialOfService").reduce((w, s) => w + s.width, 0);
    expect(dos).toBeCloseTo(480, 0);
    expect(segments[0]!.width).toBeCloseTo(160, 0);
  });

  it("shows triage, evidence and fix snippets", () => {
    expect(html).toContain("accepted · ana@example.com · until 2027-01-01T00:00:00.000Z — logs are public by design");
    expect(html).toContain("<pre><code>PublicAccessBlockConfiguration:\n  BlockPublicAcls: true");
    expect(html).toContain("infra/app stack.yaml:14 <code>Properties.AccessControl</code>");
  });

  it("lists real risks one by one and low and info threats per file underneath", () => {
    const base = input.threats[0]!;
    const threats = [
      { ...base, fingerprint: "f-high", title: "Real risk", severity: "high" as const },
      {
        ...base,
        fingerprint: "f-low",
        title: "Hygiene item",
        severity: "low" as const,
        contributingRules: [{ ruleId: "TL-X-002", fingerprint: "f-gone", title: "Same weakness, other rule" }],
      },
    ];
    const out = renderHtml({ ...input, threats });
    const hygiene = out.indexOf("Low and info, by file (1)");
    expect(out.indexOf("Real risk")).toBeGreaterThan(0);
    expect(hygiene).toBeGreaterThan(out.indexOf("Real risk"));
    expect(out.indexOf("Hygiene item")).toBeGreaterThan(hygiene);
    expect(out).toContain("<details><summary>1 low/info hygiene finding in infra/app stack.yaml</summary>");
    expect(out).toContain("<code>TL-X-002</code> Same weakness, other rule");
  });

  it("lists the files' lenient-read warnings with their line and column, escaped", () => {
    const input = sampleInput();
    const out = renderHtml({
      ...input,
      files: [
        {
          path: "infra/app.yaml",
          format: "cloudformation",
          resources: 3,
          warnings: [
            {
              code: "template/duplicate-key",
              message: 'Duplicate key "<Type>": the last one wins.',
              line: 12,
              column: 5,
            },
          ],
        },
      ],
    });
    expect(out).toContain("<h2>Read leniently (1)</h2>");
    expect(out).toContain(
      '<li><code>infra/app.yaml:12:5</code> <span class="muted">template/duplicate-key</span> Duplicate key &#34;&#60;Type&#62;&#34;: the last one wins.</li>',
    );
    expect(renderHtml(input)).not.toContain("Read leniently");
  });
});
