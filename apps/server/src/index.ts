/** The one-process server (API, worker and SPA on one port), for `main.ts`, the browser tests and benchmarks. */
export { ServerConfigSchema, startServer, type RunningServer, type ServerConfig } from "./server.ts";
