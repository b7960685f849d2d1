/**
 * LLM pipeline benchmark, at the limiter level: N worker processes (child processes sharing one Redis) push
 * the same 300 Kubernetes templates (2k–40k raw tokens) through the engine and the threat modeler — real
 * Bedrock provider, real AWS SDK, real shared Redis limiter and cache — against the fake Bedrock with a
 * token quota and latency. Time is scaled: the quota window is `--window-ms` instead of 60 s, with the
 * quota per window unchanged, so a run takes two to three minutes. Measures quota utilisation, share of 429s and
 * completion time against the quota-bound minimum, for 2 and 4 workers; a re-run of the same templates with
 * the shared cache (no model call expected); and a one-call-at-a-time baseline like the original prototype
 * (raw template in the prompt, no limiter, SDK default retries).
 *
 * Run: `npx tsx bench/llm-pipeline.ts` (needs Redis at REDIS_URL or 127.0.0.1:6379; writes
 * bench/results/llm-pipeline.md). Options: --tpm 600000 --window-ms 15000 --latency-ms 200
 * --latency-per-token-ms 0.5 --templates 300 --concurrency 8 --workers 2,4 --no-baseline
 */
import { fork } from "node:child_process";
import { randomBytes } from "node:crypto";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";
import { type FakeStats, startFakeBedrock } from "@threatline/bedrock-fake";
import { analyze } from "@threatline/engine";
import { BedrockProvider, loadLlmConfig, loadPrompt, TOOL_NAME } from "@threatline/llm";
import { Redis } from "ioredis";
import { pipelineCorpus } from "./llm-pipeline-corpus.ts";
import type { JobResult, PreparedTemplate, WorkerSetup } from "./llm-pipeline-shared.ts";

const root = fileURLToPath(new URL("..", import.meta.url));
const { values } = parseArgs({
  options: {
    tpm: { type: "string", default: "600000" },
    "limiter-share": { type: "string", default: "0.97" },
    "window-ms": { type: "string", default: "15000" },
    "latency-ms": { type: "string", default: "200" },
    "latency-per-token-ms": { type: "string", default: "0.5" },
    "poll-ms": { type: "string", default: "200" },
    templates: { type: "string", default: "300" },
    concurrency: { type: "string", default: "8" },
    workers: { type: "string", default: "2,4" },
    reserve: { type: "string", default: "max,adaptive" },
    "no-baseline": { type: "boolean", default: false },
    output: { type: "string", default: join(root, "bench/results/llm-pipeline.md") },
  },
});
const TPM = Number(values.tpm);
const LIMITER_TPM = Math.floor(TPM * Number(values["limiter-share"]));
const WINDOW = Number(values["window-ms"]);
const COUNT = Number(values.templates);
const CONCURRENCY = Number(values.concurrency);
const WORKERS = values.workers.split(",").map(Number);
const REDIS_URL = process.env.REDIS_URL ?? "redis://127.0.0.1:6379";

process.env.AWS_ACCESS_KEY_ID ??= "bench-fake";
process.env.AWS_SECRET_ACCESS_KEY ??= "bench-fake";
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED = "true";

const templates = pipelineCorpus(COUNT);
const prepared: PreparedTemplate[] = [];
const engineStarted = Date.now();
for (const file of templates) {
  const { graph, threats } = await analyze([file]);
  prepared.push({ file, graph, ruleThreats: threats });
}
const engineMs = Date.now() - engineStarted;
const corpusDir = mkdtempSync(join(tmpdir(), "tl-llm-bench-"));
const corpusFile = join(corpusDir, "corpus.json");
writeFileSync(corpusFile, JSON.stringify(prepared));
const rawTokens = templates.map((t) => Math.ceil(t.content.length / 4));

const fake = await startFakeBedrock({
  tpm: TPM,
  windowMs: WINDOW,
  latencyMs: Number(values["latency-ms"]),
  latencyPerOutputTokenMs: Number(values["latency-per-token-ms"]),
});
const redis = new Redis(REDIS_URL);

