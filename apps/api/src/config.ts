import { z } from "zod";
import { MetricsTokenSchema, WebhookSettingsSchema } from "@threatline/queue";

const MB = 1024 * 1024;

/**
 * Accounts, sessions and login throttling. Separate so the auth code can fill in defaults from a partial
 * config (tests build one by hand).
 */
export const AuthConfigSchema = z.object({
  /** E-mail of the administrator created on first run (when there are no users). Default `admin@localhost`. */
  THREATLINE_ADMIN_EMAIL: z.email().optional(),
  /** Password of that first administrator; unset: one is generated and printed once to stdout. At least 12 characters. */
  THREATLINE_ADMIN_PASSWORD: z.string().min(12).max(256).optional(),
  /**
   * An API token to provision for the first administrator (all scopes, every team of theirs), for automation.
   * Only its sha256 is stored. Must look like a Threatline token: `tl_` and at least 32 URL-safe characters.
   */
  THREATLINE_BOOTSTRAP_TOKEN: z
    .string()
    .regex(/^tl_[A-Za-z0-9_-]{32,200}$/, "must be tl_ followed by at least 32 URL-safe characters")
    .optional(),
  /** A browser session ends this many hours after login, however active. */
  SESSION_TTL_HOURS: z.coerce
    .number()
    .positive()
    .max(24 * 30)
    .default(12),
  /** A browser session ends after this many minutes without a request. */
  SESSION_IDLE_MINUTES: z.coerce
    .number()
    .positive()
    .max(24 * 60)
    .default(60),
  /**
   * Whether the session cookie is `Secure`. `auto`: when the request came over HTTPS (directly or via a trusted
   * proxy's X-Forwarded-Proto). Set `true` behind a TLS-terminating proxy that is not on loopback.
   */
  COOKIE_SECURE: z.enum(["auto", "true", "false"]).default("auto"),
  /**
   * Which proxies' X-Forwarded-For / X-Forwarded-Proto to believe (Express "trust proxy"): `loopback` (default),
   * a comma-separated list of addresses/CIDRs or `loopback`/`linklocal`/`uniquelocal`, a hop count, or `false`.
   * Behind a reverse proxy on another host this must name it: otherwise every client shares the proxy's address
   * and the per-IP login limit locks everyone out together.
   */
  TRUST_PROXY: z
    // Also takes its own parsed output, since the auth code re-reads settings from an already parsed config.
    .union([z.number().int().min(0), z.literal(false), z.string()])
    .default("loopback")
    .transform((v): string | number | false =>
      typeof v !== "string" ? v : v === "false" ? false : /^\d+$/.test(v) ? Number(v) : v,
    )
    .refine((v) => v !== "true", "true would trust any client's X-Forwarded-For; name the proxies"),
  /** Failed logins in a row after which an account is locked. */
  LOGIN_MAX_FAILURES: z.coerce.number().int().min(1).max(100).default(5),
  /** How long a locked account stays locked, in minutes. */
  LOGIN_LOCK_MINUTES: z.coerce
    .number()
    .positive()
    .max(24 * 60)
    .default(15),
  /** Failed logins allowed from one IP address per window, across all accounts (password spraying). */
  LOGIN_IP_MAX_FAILURES: z.coerce.number().int().min(1).max(10_000).default(20),
  /** The per-IP window, in minutes. */
  LOGIN_IP_WINDOW_MINUTES: z.coerce
    .number()
    .positive()
    .max(24 * 60)
    .default(15),
});
export type AuthConfig = z.infer<typeof AuthConfigSchema>;

/** Every setting of the API, read from the environment once at boot. */
export const ApiConfigSchema = AuthConfigSchema.extend({
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
  MAX_FILE_BYTES: z.coerce
    .number()
    .int()
    .positive()
    .default(5 * MB),
  /** Most files in one submission. */
  MAX_FILES: z.coerce.number().int().positive().default(500),
  /** Largest request body of a submission (all files together, or the zip), in bytes. */
  MAX_SUBMISSION_BYTES: z.coerce
    .number()
    .int()
    .positive()
    .default(50 * MB),
  /** Log level: fatal, error, warn, info, debug, trace or silent. */
  LOG_LEVEL: z.enum(["fatal", "error", "warn", "info", "debug", "trace", "silent"]).default("info"),
  /**
   * SARIF exports: base URL of the rule pages (where docs/rules is published), giving each rule a `helpUri`
   * `<base><rule id>.md`. Unset: no `helpUri` (the rule's help is inline in the SARIF file).
   */
  RULE_DOCS_URL: z
    .string()
    .optional()
    .refine((v) => v === undefined || v.trim() === "" || /^https?:\/\/\S+$/.test(v.trim()), "must be an http(s) URL"),
  /** Directory of the built SPA to serve; empty to serve none. */
  WEB_DIST: z.string().optional(),
  /**
   * Bearer token `/metrics` requires. Unset: `/metrics` is open, which is allowed only when HOST is loopback; on
   * any other interface the process refuses to start without it.
   */
  METRICS_TOKEN: MetricsTokenSchema,
  /** `production` turns on the warnings meant for deployments (an open `/metrics`). */
  NODE_ENV: z.string().optional(),
  /** Webhook URLs to private/loopback addresses are refused at registration unless this is on (see the worker's). */
  WEBHOOK_ALLOW_PRIVATE: WebhookSettingsSchema.shape.WEBHOOK_ALLOW_PRIVATE,
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
