import { createHash, timingSafeEqual } from "node:crypto";
import { z } from "zod";
import type { ErrorEnvelope } from "@threatline/domain";

/**
 * `METRICS_TOKEN`: when set, every process that serves `/metrics` (the API, the one-process server, a standalone
 * worker) answers only requests carrying `Authorization: Bearer <token>`. Long enough not to be guessed, and
 * only characters a header can carry.
 */
export const MetricsTokenSchema = z
  .string()
  .min(16, "must be at least 16 characters")
  .max(512)
  .regex(/^[\x21-\x7e]+$/, "must be printable ASCII without spaces")
  .optional();

/** What a request to `/metrics` may do: `open` (no token configured), `granted`, or refused (`missing`, `wrong`). */
export type MetricsAccess = "open" | "granted" | "missing" | "wrong";

const digest = (value: string): Buffer => createHash("sha256").update(value, "utf8").digest();

/**
 * Checks a request's Authorization header against the metrics token. The comparison runs in constant time over
 * SHA-256 digests, so neither the token's content nor its length leaks through timing.
 */
export function checkMetricsAccess(authorization: string | undefined, token: string | undefined): MetricsAccess {
  if (!token) return "open";
  const match = /^Bearer[ \t]+(\S+)[ \t]*$/i.exec(authorization ?? "");
  if (!match?.[1]) return "missing";
  return timingSafeEqual(digest(match[1]), digest(token)) ? "granted" : "wrong";
}

/** The refusal of a `/metrics` request: 401, the API's error envelope, and a Bearer challenge. */
export function metricsRefusal(access: "missing" | "wrong"): {
  status: 401;
  headers: Record<string, string>;
  body: ErrorEnvelope;
} {
  const message =
    access === "missing"
      ? "/metrics needs the metrics token: send Authorization: Bearer <METRICS_TOKEN>."
      : "The metrics token is wrong: send Authorization: Bearer <METRICS_TOKEN>.";
  return {
    status: 401,
    headers: { "WWW-Authenticate": `Bearer realm="metrics"${access === "wrong" ? ', error="invalid_token"' : ""}` },
    body: { error: { code: "metrics/unauthenticated", message } },
  };
}

/**
 * In production, says once (at start) that `/metrics` is open: even on loopback, a reverse proxy on this host may
 * forward it. Development and tests stay quiet: there an open endpoint on loopback is what one wants.
 */
export function warnIfMetricsOpen(
  settings: { METRICS_TOKEN?: string | undefined; NODE_ENV?: string | undefined },
  logger: { warn(obj: object, msg: string): void },
  where: string,
): boolean {
  if (settings.METRICS_TOKEN || settings.NODE_ENV !== "production") return false;
  logger.warn(
    { where },
    "/metrics is served without authentication: set METRICS_TOKEN (scrapers send it as a bearer token), or keep the port off the public network",
  );
  return true;
}

/** True when `host` is a loopback address: only this machine can connect to a server listening there. */
export function isLoopbackHost(host: string): boolean {
  const h = host
    .trim()
    .toLowerCase()
    .replace(/^\[(.*)\]$/, "$1");
  return h === "localhost" || h === "::1" || /^(::ffff:)?127(\.\d{1,3}){3}$/.test(h);
}

/**
 * Why a process must not start: it would serve `/metrics` without a token on an interface other machines can
 * reach (queue names, job counts, LLM spend per team). An open `/metrics` is only allowed on loopback, where a
 * local scraper or a developer reads it. Undefined when the process may start.
 */
export function openMetricsRefusal(
  listen: { host: string; setting: string },
  token: string | undefined,
): string | undefined {
  if (token || isLoopbackHost(listen.host)) return undefined;
  return (
    `/metrics would be open to anyone who can reach ${listen.setting}=${listen.host || "(all interfaces)"}. ` +
    `Set METRICS_TOKEN (at least 16 characters; scrapers send it as "Authorization: Bearer <token>"), ` +
    `or listen on loopback (${listen.setting}=127.0.0.1).`
  );
}

/** Ends the process with exit code 78 (invalid settings, like a malformed environment) when `/metrics` would be open. */
export function exitIfMetricsOpen(
  listen: { host: string; setting: string },
  token: string | undefined,
  program: string,
): void {
  const refusal = openMetricsRefusal(listen, token);
  if (!refusal) return;
  process.stderr.write(`${program} cannot start: ${refusal}\n`);
  process.exit(78);
}
