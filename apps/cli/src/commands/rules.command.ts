import { readFile } from "node:fs/promises";
import path from "node:path";
import type { Command } from "commander";
import { severityFromScore, threatScore, type TeamRuleSetDto } from "@threatline/domain";
import { RULES, compileTeamRule, runRuleFixtures, type RuleFixture } from "@threatline/engine";
import pc from "picocolors";
import { clientFrom, type ServerOptions } from "../lib/api-client.ts";
import { usageErrorsExit2 } from "../lib/commander.ts";
import { EXIT } from "../lib/exit-codes.ts";
import { UsageError } from "../lib/files.ts";
import { readTeamRuleDirs, type LoadedTeamRule } from "../lib/team-rules.ts";

/** `threatline rules`: list the rules, and test team rule files against their fixtures. */
export function registerRules(program: Command): void {
  const rules = program
    .command("rules")
    .description("List the rules, and test team rule files (YAML) against their fixtures")
    .action(() => {
      // A bare `threatline rules` is a usage error (exit 2), not a threshold met (commander's 1).
      rules.outputHelp({ error: true });
      process.exitCode = EXIT.usage;
    });

  const test = rules
    .command("test")
    .description("Run each team rule's fixtures: positive ones must raise it, negative ones must not")
    .argument("<dirs...>", "folders of team rule files (*.yaml directly inside; fixtures may sit in sub-folders)")
    .addHelpText(
      "after",
      "\nExit codes: 0 every fixture passed, 1 a fixture failed, 2 a rule file is invalid or a folder is missing.",
    )
    .action(async (dirs: string[]) => {
      process.exitCode = await testRules(dirs);
    });
  usageErrorsExit2(test);

  const list = rules
    .command("list")
    .description("List the builtin rules, and the team rules of DIRS: id, category, severity, title")
    .argument("[dirs...]", "folders of team rule files")
    .action(async (dirs: string[]) => {
      const team = await readTeamRuleDirs(dirs.map((d) => path.resolve(d)));
      const all = [...RULES, ...team.map((t) => compileTeamRule(t.rule))];
      for (const r of all)
        process.stdout.write(
          `${r.id.padEnd(18)} ${r.category.padEnd(22)} ${severityFromScore(threatScore(r.likelihood, r.impact)).padEnd(8)} ${r.title}\n`,
        );
    });
  usageErrorsExit2(list);

  const push = rules
    .command("push")
    .description(
      "Store the team rules of DIRS on a Threatline server: the worker runs them on every analysis of the team",
    )
    .argument("<dirs...>", "folders of team rule files (validated, fixtures tested first)")
    .requiredOption("--team <id>", "the team whose rule set to replace")
    .option("--server <url>", "Threatline server URL (default: THREATLINE_SERVER)")
    .option("--token <token>", "API token of a team admin (default: THREATLINE_TOKEN)")
    .action(async (dirs: string[], options: ServerOptions & { team: string }) => {
      process.exitCode = await pushRules(dirs, options);
    });
  usageErrorsExit2(push);
  usageErrorsExit2(rules);
}

/** Tests the rules, then replaces the team's rule set on the server with them. */
async function pushRules(dirs: string[], options: ServerOptions & { team: string }): Promise<number> {
  const client = clientFrom(options);
  const code = await testRules(dirs);
  if (code !== EXIT.ok) {
    process.stderr.write("Not pushed: a fixture failed.\n");
    return code;
  }
  const loaded = await readTeamRuleDirs(dirs.map((d) => path.resolve(d)));
  const stored = await client.json<TeamRuleSetDto>("PUT", `/teams/${encodeURIComponent(options.team)}/rules`, {
    rules: loaded.map((l) => l.rule),
  });
  process.stdout.write(
    `Stored ${stored.rules.length} team rule(s) on the server for team ${stored.teamId}: ${stored.rules.map((r) => r.id).join(", ")}\n`,
  );
  return EXIT.ok;
}

async function fixturesOf(loaded: LoadedTeamRule): Promise<RuleFixture[]> {
  const base = path.dirname(loaded.file);
  const out: RuleFixture[] = [];
  for (const [i, t] of loaded.rule.tests.entries()) {
    if (t.file !== undefined) {
      const file = path.resolve(base, t.file);
      let content: string;
      try {
        content = await readFile(file, "utf8");
      } catch {
        throw new UsageError(
          `Rule ${loaded.rule.id}: fixture tests[${i}] names '${t.file}', which cannot be read (relative to ${path.relative(process.cwd(), base) || "."}).`,
        );
      }
      out.push({ name: t.name ?? t.file, expect: t.expect, file: { path: path.basename(t.file), content } });
    } else {
      out.push({ name: t.name ?? `tests[${i}]`, expect: t.expect, file: { path: t.path!, content: t.content! } });
    }
  }
  return out;
}

async function testRules(dirs: string[]): Promise<number> {
  const c = pc.createColors(Boolean(process.stdout.isTTY) && !process.env.NO_COLOR);
  const loaded = await readTeamRuleDirs(dirs.map((d) => path.resolve(d)));
  let failed = 0;
  let total = 0;
  for (const entry of loaded) {
    const results = await runRuleFixtures(compileTeamRule(entry.rule), await fixturesOf(entry));
    const bad = results.filter((r) => !r.passed);
    failed += bad.length;
    total += results.length;
    process.stdout.write(
      `${bad.length === 0 ? c.green("PASS") : c.red("FAIL")} ${entry.rule.id} ${c.dim(path.relative(process.cwd(), entry.file))}\n`,
    );
    for (const r of results)
      process.stdout.write(
        `  ${r.passed ? c.green("✓") : c.red("✗")} ${r.name} (expect ${r.expect})${r.problem ? `: ${r.problem}` : ""}\n`,
      );
  }
  process.stdout.write(
    `\n${loaded.length} rule(s), ${total - failed} of ${total} fixture check(s) passed${failed > 0 ? `, ${failed} failed` : ""}.\n`,
  );
  return failed > 0 ? EXIT.thresholdMet : EXIT.ok;
}
