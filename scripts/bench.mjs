#!/usr/bin/env node
// `npm run bench`: runs every benchmark in bench/ one after another (each writes its bench/results/*.md), then
// writes bench/results/summary.md with what ran, how long it took and whether it finished, and regenerates the
// headline table of BENCHMARKS.md from the result files (bench/headlines.ts). Benchmarks need
// PostgreSQL and Redis on loopback like the integration tests (TEST_PG_ADMIN_URL / REDIS_URL to override).
// Each has a time bound; a failing one is recorded and the others still run.
//   npm run bench                      all of them
//   npm run bench -- api-load engine   only those whose file name contains a given word
import { spawnSync } from "node:child_process";
import { existsSync, mkdirSync, readdirSync, writeFileSync } from "node:fs";
import { cpus, totalmem } from "node:os";
import { join } from "node:path";
import { ensurePrismaClient, ensureWebBuild, root } from "./lib.mjs";

/** Files in bench/ that are benchmarks (helpers such as the seeder and the LLM pipeline's worker are not). */
const HELPERS = new Set(["seed-large.ts", "llm-pipeline-corpus.ts", "headlines.ts"]);
/** Most minutes one benchmark may run. */
const LIMIT_MINUTES = 15;

const only = process.argv.slice(2);
const benches = readdirSync(join(root, "bench"))
  .filter((f) => f.endsWith(".ts") && !f.endsWith(".test.ts") && !HELPERS.has(f))
  .filter((f) => only.length === 0 || only.some((w) => f.includes(w)))
  .sort();

ensurePrismaClient();
if (benches.some((f) => f.startsWith("web-"))) ensureWebBuild();
mkdirSync(join(root, "bench", "results"), { recursive: true });

const rows = [];
for (const file of benches) {
  process.stdout.write(`\n==> bench/${file}\n`);
  const started = Date.now();
  const result = spawnSync(process.execPath, ["--import", "tsx", join("bench", file)], {
    cwd: root,
    stdio: "inherit",
    timeout: LIMIT_MINUTES * 60_000,
  });
  const seconds = ((Date.now() - started) / 1000).toFixed(0);
  const status = result.error
    ? `error: ${result.error.message}`
    : result.status === 0
      ? "ok"
      : `exit ${result.status ?? result.signal}`;
  const md = file.replace(/(\.bench)?\.ts$/, ".md");
  rows.push(
    `| \`bench/${file}\` | ${status} | ${seconds} s | ${existsSync(join(root, "bench", "results", md)) ? `[${md}](${md})` : "—"} |`,
  );
}

const machine = `${cpus().length} cores (${cpus()[0]?.model ?? "?"}), ${Math.round(totalmem() / 2 ** 30)} GiB, Node ${process.version}`;
writeFileSync(
  join(root, "bench", "results", "summary.md"),
  `# Last \`npm run bench\`\n\n${new Date().toISOString()} on ${machine}.\n\n| benchmark | result | time | results |\n|---|---|---:|---|\n${rows.join("\n")}\n`,
);
process.stdout.write(`\nwrote bench/results/summary.md\n`);
// BENCHMARKS.md's headline table, from the result files just written (and the ones not re-run).
const headlines = spawnSync(process.execPath, ["--import", "tsx", join("bench", "headlines.ts")], {
  cwd: root,
  stdio: "inherit",
});
if (headlines.status !== 0) rows.push("| `bench/headlines.ts` | failed | | |");
if (rows.some((r) => !r.includes("| ok |"))) process.exitCode = 1;
