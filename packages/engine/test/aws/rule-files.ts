import { readdirSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import type { Rule } from "../../src/rules/types.ts";
import type { RuleCase } from "../rule-cases.ts";

export const RULES_DIR = fileURLToPath(new URL("../../src/aws/rules/", import.meta.url));
export const CASES_DIR = fileURLToPath(new URL("./cases/", import.meta.url));

/**
 * The file name a rule id belongs in, its prefix without `TL-` and `AWS-`: `TL-AWS-RDS-004` → `rds`
 * (`aws/rules/rds.rules.ts`, `test/aws/cases/rds.cases.ts`), `TL-COMBO-002` → `combo`, `TL-TF-HTTP-001` → `tf-http`.
 */
export function fileOf(id: string): string {
  return id
    .replace(/^TL-(AWS-)?/, "")
    .replace(/-\d+$/, "")
    .toLowerCase();
}

/** Every `*.<suffix>.ts` module of a folder by file stem, with the arrays it exports under `*_<EXPORT>`. */
async function load<T>(dir: string, suffix: string, exportSuffix: string): Promise<Map<string, T[]>> {
  const byFile = new Map<string, T[]>();
  for (const name of readdirSync(dir)
    .filter((n) => n.endsWith(`.${suffix}.ts`))
    .sort()) {
    const module = (await import(join(dir, name))) as Record<string, unknown>;
    const lists = Object.entries(module).filter(([key]) => key.endsWith(`_${exportSuffix}`));
    byFile.set(
      name.slice(0, -`.${suffix}.ts`.length),
      lists.flatMap(([, value]) => value as T[]),
    );
  }
  return byFile;
}

/** The AWS rules of each `aws/rules/<name>.rules.ts`, by name. */
export const RULE_FILES: Map<string, Rule[]> = await load<Rule>(RULES_DIR, "rules", "RULES");

/** The cases of each `test/aws/cases/<name>.cases.ts`, by name. */
export const CASE_FILES: Map<string, RuleCase[]> = await load<RuleCase>(CASES_DIR, "cases", "CASES");
