import { describe, expect, it } from "vitest";
import { Ajv2020 } from "../test/ajv.ts";
import { importedInput, readFixture, sampleInput, sampleMitigations } from "../test/helpers.ts";
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
  return importedInput(importThreats(JSON.parse(text), { sourceName: path }), path);
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

  it("carries the team's mitigation records with their status, owner, ticket and links; a threat whose mitigations are all done is resolved", () => {
    const records = sampleMitigations();
    const withRecords = toThreatComposer({ ...input, mitigations: records });
    expect(validate(withRecords), JSON.stringify(validate.errors)).toBe(true);
    const byId = new Map(withRecords.mitigations.map((m) => [m.id, m]));
    const ssh = byId.get(records[0]!.id)!;
    expect(ssh).toMatchObject({
      content: "Restrict SSH to the bastion's security group",
      status: "mitigationResolved",
      metadata: [
        { key: "Comments", value: "Only the bastion may open port 22; see the runbook." },
        { key: "custom:owner", value: "ops@example.com" },
        { key: "custom:ticket", value: "https://tickets.example.com/SEC-12" },
      ],
    });
    expect(byId.get(records[1]!.id)!.status).toBe("mitigationInProgress");
    expect(byId.get(records[3]!.id)!.status).toBe("mitigationResolvedWillNotAction");
    // Records come before the remediations, numbered from 1.
    expect(withRecords.mitigations.slice(0, 4).map((m) => [m.id, m.numericId])).toEqual(
      records.map((r, i) => [r.id, i + 1]),
    );
    const statementOf = (fp: string) => withRecords.threats[input.threats.findIndex((t) => t.fingerprint === fp)]!;
    const linked = (mitigationId: string) =>
      withRecords.mitigationLinks.filter((l) => l.mitigationId === mitigationId).map((l) => l.linkedId);
    expect(linked(records[1]!.id)).toEqual([
      statementOf("0f1e2d3c4b5a69788796a5b4c3d2e1f0").id,
      statementOf("11111111111111111111111111111111").id,
    ]);
    // SSH: its one mitigation is done, no triage: resolved. The critical bucket: one done, one in progress: open.
    expect(statementOf("22222222222222222222222222222222").status).toBe("threatResolved");
    expect(doc.threats[2]!.status).toBe("threatIdentified");
    expect(statementOf("0f1e2d3c4b5a69788796a5b4c3d2e1f0").status).toBe("threatIdentified");
    // The SSH threat's remediation mitigation follows the threat.
    const sshRemediation = withRecords.mitigations.find(
      (m) => linked(m.id).includes(statementOf("22222222222222222222222222222222").id) && m.id !== ssh.id,
    )!;
    expect(sshRemediation.status).toBe("mitigationResolved");
    // Every link points at a statement and a mitigation of the document.
    const threatIds = new Set(withRecords.threats.map((t) => t.id));
    for (const l of withRecords.mitigationLinks) {
      expect(threatIds.has(l.linkedId)).toBe(true);
      expect(byId.has(l.mitigationId)).toBe(true);
    }
  });

  it("links records to the statements of imported threats and resolves those too", () => {
    const text = readFixture("threat-composer/ThreatComposer.tc.json");
    const sources = new Map([["imports/model.json", text]]);
    const imported = reimport(text);
    // Someone reopened the first statement; a done mitigation resolves it again, an in-progress one does not.
    const fingerprint = imported.threats[0]!.fingerprint;
    const reopened = {
      ...imported,
      triage: {
        ...imported.triage,
        [fingerprint]: { status: "open" as const, owner: null, expiresAt: null, note: "" },
      },
    };
    const record = { ...sampleMitigations()[0]!, fingerprints: [fingerprint] };
    const original = example("ThreatComposer.tc.json");
    const statementIn = (d: ThreatComposerDocument) => d.threats.find((t) => t.id === original.threats[0]!.id)!;
    expect(statementIn(toThreatComposer(reopened, { sources })).status).toBe("threatIdentified");
    const inProgress = toThreatComposer(
      { ...reopened, mitigations: [{ ...record, status: "in_progress" }] },
      { sources },
    );
    expect(statementIn(inProgress).status).toBe("threatIdentified");
    const exported = toThreatComposer({ ...reopened, mitigations: [record] }, { sources });
    expect(validate(exported), JSON.stringify(validate.errors)).toBe(true);
    expect(statementIn(exported).status).toBe("threatResolved");
    expect(exported.mitigationLinks).toContainEqual({ mitigationId: record.id, linkedId: original.threats[0]!.id });
    expect(exported.mitigations).toHaveLength(original.mitigations.length + 1);
    expect(exported.mitigations.at(-1)!.numericId).toBe(Math.max(...original.mitigations.map((m) => m.numericId)) + 1);
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
