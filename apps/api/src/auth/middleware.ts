import type { NextFunction, Request, Response } from "express";
import type { Role } from "@threatline/domain";
import type { Db } from "@threatline/db";
import type { Actor } from "./context.ts";

export function actorOf(res: Response): Actor {
  return res.locals.actor as Actor;
}

/** The team every project belongs to until accounts and teams are set up. */
export const DEFAULT_TEAM = "Default";

export async function ensureDefaultTeam(db: Db): Promise<string> {
  const team = await db.team.upsert({ where: { name: DEFAULT_TEAM }, create: { name: DEFAULT_TEAM }, update: {} });
  return team.id;
}

/**
 * Resolves the caller. Accounts, sessions and tokens are not built yet (see the security issue): every caller
 * acts as an administrator of the default team. Every service already takes the Actor and checks team roles,
 * so adding authentication replaces only this middleware.
 */
export function localActor(defaultTeamId: string) {
  const teams = new Map<string, Role>([[defaultTeamId, "admin"]]);
  const actor: Actor = { userId: null, tokenId: null, teams, isAdmin: true };
  return (_req: Request, res: Response, next: NextFunction): void => {
    res.locals.actor = actor;
    next();
  };
}
