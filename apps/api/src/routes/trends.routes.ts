import { Router } from "express";
import { z } from "zod";
import { IdParamSchema } from "@threatline/domain";
import type { ApiDeps } from "../deps.ts";
import { input, validate } from "../middleware/validate.ts";
import { actorOf } from "../auth/middleware.ts";
import { projectTimeline, projectTrend } from "../services/trends.service.ts";

const trend = { params: IdParamSchema, query: z.object({ days: z.coerce.number().int().min(1).max(730).default(90) }) };
const timeline = {
  params: IdParamSchema,
  query: z.object({ limit: z.coerce.number().int().min(1).max(500).default(100) }),
};

/** A project's risk over time and its analysis timeline. */
export function trendRoutes({ db }: ApiDeps): Router {
  const router = Router();
  router.get("/projects/:id/trend", validate(trend), async (_req, res) => {
    const { params, query } = input(res, trend);
    res.json({ items: await projectTrend(db, actorOf(res), params.id, query.days) });
  });
  router.get("/projects/:id/timeline", validate(timeline), async (_req, res) => {
    const { params, query } = input(res, timeline);
    res.json({ items: await projectTimeline(db, actorOf(res), params.id, query.limit) });
  });
  return router;
}
