import { Router } from "express";
import { z } from "zod";
import {
  AssumptionInputSchema,
  AssumptionPatchSchema,
  IdParamSchema,
  ManualThreatInputSchema,
  MitigationInputSchema,
  MitigationPatchSchema,
  ThreatEditInputSchema,
} from "@threatline/domain";
import type { ApiDeps } from "../deps.ts";
import { input, validate } from "../middleware/validate.ts";
import { actorOf } from "../auth/middleware.ts";
import {
  createManualThreat,
  createMitigation,
  deleteAssumption,
  deleteManualThreat,
  deleteMitigation,
  editThreat,
  listAssumptions,
  listMitigations,
  saveAssumption,
  updateMitigation,
} from "../services/threat-model.service.ts";

const FingerprintParams = IdParamSchema.extend({ fingerprint: z.string().min(1).max(200) });
const project = { params: IdParamSchema };
const addThreat = { params: IdParamSchema, body: ManualThreatInputSchema };
const threat = { params: FingerprintParams };
const edit = { params: FingerprintParams, body: ThreatEditInputSchema };
const addMitigation = { params: IdParamSchema, body: MitigationInputSchema };
const mitigation = { params: IdParamSchema.extend({ mitigationId: z.uuid() }) };
const patchMitigation = { ...mitigation, body: MitigationPatchSchema };
const addAssumption = { params: IdParamSchema, body: AssumptionInputSchema };
const assumption = { params: IdParamSchema.extend({ assumptionId: z.uuid() }) };
const patchAssumption = { ...assumption, body: AssumptionPatchSchema };

/** Threats written by hand, edits of generated threats, mitigations and assumptions of a project. */
export function threatModelRoutes({ db }: ApiDeps): Router {
  const router = Router();
  router.post("/projects/:id/threats", validate(addThreat), async (_req, res) => {
    const { params, body } = input(res, addThreat);
    res.status(201).json(await createManualThreat(db, actorOf(res), params.id, body));
  });
  router.patch("/projects/:id/threats/:fingerprint", validate(edit), async (_req, res) => {
    const { params, body } = input(res, edit);
    res.json(await editThreat(db, actorOf(res), params.id, params.fingerprint, body));
  });
  router.delete("/projects/:id/threats/:fingerprint", validate(threat), async (_req, res) => {
    const { params } = input(res, threat);
    await deleteManualThreat(db, actorOf(res), params.id, params.fingerprint);
    res.status(204).end();
  });

  router.get("/projects/:id/mitigations", validate(project), async (_req, res) => {
    res.json({ items: await listMitigations(db, actorOf(res), input(res, project).params.id) });
  });
  router.post("/projects/:id/mitigations", validate(addMitigation), async (_req, res) => {
    const { params, body } = input(res, addMitigation);
    res.status(201).json(await createMitigation(db, actorOf(res), params.id, body));
  });
  router.patch("/projects/:id/mitigations/:mitigationId", validate(patchMitigation), async (_req, res) => {
    const { params, body } = input(res, patchMitigation);
    res.json(await updateMitigation(db, actorOf(res), params.id, params.mitigationId, body));
  });
  router.delete("/projects/:id/mitigations/:mitigationId", validate(mitigation), async (_req, res) => {
    const { params } = input(res, mitigation);
    await deleteMitigation(db, actorOf(res), params.id, params.mitigationId);
    res.status(204).end();
  });

  router.get("/projects/:id/assumptions", validate(project), async (_req, res) => {
    res.json({ items: await listAssumptions(db, actorOf(res), input(res, project).params.id) });
  });
  router.post("/projects/:id/assumptions", validate(addAssumption), async (_req, res) => {
    const { params, body } = input(res, addAssumption);
    res.status(201).json(await saveAssumption(db, actorOf(res), params.id, null, body));
  });
  router.patch("/projects/:id/assumptions/:assumptionId", validate(patchAssumption), async (_req, res) => {
    const { params, body } = input(res, patchAssumption);
    res.json(await saveAssumption(db, actorOf(res), params.id, params.assumptionId, body));
  });
  router.delete("/projects/:id/assumptions/:assumptionId", validate(assumption), async (_req, res) => {
    const { params } = input(res, assumption);
    await deleteAssumption(db, actorOf(res), params.id, params.assumptionId);
    res.status(204).end();
  });
  return router;
}
