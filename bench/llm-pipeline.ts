/**
 * LLM pipeline benchmark, end to end: 300 Kubernetes templates (2k–40k raw tokens) submitted through the real
 * API (in this process) to N real worker processes (`node --import tsx apps/worker/src/main.ts`, BullMQ, the
 * engine thread pool, the real Bedrock provider and AWS SDK, the shared Redis limiter, the PostgreSQL answer
 * cache), against the fake Bedrock with a token quota and latency. Time is scaled: the quota window is
 * `--window-ms` instead of 60 s (the workers get the same `LLM_QUOTA_WINDOW_MS`), with the quota per window
 * unchanged. Measures, for 2 and 4 workers: quota utilisation, share of 429s, completion time against the
 * quota-bound minimum; then the same 300 again (the cache: no model call expected); and, in the same run, a
 * one-call-at-a-time baseline like the original prototype (raw template in the prompt, no limiter, SDK
 * default retries) on the first `--baseline` templates, extrapolated to all of them. Before each timed run the
 * workers are warmed up with a small batch (`--no-warmup` to measure cold processes).
 *
 * Run: `node --import tsx bench/llm-pipeline.ts` (PostgreSQL and Redis on loopback as for the integration
 * tests; writes bench/results/llm-pipeline.md). Options: --tpm 600000 --window-ms 15000 --latency-ms 500
 * --latency-per-token-ms 2 --templates 300 --slots 16 [--concurrency 8] --workers 2,4 --baseline 40 [--burn 0,12]
 *
 * `--burn 0,12` runs each worker count twice in the same run: on the machine as it is, and with 12 CPU burners
 * (busy-loop processes this benchmark starts after the warm-up and stops when the batch is done; each also ends by
 * itself after 15 minutes) competing with the workers for the cores, as other work on a shared machine does.
 */
