import { describe, expect, it } from "vitest";
import { readFixture } from "../test/helpers.ts";
import { detectImportFormat, importThreats } from "./import.ts";

/** Written by STRIDE GPT's own renderers from its prompt's example answers (test/fixtures/stride-gpt/make-samples.py). */
const json = (name: string): unknown => JSON.parse(readFixture(`stride-gpt/${name}`));
const SOURCE = "imports/stride-gpt.md";

describe("STRIDE GPT import", () => {
  it.each(["web-genai", "web-agentic"])("reads the web app's JSON answer and its Markdown view (%s) alike", (name) => {
    const fromJson = importThreats(json(`${name}.json`), { sourceName: SOURCE });
    const markdown = readFixture(`stride-gpt/${name}.md`);
    expect(detectImportFormat(markdown)).toBe("stride-gpt");
    const fromMarkdown = importThreats(markdown, { sourceName: SOURCE });
    expect(fromJson.format).toBe("stride-gpt");
    expect(fromJson.threats).toHaveLength(3);
    // The same file name: the same fingerprints, whichever of the two the user saved.
    expect(fromMarkdown.threats.map((t) => [t.fingerprint, t.category, t.title, t.description])).toEqual(
      fromJson.threats.map((t) => [t.fingerprint, t.category, t.title, t.description]),
    );
    expect(fromJson.warnings).toContain("STRIDE GPT gives no severity: 3 threat(s) imported as medium.");
  });

  it("keeps the scenario, the impact and the OWASP codes; the scenario's first sentence is the title", () => {
    const [t] = importThreats(json("web-genai.json"), { sourceName: SOURCE }).threats;
    expect(t).toMatchObject({
      category: "Tampering",
      severity: "medium",
      title:
        "An attacker injects malicious instructions through user-uploaded documents that are processed by the RAG system…",
    });
    expect(t!.description).toContain("Potential impact: Users make poor decisions based on manipulated LLM outputs");
    expect(t!.description).toContain("OWASP: LLM01");
  });

  it("reads the agent's JSON report and Markdown report: subsystem threats on the subsystem, cross-cutting ones too", () => {
    const fromJson = importThreats(json("agent-report.json"), { sourceName: SOURCE });
    expect(fromJson.threats).toHaveLength(4);
    expect(fromJson.threats.slice(0, 3).map((t) => t.resources[0]?.id)).toEqual([
      "RAG pipeline",
      "RAG pipeline",
      "RAG pipeline",
    ]);
    expect(fromJson.threats[3]).toMatchObject({ category: "Spoofing", resources: [] });
    const fromMarkdown = importThreats(readFixture("stride-gpt/agent-report.md"), { sourceName: SOURCE });
    expect(fromMarkdown.threats.map((t) => [t.fingerprint, t.resources])).toEqual(
      fromJson.threats.map((t) => [t.fingerprint, t.resources]),
    );
    expect(fromMarkdown.name).toBe("chatbot");
  });

  it("unescapes STRIDE GPT's escaped pipes and refuses Markdown without its table", () => {
    const md = "| Threat Type | Scenario | Potential Impact |\n|---|---|---|\n| Spoofing | a \\| b | c |\n";
    expect(importThreats(md, { sourceName: SOURCE }).threats[0]!.description).toMatch(/^a \| b/);
    expect(() => importThreats("# Notes\n\nnothing here", { sourceName: SOURCE })).toThrow(
      expect.objectContaining({ code: "import/invalid" }),
    );
    const unknown = importThreats(
      { threat_model: [{ "Threat Type": "Phishing", Scenario: "x.", "Potential Impact": "y" }] },
      { sourceName: SOURCE },
    );
    expect(unknown.warnings.join("\n")).toMatch(/'Phishing' is not a STRIDE category; imported as Tampering/);
  });
});
