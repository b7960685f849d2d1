import type { Db } from "@threatline/db";

/**
 * Whether a team has spent its monthly LLM budget (Team.llmBudgetUsd, calendar month in UTC). No budget: never.
 * A budget of 0 means no model calls at all. Checked before each call, so a month's spend can pass the budget
 * by at most the analyses already running.
 */
export async function teamBudgetExhausted(db: Db, teamId: string, now: Date = new Date()): Promise<boolean> {
  const team = await db.team.findUnique({ where: { id: teamId }, select: { llmBudgetUsd: true } });
  if (!team || team.llmBudgetUsd === null) return false;
  const monthStart = new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), 1));
  const spent = await db.analysis.aggregate({
    _sum: { costUsd: true },
    where: { project: { teamId }, finishedAt: { gte: monthStart } },
  });
  return Number(spent._sum.costUsd ?? 0) >= Number(team.llmBudgetUsd);
}
