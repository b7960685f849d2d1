import type { SecretFinding } from "../graph/types.ts";
import { scanString } from "./detect.ts";
import { valueRegex } from "./redact.ts";

/** What a masked secret value is shown as, on each line it spans. */
export const SECRET_MASK = "••••••••";

export interface MaskedSecret {
  /** 1-based line where the value starts. */
  line: number;
  /** Lines it spans (a PEM key over many). */
  lines: number;
  kind: SecretFinding["kind"];
}

export interface MaskResult {
  content: string;
  masked: MaskedSecret[];
}

/**
 * Masks the secret values of one file for showing it to people: each value the engine found in it
 * (`graph.facts.secrets` of the file), and any secret shape found again in the text, is replaced by
 * `SECRET_MASK` on every line it spans, keeping the line breaks so that evidence line numbers still point at
 * the same lines. Unlike `redact` (for the model), placeholders are not numbered: a reader needs to know a value
 * is hidden, not which.
 */
export function maskSecrets(content: string, secrets: readonly SecretFinding[]): MaskResult {
  const spans: Array<{ start: number; end: number; kind: SecretFinding["kind"] }> = [];
  const values = [...new Set(secrets.map((s) => s.value))].filter((v) => v.trim().length > 0);
  for (const value of values.sort((a, b) => b.length - a.length)) {
    const kind = secrets.find((s) => s.value === value)!.kind;
    const regex = valueRegex(value);
    for (let m = regex.exec(content); m; m = regex.exec(content)) {
      if (m[0].length === 0) regex.lastIndex += 1;
      else spans.push({ start: m.index, end: m.index + m[0].length, kind });
    }
  }
  for (const hit of scanString(content)) {
    const start = content.indexOf(hit.value, hit.index);
    if (start >= 0) spans.push({ start, end: start + hit.value.length, kind: hit.kind });
  }
  // Overlaps: the earliest, then the longest span wins.
  spans.sort((a, b) => a.start - b.start || b.end - a.end);
  const kept: typeof spans = [];
  for (const span of spans) {
    const last = kept.at(-1);
    if (last && span.start < last.end) last.end = Math.max(last.end, span.end);
    else kept.push({ ...span });
  }
  let out = "";
  let at = 0;
  let line = 1;
  const masked: MaskedSecret[] = [];
  for (const span of kept) {
    const before = content.slice(at, span.start);
    line += countLines(before);
    const value = content.slice(span.start, span.end);
    // Keep the line breaks and each line's indentation; hide the rest.
    out += before + value.replace(/[^\n]+/g, (part) => (part.match(/^\s*/)?.[0] ?? "") + SECRET_MASK);
    masked.push({ line, lines: countLines(value) + 1, kind: span.kind });
    line += countLines(value);
    at = span.end;
  }
  out += content.slice(at);
  return { content: out, masked };
}

function countLines(text: string): number {
  let n = 0;
  for (let i = text.indexOf("\n"); i >= 0; i = text.indexOf("\n", i + 1)) n += 1;
  return n;
}
