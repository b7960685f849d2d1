import { describe, expect, it } from "vitest";
import { Ajv2020 } from "../test/ajv.ts";
import { readFixture, sampleInput } from "../test/helpers.ts";
import { importThreats } from "./import.ts";
import type { ReportInput } from "./report.ts";
import { composeTcStatement } from "./tc-statement.ts";
import {
  firstSentence,
  renderThreatComposer,
  toThreatComposer,
  type ThreatComposerDocument,
} from "./threat-composer.ts";

const validate = new Ajv2020({ allErrors: true, strict: false }).compile(
  JSON.parse(readFixture("threat-composer/threat-composer-v1.schema.json")) as object,
);
const EXAMPLES = ["ThreatComposer.tc.json", "GenAIChatbot.tc.json"];
const example = (name: string): ThreatComposerDocument =>
  JSON.parse(readFixture(`threat-composer/${name}`)) as ThreatComposerDocument;

/** What the API does: the imported document is stored as the analysis's template, and exported from there. */
function reimport(text: string, path = "imports/model.json"): ReportInput {
  const result = importThreats(JSON.parse(text), { sourceName: path });
  return {
    ...sampleInput(),
    files: [{ path, format: null, resources: 0 }],
    threats: result.threats,
    triage: result.triage,
  };
}

describe("Threat Composer export", () => {
  const input = sampleInput();
  const doc = toThreatComposer(input);

  it("is valid against Threat Composer's own schema, which rejects what the application refuses", () => {
    expect(validate(JSON.parse(renderThreatComposer(input))), JSON.stringify(validate.errors)).toBe(true);
    const bad = structuredClone(doc);
    bad.threats[0]!.threatAction = "x".repeat(201);
    expect(validate(bad)).toBe(false);
    const badLink = structuredClone(doc);
    badLink.mitigationLinks[0]!.linkedId = "short";
    expect(validate(badLink)).toBe(false);
  });

  it.each(EXAMPLES)("composes every statement of %s exactly as Threat Composer wrote it", (name) => {
    const threats = example(name).threats;
    expect(threats.length).toBeGreaterThan(10);
    for (const t of threats) expect(composeTcStatement(t)).toBe(t.statement);
  });

  it("writes statements in Threat Composer's grammar, keeping the description's capitals and its 'e.g.'", () => {
    const ssh = doc.threats[2]!;
    expect(ssh.metadata).toContainEqual({ key: "STRIDE", value: ["E"] });
    expect(ssh.metadata).toContainEqual({ key: "Priority", value: "High" });
    expect(ssh.impactedAssets).toEqual(["aws_security_group.web", "aws_instance.web"]);
    expect(ssh.statement).toBe(
      "A threat actor with access to aws_security_group.web can gain privileges through aws_security_group.web, " +
        'which leads to Security group aws_security_group.web allows port 22 from anywhere, "quoted", with, commas and a second line, ' +
        "resulting in reduced authorization of aws_security_group.web and aws_instance.web",
    );
    expect(ssh.statement).toBe(composeTcStatement(ssh));
    expect(firstSentence("Keys leak, e.g. in logs. Rotate them.")).toBe("Keys leak, e.g. in logs.");
    expect(firstSentence("Version 1.2 is old. Upgrade.")).toBe("Version 1.2 is old.");
  });

  it("takes threat and mitigation status from triage, and keeps fix snippets in the mitigation", () => {
    expect(doc.threats.map((t) => t.status)).toEqual([
      "threatIdentified",
      "threatIdentified",
      "threatIdentified",
      "threatIdentified",
      "threatResolved",
      "threatIdentified",
      "threatIdentified",
    ]);
    const limits = doc.mitigations.find((m) => m.content === "Set resources.limits.")!;
    expect(limits.status).toBe("mitigationIdentified");
    const acl = doc.mitigations.filter((m) => m.content.startsWith("Remove the public ACL"));
    expect(acl.map((m) => m.metadata?.[0]?.value ?? null)).toEqual([
      expect.stringContaining("BlockPublicAcls: true"),
      null,
    ]);
    const resolved = toThreatComposer({
      ...input,
      triage: { [input.threats[1]!.fingerprint]: { status: "mitigated", owner: null, expiresAt: null, note: "" } },
    });
    expect(resolved.mitigations.find((m) => m.content.startsWith("Remove") && !m.metadata)!.status).toBe(
      "mitigationResolved",
    );
  });

  it("round-trips its own export: export → import → export changes nothing, and the import keeps title, severity and fixes", () => {
    const text = renderThreatComposer(input);
    const again = reimport(text);
    expect(toThreatComposer(again, { sources: new Map([["imports/model.json", text]]) })).toEqual(JSON.parse(text));
    expect(again.threats.map((t) => [t.title, t.description, t.severity, t.remediations])).toEqual(
      input.threats.map((t) => [t.title, t.description, t.severity, t.remediations]),
    );
  });

  it.each(EXAMPLES)("round-trips Threat Composer's example %s unchanged through import and export", (name) => {
    const text = readFixture(`threat-composer/${name}`);
    const original = JSON.parse(text) as ThreatComposerDocument;
    expect(validate(original), JSON.stringify(validate.errors)).toBe(true);
    const imported = reimport(text);
    expect(imported.threats).toHaveLength(original.threats.length);
    const exported = toThreatComposer(imported, { sources: new Map([["imports/model.json", text]]) });
    expect(exported).toEqual(original);
    expect(exported.assumptions.length + exported.assumptionLinks.length).toBeGreaterThan(0);
    // Reports list threats worst first; the document's own order comes back regardless.
    const reordered = { ...imported, threats: [...imported.threats].reverse() };
    expect(toThreatComposer(reordered, { sources: new Map([["imports/model.json", text]]) })).toEqual(original);
    // A later triage decision is the one thing that changes: the statement's status follows it.
    const open = original.threats.findIndex((t) => t.status !== "threatResolvedNotUseful");
    const decided = toThreatComposer(
      {
        ...imported,
        triage: {
          ...imported.triage,
          [imported.threats[open]!.fingerprint]: { status: "false_positive", owner: null, expiresAt: null, note: "" },
        },
      },
      { sources: new Map([["imports/model.json", text]]) },
    );
    expect(decided.threats[open]!.status).toBe("threatResolvedNotUseful");
    expect(validate(decided)).toBe(true);
  });
});
