import { z } from "zod";
import type { AuditEventDto, AuditQuery } from "@threatline/domain";
import { AppError } from "@threatline/domain";
import type { Db, Prisma } from "@threatline/db";
import { type Actor, atLeast } from "../auth/context.ts";

/** What an audit call needs: the database and who acted (the actor carries the request's IP). */
export interface AuditContext {
  db: Db;
  actor: Actor | null;
  /** Overrides the actor's IP (failed logins have no actor). */
  ip?: string | null;
}

/** The object an event is about. `teamId` scopes who may read the event. */
export interface AuditTarget {
  type: string;
  id?: string | null;
  teamId?: string | null;
  /** When `teamId` is not at hand: the project whose team the event belongs to. */
  projectId?: string;
}

/** Details are metadata only (counts, names, ids); this bound keeps anything large, like template text, out. */
const MAX_DETAILS_CHARS = 4_096;

function boundDetails(details: Record<string, unknown>): Prisma.InputJsonValue {
  const json = JSON.stringify(details);
  if (json.length <= MAX_DETAILS_CHARS) return JSON.parse(json) as Prisma.InputJsonValue;
  return { truncated: true, keys: Object.keys(details).slice(0, 50) };
}

/**
 * Appends one audit event. Actions are `area.verb` (`auth.login`, `analysis.submit`, `team.member.add`).
 * Never pass template content in `details`: ids, paths, counts and names only. Rows are never updated or
 * deleted by the application.
 */
export async function audit(
  ctx: AuditContext,
  action: string,
  target: AuditTarget | null = null,
  details: Record<string, unknown> = {},
): Promise<void> {
  let teamId = target?.teamId ?? null;
  if (!teamId && target?.projectId) {
    teamId =
      (await ctx.db.project.findUnique({ where: { id: target.projectId }, select: { teamId: true } }))?.teamId ?? null;
  }
  await ctx.db.auditEvent.create({
    data: {
      actorUserId: ctx.actor?.userId ?? null,
      actorTokenId: ctx.actor?.tokenId ?? null,
      teamId,
      action: action.slice(0, 100),
      targetType: target?.type ?? null,
      targetId: target?.id ?? null,
      details: boundDetails(details),
      ip: (ctx.ip !== undefined ? ctx.ip : ctx.actor?.ip) ?? null,
    },
  });
}

/**
 * Audit events, newest first. An instance administrator reads every event; a team administrator reads the
 * events of the teams they administer; anyone else is refused.
 */
export async function listAuditEvents(db: Db, actor: Actor, query: AuditQuery): Promise<AuditEventDto[]> {
  const adminTeams = [...actor.teams].filter(([, role]) => atLeast(role, "admin")).map(([id]) => id);
  if (!actor.isAdmin && adminTeams.length === 0)
    throw new AppError("auth/forbidden", "Reading the audit log needs the admin role.");
  if (query.teamId && !actor.isAdmin && !adminTeams.includes(query.teamId)) {
    throw new AppError("auth/forbidden", "You do not administer that team.");
  }
  const where: Prisma.AuditEventWhereInput = {};
  if (query.teamId) where.teamId = query.teamId;
  else if (!actor.isAdmin) where.teamId = { in: adminTeams };
  if (query.action) {
    const prefix = query.action.endsWith("*")
      ? query.action.slice(0, -1)
      : query.action.endsWith(".")
        ? query.action
        : null;
    where.action = prefix === null ? query.action : { startsWith: prefix };
  }
  if (query.actor) {
    if (z.uuid().safeParse(query.actor).success) where.actorUserId = query.actor;
    else {
      const user = await db.user.findUnique({ where: { email: query.actor.toLowerCase() } });
      where.actorUserId = user?.id ?? "00000000-0000-0000-0000-000000000000";
    }
  }
  if (query.from || query.to)
    where.at = {
      ...(query.from ? { gte: new Date(query.from) } : {}),
      ...(query.to ? { lte: new Date(query.to) } : {}),
    };
  const rows = await db.auditEvent.findMany({ where, orderBy: [{ at: "desc" }, { id: "desc" }], take: query.limit });
  const userIds = [...new Set(rows.map((r) => r.actorUserId).filter((id): id is string => id !== null))];
  const users = new Map(
    (await db.user.findMany({ where: { id: { in: userIds } }, select: { id: true, email: true } })).map((u) => [
      u.id,
      u.email,
    ]),
  );
  return rows.map((r) => ({
    id: r.id,
    at: r.at.toISOString(),
    action: r.action,
    actor: {
      userId: r.actorUserId,
      email: r.actorUserId ? (users.get(r.actorUserId) ?? null) : null,
      tokenId: r.actorTokenId,
    },
    teamId: r.teamId,
    target: { type: r.targetType, id: r.targetId },
    details: r.details,
    ip: r.ip,
  }));
}
