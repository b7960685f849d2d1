import { Router } from "express";
import { z } from "zod";
import { IdParamSchema, WebhookInputSchema, WebhookPatchSchema } from "@threatline/domain";
import type { ApiDeps } from "../deps.ts";
import { input, validate } from "../middleware/validate.ts";
import { actorOf } from "../auth/middleware.ts";
import {
  createWebhook,
  deleteWebhook,
  expiringAcceptances,
  listDeliveries,
  listWebhooks,
  testWebhook,
  updateWebhook,
} from "../services/webhooks.service.ts";

const team = { params: IdParamSchema };
const create = { params: IdParamSchema, body: WebhookInputSchema };
const one = { params: IdParamSchema.extend({ webhookId: z.uuid() }) };
const patch = { ...one, body: WebhookPatchSchema };
const expiring = { query: z.object({ days: z.coerce.number().int().min(1).max(90).default(14) }) };

/** A team's outgoing webhooks and their delivery log (team admins), and the dashboard's expiring acceptances. */
export function webhookRoutes({ db, queue, config }: ApiDeps): Router {
  const router = Router();
  // Read at each request: the setting is the deployment's, and tests turn it on and off.
  const allowPrivate = () => config.WEBHOOK_ALLOW_PRIVATE ?? false;
  router.get("/teams/:id/webhooks", validate(team), async (_req, res) => {
    res.json({ items: await listWebhooks(db, actorOf(res), input(res, team).params.id) });
  });
  router.post("/teams/:id/webhooks", validate(create), async (_req, res) => {
    const { params, body } = input(res, create);
    res.status(201).json(await createWebhook(db, actorOf(res), params.id, body, allowPrivate()));
  });
  router.patch("/teams/:id/webhooks/:webhookId", validate(patch), async (_req, res) => {
    const { params, body } = input(res, patch);
    res.json(await updateWebhook(db, actorOf(res), params.id, params.webhookId, body, allowPrivate()));
  });
  router.delete("/teams/:id/webhooks/:webhookId", validate(one), async (_req, res) => {
    const { params } = input(res, one);
    await deleteWebhook(db, actorOf(res), params.id, params.webhookId);
    res.status(204).end();
  });
  router.post("/teams/:id/webhooks/:webhookId/test", validate(one), async (_req, res) => {
    const { params } = input(res, one);
    await testWebhook(db, queue, actorOf(res), params.id, params.webhookId);
    res.status(202).json({ queued: true });
  });
  router.get("/teams/:id/webhooks/:webhookId/deliveries", validate(one), async (_req, res) => {
    const { params } = input(res, one);
    res.json({ items: await listDeliveries(db, actorOf(res), params.id, params.webhookId) });
  });
  router.get("/dashboard/expiring", validate(expiring), async (_req, res) => {
    res.json({ items: await expiringAcceptances(db, actorOf(res), input(res, expiring).query.days) });
  });
  return router;
}
