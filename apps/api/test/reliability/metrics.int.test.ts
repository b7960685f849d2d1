import request from "supertest";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { waitFor } from "../../../../test/support.ts";
import { createHarness, type Harness } from "../harness.ts";
import { CFN_BUCKET } from "../fixtures.ts";

describe("observability", () => {
  let h: Harness;
  beforeAll(async () => {
    h = await createHarness();
  });
  afterAll(async () => {
    await h.close();
  });

  it("exposes queue depth, HTTP durations and job outcomes on /metrics", async () => {
    const project = await request(h.app).post("/api/v1/projects").send({ name: "metrics" }).expect(201);
    const projectId = (project.body as { id: string }).id;
    const submitted = await request(h.app)
      .post(`/api/v1/projects/${projectId}/submissions`)
      .send({ files: [{ path: "a.yaml", content: CFN_BUCKET }, { path: "b.yaml", content: `${CFN_BUCKET}\n# b` }] })
      .expect(202);
    const batchId = (submitted.body as { batchId: string }).batchId;

    // Nothing consumes yet: both jobs wait.
    const before = await request(h.app).get("/metrics").expect(200);
    expect(before.headers["content-type"]).toContain("text/plain");
    expect(before.text).toMatch(/threatline_queue_jobs\{queue="analysis",state="waiting"\} 2\b/);
    expect(before.text).toMatch(/threatline_http_request_duration_seconds_count\{method="POST",route="\/api\/v1\/projects\/:id\/submissions",status="202"\} 1\b/);

    h.startWorker({ concurrency: 2 });
    await waitFor(async () => (await h.database.db.analysis.count({ where: { batchId, status: "succeeded" } })) === 2, 30_000, "both analyses");
    const after = await waitFor(async () => {
      const res = await request(h.app).get("/metrics").expect(200);
      return /threatline_queue_jobs\{queue="analysis",state="completed"\} 2\b/.test(res.text) ? res.text : undefined;
    }, 10_000, "completed jobs in the queue gauge");
    expect(after).toMatch(/threatline_jobs_total\{name="analyze-template",outcome="succeeded"\} [1-9]/);
    expect(after).toMatch(/threatline_job_duration_seconds_count\{name="analyze-template",status="succeeded"\} [1-9]/);
    expect(after).toContain("process_cpu_user_seconds_total");
  });

  it("serves the queue dashboard to administrators inside the API", async () => {
    const page = await request(h.app).get("/api/v1/admin/queues").expect(200);
    expect(page.text).toContain("<title>Threatline queues</title>");
    const queues = await request(h.app).get("/api/v1/admin/queues/api/queues").expect(200);
    expect(JSON.stringify(queues.body)).toContain('"name":"analysis"');
  });

  it("keeps the queue dashboard from non-administrators and anonymous callers", async () => {
    const editor = await h.createUser({ teams: { [h.defaultTeamId]: "editor" } });
    const token = await h.tokenFor(editor.id);
    await request(h.api).get("/api/v1/admin/queues").set("authorization", `Bearer ${token}`).expect(403);
    await request(h.api).get("/api/v1/admin/queues/api/queues").set("authorization", `Bearer ${token}`).expect(403);
    await request(h.api).get("/api/v1/admin/queues").expect(401);
  });
});
