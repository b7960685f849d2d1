import type { AddressInfo } from "node:net";
import { Writable } from "node:stream";
import { pino, type Logger } from "pino";
import request from "supertest";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { waitFor } from "../../../../test/support.ts";
import { createHarness, type Harness } from "../harness.ts";
import { CFN_BUCKET } from "../fixtures.ts";
import { ApiConfigSchema } from "../../src/config.ts";
import { serveWorkerMetrics } from "@threatline/worker";
import { ServerConfigSchema } from "@threatline/server";

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
      .send({
        files: [
          { path: "a.yaml", content: CFN_BUCKET },
          { path: "b.yaml", content: `${CFN_BUCKET}\n# b` },
        ],
      })
      .expect(202);
    const batchId = (submitted.body as { batchId: string }).batchId;

    // Nothing consumes yet: both jobs wait.
    const before = await request(h.app).get("/metrics").expect(200);
    expect(before.headers["content-type"]).toContain("text/plain");
    expect(before.text).toMatch(/threatline_queue_jobs\{queue="analysis",state="waiting"\} 2\b/);
    expect(before.text).toMatch(
      /threatline_http_request_duration_seconds_count\{method="POST",route="\/api\/v1\/projects\/:id\/submissions",status="202"\} 1\b/,
    );

    h.startWorker({ concurrency: 2 });
    await waitFor(
      async () => (await h.database.db.analysis.count({ where: { batchId, status: "succeeded" } })) === 2,
      30_000,
      "both analyses",
    );
    const after = await waitFor(
      async () => {
        const res = await request(h.app).get("/metrics").expect(200);
        // The analysis queue also carries the system-graph jobs that finished analyses enqueue: at least the two.
        const completed = /threatline_queue_jobs\{queue="analysis",state="completed"\} (\d+)\b/.exec(res.text);
        return completed && Number(completed[1]) >= 2 ? res.text : undefined;
      },
      10_000,
      "completed jobs in the queue gauge",
    );
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

/** A logger that keeps its lines, to see what was said at start. */
function capturingLogger(): { logger: Logger; lines: Array<{ level: number; msg: string }> } {
  const lines: Array<{ level: number; msg: string }> = [];
  const stream = new Writable({
    write(chunk: Buffer, _encoding, done) {
      for (const line of chunk.toString("utf8").split("\n").filter(Boolean))
        lines.push(JSON.parse(line) as { level: number; msg: string });
      done();
    },
  });
  return { logger: pino({ level: "info" }, stream), lines };
}

const openWarnings = (lines: Array<{ level: number; msg: string }>) =>
  lines.filter((l) => l.level === 40 && l.msg.includes("/metrics is served without authentication"));

