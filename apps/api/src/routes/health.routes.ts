import { Router } from "express";
import type { ApiDeps } from "../deps.ts";

async function within<T>(ms: number, work: Promise<T>): Promise<T> {
  return Promise.race([work, new Promise<T>((_, reject) => setTimeout(() => reject(new Error("timeout")), ms))]);
}

/** `/healthz`: the process is up. `/readyz`: PostgreSQL and Redis answer (load balancers route on it). */
export function healthRoutes(deps: ApiDeps): Router {
  const router = Router();
  router.get("/healthz", (_req, res) => {
    res.json({ status: "ok" });
  });
  router.get("/readyz", async (_req, res) => {
    const [database, redis] = await Promise.all([
      within(2_000, deps.db.$queryRaw`SELECT 1`).then(
        () => "ok",
        () => "unavailable",
      ),
      within(2_000, deps.redis.ping()).then(
        () => "ok",
        () => "unavailable",
      ),
    ]);
    const ready = database === "ok" && redis === "ok";
    res.status(ready ? 200 : 503).json({ status: ready ? "ready" : "not-ready", checks: { database, redis } });
  });
  return router;
}
