import type { Rule } from "@threatline/engine";
import { UsageError } from "./files.ts";

/** Loads the team rule files of each folder. */
export async function loadTeamRuleDirs(dirs: string[]): Promise<Rule[]> {
  if (dirs.length > 0) throw new UsageError("Team rules are not supported yet.");
  return Promise.resolve([]);
}
