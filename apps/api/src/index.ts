/**
 * What other packages use of the API: building the app and its dependencies, its configuration, and the
 * first accounts. `main.ts` runs it on its own; `apps/server` runs it beside the worker; tests and benchmarks
 * drive `createApp`. Anything not exported here is the API's own.
 */
export { createApp, FEATURE_ROUTES, type RouteFactory } from "./app.ts";
export { buildApiDeps } from "./bootstrap.ts";
export { ApiConfigSchema, AuthConfigSchema, loadConfig, type ApiConfig, type AuthConfig } from "./config.ts";
export type { ApiDeps } from "./deps.ts";
export { bootstrapAccounts, type BootstrapResult } from "./auth/bootstrap-accounts.ts";
export { newTokenValue } from "./services/tokens.service.ts";
