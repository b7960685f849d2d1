import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { END, headlineBlock, headlines, resultsReader, spliceHeadlines, START, withHeadlines } from "./headlines.ts";

const root = join(import.meta.dirname, "..");

describe("BENCHMARKS.md's headline table", () => {
  it("is what the result files in bench/results say now (run `node --import tsx bench/headlines.ts` when not)", async () => {
    const current = readFileSync(join(root, "BENCHMARKS.md"), "utf8");
    expect(current).toContain(START);
    expect(await withHeadlines(current, headlineBlock(resultsReader()))).toBe(current);
  });

  it("reads a figure from every result file that has one", () => {
    const rows = headlines(resultsReader());
    const files = new Set(rows.map((r) => r.file));
    for (const file of ["engine-perf.md", "engine-quality.md", "llm-pipeline.md", "api-load.json", "web-bundle.md"])
      expect(files).toContain(file);
    for (const r of rows) expect(r.result, r.what).toMatch(/\d/);
  });

  it("follows a result file that changes", () => {
    const real = resultsReader();
    const changed = (file: string) =>
      file === "web-bundle.md"
        ? real(file)!.replace(/First load([^:]*): [\d.]+ KB/, "First load$1: 123.4 KB")
        : real(file);
    expect(headlineBlock(changed)).toContain("| 123.4 KB |");
    expect(headlineBlock(changed)).not.toBe(headlineBlock(real));
  });

  it("fails loudly when a result file no longer has its figure", () => {
    const real = resultsReader();
    const broken = (file: string) => (file === "engine-quality.md" ? "# Engine quality\n\nnothing here\n" : real(file));
    expect(() => headlineBlock(broken)).toThrow(/engine-quality\.md: no table row/);
  });

  it("keeps the hand-written sections around it, and the ones other engineers add after it", () => {
    const doc = `# Benchmarks\n\nintro\n\n## Headlines\n\n${START}\nold\n${END}\n\n## Mine\n\nhand-written\n`;
    const next = spliceHeadlines(doc, `${START}\nnew\n${END}`);
    expect(next).toBe(`# Benchmarks\n\nintro\n\n## Headlines\n\n${START}\nnew\n${END}\n\n## Mine\n\nhand-written\n`);
    expect(spliceHeadlines("# B\n\nintro\n\n## A section\n", `${START}\nx\n${END}`)).toBe(
      `# B\n\nintro\n\n## Headlines\n\n${START}\nx\n${END}\n\n## A section\n`,
    );
    expect(() => spliceHeadlines(`# B\n${START}\n`, "x")).toThrow(/one headline marker/);
  });
});
