import { readFileSync, rmSync, writeFileSync } from "node:fs";
import path from "node:path";
import { ScanReportSchema, type ScanReport } from "@threatline/domain";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { sarifErrors } from "../../../packages/reports/test/sarif-validator.ts";
import { makeWorkspace, runCli } from "./helpers.ts";

const active = (r: ScanReport) => r.threats.filter((t) => !r.suppressed?.[t.fingerprint]).map((t) => t.fingerprint);

const APP = (bucketComment: string) =>
  [
    'AWSTemplateFormatVersion: "2010-09-09"',
    "Resources:",
    ...(bucketComment ? [`  ${bucketComment}`] : []),
    "  AppBucket:",
    "    Type: AWS::S3::Bucket",
    "    Properties:",
    "      AccessControl: PublicRead",
    "  WebSecurityGroup:",
    "    Type: AWS::EC2::SecurityGroup",
    "    Properties:",
    "      GroupDescription: web",
    "      SecurityGroupIngress:",
    "        - { IpProtocol: tcp, FromPort: 22, ToPort: 22, CidrIp: 0.0.0.0/0 }",
    "",
  ].join("\n");

describe("threatline scan with suppressions, config, baselines and exit codes", { timeout: 120_000 }, () => {
  let cwd: string;
  const json = async (args: string[]) => {
    const run = await runCli([...args, "--format", "json"], { cwd });
    return { run, report: ScanReportSchema.parse(JSON.parse(run.stdout)) };
  };
  const write = (rel: string, content: string) => writeFileSync(path.join(cwd, rel), content);

  beforeAll(() => {
    cwd = makeWorkspace();
  });
  afterAll(() => rmSync(cwd, { recursive: true, force: true }));

  it("an inline ignore removes exactly its threat, and keeps it in JSON and SARIF marked suppressed", async () => {
    write("infra/app.yaml", APP(""));
    const { report: before } = await json(["scan", "infra"]);
    const target = before.threats.find((t) => t.ruleId === "TL-AWS-S3-001" && t.resources[0]?.id === "AppBucket")!;
    expect(target).toBeDefined();

    write("infra/app.yaml", APP('# threatline:ignore TL-AWS-S3-001 reason="public website" until=2099-12-31'));
    const { run, report: after } = await json(["scan", "infra"]);
    expect(run.code).toBe(0);
    expect(run.stderr).toBe("");
    // Same threats found (the fingerprint ignores lines); exactly the one named is suppressed.
    expect(after.threats.map((t) => t.fingerprint).sort()).toEqual(before.threats.map((t) => t.fingerprint).sort());
    expect(active(before).filter((fp) => !active(after).includes(fp))).toEqual([target.fingerprint]);
    expect(after.suppressed?.[target.fingerprint]).toMatchObject({
      kind: "inSource",
      reason: "public website",
      until: "2099-12-31",
      source: "infra/app.yaml:3",
    });
    expect(after.summary.suppressed).toBe(1);
    expect(after.summary.riskScore).toBe(before.summary.riskScore - target.score);

    const sarif = await runCli(["scan", "infra", "--format", "sarif"], { cwd });
    const log = JSON.parse(sarif.stdout) as {
      runs: Array<{ results: Array<{ partialFingerprints: Record<string, string>; suppressions?: unknown[] }> }>;
    };
    expect(sarifErrors(log)).toEqual([]);
    const results = log.runs[0]!.results;
    expect(results).toHaveLength(before.threats.length);
    const suppressedResults = results.filter((r) => r.suppressions);
    expect(suppressedResults.map((r) => r.partialFingerprints["threatlineFingerprint/v1"])).toEqual([
      target.fingerprint,
    ]);
    expect(suppressedResults[0]!.suppressions).toEqual([
      expect.objectContaining({ kind: "inSource", status: "accepted" }),
    ]);

    const text = await runCli(["scan", "infra"], { cwd });
    expect(text.stdout).toMatch(/\(1 suppressed\)/);
    expect(text.stdout).toContain("Suppressed: 1 threat(s) (1 by infra/app.yaml:3)");
    // --fail-on critical: the only critical threat is the suppressed one.
    expect((await runCli(["scan", "infra", "--fail-on", "critical"], { cwd })).code).toBe(0);
  });

  it("an expired inline ignore suppresses nothing and says so", async () => {
    write("infra/app.yaml", APP(""));
    const { report: before } = await json(["scan", "infra"]);
    write("infra/app.yaml", APP('# threatline:ignore TL-AWS-S3-001 reason="temp" until=2020-01-31'));
    const { run, report } = await json(["scan", "infra"]);
    expect(active(report).sort()).toEqual(active(before).sort());
    expect(report.suppressed).toEqual({});
    expect(report.expiredSuppressions).toEqual([
      expect.objectContaining({ until: "2020-01-31", source: "infra/app.yaml:3", fingerprints: [expect.any(String)] }),
    ]);
    expect(run.stderr).toContain("the suppression in infra/app.yaml:3 expired on 2020-01-31");
    const text = await runCli(["scan", "infra", "--fail-on", "critical"], { cwd });
    expect(text.code).toBe(1);
    expect(text.stdout).toContain("Expired: the suppression in infra/app.yaml:3 ended 2020-01-31");
  });

  it("warns about an ignore comment it cannot read", async () => {
    write("infra/app.yaml", APP("# threatline:ignore TL-AWS-S3-001 until=tomorrow"));
    const run = await runCli(["scan", "infra"], { cwd });
    expect(run.stderr).toContain("warning: infra/app.yaml:3: until=tomorrow is not a date");
    write("infra/app.yaml", APP(""));
  });

  it("reads .threatline.yaml from the scanned folder up: skip, severity, exclude and suppressions", async () => {
    const { report: plain } = await json(["scan", "."]);
    write(
      ".threatline.yaml",
      [
        "skip: [Repudiation, TL-K8S-POD-001]",
        "severity:",
        "  TL-AWS-SG-001: low",
        "exclude: ['api/**']",
        "suppressions:",
        "  - rule: TL-AWS-S3-001",
        "    path: 'tf/**'",
        "    owner: ana@example.com",
        "    reason: logs bucket behind CloudFront",
        "    until: 2099-01-01",
        "",
      ].join("\n"),
    );
    try {
      // Found from a sub-folder too: the walk goes up to the repository root.
      for (const [args, opts] of [
        [["scan", "."], {}],
        [["scan", "network"], { cwd: path.join(cwd, "tf") }],
      ] as const) {
        const run = await runCli([...args, "--format", "json"], { cwd: opts.cwd ?? cwd });
        expect(run.code).toBe(0);
        const r = ScanReportSchema.parse(JSON.parse(run.stdout));
        expect(r.threats.some((t) => t.category === "Repudiation" || t.ruleId === "TL-K8S-POD-001")).toBe(false);
        expect(r.threats.filter((t) => t.ruleId === "TL-AWS-SG-001").map((t) => t.severity)).not.toContain("high");
        const suppressed = Object.values(r.suppressed ?? {});
        expect(suppressed).toEqual([
          expect.objectContaining({
            kind: "external",
            owner: "ana@example.com",
            source: ".threatline.yaml suppressions[0]",
          }),
        ]);
      }
      const { report } = await json(["scan", "."]);
      expect(report.files.map((f) => f.path)).not.toContain("api/openapi.yaml");
      expect(report.files.map((f) => f.path)).not.toContain(".threatline.yaml");
      // The infra bucket's public ACL is not under tf/: it stays.
      expect(
        active(report).some(
          (fp) => report.threats.find((t) => t.fingerprint === fp)?.resources[0]?.file === "infra/app.yaml",
        ),
      ).toBe(true);
      expect(plain.threats.length).toBeGreaterThan(report.threats.length);
      // --skip on the command line adds to the config's.
      const { report: fewer } = await json(["scan", ".", "--skip", "TL-AWS-SG-001"]);
      expect(fewer.threats.some((t) => t.ruleId === "TL-AWS-SG-001")).toBe(false);
      const { report: only } = await json(["scan", ".", "--only", "Spoofing"]);
      expect(new Set(only.threats.map((t) => t.category))).toEqual(new Set(["Spoofing"]));
    } finally {
      rmSync(path.join(cwd, ".threatline.yaml"));
    }
  });

  it("refuses an invalid config with exit 2 and says where", async () => {
    write(
      "bad.yaml",
      "skip: TL-AWS-S3-001\nfail-on: severe\ncolour: red\nsuppressions:\n  - rule: X\n    until: 2027-02-30\n",
    );
    const run = await runCli(["scan", ".", "--config", "bad.yaml"], { cwd });
    expect(run.code).toBe(2);
    expect(run.stderr).toContain("Config 'bad.yaml' is invalid:");
    expect(run.stderr).toContain("skip: Invalid input: expected array");
    expect(run.stderr).toContain("fail-on:");
    expect(run.stderr).toContain("unknown key(s) 'colour'");
    expect(run.stderr).toContain("suppressions[0].owner: missing (required)");
    expect(run.stderr).toContain("suppressions[0].until: expected a date written YYYY-MM-DD");
    write("bad.yaml", "skip: [a\n");
    const yaml = await runCli(["scan", ".", "--config", "bad.yaml"], { cwd });
    expect(yaml.code).toBe(2);
    expect(yaml.stderr).toContain("Config 'bad.yaml' is not valid YAML");
    const missing = await runCli(["scan", ".", "--config", "nope.yaml"], { cwd });
    expect(missing.code).toBe(2);
    expect(missing.stderr).toContain("Cannot read config 'nope.yaml'");
    rmSync(path.join(cwd, "bad.yaml"));
  });

  it("a baseline of the same scan gives zero new threats and exit 0 under --fail-on; a new threat fails", async () => {
    const write1 = await runCli(["scan", ".", "--write-baseline", "baseline.json", "--fail-on", "info"], { cwd });
    expect(write1.code).toBe(1);
    expect(write1.stderr).toMatch(/Wrote a baseline of \d+ threat\(s\) to baseline.json/);
    const baseline = ScanReportSchema.parse(JSON.parse(readFileSync(path.join(cwd, "baseline.json"), "utf8")));
    expect(baseline.threats.length).toBeGreaterThan(0);

    const same = await runCli(["scan", ".", "--baseline", "baseline.json", "--fail-on", "info", "--format", "json"], {
      cwd,
    });
    expect(same.code).toBe(0);
    const report = ScanReportSchema.parse(JSON.parse(same.stdout));
    expect(report.threats).toEqual([]);
    expect(report.baseline).toEqual({ file: "baseline.json", known: baseline.threats.length });
    const text = await runCli(["scan", ".", "--baseline", "baseline.json"], { cwd });
    expect(text.stdout).toContain("No threats beyond the baseline.");

    write(
      "infra/extra.yaml",
      "Resources:\n  Extra:\n    Type: AWS::S3::Bucket\n    Properties:\n      AccessControl: PublicReadWrite\n",
    );
    try {
      const next = await runCli(["scan", ".", "--baseline", "baseline.json", "--fail-on", "high", "--format", "json"], {
        cwd,
      });
      expect(next.code).toBe(1);
      const added = ScanReportSchema.parse(JSON.parse(next.stdout));
      expect(added.threats.length).toBeGreaterThan(0);
      expect(added.threats.every((t) => t.resources[0]?.file === "infra/extra.yaml")).toBe(true);
    } finally {
      rmSync(path.join(cwd, "infra/extra.yaml"));
    }
    write("not-a-report.json", '{"hello": 1}');
    const bad = await runCli(["scan", ".", "--baseline", "not-a-report.json"], { cwd });
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain("is not a Threatline JSON report");
    rmSync(path.join(cwd, "not-a-report.json"));
  });

  it("exit codes: 0 clean, 1 threshold met, 2 usage error, 3 a file failed", async () => {
    write(
      "clean.yaml",
      "Resources:\n  Topic:\n    Type: AWS::SNS::Topic\n    Properties:\n      KmsMasterKeyId: alias/x\n",
    );
    write("broken.yaml", "Resources:\n  Bucket:\n    Type: [AWS::S3::Bucket\n");
    try {
      const clean = await runCli(["scan", "clean.yaml", "--fail-on", "critical"], { cwd });
      expect(clean.code).toBe(0);
      expect((await runCli(["scan", "infra", "--fail-on", "high"], { cwd })).code).toBe(1);
      expect((await runCli(["scan", "infra", "--fail-on", "urgent"], { cwd })).code).toBe(2);
      expect((await runCli(["scan", "infra", "--frobnicate"], { cwd })).code).toBe(2);
      const broken = await runCli(["scan", "clean.yaml", "broken.yaml"], { cwd });
      expect(broken.code).toBe(3);
      expect(broken.stderr).toContain("1 file(s) could not be analysed: broken.yaml");
      // A threshold met wins over a failed file: the gate's answer comes first.
      expect((await runCli(["scan", "infra", "broken.yaml", "--fail-on", "high"], { cwd })).code).toBe(1);
      // Named explicitly, a file that is no template failed; found by a folder walk (package.json) it did not.
      expect((await runCli(["scan", "README.md"], { cwd })).code).toBe(3);
      const help = await runCli(["scan", "--help"], { cwd });
      expect(help.code).toBe(0);
      expect(help.stdout).toContain(
        "Exit codes: 0 clean, 1 a threat at or above --fail-on, 2 usage or config error, 3",
      );
    } finally {
      rmSync(path.join(cwd, "clean.yaml"));
      rmSync(path.join(cwd, "broken.yaml"));
    }
    write("package.json", '{"name": "x"}');
    expect((await runCli(["scan", "."], { cwd })).code).toBe(0);
    rmSync(path.join(cwd, "package.json"));
  });
});
