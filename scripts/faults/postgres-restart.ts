// Restart PostgreSQL mid-batch (a throwaway cluster of our own on a free port, never the machine's 5432): the
// attempts that hit the outage are retried and every analysis completes exactly once. Needs root (runuser to
// the postgres OS user). Bounded: gives up after 8 minutes.
//   node --import tsx scripts/faults/postgres-restart.ts [files] [downSeconds]
import { privatePostgres } from "./lib.ts";
import { scriptEnv, runScript } from "./env.ts";
import { postgresRestartScenario } from "./scenarios.ts";

const files = Number(process.argv[2] ?? 100);
const downMs = Number(process.argv[3] ?? 8) * 1_000;
await runScript(
  "postgres-restart",
  8 * 60_000,
  async () => {
    const pg = await privatePostgres();
    const env = await scriptEnv(process.env.REDIS_URL ?? "redis://127.0.0.1:6379", { databaseAdminUrl: pg.adminUrl });
    try {
      return await postgresRestartScenario(env, pg, { files, downMs, timeoutMs: 300_000 });
    } finally {
      await env.close().catch(() => undefined);
      await pg.destroy();
    }
  },
  (r) =>
    r.check.total === files &&
    r.check.byStatus.succeeded === files &&
    r.check.duplicateThreats === 0 &&
    r.check.countMismatches.length === 0 &&
    r.check.notPersistedOnce.length === 0,
);
