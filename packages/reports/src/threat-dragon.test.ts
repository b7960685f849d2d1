import { describe, expect, it } from "vitest";
import { importedInput, keptOfThreat, readFixture, sampleInput, sampleMitigations } from "../test/helpers.ts";
import { shopProject } from "../test/system-fixture.ts";
import { threatDragonErrors } from "../test/td-validator.ts";
import { stableUuid } from "./ids.ts";
import { detectImportFormat, importThreats, type ImportResult } from "./import.ts";
import type { ReportInput } from "./report.ts";
import { renderThreatDragon, toThreatDragon, type ThreatDragonModel } from "./threat-dragon.ts";

/** Threat Dragon's own demo models (td.vue/src/service/demo), with the number of threats on their cells. */
const EXAMPLES: Record<string, number> = {
  "cryptocurrency-wallet.json": 1,
  "generic-cms.json": 0,
  "iot-device.json": 4,
  "online-game.json": 0,
  "payment-online.json": 0,
  "renting-car.json": 0,
  "three-tier-web-app.json": 2,
  "v2-new-model.json": 0,
  "v2-threat-model.json": 14,
};
const example = (name: string): unknown => JSON.parse(readFixture(`threat-dragon/${name}`));
const SOURCE = "imports/model.json";

const asInput = (result: ImportResult): ReportInput => importedInput(result, SOURCE);
const kept = keptOfThreat;

describe("Threat Dragon v2 export", () => {
  it("writes the team's mitigation records into each threat's mitigation text, and mitigated when all are done", () => {
    const model = toThreatDragon(sampleInput({ mitigations: sampleMitigations() }));
    expect(threatDragonErrors(model)).toEqual([]);
    const threats = model.detail.diagrams[0]!.cells.flatMap(
      (c) =>
        (c as { data?: { threats?: Array<{ id: string; status: string; mitigation: string }> } }).data?.threats ?? [],
    );
    const of = (fp: string) => threats.find((t) => t.id === stableUuid(`td-threat:${fp}`))!;
    const ssh = of("22222222222222222222222222222222");
    expect(ssh.status).toBe("Mitigated");
    expect(ssh.mitigation.split("\n\n")[0]).toBe(
      "Mitigation: Restrict SSH to the bastion's security group (done · ops@example.com · https://tickets.example.com/SEC-12)",
    );
    expect(of("0f1e2d3c4b5a69788796a5b4c3d2e1f0").status).toBe("Open");
    expect(toThreatDragon(sampleInput()).detail.diagrams[0]!.cells.length).toBe(model.detail.diagrams[0]!.cells.length);
  });

  it("is valid by Threat Dragon's own schema validation, and the validator refuses a broken model", () => {
    const model = toThreatDragon(sampleInput());
    expect(threatDragonErrors(model)).toEqual([]);
    const broken = structuredClone(model) as unknown as {
      detail: { diagrams: Array<{ cells: Array<Record<string, unknown>> }> };
    };
    delete broken.detail.diagrams[0]!.cells[0]!.shape;
    expect(threatDragonErrors(broken)).not.toEqual([]);
  });

  it("draws a real project's system graph: boundaries, elements, flows between cells, every threat on a cell", async () => {
    const { threats, system } = await shopProject();
    expect(system.boundaries.length).toBeGreaterThan(0);
    const input = { ...sampleInput(), threats, triage: {} };
    const model = JSON.parse(renderThreatDragon(input, { system })) as ThreatDragonModel;
    expect(threatDragonErrors(model)).toEqual([]);
    const cells = model.detail.diagrams[0]!.cells;
    const shapes = new Set(cells.map((c) => c.shape));
    for (const s of ["trust-boundary-box", "process", "store", "actor", "flow"]) expect(shapes, s).toContain(s);
    const ids = new Set(cells.map((c) => c.id));
    const flows = cells.filter((c) => c.shape === "flow");
    for (const f of flows) {
      expect(ids.has((f.source as { cell: string }).cell)).toBe(true);
      expect(ids.has((f.target as { cell: string }).cell)).toBe(true);
    }
    const onCells = cells.flatMap((c) => ((c.data as { threats?: unknown[] }).threats ?? []).length);
    expect(onCells.reduce((a, b) => a + b, 0)).toBe(threats.length);
    expect(model.detail.threatTop).toBe(threats.length);
    // Elements sit inside the box of their boundary.
    const node = system.nodes.find((n) => n.boundary !== null && system.boundaries.some((b) => b.id === n.boundary))!;
    const cell = cells.find((c) => (c.data as { name: string }).name === node.label && c.shape !== "flow")!;
    const box = cells.find(
      (c) =>
        c.shape === "trust-boundary-box" &&
        (c.data as { name: string }).name === system.boundaries.find((b) => b.id === node.boundary)!.label,
    )!;
    const p = cell.position as { x: number; y: number };
    const bp = box.position as { x: number; y: number };
    const bs = box.size as { width: number; height: number };
    expect(p.x).toBeGreaterThanOrEqual(bp.x);
    expect(p.y).toBeGreaterThanOrEqual(bp.y);
    expect(p.x + 160).toBeLessThanOrEqual(bp.x + bs.width);
    expect(p.y + 80).toBeLessThanOrEqual(bp.y + bs.height);
  });

  it("carries triage as Threat Dragon's statuses and severities in its spelling", () => {
    const input = sampleInput();
    const model = toThreatDragon(input);
    const all = model.detail.diagrams[0]!.cells.flatMap(
      (c) => (c.data as { threats?: Array<Record<string, string>> }).threats ?? [],
    );
    const of = (fingerprint: string) => all.find((x) => x.id === stableUuid(`td-threat:${fingerprint}`));
    expect(of("11111111111111111111111111111111")?.status).toBe("Accepted");
    expect(of("44444444444444444444444444444444")?.status).toBe("Mitigated");
    expect(new Set(all.map((t) => t.status))).toEqual(new Set(["Open", "Accepted", "Mitigated"]));
    for (const t of all) expect(["Low", "Medium", "High", "Critical"]).toContain(t.severity);
    expect(new Set(all.map((t) => t.modelType))).toEqual(new Set(["STRIDE"]));
  });
});

