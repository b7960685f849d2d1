/** Account-related shapes: what the API validates and answers, and the SPA and the CLI send and read. */

import { z } from "zod";
import { RoleSchema, type Role } from "./analysis.ts";

/** What an API token may do; the token owner's team role still caps it. A browser session has every scope. */
export const TOKEN_SCOPES = ["read", "submit", "triage", "admin"] as const;
export type TokenScope = (typeof TOKEN_SCOPES)[number];

/** Passwords are at least this long (and at most PASSWORD_MAX); the API enforces it, the SPA says it up front. */
export const PASSWORD_MIN = 12;
export const PASSWORD_MAX = 256;

const NewPasswordSchema = z.string().min(PASSWORD_MIN, `at least ${PASSWORD_MIN} characters`).max(PASSWORD_MAX);

/** `POST /auth/login`. */
export const LoginSchema = z.object({
  email: z.string().trim().min(1).max(320),
  password: z.string().min(1).max(PASSWORD_MAX),
});
export type LoginInput = z.input<typeof LoginSchema>;

/** `POST /auth/password`: the caller's own password. */
export const ChangePasswordSchema = z.object({
  currentPassword: z.string().max(PASSWORD_MAX),
  newPassword: NewPasswordSchema,
});
export type ChangePasswordInput = z.input<typeof ChangePasswordSchema>;

/** `GET /auth/session` and `POST /auth/login` when someone is signed in. */
export interface SignedInSessionDto {
  authenticated: true;
  via: "session" | "token";
  user: { id: string; email: string; name: string; isAdmin: boolean };
  teams: Array<{ id: string; name: string; role: Role }>;
  /** Send back in `X-CSRF-Token` on every POST/PUT/PATCH/DELETE made with the session cookie. Null for tokens. */
  csrfToken: string | null;
  scopes: TokenScope[];
}

/** `GET /auth/session` when no one is signed in (the other fields are absent, so a reader need not narrow first). */
export interface SignedOutSessionDto {
  authenticated: false;
  via?: undefined;
  user?: undefined;
  teams?: undefined;
  csrfToken?: undefined;
  scopes?: undefined;
}

/** `GET /auth/session`: who is signed in, and the CSRF token of a browser session. */
export type SessionDto = SignedInSessionDto | SignedOutSessionDto;

/** `POST /tokens`. */
export const CreateTokenSchema = z.object({
  name: z.string().trim().min(1).max(100),
  /** Limits the token to one team; omitted: every team of the user (as their roles change). */
  teamId: z.uuid().optional(),
  scopes: z.array(z.enum(TOKEN_SCOPES)).min(1).max(TOKEN_SCOPES.length),
  /** Days until the token stops working; omitted: never (revoke it instead). */
  expiresInDays: z.number().int().min(1).max(3650).optional(),
});
export type CreateTokenInput = z.infer<typeof CreateTokenSchema>;

/** `GET /audit` filters. */
export const AuditQuerySchema = z.object({
  /** Exact action, or a prefix ending in `.` or `*` (`auth.` → every auth event). */
  action: z.string().max(100).optional(),
  /** A user id, or an e-mail. */
  actor: z.string().max(320).optional(),
  teamId: z.uuid().optional(),
  /** ISO date-times with an offset. */
  from: z.iso.datetime({ offset: true }).optional(),
  to: z.iso.datetime({ offset: true }).optional(),
  limit: z.coerce.number().int().min(1).max(500).default(100),
});
export type AuditQuery = z.infer<typeof AuditQuerySchema>;
/** The `GET /audit` query a client sends: every filter optional, the limit too. */
export type AuditQueryInput = Partial<AuditQuery>;

/** `POST /users`: the administrator chooses the first password and hands it over. */
export const CreateUserSchema = z.object({
  email: z.email().max(320),
  name: z.string().trim().max(200).default(""),
  password: NewPasswordSchema,
  isAdmin: z.boolean().default(false),
});
export type CreateUserInput = z.input<typeof CreateUserSchema>;

/** `POST /teams`. */
export const CreateTeamSchema = z.object({ name: z.string().trim().min(1).max(100) });
/** `POST /teams/:id/members`. */
export const AddMemberSchema = z.object({ email: z.email().max(320), role: RoleSchema });
/** `PATCH /teams/:id/members/:userId`. */
export const ChangeRoleSchema = z.object({ role: RoleSchema });
/** `PUT /teams/:id/budget`: a team's monthly LLM budget in USD; null for none. When spent, analyses run the rules only. */
export const BudgetSchema = z.object({ llmBudgetUsd: z.number().min(0).max(1_000_000_000).nullable() });

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
