// SIGTERM a worker in the middle of a batch: its running analyses finish, it exits 0, another worker does the
// rest; nothing is lost or doubled. Bounded: gives up after 6 minutes.
//   node --import tsx scripts/faults/worker-sigterm.ts [files]
import { scriptEnv, runScript } from "./env.ts";
import { sigtermScenario } from "./scenarios.ts";

const files = Number(process.argv[2] ?? 100);
await runScript(
  "worker-sigterm",
  6 * 60_000,
  async () => {
    const env = await scriptEnv(process.env.REDIS_URL ?? "redis://127.0.0.1:6379");
    try {
      return await sigtermScenario(env, { files, concurrency: 4, llmLatencyMs: 500, timeoutMs: 300_000 });
    } finally {
      await env.close();
    }
  },
  (r) =>
    r.exitCode === 0 &&
    r.finishedByDrain === r.inFlightAtTerm &&
    r.check.byStatus.succeeded === files &&
    r.check.duplicateThreats === 0 &&
    r.attemptErrors.length === 0,
);
