import { z } from "zod";

const MB = 1024 * 1024;

/** Every setting of the API, read from the environment once at boot. */
export const ApiConfigSchema = z.object({
  /** Port the HTTP server listens on. */
  PORT: z.coerce.number().int().min(0).max(65535).default(8080),
  /** Interface to listen on. Loopback by default: exposing Threatline is a deliberate choice. */
  HOST: z.string().default("127.0.0.1"),
  /** PostgreSQL connection string. Unset: an embedded PGlite under DATA_DIR (one-process mode only). */
  DATABASE_URL: z.url().optional(),
  /** Redis connection string. */
  REDIS_URL: z.url().default("redis://127.0.0.1:6379"),
  /** Prefix for every Redis key, so deployments can share a Redis. */
  REDIS_PREFIX: z.string().default("threatline"),
  /** Where the embedded database and a self-started Redis keep their data. */
  DATA_DIR: z.string().default("./.data"),
  /** Largest template file accepted, in bytes. */
  MAX_FILE_BYTES: z.coerce.number().int().positive().default(5 * MB),
  /** Most files in one submission. */
  MAX_FILES: z.coerce.number().int().positive().default(500),
  /** Largest request body of a submission (all files together, or the zip), in bytes. */
  MAX_SUBMISSION_BYTES: z.coerce.number().int().positive().default(50 * MB),
  /** Log level: fatal, error, warn, info, debug, trace or silent. */
  LOG_LEVEL: z.enum(["fatal", "error", "warn", "info", "debug", "trace", "silent"]).default("info"),
  /** Directory of the built SPA to serve; empty to serve none. */
  WEB_DIST: z.string().optional(),
});
export type ApiConfig = z.infer<typeof ApiConfigSchema>;

/** Parses the environment; exits with a readable message when a setting is wrong. */
export function loadConfig<S extends z.ZodType>(schema: S, env: NodeJS.ProcessEnv = process.env): z.infer<S> {
  const parsed = schema.safeParse(env);
  if (!parsed.success) {
    const lines = parsed.error.issues.map((i) => `  ${i.path.join(".")}: ${i.message}`);
    process.stderr.write(`Threatline cannot start: invalid settings\n${lines.join("\n")}\n`);
    process.exit(78);
  }
  return parsed.data;
}
