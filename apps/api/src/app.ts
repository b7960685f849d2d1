import { randomUUID } from "node:crypto";
import { existsSync } from "node:fs";
import { join, resolve } from "node:path";
import express, { type Express, Router } from "express";
import helmet from "helmet";
import { pinoHttp } from "pino-http";
import type { ApiDeps } from "./deps.ts";
import { errorHandler, notFound } from "./middleware/errors.ts";
import { healthRoutes } from "./routes/health.routes.ts";
import { projectRoutes } from "./routes/projects.routes.ts";
import { submissionRoutes } from "./routes/submissions.routes.ts";
import { analysisRoutes } from "./routes/analyses.routes.ts";
import { batchRoutes } from "./routes/batches.routes.ts";
import { authenticate, authSettings, ensureDefaultTeam } from "./auth/middleware.ts";
import { authRoutes } from "./routes/auth.routes.ts";
import { tokenRoutes } from "./routes/tokens.routes.ts";
import { teamRuleRoutes } from "./routes/team-rules.routes.ts";
import { teamRoutes } from "./routes/teams.routes.ts";
import { userRoutes } from "./routes/users.routes.ts";
import { auditRoutes } from "./routes/audit.routes.ts";
import { dashboardRoutes } from "./routes/dashboard.routes.ts";
import { templateRoutes } from "./routes/templates.routes.ts";
import { trendRoutes } from "./routes/trends.routes.ts";
import { triageRoutes } from "./routes/triage.routes.ts";
import { exportRoutes } from "./routes/exports.routes.ts";
import { systemGraphRoutes } from "./routes/system-graph.routes.ts";
import { threatModelRoutes } from "./routes/threat-model.routes.ts";
import { followUpRoutes } from "./routes/follow-up.routes.ts";
import { webhookRoutes } from "./routes/webhooks.routes.ts";
import { mountObservability, queueDashboardRoutes } from "./observability/index.ts";

/** Routers mounted under /api/v1 besides the core ones; features add theirs here. */
export type RouteFactory = (deps: ApiDeps) => Router;
export const FEATURE_ROUTES: RouteFactory[] = [];
FEATURE_ROUTES.push(
  dashboardRoutes,
  templateRoutes,
  trendRoutes,
  triageRoutes,
  exportRoutes,
  systemGraphRoutes,
  threatModelRoutes,
  followUpRoutes,
  webhookRoutes,
);

/**
 * Builds the Express app without listening: main.ts listens, tests drive it with supertest. The API lives
 * under /api/v1; the built SPA, when there is one, is served from / with history fallback.
 */
export async function createApp(deps: ApiDeps): Promise<Express> {
  const app = express();
  app.disable("x-powered-by");
  app.set("trust proxy", authSettings(deps.config).TRUST_PROXY);
  app.use(
    helmet({
      contentSecurityPolicy: {
        directives: {
          defaultSrc: ["'self'"],
          scriptSrc: ["'self'"],
          styleSrc: ["'self'", "'unsafe-inline'"],
          imgSrc: ["'self'", "data:", "blob:"],
          // Helmet's default also allows fonts from any https: origin; the SPA bundles its own.
          fontSrc: ["'self'", "data:"],
          connectSrc: ["'self'"],
          objectSrc: ["'none'"],
          frameAncestors: ["'none'"],
        },
      },
    }),
  );
  app.use(
    pinoHttp({
      logger: deps.logger,
      autoLogging: { ignore: (req) => req.url === "/healthz" || req.url === "/readyz" },
      genReqId: (req, res) => {
        const incoming = req.headers["x-request-id"];
        const id = typeof incoming === "string" && /^[\w-]{1,64}$/.test(incoming) ? incoming : randomUUID();
        res.setHeader("X-Request-Id", id);
        return id;
      },
      // Bodies and headers are never logged: bodies hold templates, headers hold credentials.
      serializers: {
        req: (req: { id: unknown; method: string; url: string }) => ({ id: req.id, method: req.method, url: req.url }),
        res: (res: { statusCode: number }) => ({ statusCode: res.statusCode }),
      },
    }),
  );
  app.use(healthRoutes(deps));
  mountObservability(app, deps);

  await ensureDefaultTeam(deps.db);
  const api = Router();
  // Before any body parser: unauthenticated requests are refused without reading their bodies.
  api.use(authenticate(deps));
  api.use(submissionRoutes(deps));
  // Imports carry a whole threat model document; every other JSON body is small.
  api.post(
    "/projects/:id/imports",
    express.json({ limit: deps.config.MAX_FILE_BYTES }),
    // STRIDE GPT's Markdown is imported as text.
    express.text({ type: ["text/markdown", "text/plain"], limit: deps.config.MAX_FILE_BYTES }),
  );
  api.use(express.json({ limit: "1mb" }));
  api.use(
    authRoutes(deps),
    tokenRoutes(deps),
    teamRoutes(deps),
    teamRuleRoutes(deps),
    userRoutes(deps),
    auditRoutes(deps),
  );
  api.use(projectRoutes(deps));
  api.use(batchRoutes(deps));
  api.use(analysisRoutes(deps));
  for (const routes of FEATURE_ROUTES) api.use(routes(deps));
  // The BullMQ dashboard sits after the authentication middleware, for administrators only.
  api.use(queueDashboardRoutes(deps));
  api.use(notFound);
  app.use("/api/v1", api);

  const webDist = deps.config.WEB_DIST ? resolve(deps.config.WEB_DIST) : undefined;
  if (webDist && existsSync(join(webDist, "index.html"))) {
    app.use(express.static(webDist, { index: false, maxAge: "1h" }));
    app.get(/^\/(?!api\/).*/, (_req, res) => res.sendFile(join(webDist, "index.html")));
  }
  app.use(notFound);
  app.use(errorHandler(deps.logger));
  return app;
}
