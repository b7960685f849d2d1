import { readFileSync } from "node:fs";
import type { Db } from "@threatline/db";
import { startFakeBedrock, type FakeBedrock } from "@threatline/bedrock-fake";
import {
  checkBatch,
  finishedCount,
  makeTemplates,
  sleep,
  spawnWorker,
  stopWorker,
  until,
  workerReady,
  type BatchCheck,
  type WorkerProcess,
} from "./lib.ts";
import { hugeCloudFormation, hugeTerraform } from "./huge-templates.ts";

/** What a scenario needs: a migrated database, a Redis, a key prefix, and the API to submit through. */
export interface FaultEnv {
  databaseUrl: string;
  db: Db;
  redisUrl: string;
  prefix: string;
  /** POST /api/v1/projects/:id/submissions through the real API (authenticated as an admin). */
  submit(files: Array<{ path: string; content: string }>): Promise<{ status: number; body: unknown }>;
  /** GET /readyz through the real API. */
  ready(): Promise<number>;
  log(message: string): void;
}

/** LLM settings for spawned workers, pointing at a fake Bedrock. */
export function llmEnv(fake: FakeBedrock, extra: Record<string, string> = {}): Record<string, string> {
  return {
    THREATLINE_LLM_PROVIDER: "bedrock",
    BEDROCK_ENDPOINT: fake.url,
    AWS_REGION: "us-east-1",
    AWS_ACCESS_KEY_ID: "AKIDFAKEFORTESTS",
    AWS_SECRET_ACCESS_KEY: "fake-secret-for-tests",
    LLM_SDK_MAX_ATTEMPTS: "1",
    LLM_THROTTLE_RETRY_MS: "500",
    ...extra,
  };
}

async function submitBatch(
  env: FaultEnv,
  files: Array<{ path: string; content: string }>,
): Promise<{ batchId: string; ids: string[] }> {
  const res = await env.submit(files);
  if (res.status !== 202) throw new Error(`submission refused: ${res.status} ${JSON.stringify(res.body)}`);
  const body = res.body as { batchId: string; analyses: Array<{ id: string }> };
  return { batchId: body.batchId, ids: body.analyses.map((a) => a.id) };
}

/** Failed attempts the workers logged (a deadlock or a lost connection shows here even when a retry then succeeds). */
function attemptErrors(workers: WorkerProcess[]): string[] {
  return workers.flatMap((w) =>
    w
      .logs()
      .filter((l) => l.msg === "analysis attempt failed")
      .map(
        (l) =>
          String((l.err as { message?: string } | undefined)?.message ?? "")
            .trim()
            .split("\n")
            .pop() ?? "",
      ),
  );
}

async function runningIds(db: Db, batchId: string): Promise<string[]> {
  return (await db.analysis.findMany({ where: { batchId, status: "running" }, select: { id: true } })).map((a) => a.id);
}

export interface CrashReport {
  files: number;
  /** Analyses running in the killed worker at the moment it was killed. */
  inFlightAtKill: number;
  finishedAtKill: number;
  check: BatchCheck;
  /** Milliseconds from the kill until every analysis had finished. */
  recoveryMs: number;
  attemptErrors: string[];
}

/**
 * SIGKILL a worker in the middle of a batch, start another: every analysis ends exactly once (stalled-job
 * recovery re-delivers the killed worker's jobs once their locks expire; the processor replaces, never adds).
 */
