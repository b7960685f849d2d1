import { Router } from "express";
import { z } from "zod";
import { IdParamSchema } from "@threatline/domain";
import type { ApiDeps } from "../deps.ts";
import { input, validate } from "../middleware/validate.ts";
import { actorOf } from "../auth/middleware.ts";
import { getSystemGraph } from "../services/system-graph.service.ts";

const get = {
  params: IdParamSchema,
  query: z.object({ version: z.coerce.number().int().positive().optional() }),
};

/** A project's templates drawn as one system (issue #19). */
export function systemGraphRoutes({ db }: ApiDeps): Router {
  const router = Router();
  router.get("/projects/:id/system-graph", validate(get), async (_req, res) => {
    const { params, query } = input(res, get);
    res.json(await getSystemGraph(db, actorOf(res), params.id, query.version));
  });
  return router;
}
