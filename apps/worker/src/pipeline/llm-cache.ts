import type { Threat } from "@threatline/domain";
import type { Db } from "@threatline/db";
import type { CachedAnswer, LlmCache } from "@threatline/llm";

/**
 * The LLM answer cache on PostgreSQL: shared by every worker and kept across restarts, so the same file,
 * prompt, model and engine version are never paid for twice.
 */
export class PostgresLlmCache implements LlmCache {
  constructor(private readonly db: Db) {}

  async get(key: string): Promise<CachedAnswer | null> {
    const row = await this.db.llmCacheEntry.findUnique({ where: { key } });
    if (!row) return null;
    return {
      model: row.model,
      promptHash: row.promptHash,
      threats: row.threats as Threat[],
      inputTokens: row.inputTokens,
      outputTokens: row.outputTokens,
    };
  }

  async set(key: string, value: CachedAnswer): Promise<void> {
    const data = {
      model: value.model,
      promptHash: value.promptHash,
      threats: value.threats,
      inputTokens: value.inputTokens,
      outputTokens: value.outputTokens,
    };
    await this.db.llmCacheEntry.upsert({ where: { key }, create: { key, ...data }, update: data });
  }
}
