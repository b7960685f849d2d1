import { readdir, readFile, stat } from "node:fs/promises";
import path from "node:path";
import { TeamRuleSchema, type TeamRule } from "@threatline/domain";
import { compileTeamRule, type Rule } from "@threatline/engine";
import { parse as parseYaml } from "yaml";
import { describeIssues } from "./config.ts";
import { UsageError } from "./files.ts";

/** A team rule as read from its file. */
export interface LoadedTeamRule {
  file: string;
  rule: TeamRule;
}

const RULE_FILE = /\.ya?ml$/i;

/** Parses and validates one rule file's text; `shown` names it in errors. */
export function parseTeamRule(text: string, shown: string): TeamRule {
  let raw: unknown;
  try {
    raw = parseYaml(text);
  } catch (error) {
    throw new UsageError(`Rule file '${shown}' is not valid YAML: ${(error as Error).message}`);
  }
  const parsed = TeamRuleSchema.safeParse(raw);
  if (!parsed.success) throw new UsageError(`Rule file '${shown}' is invalid:\n${describeIssues(parsed.error)}`);
  return parsed.data;
}

/**
 * Reads the rule files of a folder: every `*.yaml`/`*.yml` directly in it, one rule per file (sub-folders
 * hold fixtures and are not read). Ids must be unique across all folders.
 */
export async function readTeamRuleDirs(dirs: readonly string[], cwd = process.cwd()): Promise<LoadedTeamRule[]> {
  const out: LoadedTeamRule[] = [];
  const seen = new Map<string, string>();
  for (const dir of dirs) {
    const shownDir = path.relative(cwd, dir) || ".";
    try {
      if (!(await stat(dir)).isDirectory()) throw new Error("ENOTDIR");
    } catch {
      throw new UsageError(`Cannot read the rules folder '${shownDir}': no such folder.`);
    }
    const names = (await readdir(dir, { withFileTypes: true }))
      .filter((e) => e.isFile() && RULE_FILE.test(e.name))
      .map((e) => e.name)
      .sort();
    if (names.length === 0) throw new UsageError(`The rules folder '${shownDir}' holds no rule files (*.yaml).`);
    for (const name of names) {
      const file = path.join(dir, name);
      const shown = path.relative(cwd, file);
      const rule = parseTeamRule(await readFile(file, "utf8"), shown);
      const earlier = seen.get(rule.id);
      if (earlier) throw new UsageError(`Rule id ${rule.id} is used twice: in '${earlier}' and in '${shown}'.`);
      seen.set(rule.id, shown);
      out.push({ file, rule });
    }
  }
  return out;
}

/** Loads and compiles the team rules of each folder, for a scan. */
export async function loadTeamRuleDirs(dirs: string[]): Promise<Rule[]> {
  return (await readTeamRuleDirs(dirs)).map((r) => compileTeamRule(r.rule));
}
