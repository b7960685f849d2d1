import { describe, expect, it } from "vitest";
import { TeamRuleSchema, type TeamRuleCondition } from "@threatline/domain";
import { analyze, buildGraph, createRuleContext } from "../src/analyze.ts";
import { compileTeamRule, evaluate, runRuleFixtures, valuesAt } from "../src/team-rules.ts";

const TEMPLATE = `Parameters:
  Port: { Type: Number }
Resources:
  Web:
    Type: AWS::EC2::Instance
    Properties:
      ImageId: ami-123
      InstanceType: t3.micro
      SecurityGroupIds: [!Ref WebSg]
      Tags:
        - { Key: owner, Value: web-team }
        - { Key: tier, Value: "2" }
  WebSg:
    Type: AWS::EC2::SecurityGroup
    Properties:
      GroupDescription: web
      SecurityGroupIngress:
        - { IpProtocol: tcp, FromPort: 22, ToPort: 22, CidrIp: 0.0.0.0/0 }
        - { IpProtocol: tcp, FromPort: !Ref Port, ToPort: 443, CidrIp: 10.0.0.0/8 }
  Lonely:
    Type: AWS::S3::Bucket
`;

const rule = (where?: TeamRuleCondition, kind: string | string[] = "aws.ec2.instance") =>
  TeamRuleSchema.parse({
    id: "ACME-T-001",
    title: "t",
    category: "Tampering",
    likelihood: 3,
    impact: 3,
    description: "{resource} is bad",
    remediation: "fix it",
    match: { kind, ...(where ? { where } : {}) },
  });

