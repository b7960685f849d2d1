import { describe, expect, it } from "vitest";
import { snippetAround } from "./snippet.ts";

const file = Array.from({ length: 20 }, (_, i) => `line ${i + 1}`).join("\n");

describe("evidence snippets", () => {
  it("shows the evidence line with context and highlights it", () => {
    const s = snippetAround(file, [10], 2);
    expect(s.map((l) => l.number)).toEqual([8, 9, 10, 11, 12]);
    expect(s.filter((l) => l.highlighted).map((l) => l.text)).toEqual(["line 10"]);
  });

  it("clips at the start and end of the file", () => {
    expect(snippetAround(file, [1], 3).map((l) => l.number)).toEqual([1, 2, 3, 4]);
    expect(snippetAround(file, [20], 3).map((l) => l.number)).toEqual([17, 18, 19, 20]);
  });

  it("shows nothing for missing or out-of-range lines", () => {
    expect(snippetAround(file, [null])).toEqual([]);
    expect(snippetAround(file, [99])).toEqual([]);
  });

  it("keeps markup as text", () => {
    const [line] = snippetAround("<script>alert(1)</script>", [1], 0);
    expect(line!.text).toBe("<script>alert(1)</script>");
  });
});
