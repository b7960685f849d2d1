import { z } from "zod";
import { DEFAULT_PRICES, PriceTableSchema, type PriceTable } from "./cost.ts";

const optionalString = z.preprocess((v) => (v === "" ? undefined : v), z.string().optional());
const num = (fallback: number) =>
  z.preprocess((v) => (v === "" || v === undefined ? fallback : v), z.coerce.number().nonnegative());

/**
 * The LLM settings, read from the environment. Every key is optional; with no provider the analysis runs
 * the rules engine only.
 */
const EnvSchema = z.object({
  /** `bedrock`, `openai-compatible`, or unset for rules only. */
  THREATLINE_LLM_PROVIDER: z.preprocess(
    (v) => (v === "" ? undefined : v),
    z.enum(["bedrock", "openai-compatible"]).optional(),
  ),
  /** Bedrock model or inference-profile id; Claude 4.x needs an inference profile (`us.anthropic.…`). */
  BEDROCK_MODEL_ID: z.preprocess(
    (v) => (v === "" || v === undefined ? "us.anthropic.claude-sonnet-4-5-20250929-v1:0" : v),
    z.string(),
  ),
  /** AWS region of the Bedrock runtime endpoint; the SDK's default chain is used when unset. */
  AWS_REGION: optionalString,
  /** Another Bedrock runtime endpoint (a VPC endpoint, or the fake's URL for tests and demos). */
  BEDROCK_ENDPOINT: optionalString,
  /** Most output tokens per call. Bedrock reserves input + this much quota while the call runs. */
  LLM_MAX_TOKENS: num(4096).pipe(z.number().int().min(256)),
  /** Sampling temperature; 0 keeps answers as repeatable as the model allows. */
  LLM_TEMPERATURE: num(0).pipe(z.number().max(1)),
  /** Tokens per minute this deployment may spend on the model (input + weight × output); 0 = no limiter. */
  LLM_TPM: num(0).pipe(z.number().int()),
  /** Requests per minute on the model; 0 = no request limit. */
  LLM_RPM: num(0).pipe(z.number().int()),
  /** How many quota tokens one output token costs (5 for Claude 4-class models on Bedrock). */
  LLM_OUTPUT_TOKEN_WEIGHT: num(5).pipe(z.number().min(1)),
  /** JSON price table `{ "<model id or fragment>": { input, output, cacheRead?, cacheWrite? } }` in $/Mtok, merged over the defaults. */
  LLM_PRICES: optionalString,
  /** What to do with model threats about resources that are not in the template: `drop` them (default) or keep them `flag`ged. */
  LLM_UNGROUNDED: z.preprocess((v) => (v === "" || v === undefined ? "drop" : v), z.enum(["drop", "flag"])),
  /** Base URL of an OpenAI-compatible server (`http://localhost:11434/v1` for Ollama). */
  OPENAI_BASE_URL: optionalString,
  /** Its API key, when it wants one. */
  OPENAI_API_KEY: optionalString,
  /** Its model name (`llama3.1:8b`, `qwen2.5-coder` …). */
  OPENAI_MODEL: optionalString,
  /** Gives up on one model call after this long, so a hung connection never holds a job. */
  LLM_TIMEOUT_MS: num(120_000).pipe(z.number().int().min(100)),
  /** Graph text budget per call; larger templates are split along the graph into several calls. */
  LLM_MAX_INPUT_TOKENS: num(60_000).pipe(z.number().int().min(500)),
  /** The prompt version, a folder of `prompts/`. */
  LLM_PROMPT_VERSION: z.preprocess(
    (v) => (v === "" || v === undefined ? "stride-v2" : v),
    z.string().regex(/^[a-z0-9][a-z0-9._-]*$/),
  ),
  /** Attempts inside the AWS SDK for one call; kept at 1 so that the queue, which knows the quota, does the retrying. */
  LLM_SDK_MAX_ATTEMPTS: num(1).pipe(z.number().int().min(1).max(5)),
  /**
   * Share of the token quota kept free beyond a call's reservation before the limiter admits it, for what the
   * limiter cannot see (the provider's own token count and clock). Costs no throughput (the refill rate is the
   * same), only that much of the bucket left unspent.
   */
  LLM_QUOTA_MARGIN: num(0.01).pipe(z.number().max(0.5)),
  /** The provider's quota window: 60 000 ms (per minute). Shorter only to run benchmarks and tests in scaled time. */
  LLM_QUOTA_WINDOW_MS: num(60_000).pipe(z.number().int().min(100)),
  /**
   * Longest a call waits in its worker for the shared quota when the limiter says exactly when there will be
   * room; a longer wait gives the job back to the queue (BullMQ's rate-limit path, no attempt burnt). Two
   * windows by default: an empty bucket refills in one, plus what expensive answers overdrew.
   */
  LLM_LIMITER_MAX_WAIT_MS: num(120_000).pipe(z.number().int()),
  /**
   * Per-model quotas, JSON `{ "<model id or fragment>": { tpm?, rpm?, outputTokenWeight?, margin? } }`: the
   * longest key contained in the model id wins, and what it leaves out comes from LLM_TPM, LLM_RPM,
   * LLM_OUTPUT_TOKEN_WEIGHT and LLM_QUOTA_MARGIN.
   */
  LLM_MODEL_LIMITS: optionalString,
  /** How long to wait after the provider itself said 429, when it gives no hint. */
  LLM_THROTTLE_RETRY_MS: num(5_000).pipe(z.number().int()),
});