export async function sigkillScenario(
  env: FaultEnv,
  options: { files: number; concurrency?: number; llmLatencyMs?: number; lockMs?: number; timeoutMs?: number },
): Promise<CrashReport> {
  const fake = await startFakeBedrock({ latencyMs: options.llmLatencyMs ?? 400 });
  const workerEnv = { ...llmEnv(fake), WORKER_LOCK_DURATION_MS: String(options.lockMs ?? 4_000) };
  const workers: WorkerProcess[] = [];
  try {
    const a = spawnWorker({
      databaseUrl: env.databaseUrl,
      redisUrl: env.redisUrl,
      prefix: env.prefix,
      concurrency: options.concurrency ?? 4,
      env: workerEnv,
    });
    workers.push(a);
    await workerReady(a);
    const { batchId } = await submitBatch(env, makeTemplates(options.files, "kill"));
    const threshold = Math.max(2, Math.floor(options.files / 6));
    await until(
      async () => (await finishedCount(env.db, batchId)) >= threshold && (await runningIds(env.db, batchId)).length > 0,
      60_000,
      `${threshold} analyses finished with more running`,
      20,
    );
    const inFlight = await runningIds(env.db, batchId);
    const finishedAtKill = await finishedCount(env.db, batchId);
    a.child.kill("SIGKILL");
    const killedAt = Date.now();
    await a.exited;
    env.log(
      `SIGKILL worker ${a.pid} with ${inFlight.length} analyses running and ${finishedAtKill}/${options.files} finished`,
    );
    const b = spawnWorker({
      databaseUrl: env.databaseUrl,
      redisUrl: env.redisUrl,
      prefix: env.prefix,
      concurrency: options.concurrency ?? 4,
      env: workerEnv,
    });
    workers.push(b);
    await until(
      async () => (await finishedCount(env.db, batchId)) === options.files,
      options.timeoutMs ?? 120_000,
      "every analysis to finish after the kill",
      200,
    );
    const recoveryMs = Date.now() - killedAt;
    // Leave a moment for a straggling duplicate delivery to show up in the checks, if there were one.
    await sleep(500);
    return {
      files: options.files,
      inFlightAtKill: inFlight.length,
      finishedAtKill,
      check: await checkBatch(env.db, batchId),
      recoveryMs,
      attemptErrors: attemptErrors(workers),
    };
  } finally {
    for (const w of workers) await stopWorker(w);
    await fake.close();
  }
}

export interface DrainReport {
  files: number;
  inFlightAtTerm: number;
  /** Of those, how many had finished when the worker exited (the rest must be back in the queue). */
  finishedByDrain: number;
  exitCode: number | null;
  drainMs: number;
  check: BatchCheck;
  attemptErrors: string[];
}

/** SIGTERM a worker mid-batch: it finishes its running jobs, takes no new ones, exits 0; another worker does the rest. */
export async function sigtermScenario(
  env: FaultEnv,
  options: { files: number; concurrency?: number; llmLatencyMs?: number; timeoutMs?: number },
): Promise<DrainReport> {
  const fake = await startFakeBedrock({ latencyMs: options.llmLatencyMs ?? 600 });
  const workerEnv = llmEnv(fake);
  const workers: WorkerProcess[] = [];
  try {
    const a = spawnWorker({
      databaseUrl: env.databaseUrl,
      redisUrl: env.redisUrl,
      prefix: env.prefix,
      concurrency: options.concurrency ?? 3,
      env: workerEnv,
    });
    workers.push(a);
    await workerReady(a);
    const { batchId } = await submitBatch(env, makeTemplates(options.files, "term"));
    await until(
      async () => (await finishedCount(env.db, batchId)) >= 1 && (await runningIds(env.db, batchId)).length > 0,
      60_000,
      "analyses running",
      20,
    );
    const inFlight = await runningIds(env.db, batchId);
    const termAt = Date.now();
    a.child.kill("SIGTERM");
    const exit = await a.exited;
    const drainMs = Date.now() - termAt;
    const after = await env.db.analysis.findMany({ where: { id: { in: inFlight } }, select: { status: true } });
    const finishedByDrain = after.filter((x) => x.status !== "queued" && x.status !== "running").length;
    env.log(
      `SIGTERM worker ${a.pid}: ${finishedByDrain}/${inFlight.length} running analyses finished while draining (${drainMs} ms), exit ${exit.code}`,
    );
    const b = spawnWorker({
      databaseUrl: env.databaseUrl,
      redisUrl: env.redisUrl,
      prefix: env.prefix,
      concurrency: options.concurrency ?? 3,
      env: workerEnv,
    });
    workers.push(b);
    await until(
      async () => (await finishedCount(env.db, batchId)) === options.files,
      options.timeoutMs ?? 120_000,
      "every analysis to finish",
      200,
    );
    return {
      files: options.files,
      inFlightAtTerm: inFlight.length,
      finishedByDrain,
      exitCode: exit.code,
      drainMs,
      check: await checkBatch(env.db, batchId),
      attemptErrors: attemptErrors(workers),
    };
  } finally {
    for (const w of workers) await stopWorker(w);
    await fake.close();
  }
}

