import request from "supertest";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { SubmissionResult } from "@threatline/domain";
import { hugeTerraform } from "../../../../scripts/faults/huge-templates.ts";
import { createHarness, type Harness } from "../harness.ts";
import { waitFor } from "../../../../test/support.ts";

describe("a template that yields more threats than one analysis keeps", () => {
  let h: Harness;
  beforeAll(async () => {
    h = await createHarness();
    h.startWorker({ concurrency: 2, bounds: { maxThreats: 500, cancelPollMs: 200 } });
  });
  afterAll(async () => {
    await h.close();
  });

  async function submit(name: string, file: { path: string; content: string }): Promise<SubmissionResult> {
    const project = (await request(h.app).post("/api/v1/projects").send({ name }).expect(201)).body as { id: string };
    return (
      await request(h.app)
        .post(`/api/v1/projects/${project.id}/submissions`)
        .send({ files: [file] })
        .expect(202)
    ).body as SubmissionResult;
  }

  it("keeps the highest-scoring ANALYSIS_MAX_THREATS, counts the rest by rule and severity, and is partial", async () => {
    // 2,000 buckets: five rule threats each.
    const { analyses } = await submit("capped", hugeTerraform(2_000));
    const id = analyses[0]!.id;
    const row = await waitFor(async () => {
      const a = await h.database.db.analysis.findUniqueOrThrow({ where: { id } });
      return ["succeeded", "partial", "failed"].includes(a.status) ? a : undefined;
    }, 50_000);
    expect({ status: row.status, errorCode: row.errorCode, threatCount: row.threatCount }).toEqual({
      status: "partial",
      errorCode: "analysis/truncated",
      threatCount: 500,
    });
    expect(await h.database.db.threat.count({ where: { analysisId: id } })).toBe(500);
    expect(row.omittedThreatCount).toBeGreaterThan(5_000);
    const summary = row.omittedSummary as {
      count: number;
      bySeverity: Record<string, number>;
      byRule: Record<string, number>;
    };
    expect(summary.count).toBe(row.omittedThreatCount);
    const sum = (r: Record<string, number>) => Object.values(r).reduce((a, b) => a + b, 0);
    expect(sum(summary.byRule)).toBe(summary.count);
    expect(sum(summary.bySeverity)).toBe(summary.count);

    const dto = (await request(h.app).get(`/api/v1/analyses/${id}`).expect(200)).body as {
      omittedThreatCount: number;
      omittedSummary: unknown;
    };
    expect(dto.omittedThreatCount).toBe(row.omittedThreatCount);
    expect(dto.omittedSummary).toEqual(summary);
  });

  it("canceling a batch stops its running analysis and writes nothing", async () => {
    // 20,000 buckets take the engine many seconds: long enough to cancel it while it runs.
    const { batchId, analyses } = await submit("canceled", hugeTerraform(20_000));
    const id = analyses[0]!.id;
    await waitFor(
      async () => (await h.database.db.analysis.findUniqueOrThrow({ where: { id } })).status === "running",
      30_000,
      "running",
    );
    await request(h.app).post(`/api/v1/batches/${batchId}/cancel`).expect(200);
    // The job ends (the worker saw the cancellation and stopped the engine) well before the engine would have.
    await waitFor(async () => (await h.deps.queue.getJob(id))?.finishedOn !== undefined, 15_000, "job ended");
    const job = await h.deps.queue.getJob(id);
    expect(job?.returnvalue).toEqual({ status: "canceled", threats: -1 });
    const row = await h.database.db.analysis.findUniqueOrThrow({ where: { id } });
    expect({ status: row.status, threatCount: row.threatCount }).toEqual({ status: "canceled", threatCount: 0 });
    expect(await h.database.db.threat.count({ where: { analysisId: id } })).toBe(0);
  });
});
