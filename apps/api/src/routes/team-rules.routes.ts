import { Router } from "express";
import { IdParamSchema, TeamRuleSetSchema } from "@threatline/domain";
import type { ApiDeps } from "../deps.ts";
import { input, validate } from "../middleware/validate.ts";
import { actorOf } from "../auth/middleware.ts";
import { getTeamRules, setTeamRules } from "../services/team-rules.service.ts";

const byId = { params: IdParamSchema };
const put = { params: IdParamSchema, body: TeamRuleSetSchema };

/** A team's own rules (the YAML rule format as JSON), run by the worker next to the builtin rules. */
export function teamRuleRoutes({ db }: ApiDeps): Router {
  const router = Router();
  router.get("/teams/:id/rules", validate(byId), async (_req, res) => {
    res.json(await getTeamRules(db, actorOf(res), input(res, byId).params.id));
  });
  router.put("/teams/:id/rules", validate(put), async (_req, res) => {
    const { params, body } = input(res, put);
    res.json(await setTeamRules(db, actorOf(res), params.id, body));
  });
  return router;
}
