import { Router, type NextFunction, type Request, type Response } from "express";
import { createBullBoard } from "@bull-board/api";
import { BullMQAdapter } from "@bull-board/api/bullMQAdapter";
import { ExpressAdapter } from "@bull-board/express";
import { AppError } from "@threatline/domain";
import type { ApiDeps } from "../deps.ts";
import { actorOf } from "../auth/middleware.ts";

/** Where the queue dashboard lives: inside /api/v1, so it sits behind the same authentication as the API. */
export const QUEUE_DASHBOARD_PATH = "/admin/queues";
export const QUEUE_DASHBOARD_URL = `/api/v1${QUEUE_DASHBOARD_PATH}`;

function requireAdmin(_req: Request, res: Response, next: NextFunction): void {
  const actor = actorOf(res) as ReturnType<typeof actorOf> | undefined;
  if (!actor?.isAdmin) return next(new AppError("auth/forbidden", "The queue dashboard is for administrators."));
  next();
}

/**
 * The BullMQ dashboard (bull-board) for administrators: queue depth, failed jobs with their errors, retry and
 * clean. Mounted after the API's authentication middleware, and admins only.
 */
export function queueDashboardRoutes(deps: ApiDeps): Router {
  const serverAdapter = new ExpressAdapter();
  serverAdapter.setBasePath(QUEUE_DASHBOARD_URL);
  createBullBoard({
    queues: [new BullMQAdapter(deps.queue)],
    serverAdapter,
    options: { uiConfig: { boardTitle: "Threatline queues" } },
  });
  const router = Router();
  router.use(QUEUE_DASHBOARD_PATH, requireAdmin, serverAdapter.getRouter() as Router);
  return router;
}
