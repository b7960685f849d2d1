import { Router } from "express";
import { z } from "zod";
import { CreateProjectSchema, IdParamSchema } from "@threatline/domain";
import type { ApiDeps } from "../deps.ts";
import { input, validate } from "../middleware/validate.ts";
import { actorOf } from "../auth/middleware.ts";
import { createProject, getProjectFor, listProjects, toProjectDto } from "../services/projects.service.ts";
import { audit } from "../services/audit.service.ts";

const list = { query: z.object({ name: z.string().optional() }) };
const create = { body: CreateProjectSchema };
const get = { params: IdParamSchema };

export function projectRoutes({ db }: ApiDeps): Router {
  const router = Router();
  router.get("/projects", validate(list), async (_req, res) => {
    res.json({ items: await listProjects(db, actorOf(res), input(res, list).query) });
  });
  router.post("/projects", validate(create), async (_req, res) => {
    const project = await createProject(db, actorOf(res), input(res, create).body);
    await audit(
      { db, actor: actorOf(res) },
      "project.create",
      { type: "project", id: project.id, teamId: project.teamId },
      { name: project.name },
    );
    res.status(201).json(project);
  });
  router.get("/projects/:id", validate(get), async (_req, res) => {
    res.json(toProjectDto(await getProjectFor(db, actorOf(res), input(res, get).params.id)));
  });
  return router;
}
