import { ThreatSchema, isAppError, threatFingerprint } from "@threatline/domain";
import { describe, expect, it } from "vitest";
import { sampleInput } from "../test/helpers.ts";
import { detectImportFormat, importPrototypeJson, importThreatComposer, importThreats } from "./import.ts";
import { renderPrototypeJson, toPrototypeModel } from "./prototype.ts";
import { toSarif } from "./sarif.ts";
import { sarifErrors } from "../test/sarif-validator.ts";

function codeOf(fn: () => unknown): string | undefined {
  try {
    fn();
  } catch (error) {
    return isAppError(error) ? error.code : "not-an-app-error";
  }
  return undefined;
}

describe("prototype JSON import", () => {
  it("round-trips: export → import gives the same threats, as far as the format carries them", () => {
    const input = sampleInput();
    const back = importThreats(JSON.parse(renderPrototypeJson(input)), { sourceName: "prototype.json" });
    expect(back.format).toBe("prototype-json");
    const model = toPrototypeModel(input.threats);
    const expected = Object.entries(model).flatMap(([category, threats]) =>
      Object.entries(threats).map(([title, t]) => ({
        category,
        title,
        description: t.description,
        priority: t.priority,
        remediations: t.remediations,
      })),
    );
    expect(
      back.threats.map((t) => ({
        category: t.category,
        title: t.title,
        description: t.description,
        priority: { critical: "High", high: "High", medium: "Medium", low: "Low", info: "Low" }[t.severity],
        remediations: t.remediations.map((r) => r.text),
      })),
    ).toEqual(expected);
    for (const t of back.threats) {
      expect(ThreatSchema.parse(t)).toEqual(t);
      expect(t.source).toBe("import");
      expect(t.resources).toEqual([]);
      expect(t.evidence).toEqual([{ file: "prototype.json", line: null, path: `${t.category}.${t.title}` }]);
      expect(t.fingerprint).toBe(
        threatFingerprint({
          category: t.category,
          ruleId: null,
          title: t.title,
          file: "prototype.json",
          resourceId: "",
        }),
      );
    }
    expect(renderPrototypeJson(back)).toBe(
      renderPrototypeJson({
        threats: input.threats.map((t) => ({
          ...t,
          severity: t.severity === "critical" ? "high" : t.severity === "info" ? "low" : t.severity,
        })),
      }),
    );
  });

  it("accepts 'Information Disclosure' and any case of priority, and strings or {text} remediations", () => {
    const result = importPrototypeJson(
      {
        "Information Disclosure": { "Open bucket": { description: "d", priority: "HIGH", remediations: ["close it"] } },
        spoofing: { "Weak auth": { description: "e", priority: "low", remediations: [{ text: "use MFA" }] } },
        Tampering: {},
      },
      { sourceName: "old.json" },
    );
    expect(result.threats.map((t) => [t.category, t.title, t.severity, t.score, t.remediations])).toEqual([
      ["InformationDisclosure", "Open bucket", "high", 16, [{ text: "close it" }]],
      ["Spoofing", "Weak auth", "low", 4, [{ text: "use MFA" }]],
    ]);
  });

  it("accepts every priority spelling (Critical, Info, lower case, med), and imports an unknown one as medium with a warning", () => {
    const priorities = ["Critical", "HIGH", "medium", "Med", "low", "Info", "informational", "urgent"];
    const result = importPrototypeJson(
      { Tampering: Object.fromEntries(priorities.map((p) => [`T ${p}`, { description: "d", priority: p }])) },
      { sourceName: "x.json" },
    );
    expect(result.threats.map((t) => t.severity)).toEqual([
      "critical",
      "high",
      "medium",
      "medium",
      "low",
      "info",
      "info",
      "medium",
    ]);
    expect(result.warnings).toEqual(["Unknown priority 'urgent' at Tampering › T urgent: imported as medium."]);
  });

  it("points SARIF at the imported document, so code scanning gets a location for every imported threat", () => {
    const back = importPrototypeJson(
      { Spoofing: { "Weak auth": { priority: "High" } } },
      { sourceName: "imports/old.json" },
    );
    const log = toSarif({ tool: { name: "threatline", version: "0.1.0" }, threats: back.threats }) as {
      runs: Array<{ results: Array<{ locations: unknown[] }> }>;
    };
    expect(log.runs[0]!.results[0]!.locations).toEqual([
      {
        physicalLocation: {
          artifactLocation: { uri: "imports/old.json", uriBaseId: "%SRCROOT%" },
          region: { startLine: 1 },
        },
      },
    ]);
    expect(sarifErrors(log)).toEqual([]);
  });

  it("rejects unknown categories and priorities with import/invalid", () => {
    expect(codeOf(() => importPrototypeJson({ Phishing: {} }, { sourceName: "x" }))).toBe("import/invalid");
    expect(codeOf(() => importPrototypeJson({ Spoofing: { a: { remediations: "one" } } }, { sourceName: "x" }))).toBe(
      "import/invalid",
    );
    expect(codeOf(() => importPrototypeJson([], { sourceName: "x" }))).toBe("import/invalid");
  });
});

