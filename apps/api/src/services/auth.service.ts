import {
  AppError,
  type EndedSessionsDto,
  type Role,
  type SessionInfoDto,
  type SignedInSessionDto,
} from "@threatline/domain";
import type { Db } from "@threatline/db";
import type { AuthConfig } from "../config.ts";
import { type Actor, minRole } from "../auth/context.ts";
import { randomSecret, sha256Hex } from "../auth/crypto.ts";
import { verifyPassword } from "../auth/passwords.ts";
import { roleCap, SCOPES, type Scope } from "../auth/scopes.ts";
import { audit } from "./audit.service.ts";

/** How the caller proved who they are. */
export type Credential =
  { kind: "session"; sessionId: string; csrfToken: string } | { kind: "token"; tokenId: string; scopes: Scope[] };

/** A resolved caller: the actor services see, plus what the auth middleware needs. */
export interface Principal {
  actor: Actor;
  credential: Credential;
  user: { id: string; email: string; name: string; isAdmin: boolean };
}

type AuthSettings = Pick<
  AuthConfig,
  "SESSION_TTL_HOURS" | "SESSION_IDLE_MINUTES" | "LOGIN_MAX_FAILURES" | "LOGIN_LOCK_MINUTES"
>;

/** Normalised e-mail: accounts are looked up case-insensitively. */
export function normaliseEmail(email: string): string {
  return email.trim().toLowerCase();
}

async function teamsOf(db: Db, userId: string): Promise<Map<string, Role>> {
  const memberships = await db.membership.findMany({ where: { userId } });
  return new Map(memberships.map((m) => [m.teamId, m.role]));
}

export interface LoginResult {
  sessionToken: string;
  csrfToken: string;
  expiresAt: Date;
  principal: Principal;
}

/**
 * Checks e-mail and password. Failures count per account and lock it for a while after too many in a row
 * (423 `auth/locked`, even with the right password, so a locked account cannot be probed). Unknown e-mails
 * and wrong passwords answer alike. Every outcome is audited.
 */
export async function login(
  db: Db,
  settings: AuthSettings,
  email: string,
  password: string,
  ip: string | null,
  now = new Date(),
): Promise<LoginResult> {
  const user = await db.user.findUnique({ where: { email: normaliseEmail(email) } });
  if (user?.lockedUntil && user.lockedUntil > now) {
    await audit({ db, actor: null, ip }, "auth.login.locked", { type: "user", id: user.id });
    throw new AppError("auth/locked", "Too many failed logins: this account is locked for a while. Try again later.", {
      retryAfter: user.lockedUntil.toISOString(),
    });
  }
  const ok = await verifyPassword(user?.passwordHash, password);
  if (!user || !ok) {
    if (user) {
      const failures = user.failedLogins + 1;
      const lock = failures >= settings.LOGIN_MAX_FAILURES;
      await db.user.update({
        where: { id: user.id },
        data: {
          failedLogins: lock ? 0 : failures,
          lockedUntil: lock ? new Date(now.getTime() + settings.LOGIN_LOCK_MINUTES * 60_000) : null,
        },
      });
      await audit(
        { db, actor: null, ip },
        lock ? "auth.login.lockout" : "auth.login.failed",
        { type: "user", id: user.id },
        { failures },
      );
    } else {
      // The address is not echoed into the log: it may be a password typed into the wrong field.
      await audit({ db, actor: null, ip }, "auth.login.failed", { type: "user", id: null }, { unknownUser: true });
    }
    throw new AppError("auth/invalid-credentials", "Wrong e-mail or password.");
  }
  if (user.failedLogins > 0 || user.lockedUntil)
    await db.user.update({ where: { id: user.id }, data: { failedLogins: 0, lockedUntil: null } });

  // Expired sessions are otherwise only removed when presented; sweep this user's on each sign-in.
  await db.session.deleteMany({ where: { userId: user.id, expiresAt: { lte: now } } });
  const sessionToken = randomSecret(32);
  const csrfToken = randomSecret(32);
  const expiresAt = idleDeadline(settings, now, now);
  const session = await db.session.create({
    data: { userId: user.id, tokenHash: sha256Hex(sessionToken), csrfToken, expiresAt, createdAt: now },
  });
  const actor: Actor = { userId: user.id, tokenId: null, teams: await teamsOf(db, user.id), isAdmin: user.isAdmin, ip };
  await audit({ db, actor }, "auth.login", { type: "session", id: session.id });
  return {
    sessionToken,
    csrfToken,
    expiresAt,
    principal: {
      actor,
      credential: { kind: "session", sessionId: session.id, csrfToken },
      user: { id: user.id, email: user.email, name: user.name, isAdmin: user.isAdmin },
    },
  };
}

/** The session's next expiry: idle timeout from now, never past the absolute lifetime from login. */
function idleDeadline(settings: AuthSettings, createdAt: Date, now: Date): Date {
  const absolute = createdAt.getTime() + settings.SESSION_TTL_HOURS * 3_600_000;
  return new Date(Math.min(absolute, now.getTime() + settings.SESSION_IDLE_MINUTES * 60_000));
}

/**
 * Resolves a session cookie. Expired sessions are deleted. The idle deadline slides forward (written at most
 * once a minute, so a busy page does not write on every request).
 */