interface RunMetrics {
  label: string;
  wallMs: number;
  calls: number;
  throttled: number;
  quotaTokens: number;
  inputTokens: number;
  outputTokens: number;
  minMs: number;
  strictMinMs: number;
  utilisation: number;
  steadyUtilisation: number | null;
  limiterWaits: number;
  transientRetries: number;
  statuses: Record<string, number>;
  cacheHits: number;
  maxWindow: number;
  /** Quota tokens of each fixed window that started during the run, as a share of the quota. */
  series: number[];
}

function metrics(label: string, stats: FakeStats, started: number, ended: number, results: JobResult[]): RunMetrics {
  const wallMs = ended - started;
  const minMs = (stats.quotaTokens / TPM) * WINDOW;
  // The quota starts full: the absolute floor drains one full window at once, then runs at the refill rate.
  const strictMinMs = Math.max(0, ((stats.quotaTokens - TPM) / TPM) * WINDOW);
  const inner = stats.perWindow.filter((w) => w.start >= started && w.start + WINDOW <= ended);
  const statuses: Record<string, number> = {};
  for (const r of results) statuses[r.status] = (statuses[r.status] ?? 0) + 1;
  return {
    label,
    wallMs,
    calls: stats.converse,
    throttled: stats.throttled,
    quotaTokens: stats.quotaTokens,
    inputTokens: stats.inputTokens,
    outputTokens: stats.outputTokens,
    minMs,
    strictMinMs,
    utilisation: stats.quotaTokens / ((TPM * wallMs) / WINDOW),
    steadyUtilisation: inner.length > 0 ? inner.reduce((s, w) => s + w.quotaTokens, 0) / (inner.length * TPM) : null,
    limiterWaits: results.reduce((s, r) => s + r.throttledWaits, 0),
    transientRetries: results.reduce((s, r) => s + r.transientRetries, 0),
    statuses,
    cacheHits: results.filter((r) => r.cacheHit).length,
    maxWindow: Math.max(0, ...stats.perWindow.map((w) => w.quotaTokens)),
    series: stats.perWindow.filter((w) => w.start + WINDOW > started && w.start < ended).map((w) => w.quotaTokens / TPM),
  };
}

async function runWorkers(label: string, workers: number, prefix: string, reserve: "max" | "adaptive"): Promise<{ m: RunMetrics; results: JobResult[] }> {
  fake.reset();
  const queueKey = `${prefix}:queue`;
  await redis.del(queueKey);
  await redis.rpush(queueKey, ...templates.map((_, i) => String(i)));
  const results: JobResult[] = [];
  const setup: WorkerSetup = { redisUrl: REDIS_URL, queueKey, prefix, fakeUrl: fake.url, tpm: LIMITER_TPM, windowMs: WINDOW, concurrency: CONCURRENCY, reserve, pollMs: Number(values["poll-ms"]), corpusFile };
  const children = Array.from({ length: workers }, () => fork(join(root, "bench/llm-pipeline-worker.ts"), [], { execArgv: ["--import", "tsx"], env: process.env }));
  const exits = children.map((child) => {
    child.on("message", (r: JobResult | "ready") => {
      if (r !== "ready") results.push(r);
    });
    return new Promise<void>((resolve, reject) => child.on("exit", (code) => (code === 0 ? resolve() : reject(new Error(`worker exited ${code}`)))));
  });
  // The clock starts when every process has loaded and connected, as a long-running worker would be.
  await Promise.all(children.map((child) => new Promise<void>((resolve) => {
    child.once("message", () => resolve());
    child.send(setup);
  })));
  fake.reset();
  const started = Date.now();
  for (const child of children) child.send("go");
  await Promise.all(exits);
  const ended = Math.max(started, ...results.map((r) => r.doneAt));
  if (results.length !== templates.length) throw new Error(`${label}: ${results.length}/${templates.length} results`);
  const m = metrics(label, fake.stats(), started, ended, results);
  process.stderr.write(`${label}: ${(m.wallMs / 1000).toFixed(1)} s, ${m.calls} calls, ${m.throttled} 429s, utilisation ${(m.utilisation * 100).toFixed(1)}%\n`);
  return { m, results };
}

