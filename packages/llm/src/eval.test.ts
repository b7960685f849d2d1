import { mkdtempSync, mkdirSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { loadEvalCorpus, parseEvalSpec, renderEvalTable, runEval } from "./eval.ts";

const K8S = `apiVersion: v1
kind: Pod
metadata:
  name: web
  namespace: prod
spec:
  containers:
    - name: web
      image: nginx:latest
      securityContext:
        privileged: true
`;

describe("parseEvalSpec", () => {
  it("reads rules, Bedrock model ids with colons, endpoints and prompt versions", () => {
    expect(parseEvalSpec("rules")).toEqual({ label: "rules", provider: "rules" });
    expect(
      parseEvalSpec("bedrock:us.anthropic.claude-haiku-4-5-20251001-v1:0@http://127.0.0.1:4010#stride-v1"),
    ).toMatchObject({
      provider: "bedrock",
      model: "us.anthropic.claude-haiku-4-5-20251001-v1:0",
      endpoint: "http://127.0.0.1:4010",
      promptVersion: "stride-v1",
    });
    expect(parseEvalSpec("bedrock:us.anthropic.claude-sonnet-4-5-20250929-v1:0")).toMatchObject({
      model: "us.anthropic.claude-sonnet-4-5-20250929-v1:0",
    });
    expect(parseEvalSpec("openai:llama3.1:8b@http://localhost:11434/v1")).toMatchObject({
      provider: "openai-compatible",
      model: "llama3.1:8b",
    });
    expect(() => parseEvalSpec("openai:llama3")).toThrow(/base url/);
    expect(() => parseEvalSpec("gemini:pro")).toThrow(/Bad --config/);
  });
});

describe("rules-only evaluation", () => {
  it("loads a labelled folder recursively and scores recall and false positives over rule ids", async () => {
    const dir = mkdtempSync(join(tmpdir(), "tl-eval-"));
    mkdirSync(join(dir, "kubernetes"));
    writeFileSync(join(dir, "kubernetes", "web.yaml"), K8S);
    writeFileSync(
      join(dir, "kubernetes", "web.expected.json"),
      JSON.stringify({ ruleIds: ["TL-K8S-POD-001", "TL-NOT-A-RULE"] }),
    );
    writeFileSync(join(dir, "kubernetes", "unlabelled.yaml"), K8S);
    const cases = loadEvalCorpus([dir], dir);
    expect(cases.map((c) => c.file.path)).toEqual(["kubernetes/web.yaml"]);
    const summary = await runEval(cases, parseEvalSpec("rules"));
    expect(summary.expected).toBe(2);
    expect(summary.recall).toBe(0.5);
    expect(summary.results[0]!.missed).toEqual(["TL-NOT-A-RULE"]);
    expect(summary.falsePositives).toBe(summary.results[0]!.extraRuleIds.length);
    expect(summary.falsePositives).toBeGreaterThan(0);
    expect(summary.inputTokens).toBe(0);
    const table = renderEvalTable([summary, summary]);
    expect(table.split("\n")[0]).toBe("| metric | rules | rules |");
    expect(table).toContain("| recall (rule ids) | 50.0% | 50.0% |");
  });
});
