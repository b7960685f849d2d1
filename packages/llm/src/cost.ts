import { z } from "zod";

/** Prices in US dollars per million tokens. */
export const PriceSchema = z.object({
  input: z.number().nonnegative(),
  output: z.number().nonnegative(),
  cacheRead: z.number().nonnegative().optional(),
  cacheWrite: z.number().nonnegative().optional(),
});
export type Price = z.infer<typeof PriceSchema>;

/** Keys are model ids or fragments of them; the longest matching key wins. */
export const PriceTableSchema = z.record(z.string(), PriceSchema);
export type PriceTable = z.infer<typeof PriceTableSchema>;

/**
 * Illustrative late-2026 Bedrock prices (BEDROCK.md); override with `LLM_PRICES`. Cache reads cost about a
 * tenth of input, cache writes a quarter more than input.
 */
export const DEFAULT_PRICES: PriceTable = {
  "claude-sonnet-4": { input: 3, output: 15, cacheRead: 0.3, cacheWrite: 3.75 },
  "claude-haiku-4": { input: 1, output: 5, cacheRead: 0.1, cacheWrite: 1.25 },
  "claude-opus-4": { input: 5, output: 25, cacheRead: 0.5, cacheWrite: 6.25 },
};

/** The price of a model: its exact id, else the longest key contained in the id; null when unknown. */
export function priceFor(table: PriceTable, model: string): Price | null {
  if (table[model]) return table[model];
  const key = Object.keys(table)
    .filter((k) => model.includes(k))
    .sort((a, b) => b.length - a.length)[0];
  return key ? (table[key] ?? null) : null;
}

export interface TokenUsage {
  inputTokens: number;
  outputTokens: number;
  cacheReadTokens: number;
  cacheWriteTokens: number;
}

/** Cost in USD of the given usage, 0 for a model missing from the table (and the caller should say so). */
export function costUsd(price: Price | null, usage: TokenUsage): number {
  if (!price) return 0;
  const dollars =
    usage.inputTokens * price.input +
    usage.outputTokens * price.output +
    usage.cacheReadTokens * (price.cacheRead ?? price.input / 10) +
    usage.cacheWriteTokens * (price.cacheWrite ?? price.input * 1.25);
  return dollars / 1_000_000;
}
