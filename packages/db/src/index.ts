export { createDb, type Db, type DbOptions } from "./client.ts";
export { isUpToDate, migrateDatabase } from "./migrate.ts";
export { startEmbeddedPostgres, type EmbeddedPostgres } from "./embedded.ts";
export { Prisma } from "./generated/client.ts";
export type * from "./generated/client.ts";
export { RISKY_RESOURCES_KEPT, refreshCurrentAggregates, refreshProjectRisk, type ProjectRisk } from "./risk.ts";
export { threatRows } from "./threats.ts";
export { isDatabaseUnavailable } from "./unavailable.ts";