export interface OutageReport {
  accepted: number;
  /** Submissions tried while Redis was down, and their answers. */
  duringOutage: Array<{ status: number; code: string | undefined }>;
  readyDuringOutage: number;
  /** Milliseconds from Redis being back until the API accepted a submission again. */
  apiBackMs: number;
  checks: BatchCheck[];
}

/**
 * Stop Redis for `outageMs` in the middle of a batch: the API answers 503 queue/unavailable meanwhile and
 * writes nothing, workers wait and reconnect, and every accepted file completes. `stopRedis`/`startRedis`
 * control the (private) Redis that `env.redisUrl` points at.
 */
export async function redisOutageScenario(
  env: FaultEnv,
  redis: { stop(): Promise<void>; start(): Promise<void> },
  options: { files: number; outageMs: number; concurrency?: number; llmLatencyMs?: number; timeoutMs?: number },
): Promise<OutageReport> {
  const fake = await startFakeBedrock({ latencyMs: options.llmLatencyMs ?? 300 });
  const workers: WorkerProcess[] = [];
  try {
    const a = spawnWorker({
      databaseUrl: env.databaseUrl,
      redisUrl: env.redisUrl,
      prefix: env.prefix,
      concurrency: options.concurrency ?? 2,
      env: llmEnv(fake),
    });
    workers.push(a);
    await workerReady(a);
    const first = await submitBatch(env, makeTemplates(options.files, "before"));
    await until(async () => (await finishedCount(env.db, first.batchId)) >= 2, 60_000, "two analyses finished", 20);
    await redis.stop();
    const downAt = Date.now();
    env.log(`Redis stopped with ${await finishedCount(env.db, first.batchId)}/${options.files} finished`);
    const duringOutage: OutageReport["duringOutage"] = [];
    let readyDuringOutage = 0;
    let n = 0;
    while (Date.now() - downAt < options.outageMs) {
      const res = await env.submit(makeTemplates(1, `down-${n++}`));
      duringOutage.push({ status: res.status, code: (res.body as { error?: { code?: string } }).error?.code });
      readyDuringOutage = await env.ready();
      await sleep(Math.min(2_000, Math.max(0, options.outageMs - (Date.now() - downAt))));
    }
    await redis.start();
    const upAt = Date.now();
    env.log(`Redis back after ${upAt - downAt} ms; ${duringOutage.length} submissions tried meanwhile`);
    const second = await until(
      async () => {
        const res = await env.submit(makeTemplates(Math.max(1, Math.floor(options.files / 3)), "after"));
        return res.status === 202 ? (res.body as { batchId: string; analyses: unknown[] }) : undefined;
      },
      30_000,
      "the API to accept submissions again",
      250,
    );
    const apiBackMs = Date.now() - upAt;
    const batches = [
      { id: first.batchId, n: options.files },
      { id: second.batchId, n: second.analyses.length },
    ];
    await until(
      async () => {
        for (const b of batches) if ((await finishedCount(env.db, b.id)) !== b.n) return false;
        return true;
      },
      options.timeoutMs ?? 120_000,
      "every accepted analysis to finish",
      250,
    );
    const checks = [];
    for (const b of batches) checks.push(await checkBatch(env.db, b.id));
    return { accepted: options.files + second.analyses.length, duringOutage, readyDuringOutage, apiBackMs, checks };
  } finally {
    for (const w of workers) await stopWorker(w);
    await fake.close();
  }
}

export interface FaultMixReport {
  files: number;
  faults: string;
  fakeStats: { converse: number; served: number; faults: Record<string, number> };
  check: BatchCheck;
  errorCodes: Record<string, number>;
}

