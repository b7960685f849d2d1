import type { TeamRule } from "@threatline/domain";
import { RULES, compileTeamRule, type Rule } from "@threatline/engine";

/** The builtin rules and a team's, compiled where they run (an engine thread receives plain data). */
export function withTeamRules(teamRules: readonly TeamRule[]): Rule[] {
  return [...RULES, ...teamRules.map(compileTeamRule)];
}
