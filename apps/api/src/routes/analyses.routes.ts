import { Router } from "express";
import { z } from "zod";
import { IdParamSchema, ThreatQuerySchema } from "@threatline/domain";
import type { ApiDeps } from "../deps.ts";
import { input, validate } from "../middleware/validate.ts";
import { actorOf } from "../auth/middleware.ts";
import {
  getAnalysis,
  analysisThreatSummary,
  listAnalysisThreats,
  retryAnalysis,
} from "../services/analyses.service.ts";
import { audit } from "../services/audit.service.ts";

const byId = { params: IdParamSchema };
const threats = { params: IdParamSchema, query: ThreatQuerySchema };
const retry = {
  params: IdParamSchema,
  body: z.object({ force: z.boolean().default(false) }).default({ force: false }),
};

/** One analysis: its record, its threats and their summary, and a retry. A batch's routes are in batches.routes.ts. */
export function analysisRoutes(deps: ApiDeps): Router {
  const { db, queue } = deps;
  const router = Router();

  router.get("/analyses/:id", validate(byId), async (_req, res) => {
    res.json(await getAnalysis(db, actorOf(res), input(res, byId).params.id));
  });
  router.get("/analyses/:id/threats", validate(threats), async (_req, res) => {
    const { params, query } = input(res, threats);
    res.json(await listAnalysisThreats(db, actorOf(res), params.id, query));
  });
  router.get("/analyses/:id/threat-summary", validate(byId), async (_req, res) => {
    res.json(await analysisThreatSummary(db, actorOf(res), input(res, byId).params.id));
  });
  router.post("/analyses/:id/retry", validate(retry), async (_req, res) => {
    const { params, body } = input(res, retry);
    const analysis = await retryAnalysis(db, queue, actorOf(res), params.id, body.force);
    await audit(
      { db, actor: actorOf(res) },
      "analysis.retry",
      { type: "analysis", id: analysis.id, projectId: analysis.projectId },
      { force: body.force },
    );
    res.status(202).json(analysis);
  });
  return router;
}
