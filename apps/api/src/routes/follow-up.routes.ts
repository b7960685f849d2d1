import { Router } from "express";
import { z } from "zod";
import { IdParamSchema, ThreatCommentInputSchema, ThreatFollowUpPatchSchema } from "@threatline/domain";
import type { ApiDeps } from "../deps.ts";
import { input, validate } from "../middleware/validate.ts";
import { actorOf } from "../auth/middleware.ts";
import {
  addComment,
  deleteComment,
  getFollowUp,
  listComments,
  listProjectMembers,
  setFollowUp,
} from "../services/follow-up.service.ts";
import { notifyAssigned } from "../services/webhooks.service.ts";

const FingerprintParams = IdParamSchema.extend({ fingerprint: z.string().min(1).max(200) });
const project = { params: IdParamSchema };
const threat = { params: FingerprintParams };
const patch = { params: FingerprintParams, body: ThreatFollowUpPatchSchema };
const comment = { params: FingerprintParams, body: ThreatCommentInputSchema };
const oneComment = { params: FingerprintParams.extend({ commentId: z.uuid() }) };

/** A threat's assignee, ticket link and comments (issue #22), and the people a threat can be assigned to. */
export function followUpRoutes(deps: ApiDeps): Router {
  const { db } = deps;
  const router = Router();
  router.get("/projects/:id/members", validate(project), async (_req, res) => {
    res.json({ items: await listProjectMembers(db, actorOf(res), input(res, project).params.id) });
  });
  router.get("/projects/:id/threats/:fingerprint/follow-up", validate(threat), async (_req, res) => {
    const { params } = input(res, threat);
    res.json(await getFollowUp(db, actorOf(res), params.id, params.fingerprint));
  });
  router.patch("/projects/:id/threats/:fingerprint/follow-up", validate(patch), async (_req, res) => {
    const { params, body } = input(res, patch);
    const change = await setFollowUp(db, actorOf(res), params.id, params.fingerprint, body);
    // The assignment is recorded; telling webhooks is best effort (a Redis outage must not undo it).
    if (change.newlyAssigned)
      await notifyAssigned(deps.queue, params.id, params.fingerprint, change.newlyAssigned).catch((err: unknown) =>
        deps.logger.warn({ err }, "could not queue the threat.assigned webhook event"),
      );
    res.json(change.followUp);
  });
  router.get("/projects/:id/threats/:fingerprint/comments", validate(threat), async (_req, res) => {
    const { params } = input(res, threat);
    res.json({ items: await listComments(db, actorOf(res), params.id, params.fingerprint) });
  });
  router.post("/projects/:id/threats/:fingerprint/comments", validate(comment), async (_req, res) => {
    const { params, body } = input(res, comment);
    res.status(201).json(await addComment(db, actorOf(res), params.id, params.fingerprint, body));
  });
  router.delete("/projects/:id/threats/:fingerprint/comments/:commentId", validate(oneComment), async (_req, res) => {
    const { params } = input(res, oneComment);
    await deleteComment(db, actorOf(res), params.id, params.fingerprint, params.commentId);
    res.status(204).end();
  });
  return router;
}
