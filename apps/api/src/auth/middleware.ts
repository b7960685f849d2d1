import type { NextFunction, Request, Response } from "express";
import { AppError } from "@threatline/domain";
import type { Db } from "@threatline/db";
import { AuthConfigSchema, type AuthConfig } from "../config.ts";
import type { ApiDeps } from "../deps.ts";
import { resolveApiToken, resolveSession, type Principal } from "../services/auth.service.ts";
import type { Actor } from "./context.ts";
import { safeEqual } from "./crypto.ts";
import { requiredScope } from "./scopes.ts";

/** The actor resolved for this request by `authenticate`. Only public routes can run without one. */
export function actorOf(res: Response): Actor {
  const actor = res.locals.actor as Actor | undefined;
  if (!actor) throw new AppError("auth/unauthenticated", "Sign in or pass an API token.");
  return actor;
}

/** The resolved caller with their credential, or undefined on a public route called anonymously. */
export function principalOf(res: Response): Principal | undefined {
  return res.locals.principal as Principal | undefined;
}

/** The team every project belongs to until other teams are created. */
export const DEFAULT_TEAM = "Default";

export async function ensureDefaultTeam(db: Db): Promise<string> {
  const team = await db.team.upsert({ where: { name: DEFAULT_TEAM }, create: { name: DEFAULT_TEAM }, update: {} });
  return team.id;
}

/** Name of the session cookie. Scoped to /api so the static SPA never receives it. */
export const SESSION_COOKIE = "tl_session";
export const CSRF_HEADER = "x-csrf-token";

/** Routes under /api/v1 that answer without credentials. Everything else needs a session or a token. */
const PUBLIC = new Set(["POST /auth/login", "GET /auth/session", "HEAD /auth/session"]);
const SAFE_METHODS = new Set(["GET", "HEAD", "OPTIONS"]);

/** Auth settings with their defaults applied. */
export function authSettings(config: ApiDeps["config"]): AuthConfig {
  return AuthConfigSchema.parse(
    Object.fromEntries(Object.keys(AuthConfigSchema.shape).map((k) => [k, (config as Record<string, unknown>)[k]])),
  );
}

function readCookie(req: Request, name: string): string | undefined {
  const header = req.headers.cookie;
  if (!header) return undefined;
  for (const part of header.split(";")) {
    const eq = part.indexOf("=");
    if (eq > 0 && part.slice(0, eq).trim() === name) return part.slice(eq + 1).trim();
  }
  return undefined;
}

/** Whether the session cookie gets `Secure`. */
export function cookieSecure(req: Request, setting: AuthConfig["COOKIE_SECURE"]): boolean {
  return setting === "auto" ? req.secure : setting === "true";
}

export function setSessionCookie(req: Request, res: Response, settings: AuthConfig, token: string): void {
  res.cookie(SESSION_COOKIE, token, {
    httpOnly: true,
    // Strict works for the SPA: it is served from the same origin, and only cross-site navigations lose the cookie.
    sameSite: "strict",
    secure: cookieSecure(req, settings.COOKIE_SECURE),
    path: "/api",
    maxAge: settings.SESSION_TTL_HOURS * 3_600_000,
  });
}

export function clearSessionCookie(req: Request, res: Response, settings: AuthConfig): void {
  res.clearCookie(SESSION_COOKIE, {
    httpOnly: true,
    sameSite: "strict",
    secure: cookieSecure(req, settings.COOKIE_SECURE),
    path: "/api",
  });
}

/**
 * Resolves the caller of every /api/v1 request before any body is read: a bearer API token (`Authorization:
 * Bearer tl_…`, checked against the route's scope) or the session cookie (unsafe methods need the CSRF token in
 * `X-CSRF-Token`; bearer requests are exempt since browsers never attach them on their own). No valid
 * credential: 401 `auth/unauthenticated`, except on the public routes.
 */
export function authenticate(deps: ApiDeps) {
  const settings = authSettings(deps.config);
  return async (req: Request, res: Response, next: NextFunction): Promise<void> => {
    const isPublic = PUBLIC.has(`${req.method} ${req.path.replace(/\/+$/, "") || "/"}`);
    const ip = req.ip ?? null;
    const authorization = req.headers.authorization;
    let principal: Principal | null = null;
    if (authorization !== undefined) {
      const match = /^Bearer\s+(\S+)\s*$/i.exec(authorization);
      principal = match?.[1] ? await resolveApiToken(deps.db, match[1], ip) : null;
      if (!principal && !isPublic)
        throw new AppError("auth/unauthenticated", "The API token is invalid, expired or revoked.");
      if (principal?.credential.kind === "token") {
        const need = requiredScope(req.method, req.path);
        if (!principal.credential.scopes.includes(need))
          throw new AppError("auth/forbidden", `This API token lacks the "${need}" scope.`);
      }
    } else {
      const cookie = readCookie(req, SESSION_COOKIE);
      if (cookie) {
        principal = await resolveSession(deps.db, settings, cookie, ip);
        if (!principal) clearSessionCookie(req, res, settings);
      }
      if (principal?.credential.kind === "session" && !SAFE_METHODS.has(req.method) && !isPublic) {
        const sent = req.headers[CSRF_HEADER];
        if (typeof sent !== "string" || !safeEqual(sent, principal.credential.csrfToken)) {
          throw new AppError(
            "auth/csrf",
            "Missing or wrong X-CSRF-Token header (read it from GET /api/v1/auth/session).",
          );
        }
      }
    }
    if (!principal) {
      if (isPublic) return next();
      throw new AppError("auth/unauthenticated", "Sign in or pass an API token.");
    }
    res.locals.principal = principal;
    res.locals.actor = principal.actor;
    next();
  };
}
