import type { z } from "zod";
import {
  AppError,
  type AddMemberSchema,
  type MemberDto,
  type Role,
  type TeamBudgetDto,
  type TeamDto,
} from "@threatline/domain";
import { Prisma, type Db } from "@threatline/db";
import { type Actor, requireRole } from "../auth/context.ts";
import { audit } from "./audit.service.ts";
import { normaliseEmail } from "./auth.service.ts";

const teamNotFound = () => new AppError("request/not-found", "No such team.");

/** The caller's teams; an instance administrator sees every team. */
export async function listTeams(db: Db, actor: Actor): Promise<TeamDto[]> {
  const teams = await db.team.findMany({
    where: actor.isAdmin ? {} : { id: { in: [...actor.teams.keys()] } },
    orderBy: { name: "asc" },
  });
  return teams.map((t) => ({
    id: t.id,
    name: t.name,
    role: actor.teams.get(t.id) ?? null,
    createdAt: t.createdAt.toISOString(),
  }));
}

/** Creates a team (instance administrators only); the creator becomes its admin. */
export async function createTeam(db: Db, actor: Actor, name: string): Promise<TeamDto> {
  if (!actor.isAdmin || !actor.userId) throw new AppError("auth/forbidden", "Only an administrator can create teams.");
  try {
    const team = await db.team.create({
      data: { name, memberships: { create: { userId: actor.userId, role: "admin" } } },
    });
    await audit({ db, actor }, "team.create", { type: "team", id: team.id, teamId: team.id }, { name });
    return { id: team.id, name: team.name, role: "admin", createdAt: team.createdAt.toISOString() };
  } catch (error) {
    if (error instanceof Prisma.PrismaClientKnownRequestError && error.code === "P2002")
      throw new AppError("request/invalid", `A team named "${name}" exists.`);
    throw error;
  }
}

/** Team management needs the team's admin role; instance administrators may manage every team. */
function requireTeamAdmin(actor: Actor, teamId: string): void {
  if (actor.isAdmin) return;
  requireRole(actor, teamId, "admin", teamNotFound());
}

async function existingTeam(db: Db, actor: Actor, teamId: string): Promise<void> {
  requireTeamAdmin(actor, teamId);
  if (!(await db.team.findUnique({ where: { id: teamId } }))) throw teamNotFound();
}

/** Members of a team (its admins, and instance administrators). */
export async function listMembers(db: Db, actor: Actor, teamId: string): Promise<MemberDto[]> {
  await existingTeam(db, actor, teamId);
  const rows = await db.membership.findMany({
    where: { teamId },
    include: { user: true },
    orderBy: { createdAt: "asc" },
  });
  return rows.map((m) => ({
    userId: m.userId,
    email: m.user.email,
    name: m.user.name,
    role: m.role,
    since: m.createdAt.toISOString(),
  }));
}

/** Adds an existing user (by e-mail) to a team with a role, or changes their role if they are a member. */
export async function addMember(
  db: Db,
  actor: Actor,
  teamId: string,
  input: z.infer<typeof AddMemberSchema>,
): Promise<MemberDto> {
  await existingTeam(db, actor, teamId);
  const user = await db.user.findUnique({ where: { email: normaliseEmail(input.email) } });
  if (!user) throw new AppError("request/not-found", "No user with that e-mail; an administrator creates users first.");
  return setRole(db, actor, teamId, user.id, input.role, "team.member.add");
}

/** Changes a member's role. The last admin of a team cannot be demoted. */
export async function changeRole(db: Db, actor: Actor, teamId: string, userId: string, role: Role): Promise<MemberDto> {
  await existingTeam(db, actor, teamId);
  if (!(await db.membership.findUnique({ where: { userId_teamId: { userId, teamId } } })))
    throw new AppError("request/not-found", "No such member.");
  return setRole(db, actor, teamId, userId, role, "team.member.role");
}

async function setRole(
  db: Db,
  actor: Actor,
  teamId: string,
  userId: string,
  role: Role,
  action: string,
): Promise<MemberDto> {
  const membership = await db.$transaction(async (tx) => {
    const before = await tx.membership.findUnique({ where: { userId_teamId: { userId, teamId } } });
    if (
      before?.role === "admin" &&
      role !== "admin" &&
      (await tx.membership.count({ where: { teamId, role: "admin" } })) <= 1
    ) {
      throw new AppError("request/invalid", "A team keeps at least one admin.");
    }
    return tx.membership.upsert({
      where: { userId_teamId: { userId, teamId } },
      create: { userId, teamId, role },
      update: { role },
      include: { user: true },
    });
  });
  await audit({ db, actor }, action, { type: "user", id: userId, teamId }, { role });
  return {
    userId,
    email: membership.user.email,
    name: membership.user.name,
    role: membership.role,
    since: membership.createdAt.toISOString(),
  };
}

/** Removes a member; the last admin cannot be removed. Their tokens for that team stop working with the membership. */
export async function removeMember(db: Db, actor: Actor, teamId: string, userId: string): Promise<void> {
  await existingTeam(db, actor, teamId);
  await db.$transaction(async (tx) => {
    const before = await tx.membership.findUnique({ where: { userId_teamId: { userId, teamId } } });
    if (!before) throw new AppError("request/not-found", "No such member.");
    if (before.role === "admin" && (await tx.membership.count({ where: { teamId, role: "admin" } })) <= 1) {
      throw new AppError("request/invalid", "A team keeps at least one admin.");
    }
    await tx.membership.delete({ where: { userId_teamId: { userId, teamId } } });
  });
  await audit({ db, actor }, "team.member.remove", { type: "user", id: userId, teamId });
}

/** Sets a team's monthly LLM budget (team admins); the worker checks it before every model call. */
export async function setBudget(
  db: Db,
  actor: Actor,
  teamId: string,
  llmBudgetUsd: number | null,
): Promise<TeamBudgetDto> {
  await existingTeam(db, actor, teamId);
  const team = await db.team.update({ where: { id: teamId }, data: { llmBudgetUsd } });
  await audit({ db, actor }, "team.budget", { type: "team", id: teamId, teamId }, { llmBudgetUsd });
  return { teamId, llmBudgetUsd: team.llmBudgetUsd === null ? null : Number(team.llmBudgetUsd) };
}