export interface LlmConfig {
  provider: "bedrock" | "openai-compatible";
  model: string;
  region: string | undefined;
  endpoint: string | undefined;
  openai: { baseUrl: string; apiKey: string | undefined } | undefined;
  maxTokens: number;
  temperature: number;
  tpm: number;
  rpm: number;
  outputTokenWeight: number;
  prices: PriceTable;
  ungrounded: "drop" | "flag";
  timeoutMs: number;
  maxInputTokens: number;
  promptVersion: string;
  sdkMaxAttempts: number;
  throttleRetryMs: number;
  /** Share of the token quota kept free beyond each reservation (LLM_QUOTA_MARGIN). */
  quotaMargin: number;
  quotaWindowMs: number;
  limiterMaxWaitMs: number;
  /** Per-model overrides of tpm, rpm, outputTokenWeight and quotaMargin (LLM_MODEL_LIMITS). */
  modelLimits: ModelLimitsTable;
}

const ModelLimitsSchema = z.object({
  tpm: z.number().int().nonnegative().optional(),
  rpm: z.number().int().nonnegative().optional(),
  outputTokenWeight: z.number().min(1).optional(),
  margin: z.number().nonnegative().max(0.5).optional(),
});
export const ModelLimitsTableSchema = z.record(z.string(), ModelLimitsSchema.strict());
export type ModelLimitsTable = z.infer<typeof ModelLimitsTableSchema>;

/** The quota settings one model runs under: its entry of LLM_MODEL_LIMITS (exact id, else longest fragment) over the defaults. */
export function limitsFor(
  config: LlmConfig,
  model: string,
): { tpm: number; rpm: number; outputTokenWeight: number; quotaMargin: number } {
  const table = config.modelLimits;
  const key = table[model]
    ? model
    : Object.keys(table)
        .filter((k) => model.includes(k))
        .sort((a, b) => b.length - a.length)[0];
  const entry = key ? table[key] : undefined;
  return {
    tpm: entry?.tpm ?? config.tpm,
    rpm: entry?.rpm ?? config.rpm,
    outputTokenWeight: entry?.outputTokenWeight ?? config.outputTokenWeight,
    quotaMargin: entry?.margin ?? config.quotaMargin,
  };
}

/**
 * Reads the LLM configuration from the environment. Returns null when no provider is configured (rules
 * only); throws an error listing every bad key otherwise. AWS credentials are not read here: the SDK's
 * default chain finds them (env, profile, SSO, instance or task role).
 */
export function loadLlmConfig(env: NodeJS.ProcessEnv): LlmConfig | null {
  const parsed = EnvSchema.safeParse(env);
  if (!parsed.success) {
    const keys = parsed.error.issues.map((i) => `${i.path.join(".")}: ${i.message}`).join("; ");
    throw new Error(`Invalid LLM configuration: ${keys}`);
  }
  const e = parsed.data;
  if (!e.THREATLINE_LLM_PROVIDER) return null;

  let prices: PriceTable = DEFAULT_PRICES;
  if (e.LLM_PRICES) {
    let raw: unknown;
    try {
      raw = JSON.parse(e.LLM_PRICES);
    } catch {
      throw new Error("Invalid LLM configuration: LLM_PRICES is not JSON");
    }
    const table = PriceTableSchema.safeParse(raw);
    if (!table.success)
      throw new Error(
        `Invalid LLM configuration: LLM_PRICES: ${table.error.issues.map((i) => `${i.path.join(".")}: ${i.message}`).join("; ")}`,
      );
    prices = { ...DEFAULT_PRICES, ...table.data };
  }

  let modelLimits: ModelLimitsTable = {};
  if (e.LLM_MODEL_LIMITS) {
    let raw: unknown;
    try {
      raw = JSON.parse(e.LLM_MODEL_LIMITS);
    } catch {
      throw new Error("Invalid LLM configuration: LLM_MODEL_LIMITS is not JSON");
    }
    const table = ModelLimitsTableSchema.safeParse(raw);
    if (!table.success)
      throw new Error(
        `Invalid LLM configuration: LLM_MODEL_LIMITS: ${table.error.issues.map((i) => `${i.path.join(".")}: ${i.message}`).join("; ")}`,
      );
    modelLimits = table.data;
  }

  let model = e.BEDROCK_MODEL_ID;
  let openai: LlmConfig["openai"];
  if (e.THREATLINE_LLM_PROVIDER === "openai-compatible") {
    if (!e.OPENAI_BASE_URL || !e.OPENAI_MODEL) {
      throw new Error("Invalid LLM configuration: openai-compatible needs OPENAI_BASE_URL and OPENAI_MODEL");
    }
    model = e.OPENAI_MODEL;
    openai = { baseUrl: e.OPENAI_BASE_URL.replace(/\/+$/, ""), apiKey: e.OPENAI_API_KEY };
  }

  return {
    provider: e.THREATLINE_LLM_PROVIDER,
    model,
    region: e.AWS_REGION,
    endpoint: e.BEDROCK_ENDPOINT,
    openai,
    maxTokens: e.LLM_MAX_TOKENS,
    temperature: e.LLM_TEMPERATURE,
    tpm: e.LLM_TPM,
    rpm: e.LLM_RPM,
    outputTokenWeight: e.LLM_OUTPUT_TOKEN_WEIGHT,
    prices,
    ungrounded: e.LLM_UNGROUNDED,
    timeoutMs: e.LLM_TIMEOUT_MS,
    maxInputTokens: e.LLM_MAX_INPUT_TOKENS,
    promptVersion: e.LLM_PROMPT_VERSION,
    sdkMaxAttempts: e.LLM_SDK_MAX_ATTEMPTS,
    throttleRetryMs: e.LLM_THROTTLE_RETRY_MS,
    quotaMargin: e.LLM_QUOTA_MARGIN,
    quotaWindowMs: e.LLM_QUOTA_WINDOW_MS,
    limiterMaxWaitMs: e.LLM_LIMITER_MAX_WAIT_MS,
    modelLimits,
  };
}