/** A fake Bedrock answering with a mix of 429/503/500/cut/malformed: every analysis ends succeeded or partial, with reasons. */
export async function faultMixScenario(
  env: FaultEnv,
  options: { files: number; faults?: string; workers?: number; timeoutMs?: number },
): Promise<FaultMixReport> {
  const faults = options.faults ?? "429:0.08,503:0.08,500:0.08,cut:0.08,malformed:0.08";
  const fake = await startFakeBedrock({ latencyMs: 50, faults, seed: 7 });
  const workers: WorkerProcess[] = [];
  try {
    for (let i = 0; i < (options.workers ?? 2); i++) {
      const w = spawnWorker({
        databaseUrl: env.databaseUrl,
        redisUrl: env.redisUrl,
        prefix: env.prefix,
        concurrency: 3,
        env: llmEnv(fake),
      });
      workers.push(w);
    }
    for (const w of workers) await workerReady(w);
    const { batchId } = await submitBatch(env, makeTemplates(options.files, "mix"));
    await until(
      async () => (await finishedCount(env.db, batchId)) === options.files,
      options.timeoutMs ?? 150_000,
      "every analysis to finish",
      250,
    );
    const rows = await env.db.analysis.groupBy({ by: ["errorCode"], where: { batchId }, _count: { _all: true } });
    const stats = fake.stats();
    return {
      files: options.files,
      faults,
      fakeStats: { converse: stats.converse, served: stats.served, faults: stats.faults },
      check: await checkBatch(env.db, batchId),
      errorCodes: Object.fromEntries(rows.map((r) => [r.errorCode ?? "none", r._count._all])),
    };
  } finally {
    for (const w of workers) await stopWorker(w);
    await fake.close();
  }
}

export interface PgRestartReport {
  files: number;
  finishedAtStop: number;
  downMs: number;
  check: BatchCheck;
  attemptErrors: string[];
}

/** Stop PostgreSQL for `downMs` mid-batch, start it again: failed attempts are retried and every analysis completes once. */
export async function postgresRestartScenario(
  env: FaultEnv,
  pg: { stop(): Promise<void>; start(): Promise<void> },
  options: { files: number; downMs: number; concurrency?: number; llmLatencyMs?: number; timeoutMs?: number },
): Promise<PgRestartReport> {
  const fake = await startFakeBedrock({ latencyMs: options.llmLatencyMs ?? 300 });
  const workers: WorkerProcess[] = [];
  try {
    const a = spawnWorker({
      databaseUrl: env.databaseUrl,
      redisUrl: env.redisUrl,
      prefix: env.prefix,
      concurrency: options.concurrency ?? 4,
      env: llmEnv(fake),
    });
    workers.push(a);
    await workerReady(a);
    const { batchId } = await submitBatch(env, makeTemplates(options.files, "pg"));
    await until(async () => (await finishedCount(env.db, batchId)) >= 2, 60_000, "two analyses finished", 20);
    const finishedAtStop = await finishedCount(env.db, batchId);
    await pg.stop();
    const downAt = Date.now();
    env.log(`PostgreSQL stopped with ${finishedAtStop}/${options.files} finished`);
    await sleep(options.downMs);
    await pg.start();
    const downMs = Date.now() - downAt;
    env.log(`PostgreSQL back after ${downMs} ms`);
    await until(
      async () => (await finishedCount(env.db, batchId).catch(() => 0)) === options.files,
      options.timeoutMs ?? 180_000,
      "every analysis to finish",
      500,
    );
    return {
      files: options.files,
      finishedAtStop,
      downMs,
      check: await checkBatch(env.db, batchId),
      attemptErrors: attemptErrors(workers),
    };
  } finally {
    for (const w of workers) await stopWorker(w);
    await fake.close();
  }
}

export interface HugeTemplateReport {
  files: number;
  /** Status, error code and stored/omitted threats of the two huge files. */
  huge: Array<{ path: string; status: string; errorCode: string | null; threatCount: number; omitted: number }>;
  /** Milliseconds from submission until every small file of the batch had finished. */
  smallDoneMs: number;
  /** Milliseconds from the SIGKILL (of the worker running the 20,000-bucket file) until every analysis finished. */
  recoveryMs: number;
  /** Analyses not final at the end (lost or stuck), and left running. */
  notFinal: number;
  stuckRunning: number;
  /** Largest resident memory seen of any worker process, in MB. */
  peakWorkerRssMb: number;
  check: BatchCheck;
  attemptErrors: string[];
}

/** Resident memory of a process in MB (Linux /proc), or 0 when it is gone. */
function rssMb(pid: number): number {
  try {
    const status = readFileSync(`/proc/${pid}/status`, "utf8");
    return Math.round(Number(/VmRSS:\s+(\d+)/.exec(status)?.[1] ?? 0) / 1024);
  } catch {
    return 0;
  }
}

