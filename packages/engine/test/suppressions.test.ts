import { describe, expect, it } from "vitest";
import { analyze } from "../src/analyze.ts";
import { applySuppressions, findInlineSuppressions, matchesGlob, type Suppression } from "../src/suppressions.ts";

const template = (lines: string[]): string => `${lines.join("\n")}\n`;

const bucketAndGroup = (bucketComment: string, groupComment = ""): string =>
  template([
    'AWSTemplateFormatVersion: "2010-09-09"',
    "Resources:",
    ...(bucketComment ? [`  ${bucketComment}`] : []),
    "  AppBucket:",
    "    Type: AWS::S3::Bucket",
    "    Properties:",
    "      AccessControl: PublicRead",
    `  WebSecurityGroup:${groupComment ? ` ${groupComment}` : ""}`,
    "    Type: AWS::EC2::SecurityGroup",
    "    Properties:",
    "      GroupDescription: web",
    "      SecurityGroupIngress:",
    "        - { IpProtocol: tcp, FromPort: 22, ToPort: 22, CidrIp: 0.0.0.0/0 }",
  ]);

async function suppressedRules(path: string, content: string, today = "2026-12-07") {
  const { threats } = await analyze([{ path, content }]);
  const { suppressions, problems } = findInlineSuppressions({ path, content });
  const outcome = applySuppressions(threats, suppressions, today);
  const rulesOf = (fps: Iterable<string>) =>
    [...fps].map((fp) => threats.find((t) => t.fingerprint === fp)!.ruleId).sort();
  return { threats, problems, outcome, suppressed: rulesOf(Object.keys(outcome.suppressed)) };
}

describe("inline suppressions", () => {
  it("a comment on the line above the resource removes exactly the rule it names, on that resource", async () => {
    const { threats, suppressed, outcome, problems } = await suppressedRules(
      "app.yaml",
      bucketAndGroup('# threatline:ignore TL-AWS-S3-001 reason="static website" until=2027-06-30'),
    );
    expect(problems).toEqual([]);
    expect(threats.filter((t) => t.ruleId === "TL-AWS-S3-001")).toHaveLength(1);
    expect(suppressed).toEqual(["TL-AWS-S3-001"]);
    expect(Object.values(outcome.suppressed)[0]).toEqual({
      kind: "inSource",
      ruleIds: ["TL-AWS-S3-001"],
      reason: "static website",
      owner: null,
      until: "2027-06-30",
      source: "app.yaml:3",
    });
  });

  it("a threat merged from several rules is suppressed only when each of its rules is named", async () => {
    const group = (comment: string) =>
      template([
        'AWSTemplateFormatVersion: "2010-09-09"',
        "Resources:",
        `  Legacy: ${comment}`,
        "    Type: AWS::EC2::Instance",
        "    Properties:",
        "      ImageId: ami-12345678",
        "      UserData:",
        "        Fn::Base64: |",
        "          export AWS_ACCESS_KEY_ID=AKIAQ3EGUWXYZ7ABCDEF",
        "          export AWS_SECRET_ACCESS_KEY=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",
      ]);
    const merged = await suppressedRules("box.yaml", group("# threatline:ignore TL-AWS-EC2-004 reason=x"));
    const sg = merged.threats.find((t) => t.ruleId === "TL-AWS-EC2-004");
    expect(sg?.contributingRules?.length).toBeGreaterThan(0);
    expect(merged.suppressed).toEqual([]);
    const ids = ["TL-AWS-EC2-004", ...sg!.contributingRules!.map((c) => c.ruleId)].join(",");
    const all = await suppressedRules("box.yaml", group(`# threatline:ignore ${ids} reason=x`));
    expect(all.suppressed).toEqual(["TL-AWS-EC2-004"]);
  });

  it("a trailing comment covers its own line, and several ids are comma-separated", async () => {
    const { suppressed } = await suppressedRules(
      "app.yaml",
      bucketAndGroup("", "# threatline:ignore TL-AWS-SG-001,TL-NOPE-001 reason=bastion"),
    );
    expect(suppressed).toEqual(["TL-AWS-SG-001"]);
  });

  it("an expired suppression stops suppressing and is reported with the threats it named", async () => {
    const { suppressed, outcome } = await suppressedRules(
      "app.yaml",
      bucketAndGroup('# threatline:ignore TL-AWS-S3-001 reason="temp" until=2026-12-06'),
    );
    expect(suppressed).toEqual([]);
    expect(outcome.expired).toHaveLength(1);
    expect(outcome.expired[0]).toMatchObject({ until: "2026-12-06", source: "app.yaml:3" });
    expect(outcome.expired[0]!.fingerprints).toHaveLength(1);
  });

  it("holds through its until day", async () => {
    const { suppressed } = await suppressedRules(
      "app.yaml",
      bucketAndGroup("# threatline:ignore TL-AWS-S3-001 until=2026-12-07"),
    );
    expect(suppressed).toEqual(["TL-AWS-S3-001"]);
  });

  it("reports unreadable comments instead of ignoring them", () => {
    const bad = findInlineSuppressions({
      path: "a.yaml",
      content: template([
        "# threatline:ignore",
        "a: 1",
        "# threatline:ignore TL-X-001 until=2027-02-30",
        "b: 2",
        "# threatline:ignore TL-X-001 colour=red",
        "c: 3",
        '# threatline:ignore TL-X-001 reason="unterminated',
        "d: 4",
      ]),
    });
    expect(bad.suppressions).toEqual([]);
    expect(bad.problems.map((p) => p.line)).toEqual([1, 3, 5, 7]);
    expect(bad.problems[1]!.message).toContain("until=2027-02-30 is not a date");
    expect(bad.problems[2]!.message).toContain("unknown key 'colour'");
  });

  it("reads HCL # and // comments, and none in JSON", async () => {
    const hcl = template([
      '// threatline:ignore TL-AWS-SG-001 reason="bastion"',
      'resource "aws_security_group" "ssh" {',
      "  ingress {",
      "    from_port   = 22",
      "    to_port     = 22",
      '    protocol    = "tcp"',
      '    cidr_blocks = ["0.0.0.0/0"] # threatline:ignore TL-OTHER-001',
      "  }",
      "}",
    ]);
    const found = findInlineSuppressions({ path: "main.tf", content: hcl });
    expect(found.suppressions.map((s) => [s.ruleIds, s.lines])).toEqual([
      [["TL-AWS-SG-001"], [2]],
      [["TL-OTHER-001"], [7]],
    ]);
    const { suppressed } = await suppressedRules("main.tf", hcl);
    expect(suppressed).toEqual(["TL-AWS-SG-001"]);
    expect(
      findInlineSuppressions({ path: "t.json", content: '{"a": "# threatline:ignore TL-X-001"}' }).suppressions,
    ).toEqual([]);
  });

  it("does not read a marker inside a URL or a word", () => {
    const found = findInlineSuppressions({
      path: "a.yaml",
      content: "x: http://threatline:ignore\ny: a#threatline:ignore TL-X-001\n",
    });
    expect(found).toEqual({ suppressions: [], problems: [] });
  });
});

