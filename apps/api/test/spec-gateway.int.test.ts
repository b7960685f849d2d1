import request from "supertest";
import { Redis } from "ioredis";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { isFinalStatus, type AnalysisDto, type BatchDto, type SubmissionResult, type Threat } from "@threatline/domain";
import { type FakeBedrock, startFakeBedrock } from "@threatline/bedrock-fake";
import { createThreatModeler, loadLlmConfig, MemoryLlmCache } from "@threatline/llm";
import { createProject, submitAndWait, threatsOf as tlThreatsOf, type TestFile } from "@threatline/test-utils";
import { createHarness, type Harness } from "./harness.ts";
import { redisUrl, testPrefix, waitFor } from "../../../test/support.ts";
import { GATEWAY_SPEC, GATEWAY_TEMPLATE } from "../../../test/fixtures/api-gateway.ts";

describe("worker: an OpenAPI spec is analysed with the gateway the project holds for it", () => {
  let h: Harness;
  let projectId: string;

  beforeAll(async () => {
    h = await createHarness();
    projectId = await createProject(h.app, "orders");
    h.startWorker();
  });
  afterAll(async () => h.close());

  const submit = (files: TestFile[]) => submitAndWait(h.app, projectId, files);

  const threatsOf = (batch: BatchDto, path: string) => tlThreatsOf(h.app, batch, path);

  it("stores the spec's threat that names the open route, with evidence in both files, once", async () => {
    const batch = await submit([
      { path: "svc/openapi.yaml", content: GATEWAY_SPEC },
      { path: "svc/template.yaml", content: GATEWAY_TEMPLATE },
    ]);
    const spec = await threatsOf(batch, "svc/openapi.yaml");
    const infra = spec.filter((t) => t.ruleId === "TL-API-INFRA-001");
    expect(infra).toHaveLength(1);
    expect(infra[0]!.severity).toBe("high");
    expect(infra[0]!.resources.map((r) => [r.id, r.file])).toEqual([
      ["GET /orders/{orderId}", "svc/openapi.yaml"],
      ["Orders", "svc/template.yaml"],
    ]);
    expect(infra[0]!.evidence.map((e) => [e.file, e.line])).toEqual([
      ["svc/openapi.yaml", 13],
      ["svc/template.yaml", 29],
    ]);
    // The spec's analysis keeps only the spec's threats; the template's are in its own analysis, not twice.
    expect(spec.every((t) => t.resources[0]!.file === "svc/openapi.yaml")).toBe(true);
    const template = await threatsOf(batch, "svc/template.yaml");
    expect(template.length).toBeGreaterThan(0);
    expect(template.every((t) => t.resources[0]!.file === "svc/template.yaml")).toBe(true);
  });

  it("links nothing when the project's template is in another folder and does not name the spec", async () => {
    const batch = await submit([
      { path: "other/openapi.yaml", content: GATEWAY_SPEC },
      { path: "elsewhere/template.yaml", content: GATEWAY_TEMPLATE },
    ]);
    expect((await threatsOf(batch, "other/openapi.yaml")).filter((t) => t.ruleId === "TL-API-INFRA-001")).toEqual([]);
  });
});

