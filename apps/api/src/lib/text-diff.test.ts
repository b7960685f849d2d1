import { describe, expect, it } from "vitest";
import { MAX_EDIT_LENGTH, MAX_HUNK_LINES, textDiff } from "./text-diff.ts";

describe("textDiff", () => {
  it("answers the changed lines in hunks with their line numbers and counts", () => {
    const before = ["a: 1", "b: 2", "c: 3", "d: 4", "e: 5", "f: 6", "g: 7", "h: 8", "i: 9", "j: 10"].join("\n") + "\n";
    const after = before.replace("b: 2", "b: two").replace("j: 10\n", "j: 10\nk: 11\n");
    const diff = textDiff(before, after);
    expect(diff.computed).toBe(true);
    expect(diff).toMatchObject({ added: 2, removed: 1, truncated: false });
    expect(diff.hunks).toHaveLength(2);
    expect(diff.hunks[0]).toMatchObject({ oldStart: 1, newStart: 1 });
    expect(diff.hunks[0]!.lines).toEqual([" a: 1", "-b: 2", "+b: two", " c: 3", " d: 4", " e: 5"]);
    expect(diff.hunks[1]!.lines.filter((l) => l.startsWith("+"))).toEqual(["+k: 11"]);
    expect(diff.hunks[1]!.lines.some((l) => l.startsWith("\\"))).toBe(false);
  });

  it("answers no hunks for the same text", () => {
    expect(textDiff("x: 1\n", "x: 1\n")).toEqual({ computed: true, added: 0, removed: 0, hunks: [], truncated: false });
  });

  it("gives up on files that differ too much, rather than hold the request", () => {
    const lines = (tag: string) => Array.from({ length: MAX_EDIT_LENGTH }, (_, i) => `${tag}${i}`).join("\n");
    // 2 × MAX_EDIT_LENGTH edits: past the budget.
    expect(textDiff(lines("a"), lines("b"))).toMatchObject({ computed: false, hunks: [] });
  });

  it("sends at most MAX_HUNK_LINES lines but counts them all", () => {
    // Every fifth line changed: 2 × 400 edits, within the edit budget, but one hunk of 2,400 lines.
    const n = MAX_HUNK_LINES;
    const before = Array.from({ length: n }, (_, i) => `k${i}: v`).join("\n");
    const after = Array.from({ length: n }, (_, i) => (i % 5 ? `k${i}: v` : `k${i}: w`)).join("\n");
    const diff = textDiff(before, after);
    expect(diff.added).toBe(n / 5);
    expect(diff.removed).toBe(n / 5);
    expect(diff.truncated).toBe(true);
    expect(diff.hunks.reduce((n, h) => n + h.lines.length, 0)).toBe(MAX_HUNK_LINES);
  });
});
