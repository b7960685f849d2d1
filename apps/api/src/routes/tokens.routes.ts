import { Router } from "express";
import { CreateTokenSchema, IdParamSchema } from "@threatline/domain";
import type { ApiDeps } from "../deps.ts";
import { input, validate } from "../middleware/validate.ts";
import { actorOf } from "../auth/middleware.ts";
import { createToken, listTokens, revokeToken } from "../services/tokens.service.ts";

const create = { body: CreateTokenSchema };
const byId = { params: IdParamSchema };

/** The caller's API tokens: list, create (the value is in the 201 answer only), revoke. */
export function tokenRoutes({ db }: ApiDeps): Router {
  const router = Router();
  router.get("/tokens", async (_req, res) => {
    res.json({ items: await listTokens(db, actorOf(res)) });
  });
  router.post("/tokens", validate(create), async (_req, res) => {
    res.setHeader("Cache-Control", "no-store");
    res.status(201).json(await createToken(db, actorOf(res), input(res, create).body));
  });
  router.delete("/tokens/:id", validate(byId), async (_req, res) => {
    res.json(await revokeToken(db, actorOf(res), input(res, byId).params.id));
  });
  return router;
}
