/**
 * Estimates how many tokens a model's tokenizer spends on a text, without shipping a tokenizer.
 *
 * The heuristic follows how BPE tokenizers split templates: a run of letters costs one token per four
 * letters (common words are one token, long identifiers split), a run of digits one per three digits, every
 * punctuation or symbol character one token (YAML and JSON are mostly punctuation), a single space nothing
 * (it merges into the next word), any other whitespace run (newlines, indentation) one token, and any other
 * character (non-ASCII) one token each. Measured on the bench corpus (`bench/compact-size.ts`) it is about
 * 1.2–1.3× the count of the legacy Claude tokenizer (`@anthropic-ai/tokenizer`), for raw YAML/JSON and for
 * compact text alike. It errs high on purpose: newer tokenizers split templates into more tokens than the
 * legacy one, and an estimate used for budgets must not fall short.
 */
export function estimateTokens(text: string): number {
  let tokens = 0;
  for (const match of text.matchAll(/[A-Za-z]+|[0-9]+|\s+|[\s\S]/g)) {
    const part = match[0];
    const c = part.charCodeAt(0);
    if ((c >= 65 && c <= 90) || (c >= 97 && c <= 122)) tokens += Math.ceil(part.length / 4);
    else if (c >= 48 && c <= 57) tokens += Math.ceil(part.length / 3);
    else if (part === " ") continue;
    else if (/^\s+$/.test(part)) tokens += 1;
    else tokens += 1;
  }
  return tokens;
}
