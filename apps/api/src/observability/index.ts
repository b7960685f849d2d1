import type { Express } from "express";
import type { ApiDeps } from "../deps.ts";
import { ensureDefaultMetrics, httpMetrics, metricsRoutes, trackQueue } from "./metrics.ts";

export { queueDashboardRoutes, QUEUE_DASHBOARD_URL } from "./queue-dashboard.ts";
export { registry, trackQueue } from "./metrics.ts";

/**
 * `/metrics` (Prometheus: HTTP durations, queue depth by state read at scrape time, process metrics, and in
 * the one-process server the worker's job and LLM metrics) and request timing for every route after it.
 */
export function mountObservability(app: Express, deps: ApiDeps): void {
  ensureDefaultMetrics();
  trackQueue(deps.queue);
  app.use(metricsRoutes());
  app.use(httpMetrics());
}
