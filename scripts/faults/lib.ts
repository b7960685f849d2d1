import { spawn, type ChildProcess } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { Redis } from "ioredis";
import type { Db } from "@threatline/db";

/** The repository root (fault scripts and tests spawn `apps/worker/src/main.ts` from there). */
export const REPO_ROOT = resolve(dirname(fileURLToPath(import.meta.url)), "..", "..");

/** Polls `check` until it returns a value (not undefined/false); throws after `timeoutMs`. Every wait is bounded. */
export async function until<T>(
  check: () => Promise<T | undefined | false> | T | undefined | false,
  timeoutMs: number,
  what: string,
  everyMs = 100,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value !== undefined && value !== false) return value;
    if (Date.now() > deadline) throw new Error(`Timed out after ${timeoutMs} ms waiting for ${what}`);
    await sleep(everyMs);
  }
}

export function sleep(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}

/** A free TCP port on loopback. */
export async function freePort(): Promise<number> {
  return new Promise((resolvePort, reject) => {
    const server = createServer();
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const address = server.address();
      const port = typeof address === "object" && address ? address.port : 0;
      server.close(() => resolvePort(port));
    });
  });
}

export interface WorkerProcess {
  pid: number;
  child: ChildProcess;
  /** Resolves with the exit code (null when killed by a signal) and the signal. */
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  /** Everything the process printed (JSON log lines), for assertions and post-mortems. */
  output(): string;
  /** Log lines parsed as JSON (non-JSON lines skipped). */
  logs(): Array<Record<string, unknown>>;
}

export interface WorkerProcessOptions {
  databaseUrl: string;
  redisUrl: string;
  prefix: string;
  concurrency?: number;
  /** Extra environment (LLM settings, lock duration, metrics port…). */
  env?: Record<string, string>;
}

/**
 * Spawns a real standalone worker (`node --import tsx apps/worker/src/main.ts`) as a process of its own, so it
 * can be killed for real. The parent's environment is not passed on except PATH and HOME: every setting is explicit.
 */