describe("Threat Composer import", () => {
  const foreign = {
    schema: 1,
    applicationInfo: { name: "Shop" },
    threats: [
      {
        id: "6a1f0c3e-0000-4000-8000-000000000001",
        numericId: 1,
        threatSource: "external threat actor",
        prerequisites: "with a stolen session token",
        threatAction: "replay checkout requests",
        threatImpact: "double charges",
        impactedAssets: ["checkout API"],
        statement:
          "An external threat actor with a stolen session token can replay checkout requests, which leads to double charges",
        metadata: [
          { key: "STRIDE", value: ["S", "T"] },
          { key: "Priority", value: "High" },
        ],
        status: "threatResolvedNotUseful",
      },
      { id: "6a1f0c3e-0000-4000-8000-000000000002", numericId: 2, statement: "Something vague" },
      { id: "6a1f0c3e-0000-4000-8000-000000000003", numericId: 3, statement: "Something vague" },
    ],
    mitigations: [{ id: "6a1f0c3e-0000-4000-8000-0000000000aa", numericId: 1, content: "Bind tokens to the client" }],
    mitigationLinks: [
      { mitigationId: "6a1f0c3e-0000-4000-8000-0000000000aa", linkedId: "6a1f0c3e-0000-4000-8000-000000000001" },
    ],
  };

  it("maps statements, STRIDE letters, priorities, assets, linked mitigations and statuses", () => {
    const result = importThreatComposer(foreign, { sourceName: "shop.tc.json" });
    const [replay, vague, vague2] = result.threats;
    expect(replay).toMatchObject({
      category: "Spoofing",
      title: "replay checkout requests",
      description: foreign.threats[0]!.statement,
      severity: "high",
      remediations: [{ text: "Bind tokens to the client" }],
      resources: [{ id: "checkout API", type: "asset", file: "shop.tc.json", line: null }],
      source: "import",
    });
    expect(vague).toMatchObject({
      category: "Tampering",
      title: "Something vague",
      severity: "medium",
      evidence: [{ file: "shop.tc.json", line: null, path: "threats[1]" }],
    });
    expect(vague2!.title).toBe("Something vague (2)");
    expect(new Set(result.threats.map((t) => t.fingerprint)).size).toBe(3);
    expect(result.triage[replay!.fingerprint]?.status).toBe("false_positive");
    expect(result.warnings).toEqual([
      "threat 1 has several STRIDE categories (S, T); imported as Spoofing.",
      "threat 2 has no STRIDE category; imported as Tampering.",
      "threat 2 has no priority; imported as medium.",
      "threat 3 has no STRIDE category; imported as Tampering.",
      "threat 3 has no priority; imported as medium.",
    ]);
  });

  it("detects the format from the content, and rejects anything else", () => {
    expect(detectImportFormat(foreign)).toBe("threat-composer");
    expect(detectImportFormat({ Spoofing: {} })).toBe("prototype-json");
    expect(codeOf(() => detectImportFormat({ hello: "world" }))).toBe("import/invalid");
    expect(codeOf(() => detectImportFormat("text"))).toBe("import/invalid");
    expect(codeOf(() => importThreatComposer({ schema: 1, threats: [{ numericId: 1 }] }, { sourceName: "x" }))).toBe(
      "import/invalid",
    );
  });
});
