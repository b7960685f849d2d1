import { z } from "zod";
import { exitIfMetricsOpen } from "@threatline/queue";
import { ApiConfigSchema, loadConfig } from "./config.ts";
import { createApp } from "./app.ts";
import { buildApiDeps } from "./bootstrap.ts";
import { bootstrapAccounts } from "./auth/bootstrap-accounts.ts";
import { createLogger } from "./lib/logger.ts";
import { serve } from "./serve.ts";

// The standalone API (scale-out). `npm start` runs API, worker and SPA in one process instead (apps/server).
const config = loadConfig(ApiConfigSchema.extend({ DATABASE_URL: z.url() }));
exitIfMetricsOpen({ host: config.HOST, setting: "HOST" }, config.METRICS_TOKEN, "Threatline API");
const logger = createLogger(config.LOG_LEVEL, "api");
const api = await buildApiDeps(config, logger);
await bootstrapAccounts(api.deps.db, config);
const app = await createApp(api.deps);
await serve(app, config, logger, () => api.close());
