import request from "supertest";
import { pino } from "pino";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { SubmissionResult } from "@threatline/domain";
import { reconcileOnce, persistOutcome } from "@threatline/worker";
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

describe("reconciler against finished, poison and paid-for analyses (no worker running)", () => {
  let h: Harness;
  beforeAll(async () => {
    h = await createHarness();
  });
  afterAll(async () => {
    await h.close();
  });

  async function submitOne(name: string): Promise<string> {
    const project = (await request(h.app).post("/api/v1/projects").send({ name }).expect(201)).body as { id: string };
    const { analyses } = (
      await request(h.app)
        .post(`/api/v1/projects/${project.id}/submissions`)
        .send({ files: [{ path: `${name}.yaml`, content: CFN_BUCKET + `# ${name}\n` }] })
        .expect(202)
    ).body as SubmissionResult;
    return analyses[0]!.id;
  }

  it("leaves alone an analysis whose job finished after the snapshot of queued and running rows", async () => {
    const id = await submitOne("raced");
    await h.database.db.analysis.update({ where: { id }, data: { status: "running", attempts: 1 } });
    // The job finishes (and is removed, as completed jobs are) after the reconciler read the rows but before
    // it asks Redis about this one.
    const racing = new Proxy(h.deps.queue, {
      get(target, key, receiver) {
        if (key !== "getJob") return Reflect.get(target, key, receiver) as unknown;
        return async (jobId: string) => {
          await h.database.db.analysis.update({ where: { id: jobId }, data: { status: "succeeded" } });
          await (await target.getJob(jobId))?.remove();
          return undefined;
        };
      },
    });
    const logger = pino({ level: "silent" });
    expect(await reconcileOnce(h.database.db, racing, logger, { olderThanMs: 0, batchSize: 100 })).toBe(0);
    const row = await h.database.db.analysis.findUniqueOrThrow({ where: { id } });
    expect({ status: row.status, requeues: row.requeues }).toEqual({ status: "succeeded", requeues: 0 });
    expect(await h.deps.queue.getJob(id)).toBeUndefined();
  });

  it("fails an analysis lost more than RECONCILE_MAX_REQUEUES times as analysis/abandoned", async () => {
    const id = await submitOne("poison");
    const logger = pino({ level: "silent" });
    for (let pass = 1; pass <= 3; pass += 1) {
      // Its worker dies on it every time: the row stays running and the job disappears.
      await h.database.db.analysis.update({ where: { id }, data: { status: "running", attempts: 1 } });
      await (await h.deps.queue.getJob(id))?.remove();
      expect(await reconcileOnce(h.database.db, h.deps.queue, logger, { olderThanMs: 0, maxRequeues: 3 })).toBe(1);
    }
    await h.database.db.analysis.update({ where: { id }, data: { status: "running", attempts: 1 } });
    await (await h.deps.queue.getJob(id))?.remove();
    expect(await reconcileOnce(h.database.db, h.deps.queue, logger, { olderThanMs: 0, maxRequeues: 3 })).toBe(0);
    const row = await h.database.db.analysis.findUniqueOrThrow({ where: { id } });
    expect({ status: row.status, errorCode: row.errorCode, requeues: row.requeues }).toEqual({
      status: "failed",
      errorCode: "analysis/abandoned",
      requeues: 3,
    });
    expect(row.finishedAt).not.toBeNull();
    expect(await h.deps.queue.getJob(id)).toBeUndefined();
  });

  it("never lets a cache hit on a re-run erase the tokens and cost an earlier attempt recorded", async () => {
    const id = await submitOne("spent");
    const row = await h.database.db.analysis.findUniqueOrThrow({ where: { id } });
    const paid = {
      inputTokens: 1_200,
      outputTokens: 300,
      cacheReadTokens: 0,
      cacheWriteTokens: 0,
      latencyMs: 900,
      costUsd: 0.0081,
    };
    const outcome = {
      status: "succeeded" as const,
      format: "cloudformation",
      resourceCount: 1,
      threats: [],
      omitted: null,
      provider: "bedrock",
      model: "m",
      promptHash: "p",
      usage: paid,
      cacheHit: false,
      ungroundedCount: 0,
      error: null,
    };
    await persistOutcome(h.database.db, id, row.projectId, new Date(), outcome);
    // The reconciler runs it again; the model answer is now in the cache.
    await persistOutcome(h.database.db, id, row.projectId, new Date(), {
      ...outcome,
      cacheHit: true,
      usage: { ...paid, inputTokens: 0, outputTokens: 0, latencyMs: null, costUsd: 0 },
    });
    const after = await h.database.db.analysis.findUniqueOrThrow({ where: { id } });
    expect({ inputTokens: after.inputTokens, outputTokens: after.outputTokens, cost: Number(after.costUsd) }).toEqual({
      inputTokens: 1_200,
      outputTokens: 300,
      cost: 0.0081,
    });
  });
});
