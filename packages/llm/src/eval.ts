import { existsSync, readdirSync, readFileSync, statSync } from "node:fs";
import { basename, dirname, join, relative } from "node:path";
import { sha256Hex, type Threat } from "@threatline/domain";
import { analyze, RULES, type SourceFile } from "@threatline/engine";
import { Redis } from "ioredis";
import { MemoryLlmCache } from "./cache.ts";
import { loadLlmConfig } from "./config.ts";
import { LlmThrottledError } from "./errors.ts";
import { createThreatModeler, type ThreatModeler } from "./modeler.ts";
import { ProviderError } from "./providers/types.ts";

/** One labelled file: `<name>.<ext>` next to `<name>.expected.json` = `{ "ruleIds": [...] }`. */
export interface EvalCase {
  file: SourceFile;
  expected: string[];
}

/**
 * Reads labelled files from files or folders (walked recursively, so both `bench/corpus` and
 * `bench/corpus/kubernetes` work). A file without an `.expected.json` beside it is not part of the corpus.
 */
export function loadEvalCorpus(paths: readonly string[], cwd = process.cwd()): EvalCase[] {
  const cases: EvalCase[] = [];
  const visit = (path: string) => {
    const stat = statSync(path);
    if (stat.isDirectory()) {
      for (const name of readdirSync(path).sort())
        if (!name.startsWith(".") && name !== "node_modules") visit(join(path, name));
      return;
    }
    const name = basename(path);
    if (name.endsWith(".expected.json")) return;
    const expectedPath = join(dirname(path), `${name.replace(/\.[^.]+$/, "")}.expected.json`);
    if (!existsSync(expectedPath)) return;
    const expected = (JSON.parse(readFileSync(expectedPath, "utf8")) as { ruleIds?: unknown }).ruleIds;
    if (!Array.isArray(expected)) throw new Error(`${expectedPath}: expected { "ruleIds": [...] }`);
    cases.push({
      file: { path: relative(cwd, path).replace(/\\/g, "/"), content: readFileSync(path, "utf8") },
      expected: [...new Set(expected.map(String))].sort(),
    });
  };
  for (const p of paths) visit(p);
  return cases;
}

/** A configuration to evaluate: the rules alone, or the rules plus one model behind one endpoint. */
export interface EvalSpec {
  label: string;
  provider: "rules" | "bedrock" | "openai-compatible";
  model?: string;
  endpoint?: string;
  promptVersion?: string;
}

/**
 * Reads `rules`, `bedrock:<model>[@<endpoint>][#<prompt>]` or `openai:<model>@<base url>[#<prompt>]`.
 * Model ids may contain `:` (`…-v1:0`); the endpoint is after the last `@`, the prompt version after `#`.
 */
export function parseEvalSpec(text: string): EvalSpec {
  if (text === "rules") return { label: "rules", provider: "rules" };
  const match = /^(bedrock|openai):([^@#]+)(?:@([^#]+))?(?:#([a-z0-9._-]+))?$/.exec(text);
  if (!match)
    throw new Error(
      `Bad --config "${text}": use rules, bedrock:<model>[@<endpoint>][#<prompt>] or openai:<model>@<base url>[#<prompt>]`,
    );
  const provider = match[1] === "openai" ? "openai-compatible" : "bedrock";
  if (provider === "openai-compatible" && !match[3]) throw new Error(`--config ${text}: openai needs @<base url>`);
  return {
    label: text,
    provider,
    model: match[2]!,
    ...(match[3] ? { endpoint: match[3] } : {}),
    ...(match[4] ? { promptVersion: match[4] } : {}),
  };
}

export interface EvalFileResult {
  path: string;
  expected: string[];
  found: string[];
  missed: string[];
  extraRuleIds: string[];
  modelThreats: number;
  /** Expected rule findings whose STRIDE category a model-only threat in the same file also named. */
  modelCategoryHits: number;
  status: string;
  error?: string;
  inputTokens: number;
  outputTokens: number;
  costUsd: number;
  latencyMs: number;
  ungrounded: number;
}

export interface EvalSummary {
  spec: EvalSpec;
  files: number;
  expected: number;
  recall: number;
  falsePositives: number;
  /** Model threats on files labelled clean: noise, or what the rules miss; read them. */
  modelThreatsOnClean: number;
  modelThreats: number;
  modelCategoryRecall: number | null;
  partial: number;
  failed: number;
  ungrounded: number;
  inputTokens: number;
  outputTokens: number;
  costUsd: number;
  latencyP50Ms: number;
  latencyP95Ms: number;
  wallMs: number;
  results: EvalFileResult[];
}

export interface EvalOptions {
  env?: NodeJS.ProcessEnv;
  /** Files analysed at once for a model configuration. */
  concurrency?: number;
  /** Shared limiter quota for model configurations (0 = none, then Redis is not needed). */
  tpm?: number;
  redisUrl?: string;
  /** Attempts on transient failures and throttling per file. */
  maxAttempts?: number;
}

const RULE_CATEGORY = new Map(RULES.map((r) => [r.id, r.category]));

function percentile(values: number[], p: number): number {
  if (values.length === 0) return 0;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)] ?? 0;
}

