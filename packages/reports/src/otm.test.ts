import { describe, expect, it } from "vitest";
import { importedInput, keptOfThreat, readFixture, sampleInput, sampleMitigations } from "../test/helpers.ts";
import { shopProject } from "../test/system-fixture.ts";
import { otmErrors } from "../test/td-validator.ts";
import { detectImportFormat, importThreats, type ImportResult } from "./import.ts";
import { renderOtm, toOtm } from "./otm.ts";
import type { ReportInput } from "./report.ts";

/**
 * OTM's published examples: the specification's EXAMPLE.json (iriusrisk/OpenThreatModel) and the OTM models
 * Threat Dragon ships (its demo and its test model), with the threat instances on their components and flows.
 */
const EXAMPLES: Record<string, number> = {
  "EXAMPLE.json": 2,
  "threat-dragon-mobile-cloud.otm.json": 43,
  "threat-dragon-example-open-threat-model.json": 2,
};
const example = (name: string): unknown => JSON.parse(readFixture(`otm/${name}`));
const SOURCE = "imports/model.otm.json";

const asInput = (result: ImportResult): ReportInput => importedInput(result, SOURCE);
const kept = keptOfThreat;

type Doc = {
  trustZones: Array<{ id: string; parent?: { trustZone: string } }>;
  components: Array<{
    id: string;
    parent: { trustZone: string };
    threats: Array<{ threat: string; state: string; mitigations: unknown[] }>;
  }>;
  dataflows: Array<{ source: string; destination: string }>;
  threats: Array<{ id: string }>;
  mitigations: Array<{ id: string }>;
};

describe("OTM export", () => {
  it("is valid against the OTM schema, which refuses a broken document", () => {
    const doc = toOtm(sampleInput());
    expect(otmErrors(doc)).toEqual([]);
    const broken = structuredClone(doc) as unknown as Doc;
    delete (broken.components[0] as { parent?: unknown }).parent;
    expect(otmErrors(broken)).not.toEqual([]);
  });

  it("draws a real project's system graph as trust zones, components and data flows, threats instantiated on them", async () => {
    const { threats, system } = await shopProject();
    const doc = JSON.parse(renderOtm({ ...sampleInput(), threats, triage: {} }, { system })) as Doc;
    expect(otmErrors(doc)).toEqual([]);
    const zones = new Set(doc.trustZones.map((z) => z.id));
    const components = new Set(doc.components.map((c) => c.id));
    expect(doc.trustZones.length).toBeGreaterThan(1);
    for (const c of doc.components) expect(zones.has(c.parent.trustZone)).toBe(true);
    for (const z of doc.trustZones) if (z.parent) expect(zones.has(z.parent.trustZone)).toBe(true);
    expect(doc.dataflows.length).toBeGreaterThan(0);
    for (const f of doc.dataflows) expect(components.has(f.source) && components.has(f.destination)).toBe(true);
    const threatIds = new Set(doc.threats.map((t) => t.id));
    const instances = doc.components.flatMap((c) => c.threats);
    expect(instances).toHaveLength(threats.length);
    for (const i of instances) expect(threatIds.has(i.threat)).toBe(true);
  });

  it("states triage on each instance: accepted, mitigated (mitigations implemented), exposed", () => {
    const doc = toOtm(sampleInput()) as unknown as Doc;
    const states = doc.components.flatMap((c) => c.threats.map((t) => t.state));
    expect(new Set(states)).toEqual(new Set(["exposed", "accepted", "mitigated"]));
    const mitigated = doc.components.flatMap((c) => c.threats).find((t) => t.state === "mitigated")!;
    for (const m of mitigated.mitigations) expect(m).toMatchObject({ state: "implemented" });
  });

  it("defines the team's mitigation records once and instantiates them with their state; all done mitigates", () => {
    const records = sampleMitigations();
    const doc = toOtm(sampleInput({ mitigations: records })) as unknown as Omit<Doc, "threats" | "mitigations"> & {
      threats: Array<{ id: string; attributes: { fingerprint: string } }>;
      mitigations: Array<{ id: string; name: string; attributes?: Record<string, unknown> }>;
    };
    expect(otmErrors(doc)).toEqual([]);
    expect(doc.mitigations.filter((m) => m.id === records[1]!.id)).toHaveLength(1);
    expect(doc.mitigations.find((m) => m.id === records[0]!.id)).toMatchObject({
      name: "Restrict SSH to the bastion's security group",
      attributes: { status: "done", owner: "ops@example.com", ticketUrl: "https://tickets.example.com/SEC-12" },
    });
    const instanceOf = (fp: string) => {
      const id = doc.threats.find((t) => t.attributes.fingerprint === fp)!.id;
      return doc.components.flatMap((c) => c.threats).find((t) => t.threat === id)!;
    };
    const ssh = instanceOf("22222222222222222222222222222222");
    expect(ssh.state).toBe("mitigated");
    expect(ssh.mitigations[0]).toEqual({ mitigation: records[0]!.id, state: "implemented" });
    const bucket = instanceOf("0f1e2d3c4b5a69788796a5b4c3d2e1f0");
    expect(bucket.state).toBe("exposed");
    expect(bucket.mitigations.slice(0, 2)).toEqual([
      { mitigation: records[1]!.id, state: "required" },
      { mitigation: records[2]!.id, state: "implemented" },
    ]);
    expect(instanceOf("33333333333333333333333333333333").mitigations[0]).toEqual({
      mitigation: records[3]!.id,
      state: "rejected",
    });
  });
});

