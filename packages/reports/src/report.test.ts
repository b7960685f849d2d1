import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { Ajv2020 } from "ajv/dist/2020.js";
import { describe, expect, it } from "vitest";
import { sampleInput, sampleMitigations } from "../test/helpers.ts";
import {
  FullReportSchema,
  REPORT_VERSION,
  mitigatedByRecords,
  renderFullJson,
  summarize,
  threatStatusOf,
} from "./report.ts";
import { PUBLISHED_SCHEMAS } from "./schemas.ts";

describe("full JSON export", () => {
  it("carries version, scope, files, threats, triage and a summary with triage applied", () => {
    const input = sampleInput();
    const report = JSON.parse(renderFullJson(input)) as Record<string, unknown>;
    expect(report.version).toBe(REPORT_VERSION);
    expect(FullReportSchema.parse(report).threats).toEqual(input.threats);
    const summary = summarize(input);
    expect(summary.threatCount).toBe(7);
    expect(summary.byTriage).toEqual({ open: 5, accepted: 1, mitigated: 1, false_positive: 0 });
    // 20 + 12 + 9 + 2 + 3: the accepted (16) and mitigated (4) threats do not count.
    expect(summary.riskScore).toBe(46);
    expect(summary.bySeverity).toEqual({ critical: 1, high: 2, medium: 1, low: 2, info: 1 });
  });

  it("validates against the published JSON Schema", () => {
    const schema = JSON.parse(
      readFileSync(
        fileURLToPath(new URL("../../../docs/schemas/threatline-report.v1.schema.json", import.meta.url)),
        "utf8",
      ),
    ) as object;
    const ajv = new Ajv2020({ allErrors: true, strict: false });
    const validate = ajv.compile(schema);
    const report = JSON.parse(renderFullJson(sampleInput())) as Record<string, unknown>;
    expect(validate(report), JSON.stringify(validate.errors)).toBe(true);
    expect(validate({ ...report, version: 2 })).toBe(false);
    expect(validate({ ...report, threats: [{ title: "no category" }] })).toBe(false);
    const withMitigations = JSON.parse(renderFullJson(sampleInput({ mitigations: sampleMitigations() }))) as object;
    expect(validate(withMitigations), JSON.stringify(validate.errors)).toBe(true);
    expect(validate({ ...withMitigations, mitigations: [{ title: "no status" }] })).toBe(false);
  });

  it("keeps the committed schemas in docs/schemas up to date (npx tsx packages/reports/test/write-schemas.ts)", () => {
    for (const [name, schema] of Object.entries(PUBLISHED_SCHEMAS)) {
      const committed = readFileSync(fileURLToPath(new URL(`../../../docs/schemas/${name}`, import.meta.url)), "utf8");
      // Compared as values, not bytes, so that running the formatter over docs/ does not break it.
      expect(JSON.parse(committed), name).toEqual(schema());
    }
  });
});

describe("threat status from triage and mitigations", () => {
  const input = sampleInput({ mitigations: sampleMitigations() });
  const statusOf = (fp: string) => threatStatusOf(input, { fingerprint: fp });

  it("counts a threat whose mitigations are all done as mitigated, and one with a mitigation still to do as open", () => {
    expect(statusOf("22222222222222222222222222222222")).toBe("mitigated");
    expect(statusOf("0f1e2d3c4b5a69788796a5b4c3d2e1f0")).toBe("open");
    // A triage decision stands; won't-do alone does not close a threat.
    expect(statusOf("11111111111111111111111111111111")).toBe("accepted");
    expect(statusOf("33333333333333333333333333333333")).toBe("open");
    expect(mitigatedByRecords(input, { fingerprint: "22222222222222222222222222222222" })).toBe(true);
    expect(mitigatedByRecords(input, { fingerprint: "44444444444444444444444444444444" })).toBe(false);
  });

  it("takes mitigations into the summary's open count, statuses and risk", () => {
    const without = summarize(sampleInput());
    const withRecords = summarize(input);
    expect(withRecords.openCount).toBe(without.openCount - 1);
    expect(withRecords.byTriage.mitigated).toBe(without.byTriage.mitigated + 1);
    expect(withRecords.riskScore).toBeLessThan(without.riskScore);
  });
});
