import { Router } from "express";
import { z } from "zod";
import { CurrentThreatQuerySchema, IdParamSchema } from "@threatline/domain";
import type { ApiDeps } from "../deps.ts";
import { input, validate } from "../middleware/validate.ts";
import { actorOf } from "../auth/middleware.ts";
import { analysisSource, diffVersions, listCurrentThreats, listTemplates } from "../services/templates.service.ts";

const byId = { params: IdParamSchema };
const threats = { params: IdParamSchema, query: CurrentThreatQuerySchema };
const source = { params: IdParamSchema, query: z.object({ reveal: z.enum(["true", "false"]).optional() }) };
const diff = { params: IdParamSchema, query: z.object({ from: z.uuid(), to: z.uuid() }) };

/** A project's templates and versions, its current threats, version diffs, and analysed sources. */
export function templateRoutes({ db }: ApiDeps): Router {
  const router = Router();
  router.get("/projects/:id/templates", validate(byId), async (_req, res) => {
    res.json({ items: await listTemplates(db, actorOf(res), input(res, byId).params.id) });
  });
  router.get("/projects/:id/threats", validate(threats), async (_req, res) => {
    const { params, query } = input(res, threats);
    res.json(await listCurrentThreats(db, actorOf(res), params.id, query));
  });
  router.get("/projects/:id/diff", validate(diff), async (_req, res) => {
    const { params, query } = input(res, diff);
    res.json(await diffVersions(db, actorOf(res), params.id, query.from, query.to));
  });
  router.get("/analyses/:id/source", validate(source), async (_req, res) => {
    const { params, query } = input(res, source);
    const reveal = query.reveal === "true";
    // A revealed file carries secrets: no cache keeps it past the reader's look.
    res.setHeader("Cache-Control", reveal ? "no-store" : "private, max-age=3600");
    res.json(await analysisSource(db, actorOf(res), params.id, reveal));
  });
  return router;
}