/**
 * The 20,000-bucket Terraform file and the 42,802-bucket CloudFormation file in a batch of small ones, on two
 * workers; the worker running the Terraform file is SIGKILLed mid-run and a third starts. Every analysis must
 * end exactly once, the huge ones bounded (capped and partial, or refused by a bound), the small ones not held
 * up behind them, and worker memory bounded.
 */
export async function hugeTemplateScenario(
  env: FaultEnv,
  options: { smallFiles: number; concurrency?: number; lockMs?: number; timeoutMs?: number },
): Promise<HugeTemplateReport> {
  const workerEnv = { WORKER_LOCK_DURATION_MS: String(options.lockMs ?? 5_000) };
  const spawnOne = () =>
    spawnWorker({
      databaseUrl: env.databaseUrl,
      redisUrl: env.redisUrl,
      prefix: env.prefix,
      concurrency: options.concurrency ?? 2,
      env: workerEnv,
    });
  const workers: WorkerProcess[] = [spawnOne(), spawnOne()];
  let peak = 0;
  const sampler = setInterval(() => {
    for (const w of workers) peak = Math.max(peak, rssMb(w.pid));
  }, 250);
  try {
    for (const w of workers) await workerReady(w);
    const tf = hugeTerraform();
    const cfn = hugeCloudFormation();
    const small = makeTemplates(options.smallFiles, "beside-huge");
    const submittedAt = Date.now();
    const { batchId, ids } = await submitBatch(env, [tf, cfn, ...small]);
    const [tfId, cfnId] = ids as [string, string];
    const smallIds = ids.slice(2);
    let smallDoneMs = -1;
    const watchSmall = until(
      async () =>
        (await env.db.analysis.count({
          where: { id: { in: smallIds }, status: { in: ["succeeded", "partial", "failed"] } },
        })) === smallIds.length,
      options.timeoutMs ?? 360_000,
      "the small files to finish",
      200,
    ).then(() => (smallDoneMs = Date.now() - submittedAt));

    await until(
      async () => (await env.db.analysis.findUniqueOrThrow({ where: { id: tfId } })).status === "running",
      120_000,
      "the 20,000-bucket file to run",
      100,
    );
    // Let the engine get well into it, then kill the worker that holds it (its job lock names the worker).
    await sleep(3_000);
    const holder = workers.find((w) => w.output().includes(tfId)) ?? workers[0]!;
    holder.child.kill("SIGKILL");
    const killedAt = Date.now();
    await holder.exited;
    env.log(`SIGKILL worker ${holder.pid}, which was running the 20,000-bucket file`);
    workers.push(spawnOne());
    await until(
      async () => (await finishedCount(env.db, batchId)) === ids.length,
      options.timeoutMs ?? 360_000,
      "every analysis to finish after the kill",
      250,
    );
    const recoveryMs = Date.now() - killedAt;
    await watchSmall;
    await sleep(500);
    const rows = await env.db.analysis.findMany({
      where: { id: { in: [tfId, cfnId] } },
      select: { id: true, status: true, errorCode: true, threatCount: true, omittedThreatCount: true },
    });
    const byId = new Map(rows.map((r) => [r.id, r]));
    const final = await env.db.analysis.groupBy({ by: ["status"], where: { batchId }, _count: true });
    const count = (s: string) => final.find((f) => f.status === s)?._count ?? 0;
    return {
      files: ids.length,
      huge: [
        [tf.path, tfId],
        [cfn.path, cfnId],
      ].map(([path, id]) => {
        const r = byId.get(id!)!;
        return {
          path: path!,
          status: r.status,
          errorCode: r.errorCode,
          threatCount: r.threatCount,
          omitted: r.omittedThreatCount,
        };
      }),
      smallDoneMs,
      recoveryMs,
      notFinal: count("queued") + count("running"),
      stuckRunning: count("running"),
      peakWorkerRssMb: peak,
      check: await checkBatch(env.db, batchId),
      attemptErrors: attemptErrors(workers),
    };
  } finally {
    clearInterval(sampler);
    for (const w of workers) await stopWorker(w);
  }
}