/** The prototype: one template at a time, raw text in the prompt, no limiter, SDK default retries. */
async function baseline(): Promise<RunMetrics> {
  fake.reset();
  const config = loadLlmConfig({ THREATLINE_LLM_PROVIDER: "bedrock", BEDROCK_ENDPOINT: fake.url, AWS_REGION: "us-east-1", LLM_SDK_MAX_ATTEMPTS: "3" })!;
  const provider = new BedrockProvider(config);
  const prompt = loadPrompt("stride-v1");
  const results: JobResult[] = [];
  const started = Date.now();
  for (const [index, { file, graph }] of prepared.entries()) {
    const user = `Threat-model this template.\n<resource_ids>${JSON.stringify(graph.nodes.map((n) => n.id))}</resource_ids>\n${file.content}`;
    let status = "succeeded";
    let usage = { inputTokens: 0, outputTokens: 0 };
    try {
      const response = await provider.complete({ system: prompt.system, messages: [{ role: "user", content: [{ text: user }] }], tool: { name: TOOL_NAME, description: "", inputSchema: prompt.toolSchema }, maxTokens: config.maxTokens, temperature: 0 });
      usage = response.usage;
    } catch {
      status = "failed";
    }
    results.push({ index, status, cacheHit: false, inputTokens: usage.inputTokens, outputTokens: usage.outputTokens, rawTokens: rawTokens[index]!, throttledWaits: 0, transientRetries: 0, calls: 1, doneAt: Date.now() });
  }
  provider.close();
  const m = metrics("baseline: 1 call at a time, raw template (prototype)", fake.stats(), started, Date.now(), results);
  process.stderr.write(`baseline: ${(m.wallMs / 1000).toFixed(1)} s, ${m.throttled} 429s\n`);
  return m;
}

const runs: RunMetrics[] = [];
let lastResults: JobResult[] = [];
let cacheRun: RunMetrics | null = null;
const RESERVES = values.reserve.split(",") as Array<"max" | "adaptive">;
for (const reserve of RESERVES) {
  for (const n of WORKERS) {
    const prefix = `bench-llm-${randomBytes(4).toString("hex")}`;
    const { m, results } = await runWorkers(`${n} workers × ${CONCURRENCY} jobs, reserve ${reserve}`, n, prefix, reserve);
    runs.push(m);
    lastResults = results;
    if (n === WORKERS.at(-1) && reserve === RESERVES.at(-1)) cacheRun = (await runWorkers(`${n} workers, same ${COUNT} again (cache)`, n, prefix, reserve)).m;
  }
}
const base = values["no-baseline"] ? null : await baseline();

await fake.close();
redis.disconnect();

