import request from "supertest";
import { Redis } from "ioredis";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { SubmissionResult } from "@threatline/domain";
import { type FakeBedrock, startFakeBedrock } from "@threatline/bedrock-fake";
import { createThreatModeler, loadLlmConfig, MemoryLlmCache } from "@threatline/llm";
import { createHarness, type Harness } from "../harness.ts";
import { redisUrl, testPrefix, waitFor } from "../../../../test/support.ts";

/** The real modeler (AWS SDK) against a fake Bedrock. */
function modelerFor(fake: FakeBedrock, redis: Redis) {
  const config = loadLlmConfig({
    THREATLINE_LLM_PROVIDER: "bedrock",
    BEDROCK_ENDPOINT: fake.url,
    AWS_REGION: "us-east-1",
    LLM_TIMEOUT_MS: "120000",
  })!;
  return createThreatModeler({ config, redis, cache: new MemoryLlmCache(), limiterPrefix: testPrefix() });
}

const TEMPLATE = {
  path: "stack.yaml",
  content: "Resources:\n  Site:\n    Type: AWS::S3::Bucket\n    Properties: { AccessControl: PublicRead }\n",
};

describe("stopping an analysis while its model call is in flight", () => {
  let h: Harness;
  let slow: FakeBedrock;
  let fast: FakeBedrock;
  let redis: Redis;
  beforeAll(async () => {
    process.env.AWS_ACCESS_KEY_ID ??= "AKIDFAKEFORTESTS";
    process.env.AWS_SECRET_ACCESS_KEY ??= "fake-secret-for-tests";
    process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED = "true";
    h = await createHarness();
    // Answers after two minutes: only an aborted call lets these analyses end within the test.
    slow = await startFakeBedrock({ latencyMs: 120_000 });
    fast = await startFakeBedrock({});
    redis = new Redis(redisUrl());
  });
  afterAll(async () => {
    await h.close();
    redis.disconnect();
    await slow.close();
    await fast.close();
  });

  async function submit(name: string): Promise<SubmissionResult> {
    const project = (await request(h.app).post("/api/v1/projects").send({ name }).expect(201)).body as { id: string };
    return (
      await request(h.app)
        .post(`/api/v1/projects/${project.id}/submissions`)
        .send({ files: [TEMPLATE] })
        .expect(202)
    ).body as SubmissionResult;
  }

  it("canceling the batch aborts the Bedrock call and ends the analysis canceled", async () => {
    const llm = modelerFor(slow, redis);
    const worker = h.startWorker({ llm, concurrency: 1, bounds: { cancelPollMs: 200 } });
    const { batchId, analyses } = await submit("cancel");
    const id = analyses[0]!.id;
    await waitFor(() => slow.stats().converse === 1, 30_000, "the model call");
    await request(h.app).post(`/api/v1/batches/${batchId}/cancel`).expect(200);
    await waitFor(async () => (await h.deps.queue.getJob(id))?.finishedOn !== undefined, 20_000, "job ended");
    expect((await h.deps.queue.getJob(id))?.returnvalue).toEqual({ status: "canceled", threats: -1 });
    expect(slow.stats().served).toBe(0);
    await worker.close();
    llm.close?.();
  });

  it("a worker shutting down aborts the call and puts the analysis back in the queue, where the next worker finishes it", async () => {
    const llm = modelerFor(slow, redis);
    const leaving = h.startWorker({ llm, concurrency: 1 });
    const { analyses } = await submit("shutdown");
    const id = analyses[0]!.id;
    await waitFor(() => slow.stats().converse === 2, 30_000, "the model call");
    leaving.abortRunning();
    await leaving.close(); // returns once the analysis let go, not when the model would have answered
    llm.close?.();
    const job = (await h.deps.queue.getJob(id))!;
    expect({ state: await job.getState(), attemptsMade: job.attemptsMade }).toEqual({
      state: "waiting",
      attemptsMade: 0,
    });
    expect((await h.database.db.analysis.findUniqueOrThrow({ where: { id } })).status).toBe("queued");
    expect(slow.stats().served).toBe(0);

    const next = modelerFor(fast, redis);
    h.startWorker({ llm: next, concurrency: 1 });
    const row = await waitFor(async () => {
      const a = await h.database.db.analysis.findUniqueOrThrow({ where: { id } });
      return ["succeeded", "partial", "failed"].includes(a.status) ? a : undefined;
    }, 30_000);
    expect({ status: row.status, provider: row.provider }).toEqual({ status: "succeeded", provider: "bedrock" });
    next.close?.();
  });
});
