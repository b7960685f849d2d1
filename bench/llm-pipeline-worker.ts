/**
 * One simulated worker process of the LLM pipeline benchmark (spawned by bench/llm-pipeline.ts): pulls
 * template indexes from a shared Redis list, runs the threat modeler (real Bedrock provider, real shared
 * limiter and cache) on the prepared graph with `concurrency` jobs at a time, and reports each outcome over IPC.
 * Throttling is handled as the worker's BullMQ rate-limit path does: `worker.rateLimit(retryAfterMs)` pauses
 * the whole process (every slot) for that long, and the job is tried again, no attempt burnt.
 */
import { readFileSync } from "node:fs";
import { sha256Hex } from "@threatline/domain";
import { createThreatModeler, LlmThrottledError, loadLlmConfig, ProviderError } from "@threatline/llm";
import { Redis } from "ioredis";
import { type JobResult, type PreparedTemplate, RedisLlmCache, type WorkerSetup } from "./llm-pipeline-shared.ts";

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

process.once("message", (setup: WorkerSetup) => {
  void run(setup).then(
    () => process.exit(0),
    (error: unknown) => {
      process.stderr.write(`worker ${process.pid}: ${String(error)}\n`);
      process.exit(1);
    },
  );
});

async function run(setup: WorkerSetup): Promise<void> {
  const templates = JSON.parse(readFileSync(setup.corpusFile, "utf8")) as PreparedTemplate[];
  const redis = new Redis(setup.redisUrl);
  const config = loadLlmConfig({
    THREATLINE_LLM_PROVIDER: "bedrock",
    BEDROCK_ENDPOINT: setup.fakeUrl,
    AWS_REGION: "us-east-1",
    LLM_TPM: String(setup.tpm),
    LLM_MAX_INPUT_TOKENS: "60000",
    LLM_RESERVATION: setup.reserve,
  })!;
  const modeler = createThreatModeler({ config, redis, cache: new RedisLlmCache(redis, setup.prefix), limiterPrefix: setup.prefix, limiterWindowMs: setup.windowMs });
  process.send?.("ready");
  await new Promise((resolve) => process.once("message", resolve));

  let pausedUntil = 0;
  const gate = async () => {
    while (Date.now() < pausedUntil) await sleep(pausedUntil - Date.now());
  };

  const slot = async () => {
    for (;;) {
      await gate();
      const next = await redis.lpop(setup.queueKey);
      if (next === null) return;
      const index = Number(next);
      const { file, graph, ruleThreats } = templates[index]!;
      let throttledWaits = 0;
      let transientRetries = 0;
      for (;;) {
        await gate();
        try {
          const outcome = await modeler.model({
            analysisId: `bench-${index}`,
            contentHash: sha256Hex(file.content),
            files: [file],
            graph,
            ruleThreats,
            force: false,
          });
          const result: JobResult = {
            index,
            status: outcome.status,
            cacheHit: outcome.cacheHit,
            inputTokens: outcome.usage.inputTokens,
            outputTokens: outcome.usage.outputTokens,
            rawTokens: Math.ceil(file.content.length / 4),
            throttledWaits,
            transientRetries,
            calls: outcome.calls ?? 0,
            doneAt: Date.now(),
          };
          process.send?.(result);
          break;
        } catch (error) {
          if (error instanceof LlmThrottledError) {
            throttledWaits += 1;
            pausedUntil = Math.max(pausedUntil, Date.now() + error.retryAfterMs);
          } else if (error instanceof ProviderError && error.kind === "transient" && transientRetries < 5) {
            transientRetries += 1;
            await sleep(200 * 2 ** transientRetries);
          } else {
            throw error;
          }
        }
      }
    }
  };
  await Promise.all(Array.from({ length: setup.concurrency }, slot));
  modeler.close?.();
  redis.disconnect();
}
