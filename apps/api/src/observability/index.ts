import type { Express } from "express";
import { warnIfMetricsOpen } from "@threatline/queue";
import type { ApiDeps } from "../deps.ts";
import { ensureDefaultMetrics, httpMetrics, metricsRoutes, trackQueue } from "./metrics.ts";

export { queueDashboardRoutes, QUEUE_DASHBOARD_URL } from "./queue-dashboard.ts";
export { registry, trackQueue } from "./metrics.ts";

/**
 * `/metrics` (Prometheus: HTTP durations, queue depth by state read at scrape time, process metrics, and in
 * the one-process server the worker's job and LLM metrics) and request timing for every route after it.
 * With METRICS_TOKEN set `/metrics` wants it as a bearer token; without, production says so once, here at start.
 */
export function mountObservability(app: Express, deps: ApiDeps): void {
  ensureDefaultMetrics();
  trackQueue(deps.queue);
  warnIfMetricsOpen(deps.config, deps.logger, "api");
  app.use(metricsRoutes(deps.config.METRICS_TOKEN));
  app.use(httpMetrics());
}
