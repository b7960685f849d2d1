import { describe, expect, it } from "vitest";
import { hunkRows, signed } from "./text-diff.ts";

describe("hunkRows", () => {
  it("numbers context lines in both files and changed lines in their own", () => {
    const rows = hunkRows({
      oldStart: 10,
      oldLines: 3,
      newStart: 12,
      newLines: 3,
      lines: [" a", "-b", "+B", " c"],
    });
    expect(rows).toEqual([
      { kind: "context", oldLine: 10, newLine: 12, text: "a" },
      { kind: "removed", oldLine: 11, newLine: null, text: "b" },
      { kind: "added", oldLine: null, newLine: 13, text: "B" },
      { kind: "context", oldLine: 12, newLine: 14, text: "c" },
    ]);
  });
});

describe("signed", () => {
  it("writes the sign of a change", () => {
    expect(signed(3)).toBe("+3");
    expect(signed(-17)).toBe("−17");
    expect(signed(0)).toBe("±0");
    expect(signed(-1.5, (n) => n.toFixed(1))).toBe("−1.5");
  });
});
