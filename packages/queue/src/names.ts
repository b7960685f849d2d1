import { z } from "zod";

/** Queue names. One queue per kind of work, so each can be scaled and paused on its own. */
export const QUEUE_NAMES = { analysis: "analysis" } as const;
export type QueueName = (typeof QUEUE_NAMES)[keyof typeof QUEUE_NAMES];

/** Payload schemas of every job, by job name. Parsed when enqueued and again in the processor. */
export const JOB_PAYLOADS = {
  "analyze-template": z.object({ analysisId: z.uuid() }),
  /** Rebuild a project's system graph if its current analyses changed (issue #19). */
  "system-graph": z.object({ projectId: z.uuid() }),
  /**
   * Something a team's webhooks may be told about (issue #22): the worker finds the webhooks that subscribe,
   * records one delivery each and enqueues `webhook-deliver` for it. Producers only name the event.
   */
  "webhook-event": z.discriminatedUnion("type", [
    z.object({ type: z.literal("webhook.test"), webhookId: z.uuid() }),
    z.object({ type: z.literal("threat.critical.new"), analysisId: z.uuid() }),
    z.object({
      type: z.literal("threat.assigned"),
      projectId: z.uuid(),
      fingerprint: z.string().min(1).max(200),
      assigneeId: z.uuid(),
    }),
  ]),
  /** One delivery to one webhook; each try is logged, failures retried with exponential backoff. */
  "webhook-deliver": z.object({ deliveryId: z.uuid() }),
  /** Reminders of acceptances about to expire (daily, and on demand); each acceptance once per webhook. */
  "webhook-reminders": z.object({ now: z.iso.datetime().optional() }),
} as const;

export type JobName = keyof typeof JOB_PAYLOADS;
export type JobPayload<N extends JobName> = z.infer<(typeof JOB_PAYLOADS)[N]>;

/** Which queue carries each job. */
export const JOB_QUEUE: Record<JobName, QueueName> = {
  "analyze-template": QUEUE_NAMES.analysis,
  "system-graph": QUEUE_NAMES.analysis,
  "webhook-event": QUEUE_NAMES.analysis,
  "webhook-deliver": QUEUE_NAMES.analysis,
  "webhook-reminders": QUEUE_NAMES.analysis,
};

/** Progress events workers publish for the API's Server-Sent Events, on this Redis channel. */
export const EVENTS_CHANNEL = "threatline:events";
