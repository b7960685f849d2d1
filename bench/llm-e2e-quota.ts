// End to end: several real worker processes (node --import tsx apps/worker/src/main.ts, the real Bedrock provider
// and SDK) share one LLM_TPM quota through the Redis limiter, against the fake Bedrock enforcing the same quota
// per minute. Submits a batch through the real API and reads the fake's per-minute counters. Bedrock's quota is a
// token bucket that starts full and refills at TPM per minute (the fake's too, and the limiter mirrors it), so the
// quota is overshot when the fake answers 429 or when the tokens served since the start exceed one full bucket plus
// the refill since; a clock-minute window may legitimately hold more than TPM (the first drains the full bucket).
// Real time (60 s windows): about 5 minutes with the defaults; bounded at 10.
//   node --import tsx bench/llm-e2e-quota.ts [--workers 3] [--files 60] [--tpm 40000]
import { cpus, totalmem } from "node:os";
import { mkdirSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { startFakeBedrock } from "@threatline/bedrock-fake";
import {
  finishedCount,
  makeTemplates,
  spawnWorker,
  stopWorker,
  until,
  workerReady,
  type WorkerProcess,
} from "../scripts/faults/lib.ts";
import { llmEnv } from "../scripts/faults/scenarios.ts";
import { scriptEnv } from "../scripts/faults/env.ts";

const here = dirname(fileURLToPath(import.meta.url));
const arg = (name: string, fallback: number) => {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? Number(process.argv[i + 1]) : fallback;
};
const WORKERS = arg("workers", 3);
const FILES = arg("files", 60);
const TPM = arg("tpm", 40_000);
const MAX_TOKENS = 1_024;

const deadline = setTimeout(() => {
  process.stderr.write("llm-e2e-quota: 10-minute deadline passed; giving up\n");
  process.exit(2);
}, 10 * 60_000);
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
  const allDone = await until(
    async () => (await finishedCount(env.db, batchId)) === FILES || undefined,
    8 * 60_000,
    "the batch",
    500,
  ).then(
    () => true,
    () => false,
  );
  const seconds = (Date.now() - started) / 1_000;
  const stats = fake.stats();
  const statuses = await env.db.analysis.groupBy({ by: ["status"], where: { batchId }, _count: { _all: true } });
  const windows = stats.perWindow;
  const full = windows.slice(1, -1); // the first and last windows are partly idle
  const peak = Math.max(...windows.map((w) => w.quotaTokens));
  // The bucket's envelope: by the end of each clock-minute window, at most one full bucket plus the refill since the
  // submission (an upper bound on the first call's time, so the check is, by seconds, lenient).
  let cumulative = 0;
  let worstEnvelope = 0;
  for (const w of windows) {
    cumulative += w.quotaTokens;
    const end = Math.min(w.start + 60_000, Date.now());
    const envelope = TPM + (TPM * Math.max(0, end - started)) / 60_000;
    worstEnvelope = Math.max(worstEnvelope, cumulative / envelope);
  }
  const served = windows.reduce((sum, w) => sum + w.quotaTokens, 0);
  const minimum = Math.max(0, (served - TPM) / TPM) * 60;
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
- Tokens served since the start, at the end of each window, against the bucket's envelope (one full bucket + the
  refill since the submission): at most **${(worstEnvelope * 100).toFixed(0)}%** (must stay ≤ 100%). Busiest clock-minute window
  ${peak.toLocaleString("en")} quota tokens = ${((peak / TPM) * 100).toFixed(0)}% of TPM (the first window drains the full bucket).
- Quota-bound minimum (served − one full bucket, at TPM): ${minimum.toFixed(0)} s; the batch took ${(seconds / Math.max(minimum, 1)).toFixed(2)}× that
  (it includes the engine's and the workers' start-up work).
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
