import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { ConfigSchema, loadConfig, overriddenSeverity, ruleEnabled } from "../src/lib/config.ts";

describe(".threatline.yaml", () => {
  const root = mkdtempSync(path.join(tmpdir(), "threatline-config-"));
  afterAll(() => rmSync(root, { recursive: true, force: true }));

  it("skip and only take rule ids and STRIDE categories in any spelling", () => {
    const s3 = { id: "TL-AWS-S3-001", category: "InformationDisclosure" as const };
    expect(ruleEnabled(s3, [], [])).toBe(true);
    expect(ruleEnabled(s3, ["TL-AWS-S3-001"], [])).toBe(false);
    expect(ruleEnabled(s3, ["information disclosure"], [])).toBe(false);
    expect(ruleEnabled(s3, [], ["Spoofing"])).toBe(false);
    expect(ruleEnabled(s3, [], ["Spoofing", "TL-AWS-S3-001"])).toBe(true);
    expect(ruleEnabled(s3, ["TL-AWS-S3-001"], ["TL-AWS-S3-001"])).toBe(false);
  });

  it("a rule id's severity override wins over its category's", () => {
    const t = { ruleId: "TL-AWS-S3-001", category: "InformationDisclosure" as const, severity: "critical" as const };
    expect(overriddenSeverity(t, {})).toBe("critical");
    expect(overriddenSeverity(t, { InformationDisclosure: "medium" })).toBe("medium");
    expect(overriddenSeverity(t, { InformationDisclosure: "medium", "TL-AWS-S3-001": "low" })).toBe("low");
  });

  it("suppressions need a threat, an owner, a reason and a real date", () => {
    const ok = { rule: "TL-A-1", owner: "ana", reason: "why", until: "2027-01-31" };
    expect(ConfigSchema.safeParse({ suppressions: [ok] }).success).toBe(true);
    for (const bad of [
      { ...ok, rule: undefined },
      { ...ok, owner: undefined },
      { ...ok, until: "2027-02-29" },
      { ...ok, until: "31/01/2027" },
      { ...ok, extra: 1 },
    ])
      expect(ConfigSchema.safeParse({ suppressions: [bad] }).success, JSON.stringify(bad)).toBe(false);
  });

  it("is found from the scanned folder up to the repository root, and not above it", async () => {
    const repo = path.join(root, "repo");
    mkdirSync(path.join(repo, ".git"), { recursive: true });
    mkdirSync(path.join(repo, "infra", "prod"), { recursive: true });
    writeFileSync(path.join(root, ".threatline.yaml"), "skip: [outside]\n");
    expect((await loadConfig(undefined, "infra/prod", repo)).file).toBeNull();
    writeFileSync(path.join(repo, ".threatline.yaml"), "skip: [TL-X-1]\n");
    const found = await loadConfig(undefined, "infra/prod", repo);
    expect(found.file).toBe(path.join(repo, ".threatline.yaml"));
    expect(found.config.skip).toEqual(["TL-X-1"]);
    writeFileSync(path.join(repo, "infra", ".threatline.yml"), "only: [Spoofing]\n");
    expect((await loadConfig(undefined, "infra/prod/x.yaml", repo)).config.only).toEqual(["Spoofing"]);
  });
});
