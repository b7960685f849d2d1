import { Router } from "express";
import { z } from "zod";
import { loadLlmConfig, type LlmConfig } from "@threatline/llm";
import type { ApiDeps } from "../deps.ts";
import { input, validate } from "../middleware/validate.ts";
import { actorOf } from "../auth/middleware.ts";
import { createDashboardCache, getDashboard, llmSettings } from "../services/dashboard.service.ts";

const dashboard = { query: z.object({ days: z.coerce.number().int().min(7).max(365).default(30) }) };

/** The environment is read once, when the routes are built, as main.ts reads the rest of the settings. */
function readLlm(): { llm: LlmConfig | null; error: string | null } {
  try {
    return { llm: loadLlmConfig(process.env), error: null };
  } catch (error) {
    return { llm: null, error: error instanceof Error ? error.message : String(error) };
  }
}

/** The team dashboard and the read-only model settings. */
export function dashboardRoutes({ db, queue }: ApiDeps): Router {
  const router = Router();
  const { llm, error } = readLlm();
  const cache = createDashboardCache();
  router.get("/dashboard", validate(dashboard), async (_req, res) => {
    res.json(await getDashboard(db, queue, actorOf(res), input(res, dashboard).query.days, new Date(), cache));
  });
  router.get("/settings/llm", async (_req, res) => {
    res.json(await llmSettings(db, actorOf(res), llm, error));
  });
  return router;
}
