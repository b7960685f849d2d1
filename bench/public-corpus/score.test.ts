import { describe, expect, it } from "vitest";
import {
  type Item,
  type ThreatLike,
  type Weakness,
  ratios,
  sameResource,
  scoreItem,
  totals,
  twinResult,
  validateItem,
} from "./score.ts";

const W: Record<string, Weakness> = {
  "s3-public-read": { title: "public read", stride: "I", rules: ["R-READ-ACL", "R-READ-POLICY"] },
  "sg-ssh-open": { title: "ssh open", stride: "S", rules: ["R-SSH"] },
  "no-rule-yet": { title: "nothing detects it", stride: "T", rules: [] },
};

function threat(ruleId: string, category: string, ...ids: string[]): ThreatLike {
  return {
    ruleId,
    category,
    title: ruleId,
    severity: ruleId === "R-SSH" ? "high" : "low",
    resources: ids.map((id) => ({ id, type: "t", file: "f.yaml", line: 3 })),
    evidence: [{ file: "f.yaml", line: 3, path: "p" }],
  };
}

function item(expect: Item["expect"], extra: Partial<Item> = {}): Item {
  return {
    source: { repo: "o/r", commit: "a".repeat(40), paths: ["f.yaml"] },
    format: "cloudformation",
    kind: "documented-bad",
    expect,
    ...extra,
  };
}

describe("sameResource", () => {
  it("matches exactly, through count/for_each indexes and inside modules only", () => {
    expect(sameResource("Bucket", "Bucket")).toBe(true);
    expect(sameResource("Bucket2", "Bucket")).toBe(false);
    expect(sameResource("aws_s3_bucket.b[0]", "aws_s3_bucket.b")).toBe(true);
    expect(sameResource('aws_s3_bucket.b["x"]', "aws_s3_bucket.b")).toBe(true);
    expect(sameResource("module.m.aws_s3_bucket.b", "aws_s3_bucket.b")).toBe(true);
    expect(sameResource("xaws_s3_bucket.b", "aws_s3_bucket.b")).toBe(false);
    expect(sameResource("aws_s3_bucket.bb", "aws_s3_bucket.b")).toBe(false);
    // A CloudFormation logical id has no dot: never a suffix match.
    expect(sameResource("module.m.Bucket", "Bucket")).toBe(false);
  });
});

describe("scoreItem", () => {
  const labels = item([
    { resource: "Bucket", weakness: "s3-public-read", why: "PublicRead ACL" },
    { resource: "Sg", weakness: "sg-ssh-open", why: "22 from 0.0.0.0/0" },
    { resource: "Other", weakness: "no-rule-yet", why: "x" },
  ]);

  it("counts a strict hit only for a listed rule on the labelled resource", () => {
    const s = scoreItem("i", labels, [threat("R-READ-ACL", "InformationDisclosure", "Bucket")], 3, W);
    expect(s.found.map((f) => f.strict)).toEqual([true, false, false]);
    expect(s.threats[0]!.verdict).toBe("expected");
  });

  it("does not count the right rule on another resource, nor another rule on the right resource", () => {
    const s = scoreItem(
      "i",
      labels,
      [threat("R-READ-ACL", "InformationDisclosure", "Sg"), threat("R-OTHER", "InformationDisclosure", "Bucket")],
      3,
      W,
    );
    expect(s.found.map((f) => f.strict)).toEqual([false, false, false]);
    // The second is on Bucket with the weakness's letter: lenient only. The first is lenient for nothing (Sg is S).
    expect(s.found.map((f) => f.lenient)).toEqual([true, false, false]);
    expect(s.threats.map((j) => j.verdict)).toEqual(["unexpected", "lenient-only"]);
  });

  it("counts a related resource of the threat, and an `also` id", () => {
    const s = scoreItem(
      "i",
      item([{ resource: "Bucket", weakness: "s3-public-read", why: "policy", also: ["Policy"] }]),
      [threat("R-READ-POLICY", "InformationDisclosure", "Policy")],
      2,
      W,
    );
    expect(s.found[0]!.strict).toBe(true);
  });

  it("marks a second threat for the same expectation as a duplicate, and ignore lines as ignored", () => {
    const s = scoreItem(
      "i",
      item([{ resource: "Bucket", weakness: "s3-public-read", why: "acl" }], {
        ignore: [{ resource: "Bucket", rule: "R-LOGS", why: "true but out of scope" }],
      }),
      [
        threat("R-READ-ACL", "InformationDisclosure", "Bucket"),
        threat("R-READ-POLICY", "InformationDisclosure", "Bucket"),
        threat("R-LOGS", "Repudiation", "Bucket"),
        threat("R-SSH", "Spoofing", "Sg"),
      ],
      4,
      W,
    );
    expect(s.threats.map((j) => j.verdict)).toEqual(["expected", "duplicate", "ignored", "unexpected"]);
    const t = totals([s]);
    expect(t).toMatchObject({
      expectations: 1,
      strict: 1,
      threats: 4,
      expected: 1,
      duplicate: 1,
      ignored: 1,
      unexpected: 1,
    });
    const r = ratios(t);
    expect(r.strictRecall).toBe(1);
    expect(r.precision).toBe(3 / 4);
    expect(r.unexpectedPer100).toBe(25);
    expect(r.duplicatesPer100).toBe(25);
    // The unexpected one is R-SSH (high): it counts in the medium-and-above figure too.
    expect(r.unexpectedMediumUpPer100).toBe(25);
  });

  it("lets one threat satisfy two expectations on two labelled resources without calling either a duplicate", () => {
    const s = scoreItem(
      "i",
      item([
        { resource: "A", weakness: "s3-public-read", why: "a" },
        { resource: "B", weakness: "s3-public-read", why: "b" },
      ]),
      [threat("R-READ-ACL", "InformationDisclosure", "A", "B"), threat("R-READ-ACL", "InformationDisclosure", "B")],
      2,
      W,
    );
    expect(s.found.map((f) => f.strict)).toEqual([true, true]);
    expect(s.threats.map((j) => j.verdict)).toEqual(["expected", "expected"]);
  });

  it("counts a rule merged into a threat (contributingRules) as one of its rules", () => {
    const merged: ThreatLike = {
      ...threat("R-COMBO", "InformationDisclosure", "Bucket"),
      contributingRules: [{ ruleId: "R-READ-ACL" }],
    };
    const s = scoreItem("i", item([{ resource: "Bucket", weakness: "s3-public-read", why: "acl" }]), [merged], 1, W);
    expect(s.found[0]!.strict).toBe(true);
    expect(s.threats[0]!.verdict).toBe("expected");
  });

  it("gives null ratios on empty totals rather than dividing by zero", () => {
    expect(ratios(totals([]))).toEqual({
      strictRecall: null,
      lenientRecall: null,
      precision: null,
      lenientPrecision: null,
      unexpectedPer100: null,
      unexpectedMediumUpPer100: null,
      duplicatesPer100: null,
    });
  });
});

