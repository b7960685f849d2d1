import type { TextDiffHunk } from "@threatline/domain";

/** One line of a hunk as the diff view draws it: its kind and its number in the old and the new file. */
export interface DiffRow {
  kind: "context" | "added" | "removed";
  oldLine: number | null;
  newLine: number | null;
  text: string;
}

/** Numbers the lines of a unified-diff hunk for a side-by-side gutter. */
export function hunkRows(hunk: TextDiffHunk): DiffRow[] {
  let oldLine = hunk.oldStart;
  let newLine = hunk.newStart;
  return hunk.lines.map((line) => {
    const text = line.slice(1);
    if (line.startsWith("+")) return { kind: "added", oldLine: null, newLine: newLine++, text };
    if (line.startsWith("-")) return { kind: "removed", oldLine: oldLine++, newLine: null, text };
    return { kind: "context", oldLine: oldLine++, newLine: newLine++, text };
  });
}

/** "+3" / "−3" / "±0": a signed change as people read it (a real minus sign). */
export function signed(delta: number, format: (n: number) => string = String): string {
  if (delta === 0) return "±0";
  return delta > 0 ? `+${format(delta)}` : `−${format(-delta)}`;
}
