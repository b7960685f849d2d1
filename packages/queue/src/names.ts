import { z } from "zod";

/** Queue names. One queue per kind of work, so each can be scaled and paused on its own. */
export const QUEUE_NAMES = { analysis: "analysis" } as const;
export type QueueName = (typeof QUEUE_NAMES)[keyof typeof QUEUE_NAMES];

/** Payload schemas of every job, by job name. Parsed when enqueued and again in the processor. */
export const JOB_PAYLOADS = {
  "analyze-template": z.object({ analysisId: z.uuid() }),
  /** Rebuild a project's system graph if its current analyses changed (issue #19). */
  "system-graph": z.object({ projectId: z.uuid() }),
} as const;

export type JobName = keyof typeof JOB_PAYLOADS;
export type JobPayload<N extends JobName> = z.infer<(typeof JOB_PAYLOADS)[N]>;

/** Which queue carries each job. */
export const JOB_QUEUE: Record<JobName, QueueName> = {
  "analyze-template": QUEUE_NAMES.analysis,
  "system-graph": QUEUE_NAMES.analysis,
};

/** Progress events workers publish for the API's Server-Sent Events, on this Redis channel. */
export const EVENTS_CHANNEL = "threatline:events";
