import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { describe, expect, it } from "vitest";
import {
  analysisUnits,
  displayPath,
  findTemplateFiles,
  readLocalFileRefs,
  readLocalModules,
  readTemplateFiles,
  scanUnits,
} from "../src/lib/files.ts";
import { scanFiles } from "../src/lib/scan.ts";
import { atOrAbove, parseSeverity } from "../src/lib/severity.ts";

describe("CLI file helpers", () => {
  it("groups .tf files by folder and leaves every other file alone", () => {
    const f = (p: string) => ({ path: p, content: "" });
    const units = analysisUnits([
      f("a/main.tf"),
      f("a/app.yaml"),
      f("b/main.tf"),
      f("a/vars.TF"),
      f("a/other.json"),
      f("a/sub/x.tf"),
    ]);
    expect(units.map((u) => u.map((x) => x.path))).toEqual([
      ["a/main.tf", "a/vars.TF"],
      ["a/app.yaml"],
      ["b/main.tf"],
      ["a/other.json"],
      ["a/sub/x.tf"],
    ]);
  });

  it("groups the Kubernetes manifests of a folder, so a NetworkPolicy in a sibling file covers the others", () => {
    const k8s = (p: string, kind: string) => ({
      path: p,
      content: `apiVersion: v1\nkind: ${kind}\nmetadata:\n  name: x\n  namespace: shop\n`,
    });
    const cfn = { path: "k/stack.yaml", content: "Resources:\n  B:\n    Type: AWS::S3::Bucket\n" };
    const units = analysisUnits([
      k8s("k/deploy.yaml", "Pod"),
      cfn,
      k8s("k/netpol.yaml", "NetworkPolicy"),
      k8s("j/pod.yaml", "Pod"),
    ]);
    expect(units.map((u) => u.map((x) => x.path))).toEqual([
      ["k/deploy.yaml", "k/netpol.yaml"],
      ["k/stack.yaml"],
      ["j/pod.yaml"],
    ]);
  });

  it("puts a kustomization and its patches with the folder's manifests, JSON 6902 operation files too", () => {
    const units = analysisUnits([
      { path: "o/deployment.yaml", content: "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: api\n" },
      { path: "o/kustomization.yaml", content: "resources:\n  - deployment.yaml\npatches:\n  - path: ops.yaml\n" },
      { path: "o/ops.yaml", content: "- op: add\n  path: /spec/replicas\n  value: 2\n" },
      { path: "o/unrelated.yaml", content: "- just: a list\n" },
    ]);
    expect(units.map((u) => u.map((x) => x.path))).toEqual([
      ["o/deployment.yaml", "o/kustomization.yaml", "o/ops.yaml"],
      ["o/unrelated.yaml"],
    ]);
  });

  it("gives a kustomize overlay the folders it renders as context; the base is a unit of its own", () => {
    const base = [
      { path: "k/base/kustomization.yaml", content: "resources:\n  - deployment.yaml\n" },
      { path: "k/base/deployment.yaml", content: "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: api\n" },
    ];
    const overlay = [
      { path: "k/overlays/prod/kustomization.yaml", content: "resources:\n  - ../../base\nnamespace: prod\n" },
    ];
    const units = scanUnits([...base, ...overlay]);
    expect(units.map((u) => [u.files.map((f) => f.path), u.context.map((f) => f.path)])).toEqual([
      [["k/base/kustomization.yaml", "k/base/deployment.yaml"], []],
      [["k/overlays/prod/kustomization.yaml"], ["k/base/kustomization.yaml", "k/base/deployment.yaml"]],
    ]);
    // The overlay scanned alone: the base read from outside the paths given is its context, not a unit.
    const alone = scanUnits(overlay, base);
    expect(alone.map((u) => [u.files.map((f) => f.path), u.context.map((f) => f.path)])).toEqual([
      [["k/overlays/prod/kustomization.yaml"], ["k/base/kustomization.yaml", "k/base/deployment.yaml"]],
    ]);
  });

  it("gives an OpenAPI spec the infrastructure that may serve it as context: routes in its folder, or naming it", () => {
    const spec = { path: "svc/api/openapi.yaml", content: "openapi: 3.0.3\npaths: {}\n" };
    const sam = {
      path: "svc/template.yaml",
      content:
        "Resources:\n  Api:\n    Type: AWS::Serverless::Api\n    Properties:\n      DefinitionUri: api/openapi.yaml\n",
    };
    const tf = [
      { path: "svc/api/main.tf", content: 'resource "aws_apigatewayv2_route" "get" {\n  route_key = "GET /x"\n}\n' },
      { path: "svc/api/vars.tf", content: 'variable "x" {}\n' },
    ];
    const ingress = {
      path: "svc/api/ingress.yaml",
      content: "apiVersion: networking.k8s.io/v1\nkind: Ingress\nmetadata:\n  name: a\n",
    };
    const bucket = { path: "svc/api/bucket.yaml", content: "Resources:\n  B:\n    Type: AWS::S3::Bucket\n" };
    const elsewhere = { path: "other/template.yaml", content: sam.content };
    const units = scanUnits([spec, sam, ...tf, ingress, bucket, elsewhere]);
    const specUnit = units.find((u) => u.files[0] === spec)!;
    expect(specUnit.files.map((f) => f.path)).toEqual(["svc/api/openapi.yaml"]);
    expect(specUnit.context.map((f) => f.path).sort()).toEqual([
      "svc/api/ingress.yaml",
      "svc/api/main.tf",
      "svc/api/vars.tf",
      "svc/template.yaml",
    ]);
    // Every other unit is analysed as before, with no context.
    expect(units.filter((u) => u !== specUnit).every((u) => u.context.length === 0)).toBe(true);
    expect(units.flatMap((u) => u.files.map((f) => f.path)).sort()).toEqual(
      analysisUnits([spec, sam, ...tf, ingress, bucket, elsewhere])
        .flat()
        .map((f) => f.path)
        .sort(),
    );
  });

  it("analyses an OpenAPI spec with the local files its $refs name, and those fragments not alone", () => {
    const spec = {
      path: "api/openapi.yaml",
      content:
        'openapi: 3.0.3\npaths:\n  /x:\n    $ref: "./paths/x.yaml"\n  /y:\n    $ref: "https://example.com/y.yaml"\n',
    };
    const x = {
      path: "api/paths/x.yaml",
      content: 'get:\n  responses:\n    "200": { $ref: "../common/ok.yaml#/Ok" }\n',
    };
    const ok = { path: "api/common/ok.yaml", content: "Ok:\n  description: ok\n" };
    const other = { path: "api/other.yaml", content: "kind: ConfigMap\n" };
    expect(analysisUnits([spec, x, ok, other]).map((u) => u.map((f) => f.path))).toEqual([
      ["api/openapi.yaml", "api/paths/x.yaml", "api/common/ok.yaml"],
      ["api/other.yaml"],
    ]);
  });

  it("shows paths relative to the working directory with forward slashes, absolute outside it", () => {
    const cwd = path.resolve("/work/repo");
    expect(displayPath(path.join(cwd, "infra", "app.yaml"), cwd)).toBe("infra/app.yaml");
    expect(displayPath(path.resolve("/elsewhere/x.yaml"), cwd)).toBe(
      path.resolve("/elsewhere/x.yaml").split(path.sep).join("/"),
    );
  });

  it("reads --fail-on in any case and counts threats at or above it", () => {
    expect(parseSeverity("HIGH")).toBe("high");
    expect(() => parseSeverity("severe")).toThrow(/Unknown severity/);
    const threats = [{ severity: "critical" as const }, { severity: "medium" as const }, { severity: "info" as const }];
    expect([
      atOrAbove(threats, "critical"),
      atOrAbove(threats, "high"),
      atOrAbove(threats, "medium"),
      atOrAbove(threats, "info"),
    ]).toEqual([1, 1, 2, 3]);
  });
});