describe("a changed gateway template analyses the specs it serves again", () => {
  let h: Harness;
  let fake: FakeBedrock;
  let redis: Redis;
  let projectId: string;

  beforeAll(async () => {
    process.env.AWS_ACCESS_KEY_ID ??= "AKIDFAKEFORTESTS";
    process.env.AWS_SECRET_ACCESS_KEY ??= "fake-secret-for-tests";
    process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED = "true";
    h = await createHarness();
    fake = await startFakeBedrock({});
    redis = new Redis(redisUrl());
    const config = loadLlmConfig({
      THREATLINE_LLM_PROVIDER: "bedrock",
      BEDROCK_ENDPOINT: fake.url,
      AWS_REGION: "us-east-1",
    })!;
    const llm = createThreatModeler({ config, redis, cache: new MemoryLlmCache(), limiterPrefix: testPrefix() });
    projectId = (
      (await request(h.app).post("/api/v1/projects").send({ name: "relink" }).expect(201)).body as { id: string }
    ).id;
    h.startWorker({ llm });
  });
  afterAll(async () => {
    await h.close();
    redis.disconnect();
    await fake.close();
  });

  async function submit(files: Array<{ path: string; content: string }>): Promise<[SubmissionResult, BatchDto]> {
    const result = (await request(h.app).post(`/api/v1/projects/${projectId}/submissions`).send({ files }).expect(202))
      .body as SubmissionResult;
    const batch = await waitFor(
      async () => {
        const b = (await request(h.app).get(`/api/v1/batches/${result.batchId}`).expect(200)).body as BatchDto;
        return b.analyses.every((a) => isFinalStatus(a.status)) ? b : undefined;
      },
      60_000,
      "the batch to finish",
    );
    return [result, batch];
  }

  async function infraThreats(analysisId: string): Promise<Threat[]> {
    return (
      (await request(h.app).get(`/api/v1/analyses/${analysisId}/threats?limit=500`).expect(200)).body as {
        items: Threat[];
      }
    ).items.filter((t) => t.ruleId === "TL-API-INFRA-001");
  }

  const closed = GATEWAY_TEMPLATE.replace("            Auth: { Authorizer: NONE }\n", "");

  it("re-links the spec in the same batch, from the model's cached answer: no model call is paid twice", async () => {
    const [submitted, first] = await submit([
      { path: "svc/openapi.yaml", content: GATEWAY_SPEC },
      { path: "svc/template.yaml", content: GATEWAY_TEMPLATE },
    ]);
    const spec1 = first.analyses.find((a) => a.path === "svc/openapi.yaml")!;
    expect(spec1.status).toBe("succeeded");
    expect(await infraThreats(spec1.id)).toHaveLength(1);
    const callsBefore = fake.stats().converse;
    expect(callsBefore).toBeGreaterThan(0);

    // Only the template changes: its route now takes the default authorizer.
    const [result, second] = await submit([{ path: "svc/template.yaml", content: closed }]);
    expect(result.analyses.map((a) => [a.path, a.relinked ?? false])).toEqual([
      ["svc/template.yaml", false],
      ["svc/openapi.yaml", true],
    ]);
    const spec2 = second.analyses.find((a) => a.path === "svc/openapi.yaml")!;
    expect(spec2.status).toBe("succeeded");
    // The same version of the spec, analysed with the template's new version.
    expect(result.analyses[1]!.templateVersionId).toBe(
      submitted.analyses.find((a) => a.path === "svc/openapi.yaml")!.templateVersionId,
    );
    // The open-route threat is gone from the spec's current analysis.
    expect(await infraThreats(spec2.id)).toEqual([]);
    expect(spec2.threatCount).toBe(spec1.threatCount - 1);
    const detail = (await request(h.app).get(`/api/v1/analyses/${spec2.id}`).expect(200)).body as AnalysisDto;
    // The spec's model answer came from the cache (keyed by the spec's content, prompt, model and engine version):
    // only the changed template was sent to the model.
    expect(detail.llmCacheHit).toBe(true);
    expect(detail.costUsd).toBe(0);
    const template = (
      await request(h.app)
        .get(`/api/v1/analyses/${second.analyses.find((a) => a.path === "svc/template.yaml")!.id}`)
        .expect(200)
    ).body as AnalysisDto;
    expect(template.llmCacheHit).toBe(false);
    expect(fake.stats().converse - callsBefore).toBeGreaterThan(0);
  });

  it("re-links nothing for an unchanged re-upload or infrastructure that does not serve the spec", async () => {
    const [same] = await submit([{ path: "svc/template.yaml", content: closed }]);
    expect(same.analyses.map((a) => a.path)).toEqual(["svc/template.yaml"]);
    const [elsewhere] = await submit([{ path: "other/template.yaml", content: GATEWAY_TEMPLATE }]);
    expect(elsewhere.analyses.map((a) => a.path)).toEqual(["other/template.yaml"]);
  });

  it("a Terraform file of a module that serves the spec re-links it, though the file declares no route", async () => {
    const gateway = `resource "aws_api_gateway_rest_api" "api" {
  name = "orders"
  body = file("\${path.module}/openapi.yaml")
}
`;
    await submit([
      { path: "tf/openapi.yaml", content: GATEWAY_SPEC },
      { path: "tf/main.tf", content: gateway },
      { path: "tf/variables.tf", content: 'variable "stage" { default = "prod" }\n' },
    ]);
    const [result] = await submit([{ path: "tf/variables.tf", content: 'variable "stage" { default = "dev" }\n' }]);
    expect(result.analyses.map((a) => [a.path, a.relinked ?? false])).toEqual([
      ["tf/variables.tf", false],
      ["tf/openapi.yaml", true],
    ]);
  });
});
