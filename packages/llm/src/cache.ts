import { sha256Hex, type Threat } from "@threatline/domain";
import type { TokenUsage } from "./cost.ts";

/** What the cache keeps of one model answer: the grounded model threats (before the merge) and their cost. */
export interface CachedAnswer {
  model: string;
  promptHash: string;
  threats: Threat[];
  inputTokens: number;
  outputTokens: number;
}

/** Where answers are kept; the worker implements it on PostgreSQL (`LlmCacheEntry`). */
export interface LlmCache {
  get(key: string): Promise<CachedAnswer | null>;
  set(key: string, value: CachedAnswer): Promise<void>;
}

export interface CacheKeyInput {
  contentHash: string;
  promptHash: string;
  model: string;
  engineVersion: string;
}

/** The same file, prompt, model and engine never pays twice. */
export function llmCacheKey(input: CacheKeyInput): string {
  return sha256Hex([input.contentHash, input.promptHash, input.model, input.engineVersion].join("\u0000"));
}

/** An in-process cache for tests, the CLI and benchmarks. */
export class MemoryLlmCache implements LlmCache {
  readonly entries = new Map<string, CachedAnswer>();
  gets = 0;
  hits = 0;

  get(key: string): Promise<CachedAnswer | null> {
    this.gets += 1;
    const value = this.entries.get(key) ?? null;
    if (value) this.hits += 1;
    return Promise.resolve(value ? structuredClone(value) : null);
  }

  set(key: string, value: CachedAnswer): Promise<void> {
    this.entries.set(key, structuredClone(value));
    return Promise.resolve();
  }
}

export function zeroUsage(): TokenUsage {
  return { inputTokens: 0, outputTokens: 0, cacheReadTokens: 0, cacheWriteTokens: 0 };
}