describe("team rules", async () => {
  const { graph } = await buildGraph([{ path: "t.yaml", content: TEMPLATE }]);
  const ctx = createRuleContext(graph);
  const web = ctx.byId.get("Web")!;
  const sg = ctx.byId.get("WebSg")!;
  const holds = (node: typeof web, c: TeamRuleCondition) => evaluate(ctx, node, c).holds;

  it("reads values at dotted paths, with * over lists", () => {
    expect(valuesAt(web.properties, "Properties.Tags.*.Key")).toEqual([
      { path: "Properties.Tags.0.Key", value: "owner" },
      { path: "Properties.Tags.1.Key", value: "tier" },
    ]);
    expect(valuesAt(web.properties, "Properties.Nope.x")).toEqual([]);
  });

  it("property tests: equals, notEquals, exists, missing, in, matches and numeric compares", () => {
    const p = (c: object) => holds(web, { property: "Properties.InstanceType", ...c });
    expect(p({ equals: "t3.micro" })).toBe(true);
    expect(p({ equals: "t3.large" })).toBe(false);
    expect(p({ notEquals: "t3.large" })).toBe(true);
    expect(p({ exists: true })).toBe(true);
    expect(p({ missing: true })).toBe(false);
    expect(holds(web, { property: "Properties.KeyName", missing: true })).toBe(true);
    expect(holds(web, { property: "Properties.KeyName", exists: true })).toBe(false);
    expect(p({ in: ["t3.micro", "t3.small"] })).toBe(true);
    expect(p({ in: ["m5.large"] })).toBe(false);
    expect(p({ matches: "^t3\\." })).toBe(true);
    expect(p({ matches: "^m5" })).toBe(false);
    const tier = (c: object) => holds(web, { property: "Properties.Tags.1.Value", ...c });
    expect(tier({ gt: 1 })).toBe(true);
    expect(tier({ gte: 2, lte: 2 })).toBe(true);
    expect(tier({ lt: 2 })).toBe(false);
    expect(p({ gt: 1 })).toBe(false);
  });

  it("normalised attrs, and a value the engine could not resolve never matches", () => {
    expect(holds(sg, { attr: "ingress.*.cidr", equals: "0.0.0.0/0" })).toBe(true);
    expect(holds(sg, { attr: "ingress.*.from", lt: 1024 })).toBe(true);
    // The second rule's FromPort is a parameter without default: unresolved, so it is neither < nor >= 0.
    expect(holds(sg, { all: [{ attr: "ingress.1.from", lt: 100000 }] })).toBe(false);
    expect(holds(sg, { attr: "ingress.1.from", gte: 0 })).toBe(false);
    expect(holds(sg, { attr: "ingress.1.from", exists: true })).toBe(true);
  });

  it("combines with all, any and not", () => {
    const yes: TeamRuleCondition = { property: "Properties.ImageId", exists: true };
    const no: TeamRuleCondition = { property: "Properties.KeyName", exists: true };
    expect(holds(web, { all: [yes, yes] })).toBe(true);
    expect(holds(web, { all: [yes, no] })).toBe(false);
    expect(holds(web, { any: [no, yes] })).toBe(true);
    expect(holds(web, { any: [no, no] })).toBe(false);
    expect(holds(web, { not: no })).toBe(true);
    expect(holds(web, { not: { any: [yes] } })).toBe(false);
  });

  it("relations: attached by an edge (direction, kind, condition on the other) and reachable from the internet", () => {
    expect(holds(web, { internet: true })).toBe(true);
    expect(holds(ctx.byId.get("Lonely")!, { internet: true })).toBe(false);
    expect(holds(web, { attached: { edge: "security-group", kind: "aws.ec2.security-group" } })).toBe(true);
    expect(holds(web, { attached: { edge: "security-group", direction: "in" } })).toBe(false);
    expect(holds(sg, { attached: { direction: "in", type: "AWS::EC2::Instance" } })).toBe(true);
    expect(holds(web, { attached: { edge: "iam-role" } })).toBe(false);
    expect(
      holds(web, {
        attached: { kind: "aws.ec2.security-group", where: { attr: "ingress.*.cidr", equals: "0.0.0.0/0" } },
      }),
    ).toBe(true);
    expect(
      holds(web, {
        attached: { kind: "aws.ec2.security-group", where: { attr: "ingress.*.cidr", equals: "1.2.3.4/32" } },
      }),
    ).toBe(false);
  });

  it("compiles into a rule whose threats carry evidence lines and the related resource", async () => {
    const compiled = compileTeamRule(
      rule({
        all: [{ property: "Properties.Tags.*.Key", equals: "owner" }, { attached: { edge: "security-group" } }],
      }),
    );
    const { threats } = await analyze([{ path: "t.yaml", content: TEMPLATE }], { rules: [compiled] });
    expect(threats).toHaveLength(1);
    expect(threats[0]).toMatchObject({
      ruleId: "ACME-T-001",
      category: "Tampering",
      description: "Web is bad",
      severity: "medium",
      evidence: [{ file: "t.yaml", line: 11, path: "Properties.Tags.0.Key" }],
    });
    expect(threats[0]!.resources.map((r) => r.id)).toEqual(["Web", "WebSg"]);
    // A rule matched by type only runs on any graph.
    const byType = compileTeamRule({ ...rule(), match: { type: "AWS::S3::Bucket" } });
    const buckets = await analyze([{ path: "t.yaml", content: TEMPLATE }], { rules: [byType] });
    expect(buckets.threats.map((t) => t.resources[0]!.id)).toEqual(["Lonely"]);
  });

  it("runs fixtures like the builtin harness: positive must raise, negative must not, both must exist", async () => {
    const compiled = compileTeamRule(rule({ property: "Properties.Tags.*.Key", equals: "owner" }));
    const file = { path: "t.yaml", content: TEMPLATE };
    const ok = await runRuleFixtures(compiled, [
      { name: "tagged", file, expect: "threat" },
      {
        name: "bucket only",
        file: { path: "b.yaml", content: "Resources:\n  B:\n    Type: AWS::S3::Bucket\n" },
        expect: "none",
      },
    ]);
    expect(ok.every((r) => r.passed)).toBe(true);
    const wrong = await runRuleFixtures(compiled, [{ name: "tagged", file, expect: "none" }]);
    expect(wrong.map((r) => [r.name, r.passed])).toEqual([
      ["(positive fixture)", false],
      ["tagged", false],
    ]);
    expect(wrong[1]!.problem).toContain("expected no threat, got 1 on Web");
    const broken = await runRuleFixtures(compiled, [
      { name: "broken", file: { path: "x.yaml", content: "a: [" }, expect: "threat" },
    ]);
    expect(broken.find((r) => r.name === "broken")!.problem).toMatch(/^template\//);
  });

  it("validates rule files: unknown keys, a condition without a test, a bad regex, an id without a dash", () => {
    const base = { ...rule(), match: { kind: "aws.s3.bucket" } };
    expect(TeamRuleSchema.safeParse(base).success).toBe(true);
    for (const bad of [
      { ...base, severity: "high" },
      { ...base, id: "ACME" },
      { ...base, likelihood: 6 },
      { ...base, category: "Tamper" },
      { ...base, match: {} },
      { ...base, match: { kind: "x", where: { property: "a" } } },
      { ...base, match: { kind: "x", where: { property: "a", matches: "(" } } },
      { ...base, match: { kind: "x", where: { attached: { edge: "x", colour: 1 } } } },
      { ...base, tests: [{ expect: "threat" }] },
      { ...base, tests: [{ content: "a: 1", expect: "threat" }] },
    ])
      expect(TeamRuleSchema.safeParse(bad).success, JSON.stringify(bad)).toBe(false);
  });
});
