import { Router } from "express";
import { CreateUserSchema, IdParamSchema } from "@threatline/domain";
import type { ApiDeps } from "../deps.ts";
import { input, validate } from "../middleware/validate.ts";
import { actorOf } from "../auth/middleware.ts";
import { createUser, deleteUser, listUsers, unlockUser } from "../services/users.service.ts";

const create = { body: CreateUserSchema };
const byId = { params: IdParamSchema };

/** User accounts (instance administrators only). */
export function userRoutes({ db }: ApiDeps): Router {
  const router = Router();
  router.get("/users", async (_req, res) => {
    res.json({ items: await listUsers(db, actorOf(res)) });
  });
  router.post("/users", validate(create), async (_req, res) => {
    res.status(201).json(await createUser(db, actorOf(res), input(res, create).body));
  });
  router.post("/users/:id/unlock", validate(byId), async (_req, res) => {
    res.json(await unlockUser(db, actorOf(res), input(res, byId).params.id));
  });
  router.delete("/users/:id", validate(byId), async (_req, res) => {
    await deleteUser(db, actorOf(res), input(res, byId).params.id);
    res.status(204).end();
  });
  return router;
}
