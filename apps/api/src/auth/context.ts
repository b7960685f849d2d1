import { AppError, type Role } from "@threatline/domain";

/** Who is calling, and what they may touch. Every service takes one; nothing reads the request directly. */
export interface Actor {
  userId: string | null;
  tokenId: string | null;
  /** Role per team id. Projects of other teams are invisible (404), not forbidden. */
  teams: ReadonlyMap<string, Role>;
  isAdmin: boolean;
  /** The caller's address (for the audit log); absent outside a request. */
  ip?: string | null;
}

const RANK: Record<Role, number> = { viewer: 0, editor: 1, admin: 2 };

/** The lower of two roles (a token's scope cap against the user's membership). */
export function minRole(a: Role, b: Role): Role {
  return RANK[a] <= RANK[b] ? a : b;
}

/** Whether `role` is at least `need`. */
export function atLeast(role: Role | undefined, need: Role): boolean {
  return role !== undefined && RANK[role] >= RANK[need];
}

/** Team ids the actor can read. */
export function readableTeams(actor: Actor): string[] {
  return [...actor.teams.keys()];
}

/**
 * Checks the actor's role on a team. Not a member: 404 with the caller's not-found code, so that
 * ids of other teams' objects cannot be probed. A member without the role: 403.
 */
export function requireRole(actor: Actor, teamId: string, need: Role, notFound: AppError): void {
  const role = actor.teams.get(teamId);
  if (role === undefined) throw notFound;
  if (RANK[role] < RANK[need]) {
    throw new AppError("auth/forbidden", `This needs the ${need} role on the team; you are ${role}.`);
  }
}
