import {
  AppError,
  type PersonRef,
  type ThreatCommentDto,
  type ThreatCommentInput,
  type ThreatFollowUpDto,
  type ThreatFollowUpPatch,
} from "@threatline/domain";
import type { Db, Prisma } from "@threatline/db";
import { atLeast, type Actor } from "../auth/context.ts";
import { getProjectFor } from "./projects.service.ts";

/**
 * Who follows a threat up (an assignee from the project's team, a ticket link) and what people said about it
 * (comments). Both hang on the threat's fingerprint, as triage does, so a re-analysis that finds the same threat
 * finds them again.
 */

type Tx = Prisma.TransactionClient;

const personOf = (u: { id: string; name: string; email: string }): PersonRef => ({
  id: u.id,
  name: u.name,
  email: u.email,
});

const threatNotFound = (fingerprint: string) =>
  new AppError("threat/not-found", `No threat with fingerprint ${fingerprint} in this project.`);

async function requireThreat(db: Db | Tx, projectId: string, fingerprint: string): Promise<void> {
  const found = await db.threat.findFirst({ where: { projectId, fingerprint }, select: { id: true } });
  if (!found) throw threatNotFound(fingerprint);
}

/** The people a threat of the project can be assigned to: the members of its team. */
export async function listProjectMembers(db: Db, actor: Actor, projectId: string): Promise<PersonRef[]> {
  const project = await getProjectFor(db, actor, projectId);
  const rows = await db.membership.findMany({
    where: { teamId: project.teamId },
    include: { user: { select: { id: true, name: true, email: true } } },
  });
  return rows.map((m) => personOf(m.user)).sort((a, b) => (a.name || a.email).localeCompare(b.name || b.email));
}

function toFollowUpDto(
  fingerprint: string,
  row: { assignee: PersonRef | null; ticketUrl: string | null; updatedAt: Date } | null,
): ThreatFollowUpDto {
  return {
    fingerprint,
    assignee: row?.assignee ? personOf(row.assignee) : null,
    ticketUrl: row?.ticketUrl ?? null,
    updatedAt: row?.updatedAt.toISOString() ?? null,
  };
}

const assigneeSelect = { assignee: { select: { id: true, name: true, email: true } } } as const;

export async function getFollowUp(
  db: Db,
  actor: Actor,
  projectId: string,
  fingerprint: string,
): Promise<ThreatFollowUpDto & { comments: ThreatCommentDto[] }> {
  await getProjectFor(db, actor, projectId);
  await requireThreat(db, projectId, fingerprint);
  const row = await db.threatFollowUp.findUnique({
    where: { projectId_fingerprint: { projectId, fingerprint } },
    include: assigneeSelect,
  });
  return { ...toFollowUpDto(fingerprint, row), comments: await commentsOf(db, projectId, fingerprint) };
}

/** What changed, for the caller that tells webhooks about a new assignee. */
export interface FollowUpChange {
  followUp: ThreatFollowUpDto;
  /** Set when the threat got an assignee it did not have before. */
  newlyAssigned: PersonRef | null;
  teamId: string;
}

/**
 * Sets or clears a threat's assignee and ticket link (editor role). The assignee must be a member of the
 * project's team. A record with neither left is removed.
 */
export async function setFollowUp(
  db: Db,
  actor: Actor,
  projectId: string,
  fingerprint: string,
  patch: ThreatFollowUpPatch,
): Promise<FollowUpChange> {
  const project = await getProjectFor(db, actor, projectId, "editor");
  await requireThreat(db, projectId, fingerprint);
  if (patch.assigneeId) {
    const member = await db.membership.findUnique({
      where: { userId_teamId: { userId: patch.assigneeId, teamId: project.teamId } },
    });
    if (!member) throw new AppError("threat/invalid-assignee", "The assignee must be a member of the project's team.");
  }
  return db.$transaction(async (tx) => {
    const key = { projectId_fingerprint: { projectId, fingerprint } };
    const before = await tx.threatFollowUp.findUnique({ where: key });
    const data = {
      ...(patch.assigneeId !== undefined ? { assigneeId: patch.assigneeId } : {}),
      ...(patch.ticketUrl !== undefined ? { ticketUrl: patch.ticketUrl } : {}),
      updatedById: actor.userId,
    };
    let row = await tx.threatFollowUp.upsert({
      where: key,
      create: { projectId, fingerprint, ...data },
      update: data,
      include: assigneeSelect,
    });
    if (row.assigneeId === null && row.ticketUrl === null) {
      await tx.threatFollowUp.delete({ where: key });
      row = { ...row, updatedAt: new Date() };
    }
    await tx.auditEvent.create({
      data: {
        actorUserId: actor.userId,
        actorTokenId: actor.tokenId,
        teamId: project.teamId,
        action: "threat.follow-up",
        targetType: "threat",
        targetId: fingerprint,
        details: { projectId, fields: Object.keys(patch), assigneeId: row.assigneeId },
        ip: actor.ip ?? null,
      },
    });
    const newlyAssigned = row.assignee && row.assigneeId !== before?.assigneeId ? personOf(row.assignee) : null;
    return { followUp: toFollowUpDto(fingerprint, row), newlyAssigned, teamId: project.teamId };
  });
}

