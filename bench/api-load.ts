// API latency under load at a large history: seeds a fresh database (50 projects, 10,000 analyses, 100,000
// threats; bench/seed-large.ts), starts the real API in this process on a loopback port, and drives each endpoint
// with autocannon for a few seconds. Writes bench/results/api-load.md (and .json). Bounded in time.
//   node --import tsx bench/api-load.ts [--seconds 8] [--connections 10]
// The goal: p95 <= 100 ms for the dashboard and trend reads at this size, and the dashboard's p95 <= 150 ms at 10
// connections (also while project risks keep changing, which makes the dashboard's cache compute again).
import { randomBytes } from "node:crypto";
import type { Server } from "node:http";
import { cpus, loadavg, totalmem } from "node:os";
import { mkdirSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import autocannon from "autocannon";
import { pino } from "pino";
import { createDb, migrateDatabase } from "@threatline/db";
import { createApp, buildApiDeps, ApiConfigSchema, bootstrapAccounts, newTokenValue } from "@threatline/api";
import { seedLarge } from "./seed-large.ts";
import { throwawayDatabase } from "../scripts/faults/env.ts";

const here = dirname(fileURLToPath(import.meta.url));
const arg = (name: string, fallback: number) => {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? Number(process.argv[i + 1]) : fallback;
};
const SECONDS = arg("seconds", 8);
const CONNECTIONS = arg("connections", 10);
const ADMIN_URL = process.env.BENCH_PG_ADMIN_URL ?? "postgresql://postgres@127.0.0.1:5432/postgres";
const REDIS_URL = process.env.BENCH_REDIS_URL ?? "redis://127.0.0.1:6379";

interface Row {
  name: string;
  method: string;
  path: string;
  goal: string;
  requests: number;
  /** Requests per second with N connections. */
  rps: number;
  /** p95 with N connections (queueing included). */
  loadedP95: number;
  /** Latency percentiles with one connection. */
  p50: number;
  p95: number;
  p99: number;
  non2xx: number;
  errors: number;
}

/** Drives one endpoint; autocannon's histogram has no p95, so every response time is kept and ranked here. */
async function drive(
  base: string,
  token: string,
  t: { method: "GET" | "POST"; path: string; body?: string },
  connections: number,
) {
  const times: number[] = [];
  const instance = autocannon({
    url: `${base}${t.path}`,
    method: t.method,
    body: t.body,
    headers: { authorization: `Bearer ${token}`, "content-type": "application/json" },
    connections,
    duration: SECONDS,
  }) as unknown as autocannon.Instance & Promise<autocannon.Result>;
  void instance.on("response", (_client: unknown, _status: number, _bytes: number, ms: number) => times.push(ms));
  const result = await instance;
  times.sort((a, b) => a - b);
  const pct = (q: number) =>
    Math.round((times[Math.min(times.length - 1, Math.floor(q * times.length))] ?? NaN) * 10) / 10;
  return {
    requests: result.requests.total,
    rps: Math.round(result.requests.average),
    p50: pct(0.5),
    p95: pct(0.95),
    p99: pct(0.99),
    non2xx: result.non2xx,
    errors: result.errors,
  };
}

const deadline = setTimeout(() => {
  process.stderr.write("api-load: 10-minute deadline passed; giving up\n");
  process.exit(2);
}, 10 * 60_000);
deadline.unref();

/** The machine is shared: the load it was measured under goes in the result. */
const loadAtStart = loadavg()[0]!;
const database = await throwawayDatabase(ADMIN_URL, "threatline_bench");
const databaseUrl = database.url;
let server: Server | undefined;
let closeDeps: (() => Promise<void>) | undefined;
try {
  await migrateDatabase(databaseUrl);
  const seeded = await seedLarge(databaseUrl);
  process.stdout.write(`seeded ${JSON.stringify(seeded)}\n`);

  const token = newTokenValue();
  const prefix = `tl-bench-${randomBytes(4).toString("hex")}`;
  const config = ApiConfigSchema.parse({
    DATABASE_URL: databaseUrl,
    REDIS_URL,
    REDIS_PREFIX: prefix,
    THREATLINE_BOOTSTRAP_TOKEN: token,
    THREATLINE_ADMIN_PASSWORD: randomBytes(12).toString("hex"),
    LOG_LEVEL: "silent",
  });
  const db = createDb({ url: databaseUrl, poolSize: 10 });
  await bootstrapAccounts(db, config, () => undefined);
  const built = await buildApiDeps({ ...config, DATABASE_URL: databaseUrl }, pino({ level: "silent" }), db);
  closeDeps = async () => {
    await built.deps.queue.obliterate({ force: true }).catch(() => undefined);
    await built.close();
    await db.$disconnect();
  };
  const app = await createApp(built.deps);
  const listening = await new Promise<Server>((resolve) => {
    const s = app.listen(0, "127.0.0.1", () => resolve(s));
  });
  server = listening;
  const address = listening.address();
  const base = `http://127.0.0.1:${typeof address === "object" && address ? address.port : 0}`;

  // Pick real ids from the seeded history: the largest project, one of its batches and analyses.
  const project = await db.project.findFirstOrThrow({ where: { name: "bench-001" } });
  const batch = await db.batch.findFirstOrThrow({ where: { projectId: project.id }, orderBy: { createdAt: "desc" } });
  const analysis = await db.analysis.findFirstOrThrow({
    where: { projectId: project.id },
    orderBy: { createdAt: "desc" },
  });
  const submission = JSON.stringify({
    files: Array.from({ length: 5 }, (_, i) => ({
      path: `load/f${i}.yaml`,
      content: `AWSTemplateFormatVersion: "2010-09-09"\nResources:\n  B${i}:\n    Type: AWS::S3::Bucket\n`,
    })),
    source: "api",
  });

  const projectIds = (await db.project.findMany({ select: { id: true } })).map((p) => p.id);
  // What an analysis finishing or a triage decision does to the dashboard's cache: the project row changes (the
  // risk refresh updates it), so every dashboard that shows the project computes its aggregates again.
  let touched = 0;
  const riskChanges = () =>
    db.$executeRaw`UPDATE "Project" SET "updatedAt" = now() WHERE id = ${projectIds[touched++ % projectIds.length]!}::uuid`;
  const DASHBOARD_GOAL = "p95 <= 100 ms alone, <= 150 ms at 10 conns";
  const targets: Array<{
    name: string;
    method: "GET" | "POST";
    path: string;
    goal: string;
    body?: string;
    /** Runs once a second while the endpoint is driven. */
    meanwhile?: () => Promise<unknown>;
  }> = [
    { name: "dashboard (30 days)", method: "GET", path: "/api/v1/dashboard?days=30", goal: DASHBOARD_GOAL },
    { name: "dashboard (90 days)", method: "GET", path: "/api/v1/dashboard?days=90", goal: DASHBOARD_GOAL },
    {
      name: "dashboard (90 days), a project's risk changing every second",
      method: "GET",
      path: "/api/v1/dashboard?days=90",
      goal: DASHBOARD_GOAL,
      meanwhile: riskChanges,
    },
    {
      name: "project trend (90 days)",
      method: "GET",
      path: `/api/v1/projects/${project.id}/trend?days=90`,
      goal: "p95 <= 100 ms",
    },
    { name: "project timeline", method: "GET", path: `/api/v1/projects/${project.id}/timeline`, goal: "" },
    { name: "projects list", method: "GET", path: "/api/v1/projects", goal: "" },
    { name: "project", method: "GET", path: `/api/v1/projects/${project.id}`, goal: "" },
    { name: "project current threats", method: "GET", path: `/api/v1/projects/${project.id}/threats`, goal: "" },
    { name: "batch", method: "GET", path: `/api/v1/batches/${batch.id}`, goal: "" },
    { name: "analysis", method: "GET", path: `/api/v1/analyses/${analysis.id}`, goal: "" },
    { name: "analysis threats", method: "GET", path: `/api/v1/analyses/${analysis.id}/threats`, goal: "" },
    {
      name: "submission (5 files)",
      method: "POST",
      path: `/api/v1/projects/${project.id}/submissions`,
      goal: "",
      body: submission,
    },
  ];
  const rows: Row[] = [];
  for (const t of targets) {
    const check = await fetch(`${base}${t.path}`, {
      method: t.method,
      headers: { authorization: `Bearer ${token}`, "content-type": "application/json" },
      body: t.body,
    });
    if (check.status >= 300) throw new Error(`${t.name}: ${check.status} ${await check.text()}`);
    // Two runs per endpoint: one connection gives the latency of a request on its own (the p95 goal); N
    // connections give throughput (latency then mostly measures queueing in one Node process).
    const writer = t.meanwhile ? setInterval(() => void t.meanwhile!().catch(() => undefined), 1_000) : undefined;
    const alone = await drive(base, token, t, 1);
    const loaded = await drive(base, token, t, t.method === "POST" ? Math.min(CONNECTIONS, 4) : CONNECTIONS);
    clearInterval(writer);
    const row: Row = {
      name: t.name,
      method: t.method,
      path: t.path.replace(project.id, ":project").replace(batch.id, ":batch").replace(analysis.id, ":analysis"),
      goal: t.goal,
      requests: alone.requests + loaded.requests,
      p50: alone.p50,
      p95: alone.p95,
      p99: alone.p99,
      rps: loaded.rps,
      loadedP95: loaded.p95,
      non2xx: alone.non2xx + loaded.non2xx,
      errors: alone.errors + loaded.errors,
    };
    rows.push(row);
    process.stdout.write(
      `${row.name.padEnd(28)} alone: p50 ${row.p50} ms  p95 ${row.p95} ms  p99 ${row.p99} ms | ${CONNECTIONS} conns: ${row.rps} req/s, p95 ${row.loadedP95} ms | non2xx ${row.non2xx}\n`,
    );
  }

  const machine = `${cpus().length} cores (${cpus()[0]?.model ?? "?"}), ${Math.round(totalmem() / 2 ** 30)} GiB, Node ${process.version}`;
  const table = [
    `| endpoint | p50 ms (1 conn) | p95 ms (1 conn) | p99 ms (1 conn) | req/s (${CONNECTIONS} conns) | p95 ms (${CONNECTIONS} conns) | non-2xx | goal |`,
    "|---|---:|---:|---:|---:|---:|---:|---|",
    ...rows.map((r) => {
      const met = r.goal ? (r.p95 <= 100 && (r.goal !== DASHBOARD_GOAL || r.loadedP95 <= 150) ? " ✅" : " ❌") : "";
      return `| ${r.name} \`${r.method} ${r.path}\` | ${r.p50} | ${r.p95} | ${r.p99} | ${r.rps} | ${r.loadedP95} | ${r.non2xx} | ${r.goal}${met} |`;
    }),
  ].join("\n");
  const md = `# API latency under load

Measured ${new Date().toISOString()} on ${machine} (a shared, noisy machine: compare rows of one run, not runs).
Load average (1 min) ${loadAtStart.toFixed(1)} at the start, ${loadavg()[0]!.toFixed(1)} at the end.
Data: ${seeded.projects} projects, ${seeded.analyses} analyses, ${seeded.threats} threats over 90 days (seeded in ${seeded.seconds.toFixed(1)} s).
Load: autocannon, per endpoint ${SECONDS} s with one connection (latency) then ${SECONDS} s with ${CONNECTIONS} (4 for submissions; throughput),
API and load generator in one process,
PostgreSQL 15 and Redis on loopback, one admin API token. Submissions enqueue jobs that no worker consumes.

Reproduce: \`node --import tsx bench/api-load.ts --seconds ${SECONDS} --connections ${CONNECTIONS}\` (or \`npm run bench\`).

${table}
`;
  mkdirSync(join(here, "results"), { recursive: true });
  writeFileSync(join(here, "results", "api-load.md"), md);
  writeFileSync(
    join(here, "results", "api-load.json"),
    `${JSON.stringify({ machine, seeded, seconds: SECONDS, connections: CONNECTIONS, rows }, null, 2)}\n`,
  );
  process.stdout.write(`\nwrote bench/results/api-load.md\n`);
} finally {
  server?.closeAllConnections();
  server?.close();
  await closeDeps?.().catch(() => undefined);
  await database.drop();
}
process.exit(0);