describe("twinResult", () => {
  const bad = item([{ resource: "Bucket", weakness: "s3-public-read", why: "acl" }], { twin: "good" });
  const good = item([], { kind: "documented-good" });

  it("tells twins apart when the bad one is hit and the good one has no threat of the weakness's rules", () => {
    const b = scoreItem("bad", bad, [threat("R-READ-ACL", "InformationDisclosure", "Bucket")], 1, W);
    const g = scoreItem("good", good, [threat("R-SSH", "Spoofing", "Sg")], 1, W);
    expect(twinResult(b, g, W).discriminated).toBe(true);
  });

  it("does not when the good twin gets the same rule (on any resource), or the bad one is missed", () => {
    const b = scoreItem("bad", bad, [threat("R-READ-ACL", "InformationDisclosure", "Bucket")], 1, W);
    const g = scoreItem("good", good, [threat("R-READ-POLICY", "InformationDisclosure", "Elsewhere")], 1, W);
    const r = twinResult(b, g, W);
    expect(r.discriminated).toBe(false);
    expect(r.goodFalseAlarms).toHaveLength(1);
    const missed = scoreItem("bad", bad, [], 1, W);
    expect(twinResult(missed, scoreItem("good", good, [], 1, W), W).discriminated).toBe(false);
  });
});

describe("twinResult with a weakness both twins share", () => {
  it("judges only the checked weakness, not one the good twin is labelled with too", () => {
    const bad = item(
      [
        { resource: "Db", weakness: "sg-ssh-open", why: "checked" },
        { resource: "Db", weakness: "s3-public-read", why: "shared" },
      ],
      { twin: "good" },
    );
    const good = item([{ resource: "Db", weakness: "s3-public-read", why: "shared" }], { kind: "documented-good" });
    const sharedHitOnly = scoreItem("bad", bad, [threat("R-READ-ACL", "InformationDisclosure", "Db")], 1, W);
    const g = scoreItem("good", good, [threat("R-READ-ACL", "InformationDisclosure", "Db")], 1, W);
    expect(twinResult(sharedHitOnly, g, W)).toMatchObject({ badHit: false, discriminated: false });
    const checkedHit = scoreItem("bad", bad, [threat("R-SSH", "Spoofing", "Db")], 1, W);
    expect(twinResult(checkedHit, g, W)).toMatchObject({ badHit: true, goodFalseAlarms: [], discriminated: true });
  });
});

describe("validateItem", () => {
  it("names unknown weaknesses, missing twins and bad commits", () => {
    const bad: Item = {
      source: { repo: "o/r", commit: "abc", paths: ["x"] },
      format: "terraform",
      kind: "documented-bad",
      twin: "terraform/missing",
      expect: [{ resource: "r", weakness: "nope", why: "w" }],
    };
    expect(validateItem("t", bad, W, new Set(["t"]))).toEqual([
      "t: commit is not 40 hex digits",
      "t: unknown weakness nope",
      "t: twin terraform/missing does not exist",
    ]);
  });
});
