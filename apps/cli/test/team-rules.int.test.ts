import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { ScanReportSchema } from "@threatline/domain";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { runCli } from "./helpers.ts";

const EXAMPLES = fileURLToPath(new URL("../../../examples/team-rules", import.meta.url));

describe(
  "team rules in YAML: threatline rules test, scan --rules and the config's rules:",
  { timeout: 120_000 },
  () => {
    let cwd: string;
    beforeAll(() => {
      cwd = mkdtempSync(path.join(tmpdir(), "threatline-rules-"));
      cpSync(EXAMPLES, path.join(cwd, "rules"), { recursive: true });
    });
    afterAll(() => rmSync(cwd, { recursive: true, force: true }));

    it("the example rules pass their fixtures", async () => {
      const run = await runCli(["rules", "test", "rules"], { cwd });
      expect(run.stderr).toBe("");
      expect(run.code).toBe(0);
      expect(run.stdout).toContain("PASS ACME-EC2-001 rules/internet-instance.yaml");
      expect(run.stdout).toContain("PASS ACME-TAG-001 rules/owner-tag.yaml");
      expect(run.stdout).toContain("2 rule(s), 6 of 6 fixture check(s) passed.");
    });

    it("a fixture the rule gets wrong fails the run with exit 1 and says why", async () => {
      const office = path.join(cwd, "rules/fixtures/office-instance.yaml");
      const original = readFileSync(office, "utf8");
      writeFileSync(office, original.replace("203.0.113.0/24", "0.0.0.0/0"));
      try {
        const run = await runCli(["rules", "test", "rules"], { cwd });
        expect(run.code).toBe(1);
        expect(run.stdout).toContain("FAIL ACME-EC2-001");
        expect(run.stdout).toMatch(/✗ SSH open to the office only \(expect none\): expected no threat, got 1 on Web/);
        expect(run.stdout).toContain("5 of 6 fixture check(s) passed, 1 failed.");
      } finally {
        writeFileSync(office, original);
      }
    });

    it("refuses an invalid rule file with exit 2 and the place of each mistake", async () => {
      const dir = path.join(cwd, "bad");
      cpSync(path.join(cwd, "rules"), dir, { recursive: true });
      const file = path.join(dir, "owner-tag.yaml");
      writeFileSync(
        file,
        readFileSync(file, "utf8")
          .replace("likelihood: 2", "likelihood: 7")
          .replace("exists: true", "exist: true")
          .replace("category: Repudiation", "category: Repudation"),
      );
      const run = await runCli(["rules", "test", "bad"], { cwd });
      expect(run.code).toBe(2);
      expect(run.stderr).toContain("Rule file 'bad/owner-tag.yaml' is invalid:");
      expect(run.stderr).toContain("likelihood: Too big");
      expect(run.stderr).toContain("category: Invalid option");
      expect(run.stderr).toContain("match.where.not.any[1]: unknown key(s) 'exist'");
      const missing = await runCli(["rules", "test", "nowhere"], { cwd });
      expect(missing.code).toBe(2);
      expect(missing.stderr).toContain("Cannot read the rules folder 'nowhere'");
      const scan = await runCli(["scan", "rules/fixtures", "--rules", "bad"], { cwd });
      expect(scan.code).toBe(2);
      rmSync(dir, { recursive: true });
    });

    it("scan --rules and the config's rules: run the team rules next to the builtin ones", async () => {
      const flag = await runCli(["scan", "rules/fixtures", "--rules", "rules", "--format", "json"], { cwd });
      expect(flag.code).toBe(0);
      const report = ScanReportSchema.parse(JSON.parse(flag.stdout));
      const team = report.threats.filter((t) => t.ruleId?.startsWith("ACME-"));
      expect(team.map((t) => `${t.ruleId} ${t.resources[0]!.file}`).sort()).toEqual([
        "ACME-EC2-001 rules/fixtures/open-instance.yaml",
        "ACME-TAG-001 rules/fixtures/office-instance.yaml",
        "ACME-TAG-001 rules/fixtures/open-instance.yaml",
      ]);
      expect(report.threats.some((t) => t.ruleId?.startsWith("TL-"))).toBe(true);

      writeFileSync(path.join(cwd, ".threatline.yaml"), "rules: [rules]\nonly: [ACME-TAG-001]\n");
      try {
        const config = await runCli(["scan", "rules/fixtures", "--format", "json"], { cwd });
        const viaConfig = ScanReportSchema.parse(JSON.parse(config.stdout));
        expect(new Set(viaConfig.threats.map((t) => t.ruleId))).toEqual(new Set(["ACME-TAG-001"]));
        const list = await runCli(["rules", "list", "rules"], { cwd });
        expect(list.stdout).toMatch(/^TL-AWS-S3-001 +InformationDisclosure/m);
        expect(list.stdout).toMatch(/^ACME-EC2-001 +ElevationOfPrivilege +high +Internet-reachable instance/m);
      } finally {
        rmSync(path.join(cwd, ".threatline.yaml"));
      }
    });
  },
);
