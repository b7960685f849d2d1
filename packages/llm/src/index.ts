export { loadLlmConfig, type LlmConfig } from "./config.ts";
export { type CachedAnswer, type LlmCache, MemoryLlmCache, llmCacheKey } from "./cache.ts";
export { DEFAULT_PRICES, costUsd, priceFor, type Price, type PriceTable, type TokenUsage } from "./cost.ts";
export { LlmAbortedError, LlmThrottledError, isLlmThrottledError } from "./errors.ts";
export { currentAnswer, groundThreats, mergeThreats, similarTitles } from "./grounding.ts";
export { RedisRateLimiter, type Admission, type RateLimiterOptions } from "./limiter.ts";
export {
  createProvider,
  createThreatModeler,
  type Logger,
  type ThreatModelOutcome,
  type ThreatModelRequest,
  type ThreatModelUsage,
  type ThreatModeler,
  type ThreatModelerDeps,
} from "./modeler.ts";
export { loadPrompt, PROMPTS_DIR, type PromptTemplate } from "./prompts.ts";
export { preparePrompt, type PreparedPart, type PreparedPrompt, type PrepareOptions } from "./prepare.ts";
export { ModelThreatListSchema, ModelThreatSchema, TOOL_NAME, toolInputSchema, type ModelThreat } from "./schema.ts";
export {
  loadEvalCorpus,
  parseEvalSpec,
  renderEvalTable,
  runEval,
  type EvalCase,
  type EvalFileResult,
  type EvalOptions,
  type EvalSpec,
  type EvalSummary,
} from "./eval.ts";
export { defaultPromptEngine, chunkGraph, type PromptEngine } from "./context.ts";
export { BedrockProvider } from "./providers/bedrock.provider.ts";
export { OpenAiCompatibleProvider } from "./providers/openai.provider.ts";
export { ProviderError, type LlmProvider, type CompletionRequest, type CompletionResponse } from "./providers/types.ts";