function toCommentDto(c: {
  id: string;
  fingerprint: string;
  body: string;
  createdAt: Date;
  author: { id: string; name: string; email: string } | null;
}): ThreatCommentDto {
  return {
    id: c.id,
    fingerprint: c.fingerprint,
    author: c.author ? personOf(c.author) : null,
    body: c.body,
    createdAt: c.createdAt.toISOString(),
  };
}

const commentInclude = { author: { select: { id: true, name: true, email: true } } } as const;

async function commentsOf(db: Db, projectId: string, fingerprint: string): Promise<ThreatCommentDto[]> {
  const rows = await db.threatComment.findMany({
    where: { projectId, fingerprint },
    include: commentInclude,
    orderBy: [{ createdAt: "asc" }, { id: "asc" }],
  });
  return rows.map(toCommentDto);
}

/** A threat's comments, oldest first (a viewer may read them). */
export async function listComments(
  db: Db,
  actor: Actor,
  projectId: string,
  fingerprint: string,
): Promise<ThreatCommentDto[]> {
  await getProjectFor(db, actor, projectId);
  await requireThreat(db, projectId, fingerprint);
  return commentsOf(db, projectId, fingerprint);
}

/** Adds a comment (editor role: viewers read only). Plain text; the SPA shows it as text, never as HTML. */
export async function addComment(
  db: Db,
  actor: Actor,
  projectId: string,
  fingerprint: string,
  input: ThreatCommentInput,
): Promise<ThreatCommentDto> {
  const project = await getProjectFor(db, actor, projectId, "editor");
  await requireThreat(db, projectId, fingerprint);
  const row = await db.threatComment.create({
    data: { projectId, fingerprint, authorId: actor.userId, body: input.body },
    include: commentInclude,
  });
  await db.auditEvent.create({
    data: {
      actorUserId: actor.userId,
      actorTokenId: actor.tokenId,
      teamId: project.teamId,
      action: "threat.comment.add",
      targetType: "threat",
      targetId: fingerprint,
      details: { projectId, commentId: row.id, chars: input.body.length },
      ip: actor.ip ?? null,
    },
  });
  return toCommentDto(row);
}

/** Deletes a comment: its author (still an editor), or an admin of the team. */
export async function deleteComment(
  db: Db,
  actor: Actor,
  projectId: string,
  fingerprint: string,
  commentId: string,
): Promise<void> {
  const project = await getProjectFor(db, actor, projectId, "editor");
  const row = await db.threatComment.findFirst({ where: { id: commentId, projectId, fingerprint } });
  if (!row) throw new AppError("comment/not-found", "No such comment on this threat.");
  const isAdmin = actor.isAdmin || atLeast(actor.teams.get(project.teamId), "admin");
  if (row.authorId !== actor.userId && !isAdmin)
    throw new AppError("auth/forbidden", "Only the comment's author or a team admin can delete it.");
  await db.threatComment.delete({ where: { id: commentId } });
  await db.auditEvent.create({
    data: {
      actorUserId: actor.userId,
      actorTokenId: actor.tokenId,
      teamId: project.teamId,
      action: "threat.comment.delete",
      targetType: "threat",
      targetId: fingerprint,
      details: { projectId, commentId },
      ip: actor.ip ?? null,
    },
  });
}
