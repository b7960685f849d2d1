import { Writable } from "node:stream";
import { pino } from "pino";
import request from "supertest";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { SubmissionResult } from "@threatline/domain";
import { createHarness, type Harness } from "../harness.ts";
import { CFN_BUCKET } from "../fixtures.ts";
import { tcpProxy, waitFor, type TcpProxy } from "../../../../test/support.ts";

describe("while PostgreSQL is unreachable", () => {
  let h: Harness;
  let proxy: TcpProxy;
  const logs: Array<{ msg: string; attempt?: number; waitMs?: number }> = [];
  beforeAll(async () => {
    // The app and its worker reach PostgreSQL through a proxy the test cuts: an outage of the database only,
    // without stopping the shared server other tests use.
    proxy = await tcpProxy("127.0.0.1", 5432);
    const sink = new Writable({
      write(chunk: Buffer, _encoding, done) {
        for (const line of chunk.toString().split("\n").filter(Boolean))
          logs.push(JSON.parse(line) as (typeof logs)[number]);
        done();
      },
    });
    h = await createHarness({
      databaseUrl: (url) => url.replace(/127\.0\.0\.1:5432|localhost:5432/, `127.0.0.1:${proxy.port}`),
      logger: pino({ level: "warn" }, sink),
    });
  });
  afterAll(async () => {
    await proxy.up().catch(() => undefined);
    await h.close();
    await proxy.close();
  });

  it("answers 503 database/unavailable to reads and submissions, and recovers when it is back", async () => {
    const project = (await request(h.app).post("/api/v1/projects").send({ name: "pg-down" }).expect(201)).body as {
      id: string;
    };
    await proxy.down();
    try {
      for (const res of [
        await request(h.app).get("/api/v1/projects"),
        await request(h.app).get(`/api/v1/projects/${project.id}`),
        await request(h.app)
          .post(`/api/v1/projects/${project.id}/submissions`)
          .send({ files: [{ path: "a.yaml", content: CFN_BUCKET }] }),
      ]) {
        expect({ status: res.status, body: res.body as unknown }).toEqual({
          status: 503,
          body: { error: { code: "database/unavailable", message: expect.any(String) as string } },
        });
      }
      const ready = await request(h.app).get("/readyz").expect(503);
      expect(ready.body).toMatchObject({ checks: { database: "unavailable", redis: "ok" } });
    } finally {
      await proxy.up();
    }
    await waitFor(async () => (await request(h.app).get("/api/v1/projects")).status === 200, 20_000, "reads again");
    expect(logs.some((l) => l.msg === "database unreachable")).toBe(true);
  });

  it("a worker waits it out without spending the job's attempts, logging each one, then finishes the job", async () => {
    const project = (await request(h.app).post("/api/v1/projects").send({ name: "pg-down-worker" }).expect(201))
      .body as { id: string };
    const { analyses } = (
      await request(h.app)
        .post(`/api/v1/projects/${project.id}/submissions`)
        .send({ files: [{ path: "b.yaml", content: CFN_BUCKET }] })
        .expect(202)
    ).body as SubmissionResult;
    const id = analyses[0]!.id;
    await proxy.down();
    h.startWorker({ concurrency: 1 });
    // Long enough for BullMQ's own retries (5 attempts, 2 s doubling) to have spent several attempts.
    await new Promise((r) => setTimeout(r, 9_000));
    const job = await h.deps.queue.getJob(id);
    expect({ attemptsMade: job?.attemptsMade, state: await job?.getState() }).toMatchObject({ attemptsMade: 0 });
    expect(await job?.getState()).not.toBe("failed");
    const waits = logs.filter((l) => l.msg.startsWith("database unreachable: the attempt is not counted"));
    expect(waits.length).toBeGreaterThanOrEqual(2);
    expect(waits[1]!.waitMs).toBeGreaterThan(waits[0]!.waitMs!);

    await proxy.up();
    await waitFor(
      async () => (await h.database.db.analysis.findUniqueOrThrow({ where: { id } })).status === "succeeded",
      45_000,
      "the analysis to succeed once PostgreSQL is back",
    );
  });
});
