/** Account-related shapes the API answers and the SPA reads. */

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
