// A fake Bedrock answering with a mix of 429/503/500/cut/malformed (seeded): every analysis ends succeeded or
// partial, with a reason for partial ones. Bounded: gives up after 8 minutes.
//   node --import tsx scripts/faults/bedrock-fault-mix.ts [files] [faults]
import { scriptEnv, runScript } from "./env.ts";
import { faultMixScenario } from "./scenarios.ts";

const files = Number(process.argv[2] ?? 100);
const faults = process.argv[3] ?? "429:0.1,503:0.1,500:0.1,cut:0.1,malformed:0.1";
await runScript(
  "bedrock-fault-mix",
  8 * 60_000,
  async () => {
    const env = await scriptEnv(process.env.REDIS_URL ?? "redis://127.0.0.1:6379");
    try {
      return await faultMixScenario(env, { files, faults, workers: 2, timeoutMs: 400_000 });
    } finally {
      await env.close();
    }
  },
  (r) =>
    r.check.total === files &&
    Object.keys(r.check.byStatus).every((s) => s === "succeeded" || s === "partial") &&
    r.check.unexplained.length === 0 &&
    r.check.duplicateThreats === 0,
);
