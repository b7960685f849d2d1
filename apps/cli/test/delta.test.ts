import { describe, expect, it } from "vitest";
import type { ScanReport, Threat } from "@threatline/domain";
import { compareScans, renderDeltaMarkdown } from "../src/lib/delta.ts";
import { summarizeScan } from "../src/lib/scan.ts";

const threat = (fingerprint: string, severity: Threat["severity"], score: number): Threat => ({
  fingerprint,
  ruleId: `TL-X-${fingerprint}`,
  category: "Tampering",
  title: `Threat | ${fingerprint}`,
  description: "",
  severity,
  likelihood: 4,
  impact: 4,
  score,
  resources: [{ id: "Sg|1", type: "AWS::EC2::SecurityGroup", file: "infra/sg.yaml", line: 2 }],
  evidence: [],
  remediations: [{ text: "fix *it*" }],
  references: { cwe: [], capec: [], attack: [] },
  source: "rule",
});

const report = (threats: Threat[], suppressed: string[] = []): ScanReport =>
  summarizeScan({
    tool: { name: "threatline", version: "0.1.0" },
    files: [{ path: "infra/sg.yaml", format: "cloudformation", resources: 1 }],
    threats,
    suppressed: Object.fromEntries(
      suppressed.map((fp) => [
        fp,
        { kind: "inSource", ruleIds: [], reason: null, owner: null, until: null, source: "x:1" },
      ]),
    ),
  });

const meta = {
  base: { ref: "origin/main", commit: "a".repeat(40) },
  head: { ref: "working tree", commit: "b".repeat(40) },
  files: { changed: ["infra/sg.yaml"], scanned: ["infra/sg.yaml"] },
};

describe("the delta between two scans", () => {
  it("adds, resolves and keeps by fingerprint; a threat suppressed at the head is not added", () => {
    const delta = compareScans(
      report([threat("a", "high", 16), threat("b", "medium", 9)]),
      report([threat("b", "medium", 9), threat("c", "critical", 20), threat("d", "high", 12)], ["d"]),
      meta,
    );
    expect(delta.added.map((t) => t.fingerprint)).toEqual(["c"]);
    expect(delta.resolved.map((t) => t.fingerprint)).toEqual(["a"]);
    expect(delta.unchanged.map((t) => t.fingerprint)).toEqual(["b"]);
    expect(delta.risk).toEqual({ base: 25, head: 29, change: 4 });
    expect(delta.suppressed).toBe(1);
  });

  it("renders Markdown tables that a pipe or a backtick in a name cannot break", () => {
    const md = renderDeltaMarkdown(compareScans(report([]), report([threat("c", "critical", 20)]), meta));
    expect(md).toMatch(/^## Threatline: 1 threat\(s\) added \(1 critical\), 0 resolved\n/);
    expect(md).toContain("| 🟥 critical | Threat \\| c | `Sg\\|1` | `infra/sg.yaml:2` | TL-X-c |");
    expect(md).toContain("Risk **0 → 20 (+20)**");
    expect(md).toContain("fix \\*it\\*");
  });
});
