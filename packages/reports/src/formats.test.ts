import { describe, expect, it } from "vitest";
import { sampleInput } from "../test/helpers.ts";
import { exportFileName } from "./formats.ts";

describe("export file names", () => {
  const input = sampleInput();

  it("name the project, the template, batch or project, and the time to the second", () => {
    const analysis = { ...input, scope: { kind: "analysis" as const, id: "a1" }, files: [input.files[0]!] };
    expect(exportFileName("sarif", analysis)).toBe("threatline-payments-prod-app-stack-20261126-100000.sarif");
    expect(exportFileName("csv", { ...input, scope: { kind: "batch", id: "0194C3A0-0000-7000" } })).toBe(
      "threatline-payments-prod-batch-0194c3a0-20261126-100000.csv",
    );
    expect(exportFileName("prototype-json", input)).toBe(
      "threatline-payments-prod-project-20261126-100000.prototype.json",
    );
    expect(exportFileName("html", { ...input, project: null, scope: { kind: "scan" } })).toBe(
      "threatline-scan-20261126-100000.html",
    );
  });

  it("differ for two exports a second apart, and stay plain ASCII", () => {
    const later = exportFileName("csv", { ...input, generatedAt: "2026-11-26T10:00:01.000Z" });
    expect(later).not.toBe(exportFileName("csv", input));
    const odd = exportFileName("markdown", { ...input, project: { id: null, name: 'Zahlungsverkehr für "Prod" 🔥' } });
    expect(odd).toMatch(/^[a-z0-9.-]+$/);
  });
});
