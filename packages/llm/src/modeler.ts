import type { ErrorCode, Threat } from "@threatline/domain";
import { ENGINE_VERSION, type ResourceGraph, type SourceFile } from "@threatline/engine";
import type { Redis } from "ioredis";
import { type LlmCache, llmCacheKey, zeroUsage } from "./cache.ts";
import { limitsFor, type LlmConfig } from "./config.ts";
import { defaultPromptEngine, type GraphChunk, type PromptEngine, splitChunk } from "./context.ts";
import { costUsd, priceFor, type TokenUsage } from "./cost.ts";
import { LlmAbortedError, LlmThrottledError } from "./errors.ts";
import { currentAnswer, groundThreats, mergeThreats } from "./grounding.ts";
import { RedisRateLimiter } from "./limiter.ts";
import { loadPrompt, type PromptTemplate } from "./prompts.ts";
import { type PreparedPart, type PreparedPrompt, type PrepareOptions, redactAndChunk, renderPart } from "./prepare.ts";
import { BedrockProvider } from "./providers/bedrock.provider.ts";
import { OpenAiCompatibleProvider } from "./providers/openai.provider.ts";
import { type ChatMessage, type LlmProvider, ProviderError } from "./providers/types.ts";
import { describeIssues, type ModelThreat, ModelThreatListSchema, TOOL_DESCRIPTION, TOOL_NAME } from "./schema.ts";

export interface ThreatModelRequest {
  analysisId: string;
  contentHash: string;
  files: SourceFile[];
  graph: ResourceGraph;
  ruleThreats: Threat[];
  /** Bypass the cache (the answer is still stored). */
  force: boolean;
  /** The team's budget is spent: skip the LLM, rules only. */
  budgetExhausted?: boolean;
  /**
   * The caller's stop (the analysis was canceled, or its worker is shutting down): a model call in flight is
   * aborted, a quota wait ends, and `model` rejects with LlmAbortedError.
   */
  signal?: AbortSignal;
  /**
   * The prompt, already prepared off this thread (`preparePrompt` with this modeler's `preparation`, in the
   * engine thread): used when its prompt hash is the current prompt's, instead of redacting, chunking and
   * compacting the graph here.
   */
  prepared?: PreparedPrompt | null;
}

export interface ThreatModelUsage extends TokenUsage {
  latencyMs: number;
  costUsd: number;
}

export interface ThreatModelOutcome {
  /** `partial`: some or all of the model's work failed; the rule threats (and any completed parts) are kept. */
  status: "succeeded" | "partial" | "skipped";
  threats: Threat[];
  provider: string;
  model: string | null;
  promptHash: string | null;
  usage: ThreatModelUsage;
  cacheHit: boolean;
  ungroundedCount: number;
  error?: { code: ErrorCode; message: string };
  /** Model calls made for this outcome (repairs and split halves included). */
  calls?: number;
  /** Times a call waited in this process for the shared quota, and for how long in all. */
  quotaWaits?: number;
  quotaWaitMs?: number;
  /** How many graph chunks the template was sent in. */
  chunks?: number;
}

export interface ThreatModeler {
  model(req: ThreatModelRequest): Promise<ThreatModelOutcome>;
  /** What `preparePrompt` needs to build this modeler's prompt elsewhere (the engine thread). */
  readonly preparation?: PrepareOptions;
  /** Releases the provider's connections. */
  close?(): void;
}

/** Pino's argument order (fields first, then the message), which `console` also prints sensibly. */
export interface Logger {
  info(fields: Record<string, unknown>, message: string): void;
  warn(fields: Record<string, unknown>, message: string): void;
  error(fields: Record<string, unknown>, message: string): void;
}

export interface ThreatModelerDeps {
  config: LlmConfig;
  redis: Redis;
  cache: LlmCache;
  logger?: Logger;
  /** Another provider (tests). Default: from `config.provider`. */
  provider?: LlmProvider;
  /** The engine's redact/compact/estimate (tests). */
  engine?: PromptEngine;
  /** Redis key prefix of the shared limiter; every process of a deployment must use the same. */
  limiterPrefix?: string;
  /** The limiter's window; `config.quotaWindowMs` (60 000 ms) unless given. */
  limiterWindowMs?: number;
  /** Where prompt versions live (default: the repository's `prompts/`). */
  promptsDir?: string;
}

