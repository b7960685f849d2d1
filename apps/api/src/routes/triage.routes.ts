import { Router } from "express";
import { z } from "zod";
import { BulkTriageSchema, IdParamSchema, TriageDecisionSchema } from "@threatline/domain";
import type { ApiDeps } from "../deps.ts";
import { input, validate } from "../middleware/validate.ts";
import { actorOf } from "../auth/middleware.ts";
import { decideTriage, listTriage } from "../services/triage.service.ts";

const list = { params: IdParamSchema };
const one = { params: IdParamSchema.extend({ fingerprint: z.string().min(1).max(200) }), body: TriageDecisionSchema };
const bulk = { params: IdParamSchema, body: BulkTriageSchema };

/** Triage decisions per project and fingerprint; every change recomputes the project's risk. */
export function triageRoutes({ db }: ApiDeps): Router {
  const router = Router();
  router.get("/projects/:id/triage", validate(list), async (_req, res) => {
    res.json({ items: await listTriage(db, actorOf(res), input(res, list).params.id) });
  });
  router.put("/projects/:id/triage/:fingerprint", validate(one), async (_req, res) => {
    const { params, body } = input(res, one);
    res.json(await decideTriage(db, actorOf(res), params.id, [params.fingerprint], body));
  });
  router.post("/projects/:id/triage", validate(bulk), async (_req, res) => {
    const { params, body } = input(res, bulk);
    res.json(await decideTriage(db, actorOf(res), params.id, body.fingerprints, body.decision));
  });
  return router;
}
