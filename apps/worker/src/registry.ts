import type { Processor, Worker } from "bullmq";
import type { JobName } from "@threatline/queue";
import type { WorkerDeps } from "./deps.ts";
import { analyzeTemplateProcessor } from "./processors/analyze-template.processor.ts";
import { systemGraphProcessor } from "./processors/system-graph.processor.ts";
import {
  webhookDeliverProcessor,
  webhookEventProcessor,
  webhookRemindersProcessor,
} from "./processors/webhook.processor.ts";

/** One processor per job name; a new job name does not compile until it has one. */
export const PROCESSORS: Record<JobName, (deps: WorkerDeps, getWorker: () => Worker | undefined) => Processor> = {
  "analyze-template": analyzeTemplateProcessor,
  "system-graph": systemGraphProcessor,
  "webhook-event": webhookEventProcessor,
  "webhook-deliver": webhookDeliverProcessor,
  "webhook-reminders": webhookRemindersProcessor,
};

/** Dispatches a job of the analysis queue to its processor by name. */
export function dispatcher(deps: WorkerDeps, getWorker: () => Worker | undefined): Processor {
  const processors = Object.fromEntries(
    Object.entries(PROCESSORS).map(([name, make]) => [name, make(deps, getWorker)]),
  ) as Record<string, Processor>;
  return async (job, token, signal) => {
    const processor = processors[job.name];
    if (!processor) throw new Error(`No processor for job ${job.name}`);
    return (await processor(job, token, signal)) as unknown;
  };
}