export async function resolveSession(
  db: Db,
  settings: AuthSettings,
  token: string,
  ip: string | null,
  now = new Date(),
): Promise<Principal | null> {
  if (token.length < 20 || token.length > 200) return null;
  const session = await db.session.findUnique({ where: { tokenHash: sha256Hex(token) }, include: { user: true } });
  if (!session) return null;
  if (session.expiresAt <= now) {
    await db.session.deleteMany({ where: { id: session.id } });
    return null;
  }
  const next = idleDeadline(settings, session.createdAt, now);
  if (next.getTime() - session.expiresAt.getTime() > 60_000)
    await db.session.updateMany({ where: { id: session.id }, data: { expiresAt: next } });
  const { user } = session;
  return {
    actor: { userId: user.id, tokenId: null, teams: await teamsOf(db, user.id), isAdmin: user.isAdmin, ip },
    credential: { kind: "session", sessionId: session.id, csrfToken: session.csrfToken },
    user: { id: user.id, email: user.email, name: user.name, isAdmin: user.isAdmin },
  };
}

/** Looks like a Threatline API token (cheap check before touching the database). */
export function isTokenShaped(value: string): boolean {
  return /^tl_[A-Za-z0-9_-]{32,200}$/.test(value);
}

/**
 * Resolves a bearer token. Revoked, expired and unknown tokens resolve to nothing. The token acts with the
 * user's roles, limited to its team (when it names one) and capped by its scopes; it is an instance admin
 * only with the `admin` scope. `lastUsedAt` is written at most once a minute.
 */
export async function resolveApiToken(
  db: Db,
  token: string,
  ip: string | null,
  now = new Date(),
): Promise<Principal | null> {
  if (!isTokenShaped(token)) return null;
  const row = await db.apiToken.findUnique({ where: { tokenHash: sha256Hex(token) }, include: { user: true } });
  if (!row || row.revokedAt || (row.expiresAt && row.expiresAt <= now)) return null;
  if (!row.lastUsedAt || now.getTime() - row.lastUsedAt.getTime() > 60_000) {
    await db.apiToken.updateMany({ where: { id: row.id }, data: { lastUsedAt: now } });
  }
  const scopes = row.scopes.filter((s): s is Scope => (SCOPES as readonly string[]).includes(s));
  const cap = roleCap(scopes);
  const teams = new Map<string, Role>();
  for (const [teamId, role] of await teamsOf(db, row.userId)) {
    if (row.teamId === null || row.teamId === teamId) teams.set(teamId, minRole(role, cap));
  }
  const { user } = row;
  return {
    actor: { userId: user.id, tokenId: row.id, teams, isAdmin: user.isAdmin && scopes.includes("admin"), ip },
    credential: { kind: "token", tokenId: row.id, scopes },
    user: { id: user.id, email: user.email, name: user.name, isAdmin: user.isAdmin },
  };
}

/** Ends a session (logout). */
export async function endSession(db: Db, principal: Principal): Promise<void> {
  if (principal.credential.kind === "session")
    await db.session.deleteMany({ where: { id: principal.credential.sessionId } });
  await audit({ db, actor: principal.actor }, "auth.logout", {
    type: principal.credential.kind,
    id: principal.credential.kind === "session" ? principal.credential.sessionId : principal.credential.tokenId,
  });
}

/** The caller's live browser sessions, newest first, the current one marked. */
export async function listSessions(db: Db, principal: Principal, now = new Date()): Promise<SessionInfoDto[]> {
  const current = principal.credential.kind === "session" ? principal.credential.sessionId : null;
  const rows = await db.session.findMany({
    where: { userId: principal.user.id, expiresAt: { gt: now } },
    orderBy: { createdAt: "desc" },
  });
  return rows.map((s) => ({
    id: s.id,
    createdAt: s.createdAt.toISOString(),
    expiresAt: s.expiresAt.toISOString(),
    current: s.id === current,
  }));
}

/**
 * Ends every browser session of the caller but the one the request came in (a lost laptop, a shared
 * computer). Only from a browser session: an API token has no session of its own to keep, and a token that
 * leaked should not be able to sign its owner out everywhere.
 */
export async function endOtherSessions(db: Db, principal: Principal): Promise<EndedSessionsDto> {
  if (principal.credential.kind !== "session")
    throw new AppError("auth/forbidden", "Sign out of other sessions from a browser session, not with an API token.");
  const { count } = await db.session.deleteMany({
    where: { userId: principal.user.id, id: { not: principal.credential.sessionId } },
  });
  await audit(
    { db, actor: principal.actor },
    "auth.sessions.end-others",
    { type: "user", id: principal.user.id },
    {
      ended: count,
    },
  );
  return { ended: count };
}

/** Who the caller is, their teams and roles (as the actor sees them), and the CSRF token. */
export async function sessionView(db: Db, principal: Principal): Promise<SignedInSessionDto> {
  const ids = [...principal.actor.teams.keys()];
  const teams = await db.team.findMany({ where: { id: { in: ids } }, orderBy: { name: "asc" } });
  const { credential } = principal;
  return {
    authenticated: true,
    via: credential.kind,
    user: principal.user,
    teams: teams.map((t) => ({ id: t.id, name: t.name, role: principal.actor.teams.get(t.id)! })),
    csrfToken: credential.kind === "session" ? credential.csrfToken : null,
    scopes: credential.kind === "session" ? [...SCOPES] : credential.scopes,
  };
}
