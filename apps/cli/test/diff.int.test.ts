import { execFileSync } from "node:child_process";
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { ThreatDelta } from "../src/lib/delta.ts";
import { runCli } from "./helpers.ts";

const FIXTURES = fileURLToPath(new URL("./fixtures/workspace", import.meta.url));
const NETPOL =
  "apiVersion: networking.k8s.io/v1\nkind: NetworkPolicy\nmetadata:\n  name: default-deny\n  namespace: prod\n" +
  "spec:\n  podSelector: {}\n  policyTypes: [Ingress, Egress]\n";

const SG = (port: number) =>
  [
    "Resources:",
    "  Sg:",
    "    Type: AWS::EC2::SecurityGroup",
    "    Properties:",
    "      GroupDescription: web",
    "      SecurityGroupIngress:",
    `        - { IpProtocol: tcp, FromPort: ${port}, ToPort: ${port}, CidrIp: 0.0.0.0/0 }`,
    "",
  ].join("\n");

describe("threatline diff --base REF", { timeout: 120_000 }, () => {
  let repo: string;
  const gitIn = (...args: string[]) => execFileSync("git", args, { cwd: repo, encoding: "utf8" });
  const write = (rel: string, content: string) => {
    mkdirSync(path.dirname(path.join(repo, rel)), { recursive: true });
    writeFileSync(path.join(repo, rel), content);
  };

  beforeAll(() => {
    repo = mkdtempSync(path.join(tmpdir(), "threatline-diff-"));
    gitIn("init", "-q", "-b", "main");
    gitIn("config", "user.email", "ci@example.com");
    gitIn("config", "user.name", "CI");
    write("infra/sg.yaml", SG(22));
    write(
      "infra/untouched.yaml",
      "Resources:\n  B:\n    Type: AWS::S3::Bucket\n    Properties:\n      AccessControl: PublicRead\n",
    );
    write("tf/net/main.tf", 'resource "aws_s3_bucket" "data" {\n  bucket = "data"\n}\n');
    write("package.json", '{"name": "app"}\n');
    write("k8s/deploy.yaml", readFileSync(path.join(FIXTURES, "k8s/deploy.yaml"), "utf8"));
    write("k8s/netpol.yaml", NETPOL);
    gitIn("add", "-A");
    gitIn("commit", "-q", "-m", "one");
    // The second commit opens RDP instead of SSH: one threat added, one resolved.
    write("infra/sg.yaml", SG(3389));
    write("package.json", '{"name": "app", "version": "2"}\n');
    gitIn("commit", "-q", "-a", "-m", "two");
  });
  afterAll(() => rmSync(repo, { recursive: true, force: true }));

  it("shows one added and one resolved threat between two commits, as text, JSON and Markdown", async () => {
    const text = await runCli(["diff", "--base", "HEAD~1"], { cwd: repo });
    expect(text.stderr).toBe("");
    expect(text.code).toBe(0);
    expect(text.stdout).toMatch(/1 changed template\(s\), 1 scanned/);
    expect(text.stdout).toContain("Added: 1 (1 high)");
    expect(text.stdout).toContain("Resolved: 1 (1 high)");
    expect(text.stdout).toContain("Unchanged: 0");

    const json = await runCli(["diff", "--base", "HEAD~1", "--format", "json"], { cwd: repo });
    const delta = JSON.parse(json.stdout) as ThreatDelta;
    expect(delta.files).toEqual({ changed: ["infra/sg.yaml"], scanned: ["infra/sg.yaml"] });
    expect(delta.added.map((t) => `${t.ruleId} ${t.resources[0]!.id}`)).toEqual(["TL-AWS-SG-002 Sg"]);
    expect(delta.resolved.map((t) => `${t.ruleId} ${t.resources[0]!.id}`)).toEqual(["TL-AWS-SG-001 Sg"]);
    expect(delta.unchanged).toEqual([]);
    expect(delta.risk.change).toBe(delta.added[0]!.score - delta.resolved[0]!.score);
    expect(delta.base.commit).toBe(gitIn("rev-parse", "HEAD~1").trim());

    const md = await runCli(["diff", "--base", "HEAD~1", "--format", "markdown", "--output", "summary.md"], {
      cwd: repo,
    });
    expect(md.code).toBe(0);
    const summary = readFileSync(path.join(repo, "summary.md"), "utf8");
    rmSync(path.join(repo, "summary.md"));
    expect(summary).toMatch(/^## Threatline: 1 threat\(s\) added \(1 high\), 1 resolved/);
    expect(summary).toContain("### Added (1)");
    expect(summary).toMatch(
      /\| 🟧 high \| Security group allows RDP from the internet \| `Sg` \| `infra\/sg.yaml:7` \| TL-AWS-SG-002 \|/,
    );
    expect(summary).toContain("### Resolved (1)");
  });

  it("--fail-on looks at added threats only", async () => {
    const high = await runCli(["diff", "--base", "HEAD~1", "--fail-on", "high"], { cwd: repo });
    expect(high.code).toBe(1);
    expect(high.stderr).toContain("1 added threat(s) at or above high");
    // The untouched file's critical public bucket is not part of the change.
    expect((await runCli(["diff", "--base", "HEAD~1", "--fail-on", "critical"], { cwd: repo })).code).toBe(0);
  });

  it("scans a changed .tf file with its folder at both revisions, and counts working-tree changes", async () => {
    write(
      "tf/net/acl.tf",
      'resource "aws_s3_bucket_acl" "data" {\n  bucket = aws_s3_bucket.data.id\n  acl    = "public-read"\n}\n',
    );
    try {
      const run = await runCli(["diff", "--base", "HEAD", "--format", "json", "tf"], { cwd: repo });
      const delta = JSON.parse(run.stdout) as ThreatDelta;
      expect(delta.files.changed).toEqual(["tf/net/acl.tf"]);
      expect(delta.files.scanned).toEqual(["tf/net/acl.tf", "tf/net/main.tf"]);
      // The public ACL in the new file lands on the bucket declared in main.tf.
      expect(delta.added.map((t) => `${t.ruleId} ${t.resources[0]!.file}`)).toContain("TL-AWS-S3-001 tf/net/main.tf");
      expect(new Set(delta.added.map((t) => t.resources[0]!.id))).toEqual(new Set(["aws_s3_bucket.data"]));
      // Limited to infra/, the change is invisible.
      const other = JSON.parse(
        (await runCli(["diff", "--base", "HEAD", "--format", "json", "infra"], { cwd: repo })).stdout,
      ) as ThreatDelta;
      expect(other.files.changed).toEqual([]);
    } finally {
      rmSync(path.join(repo, "tf/net/acl.tf"));
    }
  });

  it("scans a changed Kubernetes manifest with the other manifests of its folder", async () => {
    const deploy = path.join(repo, "k8s/deploy.yaml");
    const original = readFileSync(deploy, "utf8");
    writeFileSync(deploy, original.replace("namespace: prod", "namespace: prod\n  labels: { team: api }"));
    try {
      const delta = JSON.parse(
        (await runCli(["diff", "--base", "HEAD", "--format", "json"], { cwd: repo })).stdout,
      ) as ThreatDelta;
      expect(delta.files).toEqual({ changed: ["k8s/deploy.yaml"], scanned: ["k8s/deploy.yaml", "k8s/netpol.yaml"] });
      // The sibling NetworkPolicy covers the namespace at both revisions: nothing is added.
      expect(delta.added).toEqual([]);
      expect(delta.resolved).toEqual([]);
      expect(delta.unchanged.some((t) => t.ruleId === "TL-K8S-NET-002")).toBe(false);
    } finally {
      writeFileSync(deploy, original);
    }
  });

  it("exit 3 when a changed template does not parse, 2 for an unknown revision or outside git", async () => {
    write("infra/sg.yaml", "Resources:\n  Sg: [\n");
    try {
      const broken = await runCli(["diff", "--base", "HEAD~1"], { cwd: repo });
      expect(broken.code).toBe(3);
      expect(broken.stderr).toContain("1 changed file(s) could not be analysed: infra/sg.yaml");
    } finally {
      gitIn("checkout", "--", "infra/sg.yaml");
    }
    const unknown = await runCli(["diff", "--base", "origin/nope"], { cwd: repo });
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toContain("Unknown git revision 'origin/nope'");
    const outside = mkdtempSync(path.join(tmpdir(), "threatline-nogit-"));
    const noGit = await runCli(["diff", "--base", "main"], { cwd: outside });
    rmSync(outside, { recursive: true });
    expect(noGit.code).toBe(2);
    expect(noGit.stderr).toContain("runs inside a git repository");
    const noBase = await runCli(["diff"], { cwd: repo });
    expect(noBase.code).toBe(2);
    expect(noBase.stderr).toContain("required option '--base <ref>' not specified");
  });
});
