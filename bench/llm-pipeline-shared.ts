import type { Threat } from "@threatline/domain";
import type { ResourceGraph, SourceFile } from "@threatline/engine";
import type { CachedAnswer, LlmCache } from "@threatline/llm";
import type { Redis } from "ioredis";

/** What the coordinator hands each simulated worker process. */
export interface WorkerSetup {
  redisUrl: string;
  /** Redis list of template indexes still to analyse (the shared queue). */
  queueKey: string;
  /** Key prefix of the shared limiter and cache. */
  prefix: string;
  fakeUrl: string;
  /** Limiter quota per window and the window (scaled time). */
  tpm: number;
  windowMs: number;
  concurrency: number;
  /** `LLM_RESERVATION`. */
  reserve: "max" | "adaptive";
  /** Longest limiter wait while calls are in flight. */
  pollMs: number;
  /** JSON file with the prepared templates. */
  corpusFile: string;
}

/** A template with its graph and rule threats, analysed once by the coordinator so the workers measure only the LLM step. */
export interface PreparedTemplate {
  file: SourceFile;
  graph: ResourceGraph;
  ruleThreats: Threat[];
}

/** One template's outcome, sent back to the coordinator. */
export interface JobResult {
  index: number;
  status: string;
  cacheHit: boolean;
  inputTokens: number;
  outputTokens: number;
  rawTokens: number;
  throttledWaits: number;
  transientRetries: number;
  calls: number;
  doneAt: number;
}

/** The cache shared by the bench's worker processes (the real worker keeps it in PostgreSQL). */
export class RedisLlmCache implements LlmCache {
  constructor(
    private readonly redis: Redis,
    private readonly prefix: string,
  ) {}

  async get(key: string): Promise<CachedAnswer | null> {
    const raw = await this.redis.get(`${this.prefix}:cache:${key}`);
    return raw ? (JSON.parse(raw) as CachedAnswer) : null;
  }

  async set(key: string, value: CachedAnswer): Promise<void> {
    await this.redis.set(`${this.prefix}:cache:${key}`, JSON.stringify(value), "EX", 3600);
  }
}