type ChunkResult =
  | { kind: "ok"; items: ModelThreat[] }
  | { kind: "truncated" }
  | { kind: "invalid"; message: string }
  | { kind: "permanent"; error: ProviderError };

const MAX_SPLIT_DEPTH = 4;

/** One model call to make: its part number, its cache key, and its prompt and graph, built when first needed. */
interface WorkItem {
  part: number;
  key: string | null;
  depth: number;
  text: () => PreparedPart;
  chunk: () => GraphChunk;
}

interface Stats {
  calls: number;
  latencyMs: number;
  quotaWaits: number;
  quotaWaitMs: number;
}

/** Creates the provider a config names; one per process, so its connection pool is shared. */
export function createProvider(config: LlmConfig): LlmProvider & { close?(): void } {
  return config.provider === "bedrock" ? new BedrockProvider(config) : new OpenAiCompatibleProvider(config);
}

/**
 * The LLM half of an analysis: redact, compact, chunk, call the model under the shared quota, validate,
 * repair once, ground, merge with the rule threats, cache. Waits in-process for the shared quota when the wait
 * is known and short; throws `LlmThrottledError` when the provider said 429 or the quota is further away than
 * LLM_LIMITER_MAX_WAIT_MS (retry later, no attempt burnt) and `ProviderError` (a plain error) on transient
 * failures (retry with backoff); permanent failures and unusable answers come back as a `partial` outcome.
 */
