import { cpSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { ScanReportSchema, type ScanReport } from "@threatline/domain";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { runCli } from "./helpers.ts";

const FIXTURES = fileURLToPath(new URL("../../../packages/engine/test/fixtures/context/", import.meta.url));

async function scan(cwd: string, ...args: string[]): Promise<ScanReport> {
  const run = await runCli(["scan", ...args, "--format", "json"], { cwd });
  expect(run.stderr).toBe("");
  return ScanReportSchema.parse(JSON.parse(run.stdout));
}

const on = (report: ScanReport, ruleId: string) =>
  report.threats
    .filter((t) => t.ruleId === ruleId)
    .map((t) => `${t.resources[0]!.file}:${t.resources[0]!.id}`)
    .sort();

describe("threatline scan: what the other files of a folder say", { timeout: 60_000 }, () => {
  let cwd: string;
  beforeAll(() => {
    cwd = mkdtempSync(path.join(tmpdir(), "threatline-context-"));
    for (const name of ["cfn-siblings", "kustomize-overlay", "kustomize-json", "kustomize-layered"])
      cpSync(path.join(FIXTURES, name), path.join(cwd, name), { recursive: true });
  });
  afterAll(() => rmSync(cwd, { recursive: true, force: true }));

  it("a bucket policy and a redrive source in a sibling template count, and each threat comes once", async () => {
    const report = await scan(cwd, "cfn-siblings");
    expect(on(report, "TL-AWS-S3-010")).not.toContain("cfn-siblings/data.yaml:DataBucket");
    expect(on(report, "TL-AWS-SQS-003")).toEqual(["cfn-siblings/data.yaml:Unrelated"]);
    expect(on(report, "TL-AWS-S3-003")).toEqual(["cfn-siblings/data.yaml:SharedBucket"]);
    // Both templates declare `Logs`: each one's threats stay in its own file, with its own id.
    expect(on(report, "TL-AWS-S3-008")).toEqual(["cfn-siblings/data.yaml:Logs", "cfn-siblings/policies.yaml:Logs"]);
    expect(new Set(report.threats.map((t) => t.fingerprint)).size).toBe(report.threats.length);
    // Scanned alone, the template has no such context.
    const alone = await scan(cwd, "cfn-siblings/data.yaml");
    expect(on(alone, "TL-AWS-SQS-003")).toEqual([
      "cfn-siblings/data.yaml:OrdersFailed",
      "cfn-siblings/data.yaml:Unrelated",
    ]);
  });

  it("kustomize patches of a folder apply to its manifests; the patches are read, not reported", async () => {
    const report = await scan(cwd, "kustomize-overlay", "kustomize-json");
    expect(on(report, "TL-K8S-POD-006")).toEqual([]);
    expect(report.files.filter((f) => f.error).map((f) => f.path)).toEqual([]);
    expect(report.files.find((f) => f.path === "kustomize-json/limits-ops.yaml")).toMatchObject({
      format: "kubernetes",
      resources: 0,
    });
    const alone = await scan(cwd, "kustomize-overlay/deployment.yaml");
    expect(on(alone, "TL-K8S-POD-006")).toEqual(["kustomize-overlay/deployment.yaml:Deployment/shop/api"]);
  });

  it("kustomize overlays are scanned as rendered from their base; the base's weaknesses are reported once, on the base", async () => {
    const report = await scan(cwd, "kustomize-layered");
    const ids = (r: ScanReport) =>
      r.threats.map((t) => `${t.ruleId} ${t.resources[0]!.id} ${t.evidence[0]!.file}`).sort();
    expect(ids(report)).toEqual([
      "TL-K8S-NET-002 Deployment/default/api kustomize-layered/base/deployment.yaml",
      "TL-K8S-POD-001 Deployment/shop-dev/api kustomize-layered/base/deployment.yaml",
      "TL-K8S-POD-006 Deployment/default/api kustomize-layered/base/deployment.yaml",
    ]);
    const privileged = report.threats.find((t) => t.ruleId === "TL-K8S-POD-001")!;
    expect(privileged.evidence[1]).toMatchObject({ file: "kustomize-layered/overlays/dev/debug.yaml", line: 11 });
    expect(report.files.filter((f) => f.error).map((f) => f.path)).toEqual([]);

    // One overlay named alone: its base is read from outside the given path (inside the working directory) as
    // context, and not reported on.
    const dev = await scan(cwd, "kustomize-layered/overlays/dev");
    expect(ids(dev)).toEqual(["TL-K8S-POD-001 Deployment/shop-dev/api kustomize-layered/base/deployment.yaml"]);
    expect(dev.files.map((f) => f.path)).toEqual([
      "kustomize-layered/overlays/dev/debug.yaml",
      "kustomize-layered/overlays/dev/kustomization.yaml",
    ]);

    // From inside the overlay (no repository around it), `../../base` leaves the root: not read.
    const inside = await scan(path.join(cwd, "kustomize-layered/overlays/dev"), ".");
    expect(inside.threats).toEqual([]);
  });
});
