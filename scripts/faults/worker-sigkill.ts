// SIGKILL a worker process in the middle of a batch (default 200 files), start another, and check that every
// analysis ended exactly once with no duplicate threats. Bounded: gives up after 6 minutes.
//   node --import tsx scripts/faults/worker-sigkill.ts [files]
import { scriptEnv, runScript } from "./env.ts";
import { sigkillScenario } from "./scenarios.ts";

const files = Number(process.argv[2] ?? 200);
await runScript(
  "worker-sigkill",
  6 * 60_000,
  async () => {
    const env = await scriptEnv(process.env.REDIS_URL ?? "redis://127.0.0.1:6379");
    try {
      return await sigkillScenario(env, {
        files,
        concurrency: 4,
        llmLatencyMs: 300,
        lockMs: 5_000,
        timeoutMs: 300_000,
      });
    } finally {
      await env.close();
    }
  },
  (r) =>
    r.check.total === files &&
    r.check.byStatus.succeeded === files &&
    r.check.duplicateThreats === 0 &&
    r.check.countMismatches.length === 0 &&
    r.check.notPersistedOnce.length === 0 &&
    r.attemptErrors.length === 0,
);
