import request from "supertest";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { isFinalStatus, type BatchDto, type SubmissionResult, type Threat } from "@threatline/domain";
import { createHarness, type Harness } from "./harness.ts";
import { waitFor } from "../../../test/support.ts";
import { GATEWAY_SPEC, GATEWAY_TEMPLATE } from "../../../test/fixtures/api-gateway.ts";

describe("worker: an OpenAPI spec is analysed with the gateway the project holds for it", () => {
  let h: Harness;
  let projectId: string;

  beforeAll(async () => {
    h = await createHarness();
    projectId = (
      (await request(h.app).post("/api/v1/projects").send({ name: "orders" }).expect(201)).body as {
        id: string;
      }
    ).id;
    h.startWorker();
  });
  afterAll(async () => h.close());

  async function submit(files: Array<{ path: string; content: string }>): Promise<BatchDto> {
    const { batchId } = (
      await request(h.app).post(`/api/v1/projects/${projectId}/submissions`).send({ files }).expect(202)
    ).body as SubmissionResult;
    return waitFor(
      async () => {
        const batch = (await request(h.app).get(`/api/v1/batches/${batchId}`).expect(200)).body as BatchDto;
        return batch.analyses.every((a) => isFinalStatus(a.status)) ? batch : undefined;
      },
      60_000,
      "the batch to finish",
    );
  }

  async function threatsOf(batch: BatchDto, path: string): Promise<Threat[]> {
    const analysis = batch.analyses.find((a) => a.path === path)!;
    expect(analysis.status).toBe("succeeded");
    return (
      (await request(h.app).get(`/api/v1/analyses/${analysis.id}/threats?limit=500`).expect(200)).body as {
        items: Threat[];
      }
    ).items;
  }

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