async function modelWithRetries(modeler: ThreatModeler, args: Parameters<ThreatModeler["model"]>[0], attempts: number) {
  for (let attempt = 1; ; attempt += 1) {
    try {
      return await modeler.model(args);
    } catch (error) {
      const retryable =
        error instanceof LlmThrottledError || (error instanceof ProviderError && error.kind === "transient");
      if (!retryable || attempt >= attempts) throw error;
      const wait = error instanceof LlmThrottledError ? error.retryAfterMs : 500 * 2 ** attempt;
      await new Promise((r) => setTimeout(r, wait));
    }
  }
}

/**
 * Runs a labelled corpus through one configuration: the rules engine, then (for a model configuration) the
 * threat modeler with a fresh cache, so every file pays its call. Recall and false positives are over rule
 * ids; model-only threats carry no rule id, so they are counted apart and matched to the expected findings
 * by STRIDE category only (a loose upper bound of what the model alone would catch).
 */
export async function runEval(
  cases: readonly EvalCase[],
  spec: EvalSpec,
  options: EvalOptions = {},
): Promise<EvalSummary> {
  const started = Date.now();
  let modeler: ThreatModeler | null = null;
  let redis: Redis | null = null;
  if (spec.provider !== "rules") {
    const env: NodeJS.ProcessEnv = { ...(options.env ?? process.env), THREATLINE_LLM_PROVIDER: spec.provider };
    if (spec.provider === "bedrock") {
      env.BEDROCK_MODEL_ID = spec.model;
      if (spec.endpoint) env.BEDROCK_ENDPOINT = spec.endpoint;
    } else {
      env.OPENAI_MODEL = spec.model;
      env.OPENAI_BASE_URL = spec.endpoint;
    }
    if (spec.promptVersion) env.LLM_PROMPT_VERSION = spec.promptVersion;
    env.LLM_TPM = String(options.tpm ?? 0);
    const config = loadLlmConfig(env)!;
    // The limiter only talks to Redis when a quota is set; a lazy client never connects otherwise.
    redis = new Redis(options.redisUrl ?? env.REDIS_URL ?? "redis://127.0.0.1:6379", {
      lazyConnect: true,
      maxRetriesPerRequest: 1,
    });
    modeler = createThreatModeler({
      config,
      redis,
      cache: new MemoryLlmCache(),
      limiterPrefix: `threatline-eval-${process.pid}`,
    });
  }

  const results: EvalFileResult[] = new Array<EvalFileResult>(cases.length);
  let next = 0;
  const worker = async () => {
    for (;;) {
      const index = next++;
      const c = cases[index];
      if (!c) return;
      const analysis = await analyze([c.file]);
      let threats: Threat[] = analysis.threats;
      const result: Omit<EvalFileResult, "found" | "missed" | "extraRuleIds" | "modelThreats" | "modelCategoryHits"> = {
        path: c.file.path,
        expected: c.expected,
        status: analysis.files[0]?.error ? "engine-error" : "succeeded",
        ...(analysis.files[0]?.error ? { error: analysis.files[0].error.code } : {}),
        inputTokens: 0,
        outputTokens: 0,
        costUsd: 0,
        latencyMs: 0,
        ungrounded: 0,
      };
      if (modeler && !analysis.files[0]?.error) {
        try {
          const outcome = await modelWithRetries(
            modeler,
            {
              analysisId: `eval-${index}`,
              contentHash: sha256Hex(c.file.content),
              files: [c.file],
              graph: analysis.graph,
              ruleThreats: analysis.threats,
              force: true,
            },
            options.maxAttempts ?? 5,
          );
          threats = outcome.threats;
          Object.assign(result, {
            status: outcome.status,
            inputTokens: outcome.usage.inputTokens,
            outputTokens: outcome.usage.outputTokens,
            costUsd: outcome.usage.costUsd,
            latencyMs: outcome.usage.latencyMs,
            ungrounded: outcome.ungroundedCount,
            ...(outcome.error ? { error: outcome.error.code } : {}),
          });
        } catch (error) {
          result.status = "failed";
          result.error = error instanceof Error ? error.message.slice(0, 200) : String(error);
        }
      }
      const found = [...new Set(threats.map((t) => t.ruleId).filter((id): id is string => id !== null))].sort();
      const modelOnly = threats.filter((t) => t.source === "llm");
      const modelCategories = new Set(modelOnly.map((t) => t.category));
      results[index] = {
        ...result,
        found,
        missed: c.expected.filter((id) => !found.includes(id)),
        extraRuleIds: found.filter((id) => !c.expected.includes(id)),
        modelThreats: modelOnly.length,
        modelCategoryHits: c.expected.filter((id) => {
          const category = RULE_CATEGORY.get(id);
          return category !== undefined && modelCategories.has(category);
        }).length,
      };
    }
  };
  try {
    await Promise.all(Array.from({ length: modeler ? Math.max(1, options.concurrency ?? 4) : 1 }, worker));
  } finally {
    modeler?.close?.();
    redis?.disconnect();
  }

  const expected = results.reduce((s, r) => s + r.expected.length, 0);
  const hit = results.reduce((s, r) => s + r.expected.length - r.missed.length, 0);
  const latencies = results.filter((r) => r.latencyMs > 0).map((r) => r.latencyMs);
  return {
    spec,
    files: results.length,
    expected,
    recall: expected === 0 ? 1 : hit / expected,
    falsePositives: results.reduce((s, r) => s + r.extraRuleIds.length, 0),
    modelThreatsOnClean: results.filter((r) => r.expected.length === 0).reduce((s, r) => s + r.modelThreats, 0),
    modelThreats: results.reduce((s, r) => s + r.modelThreats, 0),
    modelCategoryRecall:
      spec.provider === "rules" || expected === 0
        ? null
        : results.reduce((s, r) => s + r.modelCategoryHits, 0) / expected,
    partial: results.filter((r) => r.status === "partial").length,
    failed: results.filter((r) => r.status === "failed" || r.status === "engine-error").length,
    ungrounded: results.reduce((s, r) => s + r.ungrounded, 0),
    inputTokens: results.reduce((s, r) => s + r.inputTokens, 0),
    outputTokens: results.reduce((s, r) => s + r.outputTokens, 0),
    costUsd: results.reduce((s, r) => s + r.costUsd, 0),
    latencyP50Ms: percentile(latencies, 50),
    latencyP95Ms: percentile(latencies, 95),
    wallMs: Date.now() - started,
    results,
  };
}

