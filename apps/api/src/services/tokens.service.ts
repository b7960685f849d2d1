import type { ApiTokenDto, CreateTokenInput } from "@threatline/domain";
import { AppError } from "@threatline/domain";
import type { Db } from "@threatline/db";
import type { Actor } from "../auth/context.ts";
import { randomSecret, sha256Hex } from "../auth/crypto.ts";
import { audit } from "./audit.service.ts";

type TokenRow = {
  id: string;
  name: string;
  prefix: string;
  teamId: string | null;
  scopes: string[];
  createdAt: Date;
  lastUsedAt: Date | null;
  expiresAt: Date | null;
  revokedAt: Date | null;
};

function toDto(t: TokenRow): ApiTokenDto {
  return {
    id: t.id,
    name: t.name,
    prefix: t.prefix,
    teamId: t.teamId,
    scopes: t.scopes,
    createdAt: t.createdAt.toISOString(),
    lastUsedAt: t.lastUsedAt?.toISOString() ?? null,
    expiresAt: t.expiresAt?.toISOString() ?? null,
    revokedAt: t.revokedAt?.toISOString() ?? null,
  };
}

/** Generates a token value: `tl_` and 256 random bits. */
export function newTokenValue(): string {
  return `tl_${randomSecret(32)}`;
}

function requireUser(actor: Actor): string {
  if (!actor.userId) throw new AppError("auth/unauthenticated", "Sign in first.");
  return actor.userId;
}

/**
 * Creates an API token for the caller and returns its value once; only its sha256 is stored. A token can
 * only be limited to a team the caller belongs to, and cannot do more than the caller (roles cap it at use).
 */
export async function createToken(
  db: Db,
  actor: Actor,
  input: CreateTokenInput,
  now = new Date(),
): Promise<ApiTokenDto & { token: string }> {
  const userId = requireUser(actor);
  if (input.teamId !== undefined && !actor.teams.has(input.teamId))
    throw new AppError("request/invalid", "No such team.");
  const token = newTokenValue();
  const row = await db.apiToken.create({
    data: {
      userId,
      teamId: input.teamId ?? null,
      name: input.name,
      prefix: token.slice(0, 10),
      tokenHash: sha256Hex(token),
      scopes: [...new Set(input.scopes)],
      expiresAt: input.expiresInDays ? new Date(now.getTime() + input.expiresInDays * 86_400_000) : null,
    },
  });
  await audit(
    { db, actor },
    "token.create",
    { type: "token", id: row.id, teamId: row.teamId },
    { name: row.name, scopes: row.scopes, expiresAt: row.expiresAt?.toISOString() ?? null },
  );
  return { ...toDto(row), token };
}

/** The caller's own tokens, newest first (never their values). */
export async function listTokens(db: Db, actor: Actor): Promise<ApiTokenDto[]> {
  const userId = requireUser(actor);
  const rows = await db.apiToken.findMany({ where: { userId }, orderBy: { createdAt: "desc" } });
  return rows.map(toDto);
}

/** Revokes one of the caller's tokens (an instance admin may revoke anyone's). Other users' tokens: 404. */
export async function revokeToken(db: Db, actor: Actor, id: string, now = new Date()): Promise<ApiTokenDto> {
  const userId = requireUser(actor);
  const row = await db.apiToken.findUnique({ where: { id } });
  if (!row || (row.userId !== userId && !actor.isAdmin)) throw new AppError("request/not-found", "No such token.");
  const revoked = row.revokedAt ? row : await db.apiToken.update({ where: { id }, data: { revokedAt: now } });
  if (!row.revokedAt)
    await audit(
      { db, actor },
      "token.revoke",
      { type: "token", id, teamId: row.teamId },
      { name: row.name, owner: row.userId },
    );
  return toDto(revoked);
}
