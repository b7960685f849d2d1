// Stop Redis for 30 s (default) in the middle of a batch of 200 files: the API answers 503 queue/unavailable
// meanwhile, workers reconnect, every accepted file completes exactly once. Uses a redis-server of its own on
// a free port (never the machine's 6379). Bounded: gives up after 8 minutes.
//   node --import tsx scripts/faults/redis-outage.ts [files] [outageSeconds]
import { privateRedis } from "./lib.ts";
import { scriptEnv, runScript } from "./env.ts";
import { redisOutageScenario } from "./scenarios.ts";

const files = Number(process.argv[2] ?? 200);
const outageMs = Number(process.argv[3] ?? 30) * 1_000;
await runScript(
  "redis-outage",
  8 * 60_000,
  async () => {
    const redis = await privateRedis();
    const env = await scriptEnv(redis.url);
    try {
      return await redisOutageScenario(env, redis, {
        files,
        outageMs,
        concurrency: 4,
        llmLatencyMs: 300,
        timeoutMs: 300_000,
      });
    } finally {
      await redis.start().catch(() => undefined);
      await env.close();
      await redis.destroy();
    }
  },
  (r) =>
    r.duringOutage.length > 0 &&
    r.duringOutage.every((x) => x.status === 503 && x.code === "queue/unavailable") &&
    r.checks.every(
      (c) =>
        Object.keys(c.byStatus).join() === "succeeded" &&
        c.duplicateThreats === 0 &&
        c.countMismatches.length === 0 &&
        c.notPersistedOnce.length === 0,
    ) &&
    r.checks.reduce((s, c) => s + c.total, 0) === r.accepted,
);