/** The summaries side by side, one column per configuration, as a Markdown table. */
export function renderEvalTable(summaries: readonly EvalSummary[]): string {
  const rows: Array<[string, (s: EvalSummary) => string]> = [
    ["files", (s) => String(s.files)],
    ["expected rule findings", (s) => String(s.expected)],
    ["recall (rule ids)", (s) => `${(s.recall * 100).toFixed(1)}%`],
    ["false positives (rule ids)", (s) => String(s.falsePositives)],
    ["model-only threats", (s) => String(s.modelThreats)],
    ["model threats on clean files", (s) => String(s.modelThreatsOnClean)],
    [
      "model category recall (loose)",
      (s) => (s.modelCategoryRecall === null ? "–" : `${(s.modelCategoryRecall * 100).toFixed(1)}%`),
    ],
    ["ungrounded (dropped)", (s) => String(s.ungrounded)],
    ["partial / failed files", (s) => `${s.partial} / ${s.failed}`],
    ["input tokens", (s) => String(s.inputTokens)],
    ["output tokens", (s) => String(s.outputTokens)],
    ["cost (USD)", (s) => `$${s.costUsd.toFixed(4)}`],
    ["model latency p50 / p95", (s) => (s.latencyP50Ms === 0 ? "–" : `${s.latencyP50Ms} / ${s.latencyP95Ms} ms`)],
    ["wall time", (s) => `${(s.wallMs / 1000).toFixed(1)} s`],
  ];
  const header = `| metric | ${summaries.map((s) => s.spec.label.replace(/\|/g, "\\|")).join(" | ")} |`;
  const rule = `|---|${summaries.map(() => "---").join("|")}|`;
  return [header, rule, ...rows.map(([name, f]) => `| ${name} | ${summaries.map(f).join(" | ")} |`)].join("\n");
}
