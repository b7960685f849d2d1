import { readFileSync, readdirSync, statSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type BatchDto, type Threat } from "@threatline/domain";
import { createProject, submitAndWait, threatsOf as tlThreatsOf, type TestFile } from "@threatline/test-utils";
import { createHarness, type Harness } from "./harness.ts";

const FIXTURES = new URL("../../../packages/engine/test/fixtures/context/", import.meta.url);

function folder(name: string): Array<{ path: string; content: string }> {
  const dir = new URL(`${name}/`, FIXTURES);
  return readdirSync(fileURLToPath(dir))
    .sort()
    .map((f) => ({ path: `${name}/${f}`, content: readFileSync(new URL(f, dir), "utf8") }));
}

/** Every file under a fixture folder, recursively (a kustomize `base/` + `overlays/<env>/` layout). */
function tree(name: string): Array<{ path: string; content: string }> {
  const root = new URL(`${name}/`, FIXTURES);
  const walk = (rel: string): string[] =>
    readdirSync(new URL(rel, root))
      .sort()
      .flatMap((f) => (statSync(new URL(`${rel}${f}`, root)).isDirectory() ? walk(`${rel}${f}/`) : [`${rel}${f}`]));
  return walk("").map((f) => ({ path: `${name}/${f}`, content: readFileSync(new URL(f, root), "utf8") }));
}

describe("worker: a template is analysed with what its folder's other files say", () => {
  let h: Harness;
  let projectId: string;

  beforeAll(async () => {
    h = await createHarness();
    projectId = await createProject(h.app, "context");
    h.startWorker();
  });
  afterAll(async () => h.close());

  const submit = (files: TestFile[]) => submitAndWait(h.app, projectId, files);

  const threatsOf = (batch: BatchDto, path: string) => tlThreatsOf(h.app, batch, path);
  const on = (threats: Threat[], ruleId: string) =>
    threats
      .filter((t) => t.ruleId === ruleId)
      .map((t) => t.resources[0]!.id)
      .sort();

  it("CloudFormation: a sibling template's bucket policy and redrive source count; the public bucket is stored once", async () => {
    const batch = await submit(folder("cfn-siblings"));
    const data = await threatsOf(batch, "cfn-siblings/data.yaml");
    const policies = await threatsOf(batch, "cfn-siblings/policies.yaml");
    expect(on(data, "TL-AWS-SQS-003")).toEqual(["Unrelated"]);
    expect(on(data, "TL-AWS-S3-010")).not.toContain("DataBucket");
    expect(on(data, "TL-AWS-S3-003")).toEqual(["SharedBucket"]);
    expect(data.find((t) => t.ruleId === "TL-AWS-S3-003")!.evidence[0]!.file).toBe("cfn-siblings/policies.yaml");
    expect(on(policies, "TL-AWS-S3-003")).toEqual([]);
    expect(data.every((t) => t.resources[0]!.file === "cfn-siblings/data.yaml")).toBe(true);
    expect(policies.every((t) => t.resources[0]!.file === "cfn-siblings/policies.yaml")).toBe(true);
  });

  it("Kubernetes: the limits and securityContext a kustomize patch sets count; a JSON 6902 patch file is read", async () => {
    const batch = await submit([...folder("kustomize-overlay"), ...folder("kustomize-json")]);
    expect(await threatsOf(batch, "kustomize-overlay/deployment.yaml")).toEqual([]);
    const json = await threatsOf(batch, "kustomize-json/deployment.yaml");
    expect(on(json, "TL-K8S-POD-006")).toEqual([]);
    expect(on(json, "TL-K8S-POD-004")).toEqual(["Deployment/shop/api"]);
  });

  it("Kubernetes: an overlay's kustomization is analysed as rendered from its base; the base's weaknesses stay on the base", async () => {
    const batch = await submit(tree("kustomize-layered"));
    const base = await threatsOf(batch, "kustomize-layered/base/deployment.yaml");
    expect(base.map((t) => `${t.ruleId} ${t.resources[0]!.id}`).sort()).toEqual([
      "TL-K8S-NET-002 Deployment/default/api",
      "TL-K8S-POD-006 Deployment/default/api",
    ]);
    const dev = await threatsOf(batch, "kustomize-layered/overlays/dev/kustomization.yaml");
    expect(dev.map((t) => `${t.ruleId} ${t.resources[0]!.id}`)).toEqual(["TL-K8S-POD-001 Deployment/shop-dev/api"]);
    expect(dev[0]!.evidence.map((e) => `${e.file}:${e.line}`)).toEqual([
      "kustomize-layered/base/deployment.yaml:20",
      "kustomize-layered/overlays/dev/debug.yaml:11",
    ]);
    // Reported once: not again on the patch file's own analysis, nor in prod (limits patched, its own policy).
    expect(await threatsOf(batch, "kustomize-layered/overlays/dev/debug.yaml")).toEqual([]);
    expect(await threatsOf(batch, "kustomize-layered/overlays/prod/kustomization.yaml")).toEqual([]);
  });
});
