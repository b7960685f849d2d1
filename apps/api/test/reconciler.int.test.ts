import request from "supertest";
import { pino } from "pino";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { SubmissionResult } from "@threatline/domain";
import { reconcileOnce } from "../../worker/src/reconciler.ts";
import { createHarness, type Harness } from "./harness.ts";
import { CFN_BUCKET } from "./fixtures.ts";
import { waitFor } from "../../../test/support.ts";

describe("reconciler", () => {
  let h: Harness;
  beforeAll(async () => {
    h = await createHarness();
  });
  afterAll(async () => {
    await h.close();
  });

  it("re-enqueues an analysis that PostgreSQL holds as queued but Redis lost", async () => {
    const project = (await request(h.app).post("/api/v1/projects").send({ name: "lost" }).expect(201)).body as {
      id: string;
    };
    const { analyses } = (
      await request(h.app)
        .post(`/api/v1/projects/${project.id}/submissions`)
        .send({
          files: [
            { path: "lost.yaml", content: CFN_BUCKET },
            { path: "kept.yaml", content: CFN_BUCKET + "# v2\n" },
          ],
        })
        .expect(202)
    ).body as SubmissionResult;
    const [lost, kept] = analyses as [SubmissionResult["analyses"][0], SubmissionResult["analyses"][0]];

    // Redis loses one job (as after a restart without persistence).
    await (await h.deps.queue.getJob(lost.id))!.remove();
    expect(await h.deps.queue.getJob(lost.id)).toBeUndefined();

    const logger = pino({ level: "silent" });
    expect(await reconcileOnce(h.database.db, h.deps.queue, logger, { olderThanMs: 0, batchSize: 100 })).toBe(1);
    expect(await h.deps.queue.getJob(lost.id)).toBeDefined();
    // A job that is still in Redis is left alone.
    expect(await reconcileOnce(h.database.db, h.deps.queue, logger, { olderThanMs: 0, batchSize: 100 })).toBe(0);

    h.startWorker();
    for (const a of [lost, kept]) {
      await waitFor(
        async () => (await h.database.db.analysis.findUniqueOrThrow({ where: { id: a.id } })).status === "succeeded",
        30_000,
        a.path,
      );
    }
  });
});
