// End to end: several real worker processes (node --import tsx apps/worker/src/main.ts, the real Bedrock provider
// and SDK) share one LLM_TPM quota through the Redis limiter, against the fake Bedrock enforcing the same quota
// per minute. Submits a batch through the real API and reads the fake's per-minute counters: the quota must
// never be overshot (no 429s, no window above the quota) while the backlog keeps it busy. Real time (60 s
// windows), so it takes 2–3 minutes; bounded at 8.
//   node --import tsx bench/llm-e2e-quota.ts [--workers 3] [--files 80] [--tpm 40000]
import { cpus, totalmem } from "node:os";
import { mkdirSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { startFakeBedrock } from "@threatline/bedrock-fake";
import { finishedCount, makeTemplates, spawnWorker, stopWorker, until, workerReady, type WorkerProcess } from "../scripts/faults/lib.ts";
import { llmEnv } from "../scripts/faults/scenarios.ts";
import { scriptEnv } from "../scripts/faults/env.ts";

const here = dirname(fileURLToPath(import.meta.url));
const arg = (name: string, fallback: number) => {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? Number(process.argv[i + 1]) : fallback;
};
const WORKERS = arg("workers", 3);
const FILES = arg("files", 80);
const TPM = arg("tpm", 40_000);
const MAX_TOKENS = 1_024;

const deadline = setTimeout(() => {
  process.stderr.write("llm-e2e-quota: 8-minute deadline passed; giving up\n");
  process.exit(2);
}, 8 * 60_000);
deadline.unref();

const env = await scriptEnv(process.env.REDIS_URL ?? "redis://127.0.0.1:6379");
const fake = await startFakeBedrock({ tpm: TPM, windowMs: 60_000, latencyMs: 400 });
const workers: WorkerProcess[] = [];
try {
  for (let i = 0; i < WORKERS; i++) {
    workers.push(
      spawnWorker({
        databaseUrl: env.databaseUrl,
        redisUrl: env.redisUrl,
        prefix: env.prefix,
        concurrency: 4,
        env: llmEnv(fake, { LLM_TPM: String(TPM), LLM_MAX_TOKENS: String(MAX_TOKENS), LLM_THROTTLE_RETRY_MS: "2000" }),
      }),
    );
  }
  for (const w of workers) await workerReady(w, 60_000);
  const res = await env.submit(makeTemplates(FILES, "quota"));
  if (res.status !== 202) throw new Error(`submission refused: ${res.status}`);
  const { batchId } = res.body as { batchId: string };
  const started = Date.now();
  const allDone = await until(async () => (await finishedCount(env.db, batchId)) === FILES || undefined, 6 * 60_000, "the batch", 500).then(
    () => true,
    () => false,
  );
  const seconds = (Date.now() - started) / 1_000;
  const stats = fake.stats();
  const statuses = await env.db.analysis.groupBy({ by: ["status"], where: { batchId }, _count: { _all: true } });
  const windows = stats.perWindow;
  const full = windows.slice(1, -1); // the first and last windows are partly idle
  const peak = Math.max(...windows.map((w) => w.quotaTokens));
  const utilisation = full.length ? full.reduce((s, w) => s + w.quotaTokens, 0) / (full.length * TPM) : NaN;
  const machine = `${cpus().length} cores (${cpus()[0]?.model ?? "?"}), ${Math.round(totalmem() / 2 ** 30)} GiB, Node ${process.version}`;
  const md = `# LLM quota shared by worker processes, end to end

Measured ${new Date().toISOString()} on ${machine} (shared, noisy machine).
${WORKERS} worker processes × concurrency 4, real Bedrock provider and AWS SDK against the fake Bedrock enforcing
${TPM.toLocaleString("en")} quota tokens per 60 s window (input + 5 × output; \`LLM_TPM\` set to the same value,
\`LLM_MAX_TOKENS\` ${MAX_TOKENS}), fake latency 400 ms; ${FILES} CloudFormation files submitted through the API.

Reproduce: \`node --import tsx bench/llm-e2e-quota.ts --workers ${WORKERS} --files ${FILES} --tpm ${TPM}\`.

- Batch ${allDone ? "finished" : "NOT finished"} in ${seconds.toFixed(0)} s: ${statuses.map((s) => `${s._count._all} ${s.status}`).join(", ")}.
- Converse requests ${stats.converse}, served ${stats.served}, **429s ${stats.throttled}**.
- Peak window ${peak.toLocaleString("en")} quota tokens = **${((peak / TPM) * 100).toFixed(0)}% of the quota** (must stay ≤ 100%).
- Utilisation of the full windows (first and last excluded): ${Number.isNaN(utilisation) ? "n/a (the run fitted in fewer than three windows)" : `${(utilisation * 100).toFixed(0)}%`}.

| window start (UTC) | quota tokens | % of quota | requests | 429s |
|---|---:|---:|---:|---:|
${windows.map((w) => `| ${new Date(w.start).toISOString().slice(11, 19)} | ${w.quotaTokens.toLocaleString("en")} | ${((w.quotaTokens / TPM) * 100).toFixed(0)}% | ${w.requests} | ${w.throttled} |`).join("\n")}
`;
  mkdirSync(join(here, "results"), { recursive: true });
  writeFileSync(join(here, "results", "llm-e2e-quota.md"), md);
  process.stdout.write(md);
} finally {
  for (const w of workers) await stopWorker(w);
  await fake.close();
  await env.close();
}
process.exit(0);
