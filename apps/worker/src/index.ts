/**
 * What other packages use of the worker: booting it (`apps/server`, tests), its configuration, and the steps
 * the API's integration tests drive directly (persisting an outcome, one reconciler pass, the metrics server).
 * Anything not exported here is the worker's own.
 */
export { bootWorker, type BootOptions } from "./bootstrap.ts";
export { WorkerConfigSchema, type WorkerConfig } from "./config.ts";
export { startWorker, type RunningWorker } from "./runtime.ts";
export { DEFAULT_BOUNDS, type AnalysisBounds, type LlmStage, type WorkerDeps } from "./deps.ts";
export {
  AnalysisCanceledError,
  boundTransaction,
  persistOutcome,
  type AnalysisOutcome,
  type PersistOptions,
} from "./pipeline/persist.ts";
export {
  DEFAULT_RECONCILE_OPTIONS,
  reconcileDeliveries,
  reconcileOnce,
  startReconciler,
  type ReconcileOptions,
} from "./reconciler.ts";
export { serveWorkerMetrics } from "./observability/metrics.ts";
