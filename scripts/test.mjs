#!/usr/bin/env node
// `npm test`: every tier — unit, integration (real PostgreSQL and Redis), browser (Chromium) — from one
// Vitest config. Builds the database client and the SPA first when they are missing or stale.
// Extra arguments go to Vitest (`npm test -- --project unit`).
import { spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { ensurePrismaClient, ensureWebBuild, root } from "./lib.mjs";

ensurePrismaClient();
ensureWebBuild();

// A JSON report beside the usual one, so the run ends with one plain "N passed, N failed" line.
const dir = mkdtempSync(join(tmpdir(), "threatline-test-"));
const report = join(dir, "vitest.json");
const result = spawnSync(
  "npx",
  ["vitest", "run", "--reporter=default", "--reporter=json", `--outputFile.json=${report}`, ...process.argv.slice(2)],
  { cwd: root, stdio: "inherit" },
);
if (existsSync(report)) {
  const { numPassedTests, numFailedTests, numPendingTests } = JSON.parse(readFileSync(report, "utf8"));
  console.log(`\ntests: ${numPassedTests} passed, ${numFailedTests} failed, ${numPendingTests} skipped`);
}
rmSync(dir, { recursive: true, force: true });
process.exit(result.status ?? 1);
