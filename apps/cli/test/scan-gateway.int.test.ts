import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { ScanReportSchema, type ScanReport } from "@threatline/domain";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { runCli } from "./helpers.ts";
import { GATEWAY_SPEC, GATEWAY_TEMPLATE } from "../../../test/fixtures/api-gateway.ts";

async function scan(cwd: string, ...args: string[]): Promise<ScanReport> {
  const run = await runCli(["scan", ...args, "--format", "json"], { cwd });
  expect(run.stderr).toBe("");
  return ScanReportSchema.parse(JSON.parse(run.stdout));
}

describe("threatline scan: a spec with the gateway that serves it", { timeout: 60_000 }, () => {
  let cwd: string;
  beforeAll(() => {
    cwd = mkdtempSync(path.join(tmpdir(), "threatline-gateway-"));
    mkdirSync(path.join(cwd, "svc"));
    writeFileSync(path.join(cwd, "svc/openapi.yaml"), GATEWAY_SPEC);
    writeFileSync(path.join(cwd, "svc/template.yaml"), GATEWAY_TEMPLATE);
  });
  afterAll(() => rmSync(cwd, { recursive: true, force: true }));

  it("names the SAM event that opts out of the authorizer in front of a secured operation, with evidence in both files", async () => {
    const report = await scan(cwd, ".");
    const infra = report.threats.filter((t) => t.ruleId === "TL-API-INFRA-001");
    expect(infra).toHaveLength(1);
    expect(infra[0]!.severity).toBe("high");
    expect(infra[0]!.resources.map((r) => [r.id, r.file])).toEqual([
      ["GET /orders/{orderId}", "svc/openapi.yaml"],
      ["Orders", "svc/template.yaml"],
    ]);
    expect(infra[0]!.evidence).toEqual([
      { file: "svc/openapi.yaml", line: 13, path: "" },
      { file: "svc/template.yaml", line: 29, path: "Properties.Events.Get.Properties.Auth.Authorizer" },
    ]);
    expect(report.files.map((f) => [f.path, f.format])).toEqual([
      ["svc/openapi.yaml", "openapi"],
      ["svc/template.yaml", "cloudformation"],
    ]);
  });

  it("reports the template's own threats once, as when it is scanned alone", async () => {
    const together = await scan(cwd, ".");
    const alone = await scan(cwd, "svc/template.yaml");
    const onTemplate = (r: ScanReport) =>
      r.threats
        .filter((t) => t.resources[0]!.file === "svc/template.yaml")
        .map((t) => t.fingerprint)
        .sort();
    expect(onTemplate(alone).length).toBeGreaterThan(0);
    expect(onTemplate(together)).toEqual(onTemplate(alone));
  });

  it("says nothing about the gateway when the spec is scanned without it", async () => {
    const report = await scan(cwd, "svc/openapi.yaml");
    expect(report.threats.filter((t) => t.ruleId === "TL-API-INFRA-001")).toEqual([]);
  });
});
