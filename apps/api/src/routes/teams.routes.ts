import { Router } from "express";
import { z } from "zod";
import { AddMemberSchema, BudgetSchema, ChangeRoleSchema, CreateTeamSchema, IdParamSchema } from "@threatline/domain";
import type { ApiDeps } from "../deps.ts";
import { input, validate } from "../middleware/validate.ts";
import { actorOf } from "../auth/middleware.ts";
import {
  addMember,
  changeRole,
  createTeam,
  listMembers,
  listTeams,
  removeMember,
  setBudget,
} from "../services/teams.service.ts";

const create = { body: CreateTeamSchema };
const byId = { params: IdParamSchema };
const add = { params: IdParamSchema, body: AddMemberSchema };
const member = { params: IdParamSchema.extend({ userId: z.uuid() }) };
const role = { params: member.params, body: ChangeRoleSchema };
const budget = { params: IdParamSchema, body: BudgetSchema };

/** Teams and their members. Creating teams needs an instance admin; membership changes need the team's admin role. */
export function teamRoutes({ db }: ApiDeps): Router {
  const router = Router();
  router.get("/teams", async (_req, res) => {
    res.json({ items: await listTeams(db, actorOf(res)) });
  });
  router.post("/teams", validate(create), async (_req, res) => {
    res.status(201).json(await createTeam(db, actorOf(res), input(res, create).body.name));
  });
  router.get("/teams/:id/members", validate(byId), async (_req, res) => {
    res.json({ items: await listMembers(db, actorOf(res), input(res, byId).params.id) });
  });
  router.post("/teams/:id/members", validate(add), async (_req, res) => {
    const { params, body } = input(res, add);
    res.status(201).json(await addMember(db, actorOf(res), params.id, body));
  });
  router.patch("/teams/:id/members/:userId", validate(role), async (_req, res) => {
    const { params, body } = input(res, role);
    res.json(await changeRole(db, actorOf(res), params.id, params.userId, body.role));
  });
  router.put("/teams/:id/budget", validate(budget), async (_req, res) => {
    const { params, body } = input(res, budget);
    res.json(await setBudget(db, actorOf(res), params.id, body.llmBudgetUsd));
  });
  router.delete("/teams/:id/members/:userId", validate(member), async (_req, res) => {
    const { params } = input(res, member);
    await removeMember(db, actorOf(res), params.id, params.userId);
    res.status(204).end();
  });
  return router;
}