const pct = (x: number) => `${(x * 100).toFixed(1)}%`;
const sec = (ms: number) => `${(ms / 1000).toFixed(1)} s`;
const all = [...runs, ...(cacheRun ? [cacheRun] : []), ...(base ? [base] : [])];
const avgRaw = rawTokens.reduce((s, t) => s + t, 0) / rawTokens.length;
const sentPipeline = lastResults.reduce((s, r) => s + r.inputTokens, 0) / lastResults.length;
const sentBaseline = base ? base.inputTokens / COUNT : null;
const lines = [
  "# LLM pipeline benchmark (limiter level)",
  "",
  `Produced by \`npx tsx bench/llm-pipeline.ts\` on ${new Date().toISOString().slice(0, 16)}Z. ${COUNT} generated Kubernetes manifests, raw size ${Math.min(...rawTokens)}–${Math.max(...rawTokens)} tokens (chars/4, mean ${Math.round(avgRaw)}). Each worker is a separate Node process (child_process.fork) running the engine, then \`createThreatModeler\` with the real Bedrock provider (AWS SDK, maxAttempts 1), the Redis limiter and a Redis-backed \`LlmCache\`; throttling is handled as the worker's BullMQ rate-limit path does (wait \`retryAfterMs\`, no attempt burnt).`,
  "",
  `The engine (parse, graph, rules) ran once in the coordinator (${(engineMs / 1000).toFixed(1)} s for all templates) so that the runs measure the LLM step; each worker still redacts, compacts, chunks, calls, validates, grounds, merges and caches. The clock starts once all worker processes are loaded.`,
  "",
  `Fake Bedrock: quota ${TPM.toLocaleString("en")} tokens (input + 5 × output, Claude 4-class) per window, window ${WINDOW} ms instead of 60 s (time scaled ${(60_000 / WINDOW).toFixed(0)}×, so latencies are relatively ${(60_000 / WINDOW).toFixed(0)}× heavier than in production), latency ${values["latency-ms"]} ms + ${values["latency-per-token-ms"]} ms per output token, answers of up to 20 threats. Limiter quota ${LIMITER_TPM.toLocaleString("en")} (${pct(LIMITER_TPM / TPM)} of the fake's), LLM_MAX_TOKENS 4096; output reserved at admission × 5: \`max\` = 4096 tokens, \`adaptive\` = input estimate calibrated by the p90 of billed ÷ estimated input, and 1.25 × p90 of output tokens per resource × resources sent, capped at 4096 (LLM_RESERVATION); limiter poll ${values["poll-ms"]} ms while calls are in flight.`,
  "",
  "Quota-bound minimum = served quota tokens ÷ quota rate. Strict minimum = the same minus the first full window (the quota starts full). Steady utilisation = quota tokens in the fixed windows wholly inside the run ÷ quota.",
  "",
  `| | ${all.map((m) => m.label).join(" | ")} |`,
  `|---|${all.map(() => "---").join("|")}|`,
  `| completion time | ${all.map((m) => sec(m.wallMs)).join(" | ")} |`,
  `| quota-bound minimum / strict minimum | ${all.map((m) => `${sec(m.minMs)} / ${sec(m.strictMinMs)}`).join(" | ")} |`,
  `| time ÷ minimum (÷ strict) | ${all.map((m) => (m.minMs > 0 ? `${(m.wallMs / m.minMs).toFixed(2)}× (${m.strictMinMs > 0 ? (m.wallMs / m.strictMinMs).toFixed(2) : "–"}×)` : "–")).join(" | ")} |`,
  `| quota utilisation over the run | ${all.map((m) => pct(m.utilisation)).join(" | ")} |`,
  `| steady utilisation (full windows) | ${all.map((m) => (m.steadyUtilisation === null ? "–" : pct(m.steadyUtilisation))).join(" | ")} |`,
  `| busiest window ÷ quota | ${all.map((m) => pct(m.maxWindow / TPM)).join(" | ")} |`,
  `| model calls | ${all.map((m) => m.calls).join(" | ")} |`,
  `| 429s from Bedrock (share of calls) | ${all.map((m) => `${m.throttled} (${m.calls > 0 ? pct(m.throttled / m.calls) : "–"})`).join(" | ")} |`,
  `| limiter waits (LlmThrottledError) | ${all.map((m) => m.limiterWaits).join(" | ")} |`,
  `| cache hits | ${all.map((m) => m.cacheHits).join(" | ")} |`,
  `| outcomes | ${all.map((m) => Object.entries(m.statuses).map(([k, v]) => `${k} ${v}`).join(", ")).join(" | ")} |`,
  `| input / output tokens | ${all.map((m) => `${m.inputTokens.toLocaleString("en")} / ${m.outputTokens.toLocaleString("en")}`).join(" | ")} |`,
  "",
  "Quota tokens per fixed window (admission time at the fake), as a share of the quota:",
  "",
  ...all.filter((m) => m.calls > 0).map((m) => `- ${m.label}: ${m.series.map((x) => `${Math.round(x * 100)}%`).join(" ")}`),
  "",
  "## Tokens sent per template",
  "",
  `| | tokens per template (mean) |`,
  `|---|---|`,
  `| raw template (chars/4) | ${Math.round(avgRaw)} |`,
  `| pipeline prompt (redacted compact graph + rule findings + system + tool schema, billed input) | ${Math.round(sentPipeline)} (${pct(sentPipeline / avgRaw)} of raw) |`,
  ...(sentBaseline !== null ? [`| prototype prompt (raw template + system + tool schema, billed input) | ${Math.round(sentBaseline)} (${pct(sentBaseline / avgRaw)} of raw) |`] : []),
  "",
];
writeFileSync(values.output, `${lines.join("\n")}\n`);
process.stdout.write(`${lines.join("\n")}\n`);
