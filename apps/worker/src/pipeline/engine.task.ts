import { capThreats, type TeamRule } from "@threatline/domain";
import { analyze, type SourceFile } from "@threatline/engine";
import type { BoundedResult } from "./engine-pool.ts";
import { withTeamRules } from "./team-rules.ts";

/**
 * Runs in a worker thread of the engine pool: the rules engine on one analysis's files. The threats are capped
 * here, so that only the kept ones cross back to the main thread (100,000 threats are ~100 MB to clone).
 */
export default async function run({
  files,
  focus,
  maxThreats,
  teamRules = [],
}: {
  files: SourceFile[];
  focus: string[];
  maxThreats: number;
  /** The team's own rules (plain data: compiled here). */
  teamRules?: TeamRule[];
}): Promise<BoundedResult> {
  const result = await analyze(files, teamRules.length > 0 ? { focus, rules: withTeamRules(teamRules) } : { focus });
  const { kept, omitted } = capThreats(result.threats, maxThreats);
  return { ...result, threats: kept, omitted };
}
