// The 20,000-bucket Terraform file and the 42,802-bucket CloudFormation file (generated, see huge-templates.ts)
// in a batch of small files on two worker processes; the worker running the Terraform file is SIGKILLed.
// Every analysis must end exactly once, the huge ones bounded, the small ones finished. Bounded: 8 minutes.
//   node --import tsx scripts/faults/huge-template.ts [smallFiles]
import { scriptEnv, runScript } from "./env.ts";
import { hugeTemplateScenario } from "./scenarios.ts";

const smallFiles = Number(process.argv[2] ?? 40);
await runScript(
  "huge-template",
  8 * 60_000,
  async () => {
    const env = await scriptEnv(process.env.REDIS_URL ?? "redis://127.0.0.1:6379");
    try {
      return await hugeTemplateScenario(env, { smallFiles, concurrency: 2, lockMs: 5_000, timeoutMs: 360_000 });
    } finally {
      await env.close();
    }
  },
  (r) =>
    r.notFinal === 0 &&
    r.check.duplicateThreats === 0 &&
    r.check.countMismatches.length === 0 &&
    r.check.notPersistedOnce.length === 0 &&
    r.check.unexplained.length === 0 &&
    r.huge.every((h) => h.threatCount <= 5_000),
);