describe("Threat Dragon v2 import", () => {
  it.each(Object.entries(EXAMPLES))(
    "reads Threat Dragon's demo %s (%i threats), which its validator accepts",
    (name, count) => {
      const model = example(name);
      expect(threatDragonErrors(model)).toEqual([]);
      expect(detectImportFormat(model)).toBe("threat-dragon");
      expect(importThreats(model, { sourceName: SOURCE }).threats).toHaveLength(count);
    },
  );

  it("keeps titles, STRIDE types, severities, mitigations, statuses and the cell each threat is on", () => {
    const result = importThreats(example("v2-threat-model.json"), { sourceName: SOURCE });
    const t = result.threats.find((x) => x.title === "Data flow should use HTTP/S")!;
    expect(t).toMatchObject({ category: "InformationDisclosure", severity: "high", source: "import" });
    expect(t.resources[0]).toMatchObject({ id: "Put Message", type: "tm.Flow" });
    expect(t.remediations[0]!.text).toMatch(/^The requests should require HTTP\/S/);
    const mitigated = result.threats.filter((x) => result.triage[x.fingerprint]?.status === "mitigated");
    expect(mitigated).toHaveLength(4);
    const worker = result.threats.find((x) => x.resources[0]!.id === "Background Worker Process");
    expect(worker?.resources[0]!.type).toBe("tm.Process");
  });

  it("maps other model types to the nearest STRIDE category and says so", () => {
    const result = importThreats(example("cryptocurrency-wallet.json"), { sourceName: SOURCE });
    expect(result.threats[0]).toMatchObject({ category: "Tampering", severity: "critical" });
    expect(result.warnings.join("\n")).toMatch(/CIA type 'Integrity' imported as Tampering/);
    const iot = importThreats(example("iot-device.json"), { sourceName: SOURCE });
    expect(iot.warnings.join("\n")).toMatch(/Unknown priority 'TBA'/);
  });

  it.each(Object.entries(EXAMPLES).filter(([, n]) => n > 0))(
    "round-trips %s: import → export (valid) → import gives the same threats and decisions",
    (name) => {
      const first = importThreats(example(name), { sourceName: SOURCE });
      const exported = JSON.parse(renderThreatDragon(asInput(first))) as unknown;
      expect(threatDragonErrors(exported)).toEqual([]);
      const second = importThreats(exported, { sourceName: SOURCE });
      expect(second.threats.map(kept)).toEqual(first.threats.map(kept));
      const statuses = (r: ImportResult) => Object.fromEntries(Object.entries(r.triage).map(([k, v]) => [k, v.status]));
      expect(statuses(second)).toEqual(statuses(first));
    },
  );

  it("refuses what is not a Threat Dragon model with import/invalid", () => {
    expect(() =>
      importThreats(
        { version: "2.3.0", summary: {}, detail: { diagrams: [{ cells: [{ id: 1 }] }] } },
        { sourceName: SOURCE },
      ),
    ).toThrow(expect.objectContaining({ code: "import/invalid" }));
  });
});
