import type { TeamRule } from "@threatline/domain";
import { analyze, RULES, compileTeamRule, type Rule, type SourceFile } from "@threatline/engine";
import type { BoundedResult } from "./engine-pool.ts";

/** The builtin rules and a team's, compiled where they run (an engine thread receives plain data). */
export function withTeamRules(teamRules: readonly TeamRule[]): Rule[] {
  return [...RULES, ...teamRules.map(compileTeamRule)];
}

/**
 * One analysis's engine run, with the team's rules, writing out at most `maxThreats` threats (the engine
 * counts the rest without building them): what an engine thread runs, and the worker inline without a pool.
 */
export function analyzeBounded(
  files: SourceFile[],
  focus: string[],
  maxThreats: number,
  teamRules: readonly TeamRule[],
): Promise<BoundedResult> {
  return analyze(files, {
    focus,
    maxThreats,
    ...(teamRules.length > 0 ? { rules: withTeamRules(teamRules) } : {}),
  });
}
