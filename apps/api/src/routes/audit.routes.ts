import { Router } from "express";
import { AuditQuerySchema } from "@threatline/domain";
import type { ApiDeps } from "../deps.ts";
import { input, validate } from "../middleware/validate.ts";
import { actorOf } from "../auth/middleware.ts";
import { listAuditEvents } from "../services/audit.service.ts";

const list = { query: AuditQuerySchema };

/** `GET /audit?action&actor&teamId&from&to&limit`: instance admins read everything, team admins their teams. */
export function auditRoutes({ db }: ApiDeps): Router {
  const router = Router();
  router.get("/audit", validate(list), async (_req, res) => {
    res.json({ items: await listAuditEvents(db, actorOf(res), input(res, list).query) });
  });
  return router;
}
