/** One line of a snippet, numbered from 1 as editors number them. */
export interface SnippetLine {
  number: number;
  text: string;
  highlighted: boolean;
}

/** Lines shown either side of an evidence line. */
export const SNIPPET_CONTEXT = 3;

/**
 * The lines around the evidence lines of a file, `context` lines either side, highlighted where the
 * evidence points. Lines are returned as text: the view interpolates them, it never parses them as HTML.
 */
export function snippetAround(
  content: string,
  lines: ReadonlyArray<number | null>,
  context = SNIPPET_CONTEXT,
): SnippetLine[] {
  const all = content.split(/\r?\n/);
  const targets = [...new Set(lines.filter((l): l is number => l !== null && l >= 1 && l <= all.length))].sort(
    (a, b) => a - b,
  );
  if (targets.length === 0) return [];
  const start = Math.max(1, targets[0]! - context);
  const end = Math.min(all.length, targets.at(-1)! + context);
  // Evidence far apart would make one huge window: cap it, the first evidence line matters most.
  const last = Math.min(end, start + 40);
  const out: SnippetLine[] = [];
  for (let n = start; n <= last; n++) out.push({ number: n, text: all[n - 1] ?? "", highlighted: targets.includes(n) });
  return out;
}