import { type ChildProcess, spawn } from "node:child_process";
import { cpus, loadavg, totalmem } from "node:os";
import { existsSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";
import { type FakeStats, startFakeBedrock } from "@threatline/bedrock-fake";
import { analyze } from "@threatline/engine";
import { BedrockProvider, loadLlmConfig, loadPrompt, TOOL_NAME, toolInputSchema } from "@threatline/llm";
import { Redis } from "ioredis";
import {
  checkBatch,
  finishedCount,
  makeTemplates,
  spawnWorker,
  stopWorker,
  until,
  workerReady,
  type BatchCheck,
  type WorkerProcess,
} from "../scripts/faults/lib.ts";
import { llmEnv } from "../scripts/faults/scenarios.ts";
import { scriptEnv, type ScriptEnv } from "../scripts/faults/env.ts";
import { pipelineCorpus } from "./llm-pipeline-corpus.ts";

const root = fileURLToPath(new URL("..", import.meta.url));
const { values } = parseArgs({
  options: {
    tpm: { type: "string", default: "600000" },
    "window-ms": { type: "string", default: "15000" },
    "latency-ms": { type: "string", default: "500" },
    "latency-per-token-ms": { type: "string", default: "2" },
    "max-tokens": { type: "string", default: "4096" },
    templates: { type: "string", default: "300" },
    slots: { type: "string", default: "16" },
    concurrency: { type: "string", default: "" },
    workers: { type: "string", default: "2,4" },
    baseline: { type: "string", default: "40" },
    "no-warmup": { type: "boolean", default: false },
    burn: { type: "string", default: "0" },
    output: { type: "string", default: join(root, "bench/results/llm-pipeline.md") },
  },
});
const TPM = Number(values.tpm);
const WINDOW = Number(values["window-ms"]);
const COUNT = Number(values.templates);
const SLOTS = Number(values.slots);
/** WORKER_CONCURRENCY: `--concurrency`, else the `--slots` (jobs running at once in all) shared by the processes. */
const concurrencyFor = (workers: number) =>
  values.concurrency ? Number(values.concurrency) : Math.max(1, Math.round(SLOTS / workers));
const WORKERS = values.workers.split(",").map(Number);
const BASELINE = Math.min(COUNT, Number(values.baseline));
const MAX_TOKENS = Number(values["max-tokens"]);
const REDIS_URL = process.env.REDIS_URL ?? "redis://127.0.0.1:6379";
const RATE = TPM / WINDOW; // quota tokens per ms
const WARMUP = !values["no-warmup"];
const BURNS = values.burn.split(",").map(Number);

/** CPU burners: busy loops in processes of their own, bounded to 15 minutes each even if this process dies. */
const liveBurners = new Set<ChildProcess>();
function startBurners(count: number): ChildProcess[] {
  return Array.from({ length: count }, () => {
    const b = spawn(process.execPath, ["-e", "const end = Date.now() + 15 * 60_000; while (Date.now() < end) {}"], {
      stdio: "ignore",
    });
    liveBurners.add(b);
    b.once("exit", () => liveBurners.delete(b));
    return b;
  });
}
async function stopBurners(burners: ChildProcess[]): Promise<void> {
  await Promise.all(
    burners.map(
      (b) =>
        new Promise<void>((resolve) => {
          if (b.exitCode !== null || b.signalCode !== null) return resolve();
          b.once("exit", () => resolve());
          b.kill("SIGKILL");
        }),
    ),
  );
}

const deadline = setTimeout(() => {
  process.stderr.write("llm-pipeline: 14-minute deadline passed; giving up\n");
  for (const b of liveBurners) b.kill("SIGKILL");
  process.exit(2);
}, 14 * 60_000);
deadline.unref();

process.env.AWS_ACCESS_KEY_ID ??= "bench-fake";
process.env.AWS_SECRET_ACCESS_KEY ??= "bench-fake";
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED = "true";

const templates = pipelineCorpus(COUNT);
const rawTokens = templates.map((t) => Math.ceil(t.content.length / 4));
const fake = await startFakeBedrock({
  tpm: TPM,
  windowMs: WINDOW,
  latencyMs: Number(values["latency-ms"]),
  latencyPerOutputTokenMs: Number(values["latency-per-token-ms"]),
});
const log = (message: string) =>
  process.stderr.write(`[llm-pipeline ${new Date().toISOString().slice(11, 19)}] ${message}\n`);

interface RunMetrics {
  label: string;
  templates: number;
  wallMs: number;
  submitMs: number;
  calls: number;
  throttled: number;
  quotaTokens: number;
  inputTokens: number;
  outputTokens: number;
  /** (served quota tokens − the full bucket at the start) ÷ refill rate: no client can finish sooner. */
  minMs: number;
  /** Served quota tokens ÷ refill rate, as if the bucket started empty. */
  naiveMinMs: number;
  /** Served ÷ (full bucket + refill over the run): the share of what the quota let through. */
  utilisation: number;
  steadyUtilisation: number | null;
  maxWindowShare: number;
  series: number[];
  quotaWaits: number;
  quotaWaitMs: number;
  statuses: Record<string, number>;
  check: BatchCheck | null;
  cacheHits: number;
  load: number;
  /** Where the time above the minimum went (see `losses`). */
  losses: Losses | null;
  /** CPU seconds of the worker processes during the run: main threads, other threads. */
  cpu: { main: number; other: number } | null;
}

/**
 * Where a run lost quota, from the fake's books: refill that went nowhere because the bucket sat full (before the
 * first call, and after it: nobody asked in time), the first call's delay, and the tail after the last answer.
 */
interface Losses {
  firstCallMs: number;
  fullBeforeFirstMs: number;
  fullAfterFirstMs: number;
  lastAdmitToAnswerMs: number;
  lastAnswerToEndMs: number;
}

function losses(stats: FakeStats, started: number, ended: number): Losses | null {
  if (stats.calls.length === 0) return null;
  const first = Math.min(...stats.calls.map((c) => c.at));
  const lastAdmit = Math.max(...stats.calls.map((c) => c.at));
  const lastAnswer = Math.max(...stats.calls.map((c) => c.settledAt));
  const full = (from: number, to: number) =>
    stats.fullSpans.reduce((sum, [a, b]) => sum + Math.max(0, Math.min(b, to) - Math.max(a, from)), 0);
  return {
    firstCallMs: first - started,
    fullBeforeFirstMs: full(started, first),
    fullAfterFirstMs: full(first, ended),
    lastAdmitToAnswerMs: lastAnswer - lastAdmit,
    lastAnswerToEndMs: ended - lastAnswer,
  };
}

function metrics(
  label: string,
  n: number,
  stats: FakeStats,
  started: number,
  ended: number,
  submitMs: number,
  extra: Pick<RunMetrics, "quotaWaits" | "quotaWaitMs" | "statuses" | "check" | "cacheHits" | "cpu">,
): RunMetrics {
  const wallMs = ended - started;
  const inner = stats.perWindow.filter((w) => w.start >= started && w.start + WINDOW <= ended);
  return {
    label,
    templates: n,
    wallMs,
    submitMs,
    calls: stats.converse,
    throttled: stats.throttled,
    quotaTokens: stats.quotaTokens,
    inputTokens: stats.inputTokens,
    outputTokens: stats.outputTokens,
    minMs: Math.max(0, stats.quotaTokens - TPM) / RATE,
    naiveMinMs: stats.quotaTokens / RATE,
    utilisation: stats.quotaTokens / (TPM + RATE * wallMs),
    steadyUtilisation: inner.length > 0 ? inner.reduce((s, w) => s + w.quotaTokens, 0) / (inner.length * TPM) : null,
    maxWindowShare: Math.max(0, ...stats.perWindow.map((w) => w.quotaTokens)) / TPM,
    series: stats.perWindow
      .filter((w) => w.start + WINDOW > started && w.start < ended)
      .map((w) => w.quotaTokens / TPM),
    load: loadavg()[0] ?? 0,
    losses: losses(stats, started, ended),
    ...extra,
  };
}

/**
 * CPU seconds the worker processes have used, on their main threads (JavaScript: BullMQ, the SDK, prompts,
 * validation, Prisma) and on all their other threads (the engine pool, libuv, GC, the compiler), from
 * /proc/<pid>/task/<tid>/stat (Linux; zeros elsewhere).
 */
function workerCpu(workers: WorkerProcess[]): { main: number; other: number } {
  const tick = 100; // USER_HZ
  let main = 0;
  let other = 0;
  for (const w of workers) {
    const dir = `/proc/${w.pid}/task`;
    if (!existsSync(dir)) continue;
    for (const tid of readdirSync(dir)) {
      try {
        const fields = readFileSync(`${dir}/${tid}/stat`, "utf8").split(") ")[1]!.split(" ");
        const seconds = (Number(fields[11]) + Number(fields[12])) / tick;
        if (Number(tid) === w.pid) main += seconds;
        else other += seconds;
      } catch {
        // The thread ended between the listing and the read.
      }
    }
  }
  return { main, other };
}

/** Quota waits the workers logged with each finished LLM step. */
function quotaWaits(workers: WorkerProcess[]): { waits: number; ms: number } {
  let waits = 0;
  let ms = 0;
  for (const w of workers) {
    for (const line of w.logs()) {
      if (line.msg === "LLM threats merged") {
        waits += Number(line.quotaWaits ?? 0);
        ms += Number(line.quotaWaitMs ?? 0);
      }
    }
  }
  return { waits, ms };
}

async function submitAndWait(env: ScriptEnv, label: string, workers: WorkerProcess[]): Promise<RunMetrics> {
  fake.reset();
  const before = quotaWaits(workers);
  const cpuBefore = workerCpu(workers);
  const t0 = Date.now();
  const res = await env.submit(templates.map((t) => ({ path: t.path, content: t.content })));
  if (res.status !== 202)
    throw new Error(`${label}: submission refused: ${res.status} ${JSON.stringify(res.body).slice(0, 300)}`);
  const started = Date.now();
  const { batchId } = res.body as { batchId: string };
  await until(
    async () => (await finishedCount(env.db, batchId)) === COUNT || undefined,
    10 * 60_000,
    `${label}: the batch`,
    250,
  );
  const last = await env.db.analysis.aggregate({ where: { batchId }, _max: { finishedAt: true } });
  const ended = Math.max(started, last._max.finishedAt?.getTime() ?? Date.now());
  const check = await checkBatch(env.db, batchId);
  const hits = await env.db.analysis.count({ where: { batchId, llmCacheHit: true } });
  const after = quotaWaits(workers);
  const cpuAfter = workerCpu(workers);
  const m = metrics(label, COUNT, fake.stats(), started, ended, started - t0, {
    cpu: { main: cpuAfter.main - cpuBefore.main, other: cpuAfter.other - cpuBefore.other },
    quotaWaits: after.waits - before.waits,
    quotaWaitMs: after.ms - before.ms,
    statuses: check.byStatus,
    check,
    cacheHits: hits,
  });
  log(
    `${label}: ${(m.wallMs / 1000).toFixed(1)} s (minimum ${(m.minMs / 1000).toFixed(1)} s), ${m.calls} calls, ${m.throttled} 429s, utilisation ${(m.utilisation * 100).toFixed(1)}%, ${JSON.stringify(m.statuses)}`,
  );
  return m;
}

async function workerRun(n: number, burn: number): Promise<{ run: RunMetrics; cache: RunMetrics | null }> {
  const env = await scriptEnv(REDIS_URL);
  const workers: WorkerProcess[] = [];
  try {
    const workerEnv = llmEnv(fake, {
      LLM_TPM: String(TPM),
      LLM_QUOTA_WINDOW_MS: String(WINDOW),
      LLM_LIMITER_MAX_WAIT_MS: String(2 * WINDOW),
      LLM_MAX_TOKENS: String(MAX_TOKENS),
      LLM_THROTTLE_RETRY_MS: "1000",
      LLM_TIMEOUT_MS: "120000",
    });
    for (let i = 0; i < n; i += 1)
      workers.push(
        spawnWorker({
          databaseUrl: env.databaseUrl,
          redisUrl: env.redisUrl,
          prefix: env.prefix,
          concurrency: concurrencyFor(n),
          env: workerEnv,
        }),
      );
    for (const w of workers) await workerReady(w, 120_000);
    if (WARMUP) await warmUp(env, n);
    const burners = startBurners(burn);
    let run: RunMetrics;
    try {
      run = await submitAndWait(
        env,
        `${n} worker processes × ${concurrencyFor(n)} jobs${burn > 0 ? `, ${burn} CPU burners` : ""}`,
        workers,
      );
    } finally {
      await stopBurners(burners);
    }
    const cache =
      n === WORKERS.at(-1) && burn === BURNS.at(-1)
        ? await submitAndWait(env, `${n} workers, the same ${COUNT} again`, workers)
        : null;
    return { run, cache };
  } finally {
    for (const w of workers) await stopWorker(w);
    await env.close();
  }
}

/**
 * A long-running worker has its engine threads started (each loads the engine's sources); fresh processes
 * spend their first tens of seconds doing that. A small batch first, then a full bucket again on both sides
 * (the fake's reset, the limiter's keys deleted) so that the timed run starts from the same state.
 */
async function warmUp(env: ScriptEnv, n: number): Promise<void> {
  const files = makeTemplates(2 * n * concurrencyFor(n), `warm-${n}`);
  const res = await env.submit(files);
  if (res.status !== 202) throw new Error(`warm-up refused: ${res.status}`);
  const { batchId } = res.body as { batchId: string };
  await until(
    async () => (await finishedCount(env.db, batchId)) === files.length || undefined,
    5 * 60_000,
    "the warm-up batch",
    250,
  );
  const redis = new Redis(REDIS_URL);
  try {
    let cursor = "0";
    do {
      const [next, keys] = await redis.scan(cursor, "MATCH", `${env.prefix}:llm:llm-bucket:*`, "COUNT", 1000);
      if (keys.length > 0) await redis.del(...keys);
      cursor = next;
    } while (cursor !== "0");
  } finally {
    redis.disconnect();
  }
  log(`${n} workers warmed up with ${files.length} small templates`);
}

/** The prototype: one template at a time, raw text in the prompt, no limiter, SDK default retries (3 attempts). */
async function baseline(): Promise<RunMetrics> {
  const graphs = [];
  for (const file of templates.slice(0, BASELINE)) graphs.push((await analyze([file])).graph);
  fake.reset();
  const config = loadLlmConfig({
    THREATLINE_LLM_PROVIDER: "bedrock",
    BEDROCK_ENDPOINT: fake.url,
    AWS_REGION: "us-east-1",
    LLM_SDK_MAX_ATTEMPTS: "3",
    LLM_MAX_TOKENS: String(MAX_TOKENS),
  })!;
  const provider = new BedrockProvider(config);
  const prompt = loadPrompt("stride-v1");
  const statuses: Record<string, number> = {};
  const started = Date.now();
  for (const [index, graph] of graphs.entries()) {
    const user = `Threat-model this template.\n<resource_ids>${JSON.stringify(graph.nodes.map((n) => n.id))}</resource_ids>\n${templates[index]!.content}`;
    let status = "succeeded";
    try {
      await provider.complete({
        system: prompt.system,
        messages: [{ role: "user", content: [{ text: user }] }],
        // The prototype's schema: the full one, not the lean one the pipeline sends since stride-v2.
        tool: { name: TOOL_NAME, description: "", inputSchema: toolInputSchema() },
        maxTokens: config.maxTokens,
        temperature: 0,
      });
    } catch {
      status = "failed";
    }
    statuses[status] = (statuses[status] ?? 0) + 1;
  }
  provider.close();
  const m = metrics(
    `baseline: 1 call at a time, raw template (prototype), first ${BASELINE}`,
    BASELINE,
    fake.stats(),
    started,
    Date.now(),
    0,
    { quotaWaits: 0, quotaWaitMs: 0, statuses, check: null, cacheHits: 0, cpu: null },
  );
  log(`baseline: ${(m.wallMs / 1000).toFixed(1)} s for ${BASELINE}, ${m.throttled} 429s`);
  return m;
}

const runs: RunMetrics[] = [];
let cacheRun: RunMetrics | null = null;
for (const n of WORKERS) {
  for (const burn of BURNS) {
    const { run, cache } = await workerRun(n, burn);
    runs.push(run);
    if (cache) cacheRun = cache;
  }
}
const base = BASELINE > 0 ? await baseline() : null;
await fake.close();

const pct = (x: number) => `${(x * 100).toFixed(1)}%`;
const sec = (ms: number) => `${(ms / 1000).toFixed(1)} s`;
const avgRaw = rawTokens.reduce((s, t) => s + t, 0) / rawTokens.length;
const sentPipeline = runs.length > 0 ? runs[0]!.inputTokens / COUNT : 0;
const sentBaseline = base ? base.inputTokens / BASELINE : null;
const all = [...runs, ...(cacheRun ? [cacheRun] : []), ...(base ? [base] : [])];
const scale = base ? COUNT / BASELINE : 1;
const machine = `${cpus().length} cores (${cpus()[0]?.model ?? "?"}), ${Math.round(totalmem() / 2 ** 30)} GiB, Node ${process.version}`;
const lines = [
  "# LLM pipeline benchmark (real worker processes)",
  "",
  `Produced by \`node --import tsx bench/llm-pipeline.ts\` on ${new Date().toISOString().slice(0, 16)}Z, ${machine}. ${COUNT} generated Kubernetes manifests, raw size ${Math.min(...rawTokens)}–${Math.max(...rawTokens)} tokens (chars/4, mean ${Math.round(avgRaw)}), submitted in one batch through the real API (in the benchmark's process) to separate worker processes (\`apps/worker/src/main.ts\`: BullMQ, the engine's thread pool, the real Bedrock provider and AWS SDK with 1 attempt, the shared Redis limiter, the PostgreSQL answer cache), WORKER_CONCURRENCY ${values.concurrency ? values.concurrency : `${SLOTS} ÷ processes (the same ${SLOTS} jobs at once in all: the quota, not the process count, sets how many are useful)`}. Each worker count gets a fresh database and Redis prefix (an empty cache). ${WARMUP ? `Before the timed run the workers analyse twice their concurrency in small templates (their engine threads start, as in a long-running deployment); then the fake's bucket and the limiter's are full again.` : "The workers are cold (no warm-up batch): their engine threads start during the timed run."}`,
  "",
  `Fake Bedrock: a token bucket of ${TPM.toLocaleString("en")} quota tokens (input + 5 × output, Claude 4-class), refilled over a ${WINDOW} ms window instead of 60 s — **time scaled ${(60_000 / WINDOW).toFixed(0)}×**: the quota per window is a real one, latencies are ${values["latency-ms"]} ms + ${values["latency-per-token-ms"]} ms per output token (about ${((Number(values["latency-ms"]) + Number(values["latency-per-token-ms"]) * 2000) / 1000).toFixed(1)} s for a 2 000-token answer, i.e. ${(((Number(values["latency-ms"]) + Number(values["latency-per-token-ms"]) * 2000) * 60_000) / WINDOW / 1000).toFixed(0)} s in real time), answers of up to 20 threats. Workers: \`LLM_TPM\` = the fake's quota, \`LLM_QUOTA_WINDOW_MS\` = ${WINDOW}, \`LLM_MAX_TOKENS\` ${MAX_TOKENS}, default margin (1%), refused calls wait in-process up to two windows (the default's proportion).`,
  "",
  "The clock runs from the API's 202 (every job enqueued) to the last analysis's `finishedAt`; the engine, persistence and the LLM step are all inside it. Quota-bound minimum = (served quota tokens − the full bucket at the start) ÷ refill rate: no client could finish sooner. Utilisation = served quota tokens ÷ (full bucket + refill over the run), the share of what the quota let through that was used. Steady utilisation = quota tokens admitted in the fixed windows wholly inside the run ÷ quota. A fixed window may exceed 100% without any 429: the bucket starts full and refills continuously.",
  "",
  `| | ${all.map((m) => m.label).join(" | ")} |`,
  `|---|${all.map(() => "---").join("|")}|`,
  `| completion time | ${all.map((m) => sec(m.wallMs)).join(" | ")} |`,
  `| quota-bound minimum | ${all.map((m) => sec(m.minMs)).join(" | ")} |`,
  `| **time ÷ minimum** (goal ≤ 1.1) | ${all.map((m) => (m.minMs > 0 ? `**${(m.wallMs / m.minMs).toFixed(2)}×**` : "–")).join(" | ")} |`,
  `| time ÷ (served ÷ refill rate, as if the bucket started empty) | ${all.map((m) => (m.naiveMinMs > 0 ? `${(m.wallMs / m.naiveMinMs).toFixed(2)}×` : "–")).join(" | ")} |`,
  `| **quota utilisation** (goal ≥ 90%) | ${all.map((m) => (m.calls > 0 ? `**${pct(m.utilisation)}**` : "–")).join(" | ")} |`,
  `| steady utilisation (full windows) | ${all.map((m) => (m.steadyUtilisation === null || m.calls === 0 ? "–" : pct(m.steadyUtilisation))).join(" | ")} |`,
  `| busiest fixed window ÷ quota | ${all.map((m) => pct(m.maxWindowShare)).join(" | ")} |`,
  `| model calls | ${all.map((m) => m.calls).join(" | ")} |`,
  `| **429s from Bedrock** (share of calls, goal < 2%) | ${all.map((m) => `**${m.throttled}** (${m.calls > 0 ? pct(m.throttled / m.calls) : "–"})`).join(" | ")} |`,
  `| waits for the shared quota in the workers (total wait) | ${all.map((m) => (m.check ? `${m.quotaWaits} (${sec(m.quotaWaitMs)})` : "–")).join(" | ")} |`,
  `| LLM cache hits | ${all.map((m) => (m.check ? m.cacheHits : "–")).join(" | ")} |`,
  `| outcomes | ${all
    .map((m) =>
      Object.entries(m.statuses)
        .map(([k, v]) => `${k} ${v}`)
        .join(", "),
    )
    .join(" | ")} |`,
  `| duplicated threats / count mismatches | ${all.map((m) => (m.check ? `${m.check.duplicateThreats} / ${m.check.countMismatches.length}` : "–")).join(" | ")} |`,
  `| input / output tokens | ${all.map((m) => `${m.inputTokens.toLocaleString("en")} / ${m.outputTokens.toLocaleString("en")}`).join(" | ")} |`,
  `| submission through the API (${COUNT} files) | ${all.map((m) => (m.check ? sec(m.submitMs) : "–")).join(" | ")} |`,
  `| load average at the end | ${all.map((m) => m.load.toFixed(1)).join(" | ")} |`,
  `| worker CPU per analysis: main threads / other threads (engine pool, GC…) | ${all.map((m) => (m.cpu && m.check ? `${((m.cpu.main * 1000) / m.templates).toFixed(0)} ms / ${((m.cpu.other * 1000) / m.templates).toFixed(0)} ms` : "–")).join(" | ")} |`,
  `| first model call after | ${all.map((m) => (m.losses && m.check ? sec(m.losses.firstCallMs) : "–")).join(" | ")} |`,
  `| refill lost, bucket full: before the first call / after it | ${all.map((m) => (m.losses && m.check ? `${sec(m.losses.fullBeforeFirstMs)} / ${sec(m.losses.fullAfterFirstMs)}` : "–")).join(" | ")} |`,
  `| last admission → its answer; last answer → last analysis finished | ${all.map((m) => (m.losses && m.check ? `${sec(m.losses.lastAdmitToAnswerMs)}; ${sec(m.losses.lastAnswerToEndMs)}` : "–")).join(" | ")} |`,
  "",
  ...(base
    ? [
        `Baseline: ${BASELINE} of the ${COUNT} templates were run (one call at a time is slow); for all ${COUNT} that is about ${sec(base.wallMs * scale)} against a quota-bound minimum of ${sec(Math.max(0, base.quotaTokens * scale - TPM) / RATE)} (${((base.wallMs * scale) / Math.max(1, Math.max(0, base.quotaTokens * scale - TPM) / RATE)).toFixed(2)}×), ${pct((base.quotaTokens * scale) / (TPM + RATE * base.wallMs * scale))} of the quota — extrapolated linearly from the sample (the corpus is drawn from one seeded distribution).`,
        "",
      ]
    : []),
  "Quota tokens admitted per fixed window, as a share of the quota:",
  "",
  ...all
    .filter((m) => m.calls > 0)
    .map((m) => `- ${m.label}: ${m.series.map((x) => `${Math.round(x * 100)}%`).join(" ")}`),
  "",
  "## Tokens sent per template",
  "",
  `| | tokens per template (mean) |`,
  `|---|---|`,
  `| raw template (chars/4) | ${Math.round(avgRaw)} |`,
  `| pipeline prompt (redacted compact graph + rule findings + system + tool schema; billed input, splits and repairs included) | ${Math.round(sentPipeline)} (${pct(sentPipeline / avgRaw)} of raw) |`,
  ...(sentBaseline !== null
    ? [
        `| prototype prompt (raw template + system + tool schema, billed input; first ${BASELINE}, whose raw mean is ${Math.round(rawTokens.slice(0, BASELINE).reduce((s, t) => s + t, 0) / BASELINE)}) | ${Math.round(sentBaseline)} (${pct(sentBaseline / (rawTokens.slice(0, BASELINE).reduce((s, t) => s + t, 0) / BASELINE))} of raw) |`,
      ]
    : []),
  "",
];
writeFileSync(values.output, `${lines.join("\n")}\n`);
process.stdout.write(`${lines.join("\n")}\n`);
process.exit(0);
