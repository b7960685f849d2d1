import { describe, expect, it } from "vitest";
import type { Threat, TriageDto } from "@threatline/domain";
import { applyTriage, describeSkipped } from "../src/lib/triage-gate.ts";

const threat = (fingerprint: string): Threat => ({
  fingerprint,
  ruleId: "TL-X-001",
  category: "Tampering",
  title: `Threat ${fingerprint}`,
  description: "",
  severity: "high",
  likelihood: 4,
  impact: 4,
  score: 16,
  resources: [{ id: "AppBucket", type: "AWS::S3::Bucket", file: "infra/app.yaml", line: 4 }],
  evidence: [],
  remediations: [],
  references: { cwe: [], capec: [], attack: [] },
  source: "rule",
});

const decision = (fingerprint: string, patch: Partial<TriageDto>): TriageDto => ({
  fingerprint,
  status: "open",
  owner: null,
  expiresAt: null,
  note: "",
  updatedAt: "2026-12-01T00:00:00.000Z",
  ...patch,
});

describe("the server's triage at a CI gate", () => {
  const now = new Date("2026-12-07T12:00:00Z");

  it("skips accepted, mitigated and false-positive threats; counts open and untriaged ones", () => {
    const threats = ["a", "b", "c", "d", "e"].map(threat);
    const gate = applyTriage(
      threats,
      [
        decision("a", { status: "accepted", owner: "ana", expiresAt: "2027-01-31T00:00:00.000Z" }),
        decision("b", { status: "false_positive" }),
        decision("c", { status: "mitigated" }),
        decision("d", { status: "open" }),
      ],
      now,
    );
    expect(gate.counted.map((t) => t.fingerprint)).toEqual(["d", "e"]);
    expect(gate.skipped.map((s) => s.threat.fingerprint)).toEqual(["a", "b", "c"]);
    expect(describeSkipped(gate.skipped[0]!)).toBe(
      "accepted (by ana until 2027-01-31): high Threat a — AppBucket, infra/app.yaml",
    );
    expect(describeSkipped(gate.skipped[1]!)).toBe("false positive: high Threat b — AppBucket, infra/app.yaml");
  });

  it("an acceptance past its expiry no longer holds", () => {
    const gate = applyTriage(
      [threat("a")],
      [decision("a", { status: "accepted", owner: "ana", expiresAt: "2026-12-07T11:59:59.000Z" })],
      now,
    );
    expect(gate.counted.map((t) => t.fingerprint)).toEqual(["a"]);
    expect(gate.expired.map((s) => s.threat.fingerprint)).toEqual(["a"]);
    expect(gate.skipped).toEqual([]);
  });
});
