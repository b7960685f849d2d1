import { describe, expect, it } from "vitest";
import { analyze } from "../../src/analyze.ts";
import { nestingDepth } from "../../src/text.ts";

const errorOf = async (path: string, content: string) => (await analyze([{ path, content }])).files[0]!.error?.code;

describe("files no format recognises", () => {
  it("says why when it can: nesting too deep to read, or a line that fills the head the detectors read", async () => {
    expect(await errorOf("a.json", `${'{"a":'.repeat(200)}1${"}".repeat(200)}`)).toBe("template/too-deep");
    expect(await errorOf("a.yaml", `${"[".repeat(200)}${"]".repeat(200)}\n`)).toBe("template/too-deep");
    const block = `${Array.from({ length: 100 }, (_, i) => `${" ".repeat(i)}k:`).join("\n")} 1\n`;
    expect(await errorOf("a.yaml", block)).toBe("template/too-deep");
    expect(await errorOf("a.yaml", `# ${"x".repeat(150_000)}\nkind: Service\napiVersion: v1\n`)).toBe(
      "template/line-too-long",
    );
    expect(await errorOf("notes.txt", "Dear team, please review.\n")).toBe("template/unsupported-format");
    expect(await errorOf("a.json", '{"name": "x", "dependencies": {"a": {"version": "1"}}}')).toBe(
      "template/unsupported-format",
    );
  });

  it("refuses a lone surrogate as not text", async () => {
    expect(await errorOf("a.yaml", "AWSTemplateFormatVersion: '2010-09-09'\nDescription: \"\ud800\"\n")).toBe(
      "template/not-text",
    );
  });

  it("counts nesting by brackets outside strings and by block indentation", () => {
    expect(nestingDepth('{"a": {"b": [1, 2]}}', 64)).toBe(3);
    expect(nestingDepth('{"a": "[[[[[[[["}', 64)).toBe(1);
    expect(nestingDepth("a:\n  b:\n    c: 1\nd: 2\n", 64)).toBe(3);
    // A list item shares its line's level: an estimate on the low side.
    expect(nestingDepth("a:\n  - b: 1\n  - c: [1, [2]]\n", 64)).toBe(4);
    expect(nestingDepth(`${"[".repeat(100)}${"]".repeat(100)}`, 64)).toBe(65);
  });
});