export function spawnWorker(options: WorkerProcessOptions): WorkerProcess {
  const child = spawn(process.execPath, ["--import", "tsx", "apps/worker/src/main.ts"], {
    cwd: REPO_ROOT,
    env: {
      PATH: process.env.PATH ?? "",
      HOME: process.env.HOME ?? "/tmp",
      NODE_ENV: "production",
      DATABASE_URL: options.databaseUrl,
      REDIS_URL: options.redisUrl,
      REDIS_PREFIX: options.prefix,
      WORKER_CONCURRENCY: String(options.concurrency ?? 4),
      LOG_LEVEL: "info",
      AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: "true",
      ...options.env,
    },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let out = "";
  child.stdout?.on("data", (chunk: Buffer) => (out += chunk.toString("utf8")));
  child.stderr?.on("data", (chunk: Buffer) => (out += chunk.toString("utf8")));
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((r) =>
    child.once("exit", (code, signal) => {
      // FAULT_LOG_DIR keeps every worker's log for a post-mortem.
      if (process.env.FAULT_LOG_DIR) writeFileSync(join(process.env.FAULT_LOG_DIR, `worker-${child.pid}.log`), out);
      r({ code, signal });
    }),
  );
  if (child.pid === undefined) throw new Error("the worker process did not start");
  return {
    pid: child.pid,
    child,
    exited,
    output: () => out,
    logs: () =>
      out
        .split("\n")
        .filter((l) => l.startsWith("{"))
        .flatMap((l) => {
          try {
            return [JSON.parse(l) as Record<string, unknown>];
          } catch {
            return [];
          }
        }),
  };
}

/** Waits until a spawned worker logs that it started (its Redis and database connections are up). */
export async function workerReady(worker: WorkerProcess, timeoutMs = 30_000): Promise<void> {
  await until(
    () =>
      worker.output().includes('"msg":"worker started"') ||
      (worker.child.exitCode !== null && Promise.reject(new Error(`worker exited early:\n${worker.output()}`))),
    timeoutMs,
    "the worker to start",
  );
}

/** Stops a worker process if it is still running (bounded: SIGKILL after `graceMs`). */
export async function stopWorker(worker: WorkerProcess, graceMs = 10_000): Promise<void> {
  if (worker.child.exitCode !== null || worker.child.signalCode !== null) return;
  worker.child.kill("SIGTERM");
  const timer = setTimeout(() => worker.child.kill("SIGKILL"), graceMs);
  await worker.exited;
  clearTimeout(timer);
}

export interface PrivateRedis {
  url: string;
  port: number;
  /** Starts (or restarts) redis-server on the same port and data folder. */
  start(): Promise<void>;
  /** Stops it (SIGTERM: with append-only persistence, what was written survives the restart). */
  stop(): Promise<void>;
  /** Stops it and removes its data folder. */
  destroy(): Promise<void>;
}

/**
 * A redis-server of our own on another loopback port, configured like production (`noeviction`, append-only
 * file), so a script can stop and restart it without touching the machine's Redis on 6379.
 */
export async function privateRedis(port?: number): Promise<PrivateRedis> {
  const p = port ?? (await freePort());
  const dir = mkdtempSync(join(tmpdir(), "tl-redis-"));
  const url = `redis://127.0.0.1:${p}`;
  let child: ChildProcess | undefined;
  const answers = async () => {
    const client = new Redis(url, {
      lazyConnect: true,
      maxRetriesPerRequest: 0,
      retryStrategy: () => null,
      connectTimeout: 500,
    });
    client.on("error", () => undefined);
    try {
      await client.connect();
      return (await client.ping()) === "PONG";
    } catch {
      return false;
    } finally {
      client.disconnect();
    }
  };
  const api: PrivateRedis = {
    url,
    port: p,
    async start() {
      child = spawn(
        "redis-server",
        [
          "--port",
          String(p),
          "--bind",
          "127.0.0.1",
          "--dir",
          dir,
          "--save",
          "",
          "--appendonly",
          "yes",
          "--appendfsync",
          "always",
          "--maxmemory-policy",
          "noeviction",
        ],
        { stdio: "ignore" },
      );
      const started = child;
      await until(
        async () => (started.exitCode !== null ? Promise.reject(new Error("redis-server exited")) : await answers()),
        10_000,
        `redis-server on ${p}`,
      );
    },
    async stop() {
      const running = child;
      if (!running || running.exitCode !== null) return;
      const exited = new Promise((r) => running.once("exit", r));
      running.kill("SIGTERM");
      const timer = setTimeout(() => running.kill("SIGKILL"), 10_000);
      await exited;
      clearTimeout(timer);
      child = undefined;
    },
    async destroy() {
      await api.stop();
      rmSync(dir, { recursive: true, force: true });
    },
  };
  await api.start();
  return api;
}

/** `n` distinct small CloudFormation templates with a few findings each (public bucket, no encryption). */
export function makeTemplates(n: number, tag = "f"): Array<{ path: string; content: string }> {
  return Array.from({ length: n }, (_, i) => ({
    path: `stacks/${tag}-${String(i).padStart(4, "0")}.yaml`,
    content: `AWSTemplateFormatVersion: "2010-09-09"
Description: fault-injection file ${tag} ${i}
Resources:
  Bucket${i}:
    Type: AWS::S3::Bucket
    Properties:
      BucketName: tl-fault-${tag}-${i}
      AccessControl: PublicRead
  Queue${i}:
    Type: AWS::SQS::Queue
    Properties:
      QueueName: tl-fault-queue-${i}
`,
  }));
}

export interface BatchCheck {
  total: number;
  byStatus: Record<string, number>;
  /** Analyses whose stored threatCount differs from their threat rows (a half-written or doubled result). */
  countMismatches: string[];
  /** (analysis, fingerprint) pairs stored more than once. */
  duplicateThreats: number;
  /** Analyses whose result was committed other than exactly once (one risk snapshot per persisted result). */
  notPersistedOnce: string[];
  /** Terminal analyses without an error code although partial or failed. */
  unexplained: string[];
  threats: number;
}

/** Reads back a batch and checks the exactly-once properties. */
export async function checkBatch(db: Db, batchId: string): Promise<BatchCheck> {
  const analyses = await db.analysis.findMany({
    where: { batchId },
    select: { id: true, status: true, threatCount: true, errorCode: true },
  });
  const counts = await db.threat.groupBy({
    by: ["analysisId"],
    where: { analysisId: { in: analyses.map((a) => a.id) } },
    _count: { _all: true },
  });
  const threatsOf = new Map(counts.map((c) => [c.analysisId, c._count._all]));
  const dup = await db.$queryRaw<Array<{ n: bigint }>>`
    SELECT count(*) AS n FROM (
      SELECT t."analysisId", t.fingerprint FROM "Threat" t JOIN "Analysis" a ON a.id = t."analysisId"
      WHERE a."batchId" = ${batchId}::uuid GROUP BY 1, 2 HAVING count(*) > 1) d`;
  const snapshots = await db.riskSnapshot.groupBy({
    by: ["analysisId"],
    where: { analysisId: { in: analyses.map((a) => a.id) } },
    _count: { _all: true },
  });
  const snapshotsOf = new Map(snapshots.map((s) => [s.analysisId, s._count._all]));
  const byStatus: Record<string, number> = {};
  for (const a of analyses) byStatus[a.status] = (byStatus[a.status] ?? 0) + 1;
  return {
    total: analyses.length,
    byStatus,
    countMismatches: analyses.filter((a) => (threatsOf.get(a.id) ?? 0) !== a.threatCount).map((a) => a.id),
    duplicateThreats: Number(dup[0]?.n ?? 0),
    notPersistedOnce: analyses
      .filter((a) => a.status !== "failed" && (snapshotsOf.get(a.id) ?? 0) !== 1)
      .map((a) => a.id),
    unexplained: analyses
      .filter((a) => (a.status === "partial" || a.status === "failed") && !a.errorCode)
      .map((a) => a.id),
    threats: [...threatsOf.values()].reduce((s, n) => s + n, 0),
  };
}

/** Counts of a batch's analyses that reached a final status. */
export async function finishedCount(db: Db, batchId: string): Promise<number> {
  return db.analysis.count({ where: { batchId, status: { in: ["succeeded", "partial", "failed", "canceled"] } } });
}

export interface PrivatePostgres {
  /** Admin connection string (database `postgres`, trust auth). */
  adminUrl: string;
  stop(): Promise<void>;
  start(): Promise<void>;
  destroy(): Promise<void>;
}

function asPostgres(args: string[]): Promise<void> {
  return new Promise((resolveRun, reject) => {
    const child = spawn("runuser", ["-u", "postgres", "--", ...args], { stdio: ["ignore", "ignore", "pipe"] });
    let err = "";
    child.stderr?.on("data", (c: Buffer) => (err += c.toString()));
    child.once("exit", (code) => (code === 0 ? resolveRun() : reject(new Error(`${args[0]} exited ${code}: ${err}`))));
  });
}

/**
 * A throwaway PostgreSQL cluster of our own (initdb into a temp folder, run as the postgres OS user, on a free
 * loopback port), so a script can restart it without touching the machine's PostgreSQL on 5432. Needs root
 * (runuser) and the server binaries under /usr/lib/postgresql/<version>/bin.
 */
export async function privatePostgres(): Promise<PrivatePostgres> {
  const { readdirSync, chownSync, statSync } = await import("node:fs");
  const version = readdirSync("/usr/lib/postgresql").sort().pop();
  if (!version) throw new Error("no PostgreSQL server binaries under /usr/lib/postgresql");
  const bin = `/usr/lib/postgresql/${version}/bin`;
  const dir = mkdtempSync(join(tmpdir(), "tl-pg-"));
  const pgUser = statSync("/var/lib/postgresql");
  chownSync(dir, pgUser.uid, pgUser.gid);
  const port = await freePort();
  await asPostgres([`${bin}/initdb`, "-D", `${dir}/data`, "-A", "trust", "-U", "postgres", "--no-sync"]);
  const ctl = (action: string) =>
    asPostgres([
      `${bin}/pg_ctl`,
      "-D",
      `${dir}/data`,
      "-l",
      `${dir}/log`,
      "-w",
      "-t",
      "30",
      "-m",
      "fast",
      "-o",
      `-p ${port} -k ${dir} -c listen_addresses=127.0.0.1 -c fsync=off`,
      action,
    ]);
  await ctl("start");
  return {
    adminUrl: `postgresql://postgres@127.0.0.1:${port}/postgres`,
    stop: () => ctl("stop"),
    start: () => ctl("start"),
    async destroy() {
      await ctl("stop").catch(() => undefined);
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
