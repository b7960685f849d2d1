import type { Job } from "bullmq";
import { JOB_PAYLOADS } from "@threatline/queue";
import type { WorkerDeps } from "../deps.ts";
import { buildProjectSystemGraph } from "../pipeline/system-graph.ts";

/** `system-graph`: rebuild a project's system graph from its current analyses, if they changed. Idempotent. */
export function systemGraphProcessor(deps: WorkerDeps) {
  return async (job: Job): Promise<{ version: number | null }> => {
    const { projectId } = JOB_PAYLOADS["system-graph"].parse(job.data);
    const started = Date.now();
    const engine = deps.engine;
    const version = await buildProjectSystemGraph(
      deps.db,
      projectId,
      engine?.buildSystemGraph ? (files, options) => engine.buildSystemGraph!(files, options) : undefined,
    );
    deps.logger.info({ jobId: job.id, projectId, version, ms: Date.now() - started }, "system graph");
    return { version };
  };
}
