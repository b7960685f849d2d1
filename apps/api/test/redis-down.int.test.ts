import request from "supertest";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createHarness, type Harness } from "./harness.ts";
import { CFN_BUCKET } from "./fixtures.ts";

describe("when Redis is down", () => {
  let h: Harness;
  beforeAll(async () => {
    // Nothing listens on port 1: the producer connection cannot reach a Redis.
    h = await createHarness({ redisUrl: "redis://127.0.0.1:1" });
  });
  afterAll(async () => {
    await h.close();
  });

  it("answers 503 queue/unavailable and writes no rows", async () => {
    const project = await request(h.app).post("/api/v1/projects").send({ name: "p" }).expect(201);
    const res = await request(h.app)
      .post(`/api/v1/projects/${(project.body as { id: string }).id}/submissions`)
      .send({ files: [{ path: "a.yaml", content: CFN_BUCKET }] })
      .expect(503);
    expect(res.body).toEqual({ error: { code: "queue/unavailable", message: expect.any(String) as string } });
    expect(await h.database.db.analysis.count()).toBe(0);
    expect(await h.database.db.batch.count()).toBe(0);
    expect(await h.database.db.blob.count()).toBe(0);

    const ready = await request(h.app).get("/readyz").expect(503);
    expect(ready.body).toMatchObject({ checks: { database: "ok", redis: "unavailable" } });
  });
});