describe("OTM import", () => {
  it.each(Object.entries(EXAMPLES))("reads %s (%i threat instances), which the OTM schema accepts", (name, count) => {
    const doc = example(name);
    expect(otmErrors(doc)).toEqual([]);
    expect(detectImportFormat(doc)).toBe("otm");
    expect(importThreats(doc, { sourceName: SOURCE }).threats).toHaveLength(count);
  });

  it("keeps the component, categories, risk, mitigations and state of the specification's example", () => {
    const result = importThreats(example("EXAMPLE.json"), { sourceName: SOURCE });
    const t = result.threats[0]!;
    expect(result.threats[1]!.resources[0]).toMatchObject({
      id: "Dataflow between webservice and mongo.",
      type: "otm.dataflow",
    });
    // "categories": ["Spoofing", "Tampering"]: the first STRIDE one; likelihood 50 × impact 100 → 3 × 5 = 15, high.
    expect(t).toMatchObject({ title: "Threat 1", category: "Spoofing", severity: "high" });
    expect(t.resources[0]).toMatchObject({ id: "Web Service", type: "web-service" });
    expect(t.remediations.map((r) => r.text)).toEqual(["Description for mitigation 1"]);
    expect(result.triage).toEqual({});
    const cloud = importThreats(example("threat-dragon-mobile-cloud.otm.json"), { sourceName: SOURCE });
    expect(cloud.threats.filter((x) => x.category === "ElevationOfPrivilege").length).toBeGreaterThan(0);
  });

  it.each(Object.keys(EXAMPLES))("round-trips %s: import → export (valid) → import gives the same threats", (name) => {
    const first = importThreats(example(name), { sourceName: SOURCE });
    const exported = JSON.parse(renderOtm(asInput(first))) as unknown;
    expect(otmErrors(exported)).toEqual([]);
    const second = importThreats(exported, { sourceName: SOURCE });
    expect(second.threats.map(kept)).toEqual(first.threats.map(kept));
  });

  it("round-trips Threatline's own threats and decisions through OTM", () => {
    const input = sampleInput();
    const first = importThreats(JSON.parse(renderOtm(input)), { sourceName: SOURCE });
    expect(first.threats.map((t) => [t.title, t.category, t.severity])).toEqual(
      input.threats.map((t) => [expect.stringContaining(t.title), t.category, t.severity]),
    );
    expect(
      Object.values(first.triage)
        .map((d) => d.status)
        .sort(),
    ).toEqual(["accepted", "mitigated"]);
    const second = importThreats(JSON.parse(renderOtm(asInput(first))), { sourceName: SOURCE });
    expect(second.threats.map(kept)).toEqual(first.threats.map(kept));
  });
});
