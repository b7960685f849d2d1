import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { ScanReportSchema, severityRank } from "@threatline/domain";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { Ajv2020 } from "../../../packages/reports/test/ajv.ts";
import { sarifErrors } from "../../../packages/reports/test/sarif-validator.ts";
import { lineHashes } from "@threatline/reports";
import { makeWorkspace, runCli } from "./helpers.ts";

interface SarifLog {
  runs: Array<{
    automationDetails?: { id: string };
    tool: { driver: { rules: Array<{ id: string; helpUri?: string }> } };
    results: Array<{
      locations?: Array<{
        physicalLocation: { artifactLocation: { uri: string; uriBaseId?: string }; region: { startLine: number } };
      }>;
      partialFingerprints: Record<string, string>;
    }>;
  }>;
}
import { hugeTerraform } from "../../../scripts/faults/huge-templates.ts";

const EXPECTED_FILES = [
  "api/openapi.yaml",
  "infra/app.yaml",
  "k8s/deploy.yaml",
  "tf/network/acl.tf",
  "tf/network/main.tf",
  "tf/network/variables.tf",
];

describe("threatline scan", { timeout: 60_000 }, () => {
  let cwd: string;
  beforeAll(() => {
    cwd = makeWorkspace();
  });
  afterAll(() => rmSync(cwd, { recursive: true, force: true }));

  it("walks folders, skips node_modules/.git/.terraform and writes the public ScanReport as JSON", async () => {
    const run = await runCli(["scan", ".", "--format", "json"], { cwd });
    expect(run.stderr).toBe("");
    expect(run.code).toBe(0);
    const report = ScanReportSchema.parse(JSON.parse(run.stdout));
    const schema = JSON.parse(
      readFileSync(new URL("../../../docs/schemas/threatline-scan-report.v1.schema.json", import.meta.url), "utf8"),
    ) as object;
    expect(new Ajv2020({ strict: false }).validate(schema, JSON.parse(run.stdout))).toBe(true);
    expect(report.tool.name).toBe("threatline");
    expect(report.files.map((f) => f.path).sort()).toEqual(EXPECTED_FILES);
    expect(report.summary.bySeverity).toEqual(
      Object.fromEntries(
        ["critical", "high", "medium", "low", "info"].map((s) => [
          s,
          report.threats.filter((t) => t.severity === s).length,
        ]),
      ),
    );
  });

  it("analyses a Terraform folder as one module: a public ACL in acl.tf lands on the bucket declared in main.tf", async () => {
    const together = ScanReportSchema.parse(
      JSON.parse((await runCli(["scan", "tf", "--format", "json"], { cwd })).stdout),
    );
    const acl = together.threats.filter((t) => t.resources.some((r) => r.file === "tf/network/acl.tf"));
    expect(acl.length).toBeGreaterThan(0);
    for (const t of acl) expect(t.resources[0]).toMatchObject({ id: "aws_s3_bucket.data", file: "tf/network/main.tf" });
    // Alone, acl.tf names a bucket the engine never sees, so nothing can be said about it.
    const alone = ScanReportSchema.parse(
      JSON.parse((await runCli(["scan", "tf/network/acl.tf", "--format", "json"], { cwd })).stdout),
    );
    expect(alone.threats.filter((t) => acl.some((a) => a.fingerprint === t.fingerprint))).toEqual([]);
  });

  it("takes files named explicitly whatever their extension, once each", async () => {
    const run = await runCli(["scan", "README.md", "infra/app.yaml", "infra", "--format", "json"], { cwd });
    // README.md was named, so its failure counts (exit 3); package.json found by a walk would not.
    expect(run.code).toBe(3);
    const report = ScanReportSchema.parse(JSON.parse(run.stdout));
    expect(report.files.map((f) => f.path)).toEqual(["README.md", "infra/app.yaml"]);
    expect(report.files[0]!.error?.code).toBe("template/unsupported-format");
  });

  it("prints a readable summary by default", async () => {
    const run = await runCli(["scan", "."], { cwd });
    expect(run.code).toBe(0);
    expect(run.stdout).toMatch(/^Threatline \d+\.\d+\.\d+ — 6 file\(s\) scanned/);
    expect(run.stdout).toMatch(/Severity: /);
    expect(run.stdout).not.toContain("\u001b[");
  });

  it("writes SARIF that passes the SARIF 2.1.0 schema, to --output", async () => {
    const out = path.join(cwd, "out", "scan.sarif");
    const missingDir = await runCli(["scan", ".", "--format", "sarif", "--output", out], { cwd });
    expect(missingDir.code).toBe(2);
    expect(missingDir.stderr).toContain("Cannot write");
    const file = path.join(cwd, "scan.sarif");
    const run = await runCli(["scan", "infra", "tf", "--format", "sarif", "--output", file], { cwd });
    expect(run.code).toBe(0);
    expect(run.stdout).toBe("");
    expect(run.stderr).toContain("scan.sarif");
    expect(sarifErrors(JSON.parse(readFileSync(file, "utf8")))).toEqual([]);
  });

  it("writes SARIF for GitHub code scanning from a subfolder: repository-relative URIs, line hashes, category", async () => {
    // The workspace has a .git folder: its root is the repository root, whichever folder the scan runs from.
    const base = "https://github.com/example/infra/blob/main/docs/rules";
    const run = await runCli(
      ["scan", ".", "../tf", "--format", "sarif", "--category", "iac", "--help-uri-base", base],
      { cwd: path.join(cwd, "infra") },
    );
    expect(run.stderr).toBe("");
    const log = JSON.parse(run.stdout) as SarifLog;
    expect(sarifErrors(log)).toEqual([]);
    const sarifRun = log.runs[0]!;
    expect(sarifRun.automationDetails).toEqual({ id: "iac/" });
    const located = sarifRun.results.map((r) => r.locations![0]!.physicalLocation);
    expect(new Set(located.map((l) => l.artifactLocation.uriBaseId))).toEqual(new Set(["%SRCROOT%"]));
    expect(new Set(located.map((l) => l.artifactLocation.uri.split("/")[0]))).toEqual(new Set(["infra", "tf"]));
    for (const r of sarifRun.results) {
      const l = r.locations![0]!.physicalLocation;
      const text = readFileSync(path.join(cwd, decodeURIComponent(l.artifactLocation.uri)), "utf8");
      expect(r.partialFingerprints.primaryLocationLineHash).toBe(lineHashes(text)[l.region.startLine]);
      expect(r.locations).toHaveLength(1);
    }
    const rule = sarifRun.tool.driver.rules.find((d) => d.id.startsWith("TL-AWS-"))!;
    expect(rule.helpUri).toBe(`${base}/${rule.id}.md`);
    expect(readFileSync(new URL(`../../../docs/rules/${rule.id}.md`, import.meta.url), "utf8")).toContain(rule.id);
  });

  it("links rules only to a configured docs base (--help-uri-base or THREATLINE_HELP_URI_BASE), refusing a bad one", async () => {
    const rulesOf = (stdout: string) => (JSON.parse(stdout) as SarifLog).runs[0]!.tool.driver.rules;
    const none = await runCli(["scan", "infra", "--format", "sarif"], { cwd, env: { THREATLINE_HELP_URI_BASE: "" } });
    expect(rulesOf(none.stdout).some((r) => r.helpUri !== undefined)).toBe(false);
    const fromEnv = await runCli(["scan", "infra", "--format", "sarif"], {
      cwd,
      env: { THREATLINE_HELP_URI_BASE: "https://docs.example/rules/" },
    });
    for (const r of rulesOf(fromEnv.stdout).filter((d) => d.id.startsWith("TL-")))
      expect(r.helpUri).toBe(`https://docs.example/rules/${r.id}.md`);
    const bad = await runCli(["scan", "infra", "--format", "sarif", "--help-uri-base", "docs/rules"], { cwd });
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/--help-uri-base must be an http\(s\) URL/);
  });

  it("warns about a file outside --source-root and writes its full path, never a cut one", async () => {
    const run = await runCli(["scan", "infra", "tf", "--format", "sarif", "--source-root", "tf"], { cwd });
    expect(run.code).toBe(0);
    expect(run.stderr).toMatch(/warning: 1 file\(s\) lie outside the source root.*infra\/app\.yaml/);
    const uris = (JSON.parse(run.stdout) as SarifLog).runs[0]!.results.map(
      (r) => r.locations![0]!.physicalLocation.artifactLocation.uri,
    );
    expect(uris).toContain(`file://${path.join(cwd, "infra", "app.yaml").split(path.sep).join("/")}`);
    expect(uris.filter((u) => u.startsWith("network/")).length).toBeGreaterThan(0);
    const badRoot = await runCli(["scan", "infra", "--format", "sarif", "--source-root", "nowhere"], { cwd });
    expect(badRoot.code).toBe(2);
    expect(badRoot.stderr).toContain("--source-root nowhere: no such folder");
  });

  it("exits 2 with a clear message for missing paths and bad options", async () => {
    const missing = await runCli(["scan", "does-not-exist"], { cwd });
    expect(missing.code).toBe(2);
    expect(missing.stderr).toContain("Cannot read 'does-not-exist'");
    const format = await runCli(["scan", ".", "--format", "pdf"], { cwd });
    expect(format.code).toBe(2);
    expect(format.stderr).toContain("Allowed choices are text, json");
    const severity = await runCli(["scan", ".", "--fail-on", "severe"], { cwd });
    expect(severity.code).toBe(2);
    expect(severity.stderr).toContain("Unknown severity 'severe'");
    const none = await runCli(["scan"], { cwd });
    expect(none.code).toBe(2);
    expect(none.stderr).toContain("missing required argument");
    expect(existsSync(path.join(cwd, "does-not-exist"))).toBe(false);
  });

  it("exits 1 with --fail-on exactly when a threat is at or above the threshold", async () => {
    const json = await runCli(["scan", ".", "--format", "json"], { cwd });
    const report = ScanReportSchema.parse(JSON.parse(json.stdout));
    // The fixture holds a public bucket, world-open SSH and a privileged container: the engine must find them.
    expect(report.threats.length).toBeGreaterThan(0);
    const worst = report.threats.reduce(
      (w, t) => (severityRank(t.severity) < severityRank(w) ? t.severity : w),
      report.threats[0]!.severity,
    );
    const failing = await runCli(["scan", ".", "--fail-on", worst], { cwd });
    expect(failing.code).toBe(1);
    expect(failing.stderr).toMatch(/threat\(s\) at or above/);
    if (worst !== "critical") {
      const above = (["critical", "high", "medium", "low", "info"] as const)[severityRank(worst) - 1]!;
      expect((await runCli(["scan", ".", "--fail-on", above], { cwd })).code).toBe(0);
    }
  });

  it("applies the same cap as the server: the highest-scoring --max-threats, the rest counted by rule and severity", async () => {
    const dir = mkdtempSync(path.join(tmpdir(), "threatline-cap-"));
    try {
      const file = hugeTerraform(400);
      mkdirSync(path.join(dir, "huge"), { recursive: true });
      writeFileSync(path.join(dir, file.path), file.content);
      const all = ScanReportSchema.parse(
        JSON.parse((await runCli(["scan", ".", "--format", "json"], { cwd: dir })).stdout),
      );
      expect(all.threats.length).toBeGreaterThan(1_000);
      expect(all.omitted).toBeUndefined();

      const run = await runCli(["scan", ".", "--format", "json", "--max-threats", "300"], { cwd: dir });
      expect(run.code).toBe(0);
      const capped = ScanReportSchema.parse(JSON.parse(run.stdout));
      expect(capped.threats).toHaveLength(300);
      expect(capped.threats.map((t) => t.fingerprint)).toEqual(all.threats.slice(0, 300).map((t) => t.fingerprint));
      const omitted = capped.omitted!;
      expect(omitted.count).toBe(all.threats.length - 300);
      expect(Object.values(omitted.byRule).reduce((a, b) => a + b, 0)).toBe(omitted.count);
      expect(Object.values(omitted.bySeverity).reduce((a, b) => a + b, 0)).toBe(omitted.count);

      const text = await runCli(["scan", ".", "--max-threats", "300"], { cwd: dir });
      expect(text.stdout).toContain(`${omitted.count} more threat(s) not listed (over --max-threats)`);
      expect((await runCli(["scan", ".", "--max-threats", "0"], { cwd: dir })).code).toBe(2);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
