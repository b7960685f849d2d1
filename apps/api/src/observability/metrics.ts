import type { NextFunction, Request, Response } from "express";
import { Router } from "express";
import type { Queue } from "bullmq";
import { collectDefaultMetrics, Gauge, Histogram, register, type Registry } from "prom-client";
import { checkMetricsAccess, metricsRefusal } from "@threatline/queue";

/**
 * One Prometheus registry per process (prom-client's default one): the one-process server runs the API and a
 * worker side by side and both record into it, so a single `/metrics` shows everything. Metrics are created
 * once per process and reused, so building the app twice (tests) does not register them twice.
 */
export const registry: Registry = register;

function once<T>(name: string, make: () => T): T {
  return (registry.getSingleMetric(name) as T | undefined) ?? make();
}

/** Process metrics (CPU, memory, event-loop lag, GC) once per process. */
export function ensureDefaultMetrics(): void {
  if (!registry.getSingleMetric("process_cpu_user_seconds_total")) collectDefaultMetrics({ register: registry });
}

const httpDuration = once(
  "threatline_http_request_duration_seconds",
  () =>
    new Histogram({
      name: "threatline_http_request_duration_seconds",
      help: "HTTP request durations by method, route pattern and status code.",
      labelNames: ["method", "route", "status"] as const,
      buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
      registers: [registry],
    }),
);

/** Queues whose depth is read at every scrape (several in one process only in tests). */
const trackedQueues = new Set<Queue>();

const JOB_STATES = ["waiting", "active", "delayed", "prioritized", "waiting-children", "completed", "failed"] as const;

once(
  "threatline_queue_jobs",
  () =>
    new Gauge({
      name: "threatline_queue_jobs",
      help: "Jobs in each BullMQ queue by state, read from Redis at scrape time.",
      labelNames: ["queue", "state"] as const,
      registers: [registry],
      async collect() {
        this.reset();
        for (const queue of trackedQueues) {
          // A scrape during a Redis outage must still answer (with the queue gauges missing), not hang.
          const counts = await Promise.race([
            queue.getJobCounts(...JOB_STATES).catch(() => null),
            new Promise<null>((r) => setTimeout(() => r(null), 1_000).unref()),
          ]);
          if (!counts) continue;
          for (const state of JOB_STATES) this.set({ queue: queue.name, state }, counts[state] ?? 0);
        }
      },
    }),
);

/** Reads this queue's depth at every scrape; returns the function that stops it. */
export function trackQueue(queue: Queue): () => void {
  trackedQueues.add(queue);
  return () => trackedQueues.delete(queue);
}

/**
 * Times every request. The route label is the matched pattern (`/api/v1/projects/:id`), never the raw URL, so
 * ids do not blow up the number of series; unmatched paths are one label.
 */
export function httpMetrics() {
  return (req: Request, res: Response, next: NextFunction): void => {
    if (req.path === "/metrics" || req.path === "/healthz" || req.path === "/readyz") return next();
    const end = httpDuration.startTimer();
    res.once("finish", () => {
      const route = req.route ? `${req.baseUrl}${String((req.route as { path: unknown }).path)}` : "unmatched";
      end({ method: req.method, route, status: String(res.statusCode) });
    });
    next();
  };
}

/** `GET /metrics` in the Prometheus text format; with a token, only for requests that carry it. */
export function metricsRoutes(token?: string): Router {
  const router = Router();
  router.get("/metrics", async (req, res) => {
    const access = checkMetricsAccess(req.headers.authorization, token);
    if (access === "missing" || access === "wrong") {
      const refusal = metricsRefusal(access);
      res.status(refusal.status).set(refusal.headers).json(refusal.body);
      return;
    }
    res.setHeader("Content-Type", registry.contentType);
    res.send(await registry.metrics());
  });
  return router;
}