describe("reading many files", () => {
  it("reads every file, in order, with bounded concurrency", async () => {
    const dir = mkdtempSync(path.join(tmpdir(), "threatline-read-"));
    try {
      const names = Array.from({ length: 300 }, (_, i) => path.join(dir, `f${i}.yaml`));
      names.forEach((n, i) => writeFileSync(n, `n: ${i}\n`));
      const files = await readTemplateFiles(names, dir);
      expect(files.map((f) => f.path)).toEqual(names.map((_, i) => `f${i}.yaml`));
      expect(files.map((f) => f.content)).toEqual(names.map((_, i) => `n: ${i}\n`));
      await expect(readTemplateFiles([path.join(dir, "missing.yaml")], dir)).rejects.toThrow(
        "Cannot read 'missing.yaml': ENOENT.",
      );
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe("Terraform folders that call local modules", () => {
  const MODULE = `variable "public" {\n  default = false\n}\nresource "aws_mq_broker" "this" {\n  broker_name         = "b"\n  engine_type         = "RabbitMQ"\n  publicly_accessible = var.public\n}\n`;
  const EXAMPLE = `module "broker" {\n  source = "../../"\n  public = true\n}\n`;

  /** repo/.git, repo/main.tf (the module), repo/examples/complete/main.tf (the caller), outside/main.tf. */
  function layout(): string {
    const base = mkdtempSync(path.join(tmpdir(), "threatline-modules-"));
    const repo = path.join(base, "repo");
    mkdirSync(path.join(repo, ".git"), { recursive: true });
    mkdirSync(path.join(repo, "examples", "complete"), { recursive: true });
    writeFileSync(path.join(repo, "main.tf"), MODULE);
    writeFileSync(path.join(repo, "examples", "complete", "main.tf"), EXAMPLE);
    mkdirSync(path.join(base, "outside"));
    writeFileSync(path.join(base, "outside", "main.tf"), MODULE);
    return base;
  }

  it("reads the module of an example folder from the repository and evaluates it with the caller's arguments", async () => {
    const base = layout();
    try {
      const cwd = path.join(base, "repo", "examples", "complete");
      const given = await readTemplateFiles([path.join(cwd, "main.tf")], cwd);
      const modules = await readLocalModules(given, cwd);
      expect(modules.map((f) => f.path)).toEqual(["../../main.tf"]);
      const units = analysisUnits([...given, ...modules]);
      expect(units.map((u) => u.map((f) => f.path))).toEqual([["main.tf", "../../main.tf"]]);
      const report = await scanFiles([...given, ...modules], "test");
      expect(report.files.find((f) => f.path === "../../main.tf")?.resources).toBe(1);
      const threat = report.threats.find((t) => t.ruleId === "TL-AWS-MQ-001");
      expect(threat?.resources[0]?.id).toBe("module.broker.aws_mq_broker.this");
      expect(threat?.evidence[0]?.file).toBe("../../main.tf");
    } finally {
      rmSync(base, { recursive: true, force: true });
    }
  });

  it("never reads a module from outside the caller's repository", async () => {
    const base = layout();
    try {
      const cwd = path.join(base, "repo");
      writeFileSync(
        path.join(cwd, "examples", "complete", "main.tf"),
        `module "x" {\n  source = "../../../outside"\n}\n`,
      );
      const given = await readTemplateFiles([path.join(cwd, "examples", "complete", "main.tf")], cwd);
      expect(await readLocalModules(given, cwd)).toEqual([]);
    } finally {
      rmSync(base, { recursive: true, force: true });
    }
  });

  it("analyses a scanned module only through the folders that call it", () => {
    const units = analysisUnits([
      { path: "main.tf", content: MODULE },
      { path: "examples/complete/main.tf", content: EXAMPLE },
      { path: "other/main.tf", content: MODULE },
    ]);
    expect(units.map((u) => u.map((f) => f.path))).toEqual([
      ["examples/complete/main.tf", "main.tf"],
      ["other/main.tf"],
    ]);
  });

  it("puts a plan JSON with the .tf files of its folder, which say where its resources are written", () => {
    const plan = JSON.stringify({ format_version: "1.2", terraform_version: "1.9.0", planned_values: {} });
    const units = analysisUnits([
      { path: "infra/main.tf", content: MODULE },
      { path: "infra/plan.json", content: plan },
      { path: "other/plan.json", content: plan },
    ]);
    expect(units.map((u) => u.map((f) => f.path))).toEqual([["infra/main.tf", "infra/plan.json"], ["other/plan.json"]]);
  });

  it("reads UTF-16 files with a byte order mark, as PowerShell writes them", async () => {
    const dir = mkdtempSync(path.join(tmpdir(), "threatline-utf16-"));
    try {
      const text = '{ "format_version": "1.2" }\n';
      const le = Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(text, "utf16le")]);
      const be = Buffer.from(le.subarray(2)).swap16();
      writeFileSync(path.join(dir, "le.json"), le);
      writeFileSync(path.join(dir, "be.json"), Buffer.concat([Buffer.from([0xfe, 0xff]), be]));
      writeFileSync(path.join(dir, "bom.json"), Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(text)]));
      const files = await readTemplateFiles(
        ["le.json", "be.json", "bom.json"].map((n) => path.join(dir, n)),
        dir,
      );
      expect(files.map((f) => f.content)).toEqual([text, text, text]);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe("Terraform folders that read a policy with file()", () => {
  const TF = `resource "aws_s3_bucket" "site" {\n  bucket = "site"\n}\nresource "aws_s3_bucket_policy" "site" {\n  bucket = aws_s3_bucket.site.id\n  policy = file("\${path.module}/policy.json")\n}\nresource "aws_sqs_queue" "jobs" {\n  name   = "jobs"\n  policy = templatefile("\${path.module}/queue.json.tpl", { queue = "jobs" })\n}\n`;
  const POLICY = `{\n  "Version": "2012-10-17",\n  "Statement": [\n    {\n      "Sid": "Own",\n      "Effect": "Allow",\n      "Principal": { "AWS": "arn:aws:iam::111122223333:role/deploy" },\n      "Action": "s3:PutObject",\n      "Resource": "arn:aws:s3:::site/*"\n    },\n    {\n      "Sid": "Public",\n      "Effect": "Allow",\n      "Principal": "*",\n      "Action": "s3:GetObject",\n      "Resource": "arn:aws:s3:::site/*"\n    }\n  ]\n}\n`;
  const QUEUE = `{\n  "Statement": [\n    {\n      "Effect": "Allow",\n      "Principal": "*",\n      "Action": "sqs:SendMessage",\n      "Resource": "arn:aws:sqs:eu-west-1:111122223333:\${queue}"\n    }\n  ]\n}\n`;

  it("scans a folder: the policy JSON goes with the .tf files, the template is read too, evidence on the statement", async () => {
    const dir = mkdtempSync(path.join(tmpdir(), "threatline-file-"));
    try {
      mkdirSync(path.join(dir, ".git"));
      mkdirSync(path.join(dir, "infra"));
      writeFileSync(path.join(dir, "infra", "main.tf"), TF);
      writeFileSync(path.join(dir, "infra", "policy.json"), POLICY);
      writeFileSync(path.join(dir, "infra", "queue.json.tpl"), QUEUE);
      writeFileSync(path.join(dir, "infra", "unrelated.json"), POLICY);
      const given = await readTemplateFiles(await findTemplateFiles(["infra"], dir), dir);
      const read = await readLocalFileRefs(given, dir);
      expect(read.map((f) => f.path)).toEqual(["infra/queue.json.tpl"]);
      const files = [...given, ...read];
      expect(analysisUnits(files).map((u) => u.map((f) => f.path))).toEqual([
        ["infra/main.tf", "infra/policy.json", "infra/queue.json.tpl"],
        ["infra/unrelated.json"],
      ]);
      const report = await scanFiles(files, "test");
      expect(report.files.find((f) => f.path === "infra/policy.json")).toMatchObject({ format: "terraform" });
      expect(report.files.find((f) => f.path === "infra/policy.json")?.error).toBeUndefined();
      const bucket = report.threats.find((t) => t.ruleId === "TL-AWS-S3-003");
      expect(bucket?.resources.map((r) => r.id)).toEqual(["aws_s3_bucket.site", "aws_s3_bucket_policy.site"]);
      expect(bucket?.evidence).toEqual([{ file: "infra/policy.json", line: 11, path: "Statement.1" }]);
      const queue = report.threats.find((t) => t.ruleId === "TL-AWS-SQS-002");
      expect(queue?.evidence).toEqual([{ file: "infra/queue.json.tpl", line: 3, path: "Statement.0" }]);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it("never reads a file from outside the repository", async () => {
    const base = mkdtempSync(path.join(tmpdir(), "threatline-file-"));
    try {
      mkdirSync(path.join(base, "repo", ".git"), { recursive: true });
      writeFileSync(path.join(base, "secret.json"), POLICY);
      writeFileSync(
        path.join(base, "repo", "main.tf"),
        `resource "aws_iam_policy" "p" {\n  policy = file("../secret.json")\n}\n`,
      );
      const cwd = path.join(base, "repo");
      const given = await readTemplateFiles([path.join(cwd, "main.tf")], cwd);
      expect(await readLocalFileRefs(given, cwd)).toEqual([]);
    } finally {
      rmSync(base, { recursive: true, force: true });
    }
  });
});
