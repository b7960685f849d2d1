import { createServer, type Server } from "node:http";
import type { Job, Worker } from "bullmq";
import { collectDefaultMetrics, Counter, Histogram, register, type Registry } from "prom-client";
import type { Logger } from "pino";
import { checkMetricsAccess, metricsRefusal } from "@threatline/queue";
import type { LlmStage } from "../deps.ts";

/**
 * One Prometheus registry per process (prom-client's default): in the one-process server the API's
 * `/metrics` shows these too; a standalone worker serves them on WORKER_METRICS_PORT.
 */
export const registry: Registry = register;

function once<T>(name: string, make: () => T): T {
  return (registry.getSingleMetric(name) as T | undefined) ?? make();
}

const jobDuration = once(
  "threatline_job_duration_seconds",
  () =>
    new Histogram({
      name: "threatline_job_duration_seconds",
      help: "Time a worker spent on one job attempt, by job name and outcome.",
      labelNames: ["name", "status"] as const,
      buckets: [0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120, 300],
      registers: [registry],
    }),
);

const jobOutcomes = once(
  "threatline_jobs_total",
  () =>
    new Counter({
      name: "threatline_jobs_total",
      help: "Job attempts by outcome: the analysis status (succeeded, partial, failed, canceled), retry (an attempt failed and will be retried), error (the last attempt failed) or stalled (its worker died).",
      labelNames: ["name", "outcome"] as const,
      registers: [registry],
    }),
);

const llmTokens = once(
  "threatline_llm_tokens_total",
  () =>
    new Counter({
      name: "threatline_llm_tokens_total",
      help: "LLM tokens billed, by direction (in, out, cache_read, cache_write). Cache hits bill nothing.",
      labelNames: ["direction"] as const,
      registers: [registry],
    }),
);

const llmCost = once(
  "threatline_llm_cost_usd_total",
  () =>
    new Counter({
      name: "threatline_llm_cost_usd_total",
      help: "Estimated LLM spend in US dollars.",
      registers: [registry],
    }),
);

const llmCalls = once(
  "threatline_llm_requests_total",
  () =>
    new Counter({
      name: "threatline_llm_requests_total",
      help: "LLM steps by result: succeeded, partial, skipped, cache_hit, throttled (429 or the shared limiter: the queue pauses), error.",
      labelNames: ["result"] as const,
      registers: [registry],
    }),
);

/** Process metrics once per process. */
export function ensureDefaultMetrics(): void {
  if (!registry.getSingleMetric("process_cpu_user_seconds_total")) collectDefaultMetrics({ register: registry });
}

function seconds(job: Job): number | undefined {
  if (!job.processedOn) return undefined;
  return Math.max(0, ((job.finishedOn ?? Date.now()) - job.processedOn) / 1_000);
}

/** Records every job attempt of this worker: duration and outcome. */
export function instrumentWorker(worker: Worker): void {
  worker.on("completed", (job: Job, result: unknown) => {
    const status =
      typeof result === "object" && result !== null && "status" in result ? String(result.status) : "completed";
    jobOutcomes.inc({ name: job.name, outcome: status });
    const s = seconds(job);
    if (s !== undefined) jobDuration.observe({ name: job.name, status }, s);
  });
  worker.on("failed", (job: Job | undefined) => {
    if (!job) return;
    const final = job.attemptsMade >= (job.opts.attempts ?? 1) || job.finishedOn !== undefined;
    const outcome = final ? "error" : "retry";
    jobOutcomes.inc({ name: job.name, outcome });
    const s = seconds(job);
    if (s !== undefined) jobDuration.observe({ name: job.name, status: outcome }, s);
  });
  worker.on("stalled", () => jobOutcomes.inc({ name: "analyze-template", outcome: "stalled" }));
}

/** Wraps the LLM step so that tokens, cost, throttles and failures are counted, whatever the provider. */
export function instrumentLlm(llm: LlmStage): LlmStage {
  return {
    ...(llm.preparation ? { preparation: llm.preparation } : {}),
    async model(req) {
      try {
        const answer = await llm.model(req);
        llmCalls.inc({ result: answer.cacheHit ? "cache_hit" : answer.status });
        if (!answer.cacheHit) {
          llmTokens.inc({ direction: "in" }, answer.usage.inputTokens);
          llmTokens.inc({ direction: "out" }, answer.usage.outputTokens);
          llmTokens.inc({ direction: "cache_read" }, answer.usage.cacheReadTokens);
          llmTokens.inc({ direction: "cache_write" }, answer.usage.cacheWriteTokens);
          llmCost.inc(answer.usage.costUsd);
        }
        return answer;
      } catch (error) {
        llmCalls.inc({ result: error instanceof Error && error.name === "LlmThrottledError" ? "throttled" : "error" });
        throw error;
      }
    },
  };
}

/**
 * Serves `GET /metrics` (and `/healthz`) for a standalone worker process on loopback (or `host`); with a
 * token, `/metrics` answers only requests that carry it as a bearer token.
 */
export async function serveWorkerMetrics(
  options: { port: number; host: string; token?: string | undefined },
  logger: Logger,
): Promise<Server> {
  ensureDefaultMetrics();
  const server = createServer((req, res) => {
    const path = (req.url ?? "").split("?")[0];
    if (req.method === "GET" && path === "/metrics") {
      const access = checkMetricsAccess(req.headers.authorization, options.token);
      if (access === "missing" || access === "wrong") {
        const refusal = metricsRefusal(access);
        res.writeHead(refusal.status, { ...refusal.headers, "Content-Type": "application/json; charset=utf-8" });
        res.end(JSON.stringify(refusal.body));
        return;
      }
      registry.metrics().then(
        (body) => {
          res.writeHead(200, { "Content-Type": registry.contentType });
          res.end(body);
        },
        () => {
          res.writeHead(500);
          res.end();
        },
      );
      return;
    }
    res.writeHead(path === "/healthz" ? 200 : 404, { "Content-Type": "text/plain" });
    res.end(path === "/healthz" ? "ok\n" : "not found\n");
  });
  await new Promise<void>((resolve, reject) =>
    server.once("error", reject).listen(options.port, options.host, resolve),
  );
  const address = server.address();
  logger.info(
    {
      port: typeof address === "object" && address ? address.port : options.port,
      host: options.host,
      token: Boolean(options.token),
    },
    "worker metrics on /metrics",
  );
  return server;
}