describe("config suppressions", () => {
  const base: Suppression = {
    origin: "external",
    ruleIds: ["TL-AWS-S3-001"],
    reason: "public site",
    owner: "ana@example.com",
    until: null,
    source: ".threatline.yaml suppressions[0]",
  };

  it("narrow by resource and path glob", async () => {
    const content = bucketAndGroup("");
    const { threats } = await analyze([{ path: "infra/site/app.yaml", content }]);
    const count = (s: Suppression) => Object.keys(applySuppressions(threats, [s], "2026-12-07").suppressed).length;
    expect(count(base)).toBe(1);
    expect(count({ ...base, resource: "AppBucket" })).toBe(1);
    expect(count({ ...base, resource: "OtherBucket" })).toBe(0);
    expect(count({ ...base, pathGlob: "infra/**" })).toBe(1);
    expect(count({ ...base, pathGlob: "legacy/**" })).toBe(0);
    expect(count({ ...base, ruleIds: [], fingerprint: threats[0]!.fingerprint })).toBe(1);
    const unused = applySuppressions(threats, [{ ...base, ruleIds: ["TL-TYPO-001"] }], "2026-12-07");
    expect(unused.unused).toHaveLength(1);
  });

  it("globs: ** spans folders, * does not, a bare name matches at any depth", () => {
    expect(matchesGlob("infra/a/b.yaml", "infra/**")).toBe(true);
    expect(matchesGlob("infra/a/b.yaml", "infra/*.yaml")).toBe(false);
    expect(matchesGlob("infra/b.yaml", "infra/*.yaml")).toBe(true);
    expect(matchesGlob("x/y/legacy.tf", "legacy.tf")).toBe(true);
    expect(matchesGlob("x/y/legacy.tf", "**/*.tf")).toBe(true);
    expect(matchesGlob("main.tf", "**/*.tf")).toBe(true);
    expect(matchesGlob("a.b", "a?b")).toBe(true);
    expect(matchesGlob("axb", "a.b")).toBe(false);
  });
});