export function createThreatModeler(deps: ThreatModelerDeps): ThreatModeler {
  const { config, cache } = deps;
  const logger = deps.logger;
  const provider = deps.provider ?? createProvider(config);
  const seams = deps.engine ?? defaultPromptEngine();
  const limits = limitsFor(config, provider.model);
  const limiter = new RedisRateLimiter(deps.redis, {
    prefix: deps.limiterPrefix ?? "threatline",
    model: provider.model,
    tpm: limits.tpm,
    rpm: limits.rpm,
    windowMs: deps.limiterWindowMs ?? config.quotaWindowMs,
    marginTokens: limits.tpm * limits.quotaMargin,
  });
  // Billed ÷ estimated input tokens of recent calls: the estimate is a heuristic (about twice the provider's
  // count on compact text), the provider's tokenizer is the truth, and the reservation should be what the
  // provider itself reserves.
  const inputRatios: number[] = [];
  /** The input part of a reservation: the estimate scaled by the largest recent billed ÷ estimated ratio (+5%). */
  function inputReservation(estimate: number): number {
    if (inputRatios.length < 5) return estimate;
    return Math.ceil(estimate * Math.max(...inputRatios) * 1.05);
  }

  /**
   * Admission under the shared quota. The reservation is the most the call can be billed, input + k × maxTokens,
   * not the provider's own (input + maxTokens): answers usually cost more than the provider reserved (5 × output
   * > maxTokens), and when several such calls end at once the provider's level drops a few milliseconds before
   * ours hears of it — enough for a 429 at the edge. Reserving the bound, every settlement gives back, so our
   * level is never above the provider's. In a token bucket this costs no throughput: the excess is returned
   * when the call ends and the refill rate is the same; it only lowers the level by what calls in flight hold.
   * When the limiter says exactly when there will be room, the call waits here (keeping its place in line, woken
   * early when a call settles and gives tokens back) instead of giving the job back to the queue: the wait is
   * known and short, and a requeued job would run the engine again. Only a wait beyond LLM_LIMITER_MAX_WAIT_MS
   * becomes an LlmThrottledError (BullMQ's rate-limit path).
   */
  async function admit(tokens: number, stats: { quotaWaits: number; quotaWaitMs: number }, signal?: AbortSignal) {
    let admission = await limiter.acquire(tokens);
    let waited = 0;
    while (!admission.admitted) {
      if (signal?.aborted) {
        await limiter.cancel(admission.id);
        throw new LlmAbortedError();
      }
      if (
        admission.retryAfterMs > config.limiterMaxWaitMs ||
        waited + admission.retryAfterMs > 4 * Math.max(config.limiterMaxWaitMs, 1)
      ) {
        await limiter.cancel(admission.id);
        throw new LlmThrottledError(admission.retryAfterMs);
      }
      const started = Date.now();
      stats.quotaWaits += 1;
      // Until the time the limiter gave, or sooner when a call somewhere settles and gives tokens back.
      await limiter.waitForRoom(admission.retryAfterMs);
      const slept = Date.now() - started;
      stats.quotaWaitMs += slept;
      waited += slept;
      admission = await limiter.acquire(tokens, admission.id);
    }
    return admission;
  }
  const price = priceFor(config.prices, provider.model);
  if (!price) logger?.warn({ model: provider.model }, "No price for the model; costs will read 0");

  // A throttled job comes back soon, often to this process: keep its prepared prompt so that waiting costs
  // a Redis round trip, not another redaction and compaction.
  const prepared = new Map<string, { redacted: ResourceGraph; chunks: GraphChunk[] }>();
  const rendered = new WeakMap<GraphChunk, PreparedPart>();

  function prepare(req: ThreatModelRequest, prompt: PromptTemplate): { redacted: ResourceGraph; chunks: GraphChunk[] } {
    const key = `${req.contentHash}\u0000${prompt.hash}`;
    const hit = prepared.get(key);
    if (hit) return hit;
    const value = redactAndChunk(req.files, req.graph, req.ruleThreats, config.maxInputTokens, seams);
    prepared.set(key, value);
    if (prepared.size > 64) prepared.delete(prepared.keys().next().value!);
    return value;
  }

  function render(prompt: PromptTemplate, chunk: GraphChunk, part: number, parts: number): PreparedPart {
    const hit = rendered.get(chunk);
    if (hit) return hit;
    const value = renderPart(prompt, chunk, part, parts, seams);
    rendered.set(chunk, value);
    return value;
  }

  async function runChunk(
    prompt: PromptTemplate,
    { userText, tokens: firstEstimate }: PreparedPart,
    part: number,
    usage: TokenUsage,
    stats: Stats,
    signal: AbortSignal | undefined,
  ): Promise<ChunkResult> {
    const messages: ChatMessage[] = [{ role: "user", content: [{ text: userText }] }];

    for (let attempt = 0; attempt < 2; attempt += 1) {
      const inputEstimate =
        attempt === 0 ? firstEstimate : firstEstimate + seams.estimateTokens(JSON.stringify(messages.slice(1)));
      const admission = await admit(
        inputReservation(inputEstimate) + limits.outputTokenWeight * config.maxTokens,
        stats,
        signal,
      );
      if (signal?.aborted) {
        await limiter.settle(admission, 0, { served: false });
        throw new LlmAbortedError();
      }

      let response;
      const started = Date.now();
      try {
        stats.calls += 1;
        response = await provider.complete({
          system: prompt.system,
          messages,
          tool: { name: TOOL_NAME, description: TOOL_DESCRIPTION, inputSchema: prompt.toolSchema },
          maxTokens: config.maxTokens,
          temperature: config.temperature,
          ...(signal ? { signal } : {}),
        });
      } catch (error) {
        stats.latencyMs += Date.now() - started;
        if (error instanceof LlmAbortedError) {
          // The request was sent: count its input as used, as for a dropped connection.
          await limiter.settle(admission, inputEstimate, { served: true });
          throw error;
        }
        const failure =
          error instanceof ProviderError ? error : new ProviderError("transient", String(error), { cause: error });
        // Nothing was served on a 429 or a refused request; a transient failure may have used the input.
        await limiter.settle(admission, failure.kind === "transient" ? inputEstimate : 0, {
          served: failure.kind === "transient",
        });
        if (failure.kind === "throttled")
          throw new LlmThrottledError(failure.retryAfterMs ?? config.throttleRetryMs, failure.message);
        if (failure.kind === "transient") throw failure;
        return { kind: "permanent", error: failure };
      }
      stats.latencyMs += Date.now() - started;
      const u = response.usage;
      await limiter.settle(
        admission,
        u.inputTokens + u.cacheReadTokens + u.cacheWriteTokens + limits.outputTokenWeight * u.outputTokens,
      );
      if (inputEstimate > 0) {
        inputRatios.push((u.inputTokens + u.cacheReadTokens + u.cacheWriteTokens) / inputEstimate);
        if (inputRatios.length > 50) inputRatios.shift();
      }
      usage.inputTokens += u.inputTokens;
      usage.outputTokens += u.outputTokens;
      usage.cacheReadTokens += u.cacheReadTokens;
      usage.cacheWriteTokens += u.cacheWriteTokens;

      if (response.stopReason === "max_tokens") return { kind: "truncated" };
      const parsed = ModelThreatListSchema.safeParse(response.toolInput);
      if (parsed.success) return { kind: "ok", items: parsed.data.threats };

      const issues =
        response.toolInput === null ? "- the answer did not call record_threats" : describeIssues(parsed.error);
      logger?.warn({ part, attempt, issues }, "Model answer failed validation");
      if (attempt === 1)
        return { kind: "invalid", message: `The model's answer is not a valid threat list:\n${issues}` };
      const toolUseId = response.toolUseId ?? "repair-0";
      const sent =
        response.toolInput !== null && typeof response.toolInput === "object" && !Array.isArray(response.toolInput)
          ? response.toolInput
          : { value: response.toolInput };
      messages.push({ role: "assistant", content: [{ toolUse: { id: toolUseId, name: TOOL_NAME, input: sent } }] });
      messages.push({
        role: "user",
        content: [
          {
            toolResult: {
              id: toolUseId,
              isError: true,
              text: `The input does not match the tool's schema:\n${issues}`,
            },
          },
          { text: "Call record_threats again with the whole, corrected list." },
        ],
      });
    }
    return { kind: "invalid", message: "unreachable" };
  }

  return {
    preparation: {
      promptVersion: config.promptVersion,
      maxInputTokens: config.maxInputTokens,
      ...(deps.promptsDir ? { promptsDir: deps.promptsDir } : {}),
    },
    close() {
      limiter.close();
      (provider as { close?(): void }).close?.();
    },

    async model(req) {
      const usage = zeroUsage();
      const stats: Stats = { calls: 0, latencyMs: 0, quotaWaits: 0, quotaWaitMs: 0 };
      const outcome = (
        fields: Partial<ThreatModelOutcome> & Pick<ThreatModelOutcome, "status" | "threats">,
        promptHash: string | null,
      ): ThreatModelOutcome => ({
        provider: provider.name,
        model: provider.model,
        promptHash,
        usage: { ...usage, latencyMs: stats.latencyMs, costUsd: costUsd(price, usage) },
        cacheHit: false,
        ungroundedCount: 0,
        calls: stats.calls,
        quotaWaits: stats.quotaWaits,
        quotaWaitMs: stats.quotaWaitMs,
        ...fields,
      });

      if (req.budgetExhausted) {
        return outcome(
          {
            status: "skipped",
            threats: req.ruleThreats,
            error: { code: "llm/budget-exhausted", message: "The team's LLM budget is spent; rules only." },
          },
          null,
        );
      }
      const prompt = loadPrompt(config.promptVersion, deps.promptsDir);
      const key = llmCacheKey({
        contentHash: req.contentHash,
        promptHash: prompt.hash,
        model: provider.model,
        engineVersion: ENGINE_VERSION,
      });
      if (!req.force) {
        const hit = await cache.get(key);
        if (hit)
          return outcome(
            {
              status: "succeeded",
              threats: mergeThreats(req.ruleThreats, currentAnswer(hit.threats, req.ruleThreats)),
              cacheHit: true,
            },
            prompt.hash,
          );
      }

      // The prompt prepared in the engine thread, when it was built for this prompt; else prepared here.
      const remote = req.prepared?.promptHash === prompt.hash ? req.prepared.parts : null;
      let local: { redacted: ResourceGraph; chunks: GraphChunk[] } | null = null;
      const here = () => (local ??= prepare(req, prompt));
      const parts = remote ? remote.length : here().chunks.length;
      const ruleIds = new Set(req.ruleThreats.map((t) => t.ruleId).filter((id): id is string => id !== null));
      const modelThreats: Threat[] = [];
      const failures: Array<{ code: ErrorCode; message: string }> = [];
      let ungrounded = 0;
      // A part's graph is needed only to split it (an answer cut at maxTokens): a prepared prompt has none, and
      // the same chunking is redone here then (it is deterministic).
      const work: WorkItem[] = Array.from({ length: parts }, (_, i) => ({
        part: i + 1,
        key: parts > 1 ? `${key}:${i + 1}/${parts}` : null,
        depth: 0,
        text: () => remote?.[i] ?? render(prompt, here().chunks[i]!, i + 1, parts),
        chunk: () => here().chunks[i]!,
      }));

      while (work.length > 0) {
        if (req.signal?.aborted) throw new LlmAbortedError();
        const item = work.shift()!;
        // Parts of a split template are cached one by one, so a job retried after a throttle pays only for the rest.
        if (item.key && !req.force) {
          const hit = await cache.get(item.key);
          if (hit) {
            modelThreats.push(...currentAnswer(hit.threats, req.ruleThreats));
            continue;
          }
        }
        const before = { ...usage };
        const result = await runChunk(prompt, item.text(), item.part, usage, stats, req.signal);
        if (result.kind === "ok") {
          const grounded = groundThreats(result.items, req.graph, config.ungrounded, ruleIds);
          ungrounded += grounded.ungrounded;
          modelThreats.push(...grounded.threats);
          if (item.key) {
            await cache.set(item.key, {
              model: provider.model,
              promptHash: prompt.hash,
              threats: grounded.threats,
              inputTokens: usage.inputTokens - before.inputTokens,
              outputTokens: usage.outputTokens - before.outputTokens,
            });
          }
        } else if (result.kind === "truncated") {
          const chunk = item.chunk();
          const halves = item.depth < MAX_SPLIT_DEPTH ? splitChunk(here().redacted, chunk) : null;
          if (halves) {
            logger?.info(
              { analysisId: req.analysisId, nodes: chunk.nodeIds.length },
              "Answer cut at maxTokens; splitting the part in two",
            );
            work.unshift(
              ...halves.map((half, i) => ({
                part: item.part,
                key: item.key ? `${item.key}:${i === 0 ? "a" : "b"}` : `${key}:s${item.depth}${i === 0 ? "a" : "b"}`,
                depth: item.depth + 1,
                text: () => render(prompt, half, item.part, parts),
                chunk: () => half,
              })),
            );
          } else {
            failures.push({
              code: "llm/truncated",
              message: `The model's answer for ${chunk.nodeIds.length} resource(s) was cut at ${config.maxTokens} output tokens.`,
            });
          }
        } else if (result.kind === "invalid") {
          failures.push({ code: "llm/invalid-output", message: result.message });
        } else {
          failures.push({ code: result.error.code, message: result.error.message });
          break;
        }
      }

      if (ungrounded > 0)
        logger?.warn(
          { analysisId: req.analysisId, ungrounded, mode: config.ungrounded },
          "Model named resources that do not exist",
        );
      const threats = mergeThreats(req.ruleThreats, modelThreats);
      const base = { threats, ungroundedCount: ungrounded, chunks: parts };
      if (failures.length > 0) {
        logger?.warn(
          { analysisId: req.analysisId, failures: failures.map((f) => f.code) },
          "LLM part of the analysis is partial",
        );
        return outcome({ ...base, status: "partial", error: failures[0]! }, prompt.hash);
      }
      await cache.set(key, {
        model: provider.model,
        promptHash: prompt.hash,
        threats: modelThreats,
        inputTokens: usage.inputTokens,
        outputTokens: usage.outputTokens,
      });
      logger?.info(
        {
          analysisId: req.analysisId,
          model: provider.model,
          calls: stats.calls,
          inputTokens: usage.inputTokens,
          outputTokens: usage.outputTokens,
          quotaWaits: stats.quotaWaits,
          quotaWaitMs: stats.quotaWaitMs,
        },
        "LLM threats merged",
      );
      return outcome({ ...base, status: "succeeded" }, prompt.hash);
    },
  };
}
