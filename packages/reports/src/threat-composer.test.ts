import { Ajv } from "ajv";
import { describe, expect, it } from "vitest";
import { readFixture, sampleInput } from "../test/helpers.ts";
import { importThreats } from "./import.ts";
import { renderThreatComposer, toThreatComposer } from "./threat-composer.ts";

const validate = new Ajv({ allErrors: true, strict: false }).compile(
  JSON.parse(readFixture("threat-composer-v1.schema.json")) as object,
);

describe("Threat Composer export", () => {
  const input = sampleInput();
  const doc = toThreatComposer(input);

  it("is a valid Threat Composer schema 1 document", () => {
    expect(validate(JSON.parse(renderThreatComposer(input))), JSON.stringify(validate.errors)).toBe(true);
    expect(doc.schema).toBe(1);
    expect(doc.assumptions).toEqual([]);
    expect(doc.applicationInfo.name).toBe("Payments <prod>");
  });

  it("rejects a document that breaks Threat Composer's limits (the schema is not a no-op)", () => {
    const bad = structuredClone(doc);
    bad.threats[0]!.threatAction = "x".repeat(201);
    expect(validate(bad)).toBe(false);
    const badLink = structuredClone(doc);
    badLink.mitigationLinks[0]!.linkedId = "short";
    expect(validate(badLink)).toBe(false);
  });

  it("writes one statement per threat with STRIDE, priority, assets and triage status", () => {
    expect(doc.threats).toHaveLength(input.threats.length);
    const ssh = doc.threats[2]!;
    expect(ssh.metadata).toContainEqual({ key: "STRIDE", value: ["E"] });
    expect(ssh.metadata).toContainEqual({ key: "Priority", value: "High" });
    expect(ssh.impactedAssets).toEqual(["aws_security_group.web", "aws_instance.web"]);
    expect(ssh.statement).toMatch(/^A threat actor with access to aws_security_group\.web can /);
    expect(doc.threats.map((t) => t.status)).toEqual([
      "threatIdentified",
      "threatIdentified",
      "threatIdentified",
      "threatIdentified",
      "threatResolved",
      "threatIdentified",
      "threatIdentified",
    ]);
  });

  it("shares one mitigation between threats with the same remediation and links each", () => {
    const publicAcl = doc.mitigations.filter((m) => m.content.startsWith("Remove the public ACL"));
    expect(publicAcl).toHaveLength(1);
    const linked = doc.mitigationLinks.filter((l) => l.mitigationId === publicAcl[0]!.id).map((l) => l.linkedId);
    expect(linked).toEqual([doc.threats[0]!.id, doc.threats[1]!.id]);
    const ids = [...doc.threats.map((t) => t.id), ...doc.mitigations.map((m) => m.id)];
    expect(new Set(ids).size).toBe(ids.length);
    expect(toThreatComposer(input)).toEqual(doc);
  });

  it("round-trips: export → import gives the same threats, as far as the format carries them", () => {
    const back = importThreats(JSON.parse(renderThreatComposer(input)), { sourceName: "model.tc.json" });
    expect(back.format).toBe("threat-composer");
    expect(back.warnings).toEqual([]);
    expect(back.name).toBe("Payments <prod>");
    expect(
      back.threats.map((t) => ({
        c: t.category,
        t: t.title,
        d: t.description,
        s: t.severity,
        r: t.remediations.map((x) => x.text),
        a: t.resources.map((x) => x.id),
      })),
    ).toEqual(
      input.threats.map((t) => ({
        c: t.category,
        t: t.title,
        d: t.description,
        s: t.severity,
        r: t.remediations.map((x) => x.text),
        a: t.resources.map((x) => x.id),
      })),
    );
    expect(back.threats.every((t) => t.source === "import")).toBe(true);
    expect(Object.values(back.triage)).toEqual([expect.objectContaining({ status: "mitigated" })]);
    expect(Object.keys(back.triage)).toEqual([back.threats[4]!.fingerprint]);
  });
});
