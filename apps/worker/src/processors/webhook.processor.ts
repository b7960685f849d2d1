import { UnrecoverableError, type Job } from "bullmq";
import type { Prisma } from "@threatline/db";
import { DEFAULT_WEBHOOK_SETTINGS, JOB_PAYLOADS, type WebhookSettings } from "@threatline/queue";
import type { WorkerDeps } from "../deps.ts";
import { postWebhook, signBody } from "../webhooks/deliver.ts";
import {
  assignedEvent,
  criticalNewEvent,
  enqueueDeliveries,
  expiringReminders,
  testEvent,
  type EventDeps,
} from "../webhooks/events.ts";

function settingsOf(deps: WorkerDeps): WebhookSettings {
  return { ...DEFAULT_WEBHOOK_SETTINGS, ...deps.webhooks };
}

function eventDeps(deps: WorkerDeps): EventDeps {
  return { db: deps.db, queue: deps.queue, webhooks: settingsOf(deps) };
}

/** `webhook-event`: records a delivery for each webhook that subscribes to the event, and enqueues them. */
export function webhookEventProcessor(deps: WorkerDeps) {
  return async (job: Job): Promise<{ deliveries: number }> => {
    const event = JOB_PAYLOADS["webhook-event"].parse(job.data);
    const ed = eventDeps(deps);
    const ids =
      event.type === "webhook.test"
        ? await testEvent(ed, event.webhookId)
        : event.type === "threat.critical.new"
          ? await criticalNewEvent(ed, event.analysisId)
          : await assignedEvent(ed, event);
    await enqueueDeliveries(ed, ids);
    return { deliveries: ids.length };
  };
}

/** `webhook-reminders`: reminders of acceptances about to expire (the daily scheduler, or a run on demand). */
export function webhookRemindersProcessor(deps: WorkerDeps) {
  return async (job: Job): Promise<{ deliveries: number }> => {
    const { now } = JOB_PAYLOADS["webhook-reminders"].parse(job.data);
    const ed = eventDeps(deps);
    const ids = await expiringReminders(ed, now ? new Date(now) : new Date());
    await enqueueDeliveries(ed, ids);
    deps.logger.info({ jobId: job.id, deliveries: ids.length }, "acceptance reminders");
    return { deliveries: ids.length };
  };
}

/**
 * `webhook-deliver`: one try of one delivery. Every try is logged (status code, duration, error); a failure is
 * thrown so BullMQ retries it with exponential backoff, up to WEBHOOK_MAX_ATTEMPTS, then the delivery is failed.
 */
export function webhookDeliverProcessor(deps: WorkerDeps) {
  return async (job: Job): Promise<{ status: string }> => {
    const { deliveryId } = JOB_PAYLOADS["webhook-deliver"].parse(job.data);
    const settings = settingsOf(deps);
    const delivery = await deps.db.webhookDelivery.findUnique({
      where: { id: deliveryId },
      include: { webhook: true },
    });
    if (!delivery) return { status: "gone" };
    if (delivery.status !== "pending") return { status: delivery.status };
    const attempt = job.attemptsMade + 1;
    const last = attempt >= (job.opts.attempts ?? 1);
    const log = async (result: { statusCode: number | null; durationMs: number; error: string | null }) =>
      deps.db.webhookAttempt.create({ data: { deliveryId, attempt, ...result } });
    if (!delivery.webhook.enabled) {
      await log({ statusCode: null, durationMs: 0, error: "the webhook is disabled" });
      await deps.db.webhookDelivery.update({ where: { id: deliveryId }, data: { status: "failed" } });
      return { status: "failed" };
    }
    const payload = {
      ...(delivery.payload as Prisma.JsonObject),
      id: deliveryId,
      sentAt: new Date().toISOString(),
    };
    const body = JSON.stringify(payload);
    const result = await postWebhook(
      delivery.webhook.url,
      body,
      {
        "x-threatline-event": delivery.event,
        "x-threatline-delivery": deliveryId,
        "x-threatline-signature-256": signBody(delivery.webhook.secret, body),
      },
      { timeoutMs: settings.WEBHOOK_TIMEOUT_MS, allowPrivate: settings.WEBHOOK_ALLOW_PRIVATE },
    );
    await log(result);
    if (result.error === null) {
      await deps.db.webhookDelivery.update({ where: { id: deliveryId }, data: { status: "succeeded" } });
      return { status: "succeeded" };
    }
    const refused = result.error.startsWith("refused:") || result.error.includes("WEBHOOK_ALLOW_PRIVATE");
    if (last || refused) {
      await deps.db.webhookDelivery.update({ where: { id: deliveryId }, data: { status: "failed" } });
      // A refused address will be refused again: no retry.
      if (refused) throw new UnrecoverableError(result.error);
    }
    throw new Error(`webhook delivery ${deliveryId} attempt ${attempt}: ${result.error}`);
  };
}