describe("/metrics with METRICS_TOKEN", () => {
  const token = "scrape-7f3Kq9Lm2Xv8Rt4Wz1";
  let h: Harness;
  let log: ReturnType<typeof capturingLogger>;
  beforeAll(async () => {
    log = capturingLogger();
    h = await createHarness({ config: { METRICS_TOKEN: token, NODE_ENV: "production" }, logger: log.logger });
  });
  afterAll(async () => {
    await h.close();
  });

  it("refuses a scrape without the token, with a wrong one, or with an API token: 401 metrics/unauthenticated", async () => {
    for (const authorization of [
      undefined,
      `Bearer ${token}x`,
      `Bearer ${token.slice(0, -1)}`,
      `Bearer ${h.adminToken}`,
      `Basic ${Buffer.from(`x:${token}`).toString("base64")}`,
      token,
    ]) {
      const req = request(h.api).get("/metrics");
      const res = await (authorization === undefined ? req : req.set("authorization", authorization)).expect(401);
      expect(res.body, String(authorization)).toEqual({
        error: { code: "metrics/unauthenticated", message: expect.stringContaining("METRICS_TOKEN") as string },
      });
      expect(res.headers["www-authenticate"]).toMatch(/^Bearer realm="metrics"/);
      expect(res.text).not.toContain("threatline_");
    }
  });

  it("answers a scrape that carries the token", async () => {
    const res = await request(h.api).get("/metrics").set("authorization", `Bearer ${token}`).expect(200);
    expect(res.headers["content-type"]).toContain("text/plain");
    expect(res.text).toContain("threatline_queue_jobs");
    await request(h.api).get("/metrics").set("authorization", `bearer  ${token}`).expect(200);
  });

  it("leaves health checks and the API's own authentication alone", async () => {
    await request(h.api).get("/healthz").expect(200);
    await request(h.api).get("/api/v1/projects").set("authorization", `Bearer ${h.adminToken}`).expect(200);
    await request(h.api).get("/api/v1/projects").set("authorization", `Bearer ${token}`).expect(401);
  });

  it("does not warn about an open /metrics in production when a token is set", () => {
    expect(openWarnings(log.lines)).toEqual([]);
  });

  it("serves a standalone worker's /metrics behind the same token", async () => {
    const server = await serveWorkerMetrics({ port: 0, host: "127.0.0.1", token }, log.logger);
    try {
      const address = server.address() as AddressInfo;
      const url = `http://127.0.0.1:${address.port}`;
      const refused = await fetch(`${url}/metrics`);
      expect(refused.status).toBe(401);
      expect(refused.headers.get("content-type")).toContain("application/json");
      expect(await refused.json()).toMatchObject({ error: { code: "metrics/unauthenticated" } });
      const wrong = await fetch(`${url}/metrics`, { headers: { authorization: "Bearer not-the-metrics-token" } });
      expect(wrong.status).toBe(401);
      const granted = await fetch(`${url}/metrics?x=1`, { headers: { authorization: `Bearer ${token}` } });
      expect(granted.status).toBe(200);
      expect(await granted.text()).toContain("process_cpu_user_seconds_total");
      expect((await fetch(`${url}/healthz`)).status).toBe(200);
    } finally {
      await new Promise((r) => server.close(r));
    }
  });
});

describe("/metrics without METRICS_TOKEN in production", () => {
  let h: Harness;
  let log: ReturnType<typeof capturingLogger>;
  beforeAll(async () => {
    log = capturingLogger();
    h = await createHarness({ config: { NODE_ENV: "production" }, logger: log.logger });
  });
  afterAll(async () => {
    await h.close();
  });

  it("stays open, as before, and said so once at start", async () => {
    const res = await request(h.api).get("/metrics").expect(200);
    expect(res.text).toContain("threatline_queue_jobs");
    await request(h.api).get("/metrics").set("authorization", "Bearer anything-at-all-1234").expect(200);
    expect(openWarnings(log.lines)).toHaveLength(1);
  });

  it("serves a standalone worker's /metrics openly too", async () => {
    const server = await serveWorkerMetrics({ port: 0, host: "127.0.0.1" }, log.logger);
    try {
      const res = await fetch(`http://127.0.0.1:${(server.address() as AddressInfo).port}/metrics`);
      expect(res.status).toBe(200);
    } finally {
      await new Promise((r) => server.close(r));
    }
  });

  it("takes METRICS_TOKEN from the environment only when it is a usable token", () => {
    expect(ServerConfigSchema.safeParse({ METRICS_TOKEN: "short" }).success).toBe(false);
    expect(ServerConfigSchema.safeParse({ METRICS_TOKEN: "has a space in it 123" }).success).toBe(false);
    expect(ServerConfigSchema.parse({ METRICS_TOKEN: "scrape-7f3Kq9Lm2Xv8Rt4Wz1" }).METRICS_TOKEN).toBe(
      "scrape-7f3Kq9Lm2Xv8Rt4Wz1",
    );
    expect(ApiConfigSchema.parse({}).METRICS_TOKEN).toBeUndefined();
  });
});
