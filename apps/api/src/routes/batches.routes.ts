import { Router } from "express";
import {
  BatchListQuerySchema,
  IdParamSchema,
  batchStreamMessage,
  isFinalStatus,
  type AnalysisEvent,
  type BatchStreamEventName,
  type BatchStreamEvents,
} from "@threatline/domain";
import type { ApiDeps } from "../deps.ts";
import { input, validate } from "../middleware/validate.ts";
import { actorOf } from "../auth/middleware.ts";
import { cancelBatch, getBatch, listBatches } from "../services/analyses.service.ts";
import { audit } from "../services/audit.service.ts";

const byId = { params: IdParamSchema };
const batches = { query: BatchListQuerySchema };

/** Seconds between SSE comments that keep proxies from closing an idle stream. */
const HEARTBEAT_MS = 15_000;

/** Batches (one submission of many files): the list, one batch, cancelling it, and its live progress over SSE. */
export function batchRoutes(deps: ApiDeps): Router {
  const { db, queue, events } = deps;
  const router = Router();

  router.get("/batches", validate(batches), async (_req, res) => {
    res.json({ items: await listBatches(db, actorOf(res), input(res, batches).query) });
  });
  router.get("/batches/:id", validate(byId), async (_req, res) => {
    res.json(await getBatch(db, actorOf(res), input(res, byId).params.id));
  });
  router.post("/batches/:id/cancel", validate(byId), async (_req, res) => {
    const batch = await cancelBatch(db, queue, actorOf(res), input(res, byId).params.id);
    await audit({ db, actor: actorOf(res) }, "batch.cancel", {
      type: "batch",
      id: batch.id,
      projectId: batch.projectId,
    });
    res.json(batch);
  });

  /**
   * Server-Sent Events: a `snapshot` of the batch first, then an `analysis` event per status change, then
   * `done` when every analysis is final. Subscribed before the snapshot is read, so no change is missed.
   */
  router.get("/batches/:id/events", validate(byId), async (req, res) => {
    const actor = actorOf(res);
    const batchId = input(res, byId).params.id;
    await getBatch(db, actor, batchId);
    const pending: AnalysisEvent[] = [];
    let ready = false;
    let closed = false;
    const send = <E extends BatchStreamEventName>(event: E, data: BatchStreamEvents[E]) =>
      res.write(batchStreamMessage(event, data));
    const finishIfDone = async () => {
      const batch = await getBatch(db, actor, batchId);
      if (!closed && batch.analyses.every((a) => isFinalStatus(a.status))) {
        send("done", batch);
        stop();
      }
    };
    const unsubscribe = events.on({ batchId }, (event) => {
      if (!ready) {
        pending.push(event);
        return;
      }
      send("analysis", event);
      if (isFinalStatus(event.status)) void finishIfDone().catch(() => undefined);
    });
    const heartbeat = setInterval(() => res.write(": keep-alive\n\n"), HEARTBEAT_MS);
    const stop = () => {
      if (closed) return;
      closed = true;
      clearInterval(heartbeat);
      unsubscribe();
      res.end();
    };
    req.on("close", stop);

    res.writeHead(200, {
      "Content-Type": "text/event-stream",
      "Cache-Control": "no-cache, no-transform",
      Connection: "keep-alive",
      "X-Accel-Buffering": "no",
    });
    const snapshot = await getBatch(db, actor, batchId);
    send("snapshot", snapshot);
    ready = true;
    for (const event of pending) send("analysis", event);
    if (snapshot.analyses.every((a) => isFinalStatus(a.status))) {
      send("done", snapshot);
      stop();
    }
  });
  return router;
}
