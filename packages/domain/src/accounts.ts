/** Account-related shapes the API answers and the SPA reads. */

import type { Role } from "./analysis.ts";

/** What an API token may do; the token owner's team role still caps it. */
export const TOKEN_SCOPES = ["read", "submit", "triage", "admin"] as const;
export type TokenScope = (typeof TOKEN_SCOPES)[number];

/** One of the caller's API tokens as `GET /tokens` answers it (never its value). */
export interface ApiTokenDto {
  id: string;
  name: string;
  /** The first characters, to tell tokens apart. */
  prefix: string;
  teamId: string | null;
  scopes: string[];
  createdAt: string;
  lastUsedAt: string | null;
  expiresAt: string | null;
  revokedAt: string | null;
}

/** One of the caller's browser sessions as `GET /auth/sessions` answers it (never its cookie). */
export interface SessionInfoDto {
  id: string;
  createdAt: string;
  expiresAt: string;
  /** The session the request came in. */
  current: boolean;
}

/** `POST /auth/sessions/end-others`: how many other sessions were ended. */
export interface EndedSessionsDto {
  ended: number;
}

/** `POST /tokens`: the new token with its value, shown this once. */
export type CreatedTokenDto = ApiTokenDto & { token: string };

/** One append-only audit event as `GET /audit` answers it. */
export interface AuditEventDto {
  id: string;
  at: string;
  action: string;
  actor: { userId: string | null; email: string | null; tokenId: string | null };
  teamId: string | null;
  target: { type: string | null; id: string | null };
  details: unknown;
  ip: string | null;
}

/** Passwords are at least this long (and at most PASSWORD_MAX); the API enforces it, the SPA says it up front. */
export const PASSWORD_MIN = 12;
export const PASSWORD_MAX = 256;

/** A user account as `GET /users` answers it (instance administrators only). */
export interface UserDto {
  id: string;
  email: string;
  name: string;
  isAdmin: boolean;
  /** Locked by failed sign-ins until an administrator unlocks it (or the lock runs out). */
  locked: boolean;
  createdAt: string;
}

/** `POST /users`: the administrator chooses the first password and hands it over. */
export interface CreateUserInput {
  email: string;
  name?: string;
  password: string;
  isAdmin?: boolean;
}

/** A team as `GET /teams` answers it. */
export interface TeamDto {
  id: string;
  name: string;
  /** The caller's role; null for an instance administrator who is not a member. */
  role: Role | null;
  createdAt: string;
}

/** A member of a team as `GET /teams/:id/members` answers it. */
export interface MemberDto {
  userId: string;
  email: string;
  name: string;
  role: Role;
  since: string;
}

/** `PUT /teams/:id/budget`: a team's monthly LLM budget in USD, null for none. */
export interface TeamBudgetDto {
  teamId: string;
  llmBudgetUsd: number | null;
}
