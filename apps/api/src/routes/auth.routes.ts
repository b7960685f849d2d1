import { Router, type Response } from "express";
import { AppError, ChangePasswordSchema, LoginSchema, type SessionDto } from "@threatline/domain";
import type { ApiDeps } from "../deps.ts";
import { input, validate } from "../middleware/validate.ts";
import { actorOf, authSettings, clearSessionCookie, principalOf, setSessionCookie } from "../auth/middleware.ts";
import { createLoginLimiter } from "../auth/login-limiter.ts";
import {
  type Principal,
  endOtherSessions,
  endSession,
  listSessions,
  login,
  sessionView,
} from "../services/auth.service.ts";
import { audit } from "../services/audit.service.ts";
import { changePassword } from "../services/users.service.ts";

const loginBody = { body: LoginSchema };
const passwordBody = { body: ChangePasswordSchema };

function signedIn(res: Response): Principal {
  const principal = principalOf(res);
  if (!principal) throw new AppError("auth/unauthenticated", "Not signed in.");
  return principal;
}

/**
 * Browser sign-in. `POST /auth/login` sets the session cookie and answers the session view (with the CSRF
 * token); `GET /auth/session` tells the SPA who is signed in (`{ authenticated: false }` when no one is);
 * `POST /auth/logout` ends the session; `POST /auth/password` changes the caller's password;
 * `GET /auth/sessions` lists the caller's browser sessions and `POST /auth/sessions/end-others` ends all but
 * the current one.
 */
export function authRoutes(deps: ApiDeps): Router {
  const { db } = deps;
  const settings = authSettings(deps.config);
  const limiter = createLoginLimiter(deps.redis, deps.config.REDIS_PREFIX ?? "threatline", settings);
  const router = Router();

  router.post("/auth/login", validate(loginBody), async (req, res) => {
    const ip = req.ip ?? "unknown";
    const wait = await limiter.blockedFor(ip);
    if (wait > 0) {
      await audit({ db, actor: null, ip }, "auth.login.rate-limited");
      res.setHeader("Retry-After", String(wait));
      throw new AppError("auth/rate-limited", "Too many failed logins from your address. Try again later.", {
        retryAfterSeconds: wait,
      });
    }
    const { email, password } = input(res, loginBody).body;
    try {
      const result = await login(db, settings, email, password, ip);
      setSessionCookie(req, res, settings, result.sessionToken);
      res.json(await sessionView(db, result.principal));
    } catch (error) {
      if (error instanceof AppError && (error.code === "auth/invalid-credentials" || error.code === "auth/locked"))
        await limiter.fail(ip);
      throw error;
    }
  });

  router.get("/auth/session", async (_req, res) => {
    const principal = principalOf(res);
    res.setHeader("Cache-Control", "no-store");
    if (!principal) {
      res.json({ authenticated: false } satisfies SessionDto);
      return;
    }
    res.json(await sessionView(db, principal));
  });

  router.post("/auth/logout", async (req, res) => {
    const principal = principalOf(res);
    if (!principal) throw new AppError("auth/unauthenticated", "Not signed in.");
    await endSession(db, principal);
    clearSessionCookie(req, res, settings);
    res.status(204).end();
  });

  router.post("/auth/password", validate(passwordBody), async (_req, res) => {
    const principal = principalOf(res);
    const keep = principal?.credential.kind === "session" ? principal.credential.sessionId : null;
    await changePassword(db, actorOf(res), input(res, passwordBody).body, keep);
    res.status(204).end();
  });

  router.get("/auth/sessions", async (_req, res) => {
    res.setHeader("Cache-Control", "no-store");
    res.json({ items: await listSessions(db, signedIn(res)) });
  });
  router.post("/auth/sessions/end-others", async (_req, res) => {
    res.json(await endOtherSessions(db, signedIn(res)));
  });
  return router;
}
