import { AppError, TeamRuleSetSchema, type TeamRuleSet, type TeamRuleSetDto } from "@threatline/domain";
import { RULES } from "@threatline/engine";
import type { Db, Prisma } from "@threatline/db";
import { requireRole, type Actor } from "../auth/context.ts";
import { audit } from "./audit.service.ts";

const teamNotFound = () => new AppError("request/not-found", "No such team.");

/** Where a team's rule set lives: a key of the team's settings (no table of its own). */
const SETTINGS_KEY = "teamRules";

function settingsOf(value: unknown): Record<string, unknown> {
  return value !== null && typeof value === "object" && !Array.isArray(value) ? (value as Record<string, unknown>) : {};
}

/** A team's rule set as stored; a stored value that no longer validates reads as empty (the worker does the same). */
export function storedRuleSet(settings: unknown): TeamRuleSet {
  const parsed = TeamRuleSetSchema.safeParse(settingsOf(settings)[SETTINGS_KEY] ?? { rules: [] });
  return parsed.success ? parsed.data : { rules: [] };
}

/** The team's rules; every member may read them. */
export async function getTeamRules(db: Db, actor: Actor, teamId: string): Promise<TeamRuleSetDto> {
  if (!actor.isAdmin) requireRole(actor, teamId, "viewer", teamNotFound());
  const team = await db.team.findUnique({ where: { id: teamId } });
  if (!team) throw teamNotFound();
  return { teamId, rules: storedRuleSet(team.settings).rules };
}

/** Replaces the team's rules (team admins); ids must not be builtin ones. Later analyses run them. */
export async function setTeamRules(db: Db, actor: Actor, teamId: string, set: TeamRuleSet): Promise<TeamRuleSetDto> {
  if (!actor.isAdmin) requireRole(actor, teamId, "admin", teamNotFound());
  const builtin = new Set(RULES.map((r) => r.id));
  const clash = set.rules.filter((r) => builtin.has(r.id)).map((r) => r.id);
  if (clash.length > 0)
    throw new AppError("request/invalid", `Team rule ids must not be builtin rule ids: ${clash.join(", ")}.`);
  const team = await db.team.findUnique({ where: { id: teamId } });
  if (!team) throw teamNotFound();
  await db.team.update({
    where: { id: teamId },
    data: { settings: { ...settingsOf(team.settings), [SETTINGS_KEY]: set } as Prisma.InputJsonValue },
  });
  await audit({ db, actor }, "team.rules", { type: "team", id: teamId, teamId }, { rules: set.rules.map((r) => r.id) });
  return { teamId, rules: set.rules };
}
