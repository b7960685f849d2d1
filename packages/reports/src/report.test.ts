import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { Ajv2020 } from "ajv/dist/2020.js";
import { describe, expect, it } from "vitest";
import { sampleInput } from "../test/helpers.ts";
import { FullReportSchema, REPORT_VERSION, renderFullJson, summarize } from "./report.ts";
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
  });

  it("keeps the committed schemas in docs/schemas up to date (npx tsx packages/reports/test/write-schemas.ts)", () => {
    for (const [name, schema] of Object.entries(PUBLISHED_SCHEMAS)) {
      const committed = readFileSync(fileURLToPath(new URL(`../../../docs/schemas/${name}`, import.meta.url)), "utf8");
      // Compared as values, not bytes, so that running the formatter over docs/ does not break it.
      expect(JSON.parse(committed), name).toEqual(schema());
    }
  });
});
