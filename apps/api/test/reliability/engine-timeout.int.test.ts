import request from "supertest";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { SubmissionResult } from "@threatline/domain";
import { hugeCloudFormation, hugeTerraform } from "../../../../scripts/faults/huge-templates.ts";
import { createHarness, type Harness } from "../harness.ts";
import { waitFor } from "../../../../test/support.ts";

describe("the engine's time bound (ENGINE_TIMEOUT_SECONDS)", () => {
  let h: Harness;
  beforeAll(async () => {
    h = await createHarness();
    // One engine thread, a 2 s bound, and no threat cap to end the run early.
    h.startWorker({ concurrency: 1, engineTimeoutMs: 2_000, bounds: { maxThreats: 1_000_000 } });
  });
  afterAll(async () => {
    await h.close();
  });

  it("fails a template the engine cannot finish in time with template/timeout; the analyses queued behind it run in full", async () => {
    const project = (await request(h.app).post("/api/v1/projects").send({ name: "slow" }).expect(201)).body as {
      id: string;
    };
    // 20,000 buckets take the engine well over the bound; the small files wait for the one thread meanwhile,
    // and then for the fresh thread that replaces the killed one.
    const files = [
      hugeTerraform(20_000),
      ...[1, 2, 3].map((i) => ({ path: `small/${i}.tf`, content: hugeTerraform(i).content })),
    ];
    const { analyses } = (
      await request(h.app).post(`/api/v1/projects/${project.id}/submissions`).send({ files }).expect(202)
    ).body as SubmissionResult;
    const rows = await waitFor(async () => {
      const all = await h.database.db.analysis.findMany({ where: { id: { in: analyses.map((a) => a.id) } } });
      return all.every((a) => ["succeeded", "partial", "failed"].includes(a.status)) ? all : undefined;
    }, 55_000);
    const byPath = new Map(analyses.map((a) => [a.id, a.path]));
    const outcome = Object.fromEntries(
      rows.map((r) => [byPath.get(r.id), { status: r.status, errorCode: r.errorCode, threatCount: r.threatCount }]),
    );
    expect(outcome).toEqual({
      "huge/main.tf": { status: "failed", errorCode: "template/timeout", threatCount: 0 },
      "small/1.tf": { status: "succeeded", errorCode: null, threatCount: 5 },
      "small/2.tf": { status: "succeeded", errorCode: null, threatCount: 10 },
      "small/3.tf": { status: "succeeded", errorCode: null, threatCount: 15 },
    });
  });
});

describe("a template of thousands of public buckets under a threat cap", () => {
  let h: Harness;
  beforeAll(async () => {
    h = await createHarness();
    h.startWorker({ concurrency: 1, engineTimeoutMs: 45_000, bounds: { maxThreats: 500 } });
  });
  afterAll(async () => {
    await h.close();
  });

  it(
    "ends partial with analysis/truncated within the engine's bound (only the kept threats are built)",
    { timeout: 150_000 },
    async () => {
      const project = (await request(h.app).post("/api/v1/projects").send({ name: "buckets" }).expect(201)).body as {
        id: string;
      };
      // 8,000 public buckets, 40,000 threats: merging them took minutes (every combination scanned every threat).
      const { analyses } = (
        await request(h.app)
          .post(`/api/v1/projects/${project.id}/submissions`)
          .send({ files: [hugeCloudFormation(8_000)] })
          .expect(202)
      ).body as SubmissionResult;
      const id = analyses[0]!.id;
      const row = await waitFor(async () => {
        const a = await h.database.db.analysis.findUniqueOrThrow({ where: { id } });
        return ["succeeded", "partial", "failed"].includes(a.status) ? a : undefined;
      }, 140_000);
      expect({
        status: row.status,
        errorCode: row.errorCode,
        threatCount: row.threatCount,
        omitted: row.omittedThreatCount,
      }).toEqual({ status: "partial", errorCode: "analysis/truncated", threatCount: 500, omitted: 39_500 });
      expect((row.omittedSummary as { bySeverity: Record<string, number> }).bySeverity).toEqual({
        critical: 7_500,
        high: 8_000,
        medium: 16_000,
        low: 8_000,
        info: 0,
      });
    },
  );
});
