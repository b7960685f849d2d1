import { readFile } from "node:fs/promises";
import path from "node:path";
import { RULES, matchesGlob, type Rule } from "@threatline/engine";
import { z } from "zod";
import { configSuppressions, describeIssues, loadConfig, ruleEnabled, type LoadedConfig } from "./config.ts";
import { UsageError, displayPath } from "./files.ts";
import type { ScanPolicy } from "./scan.ts";

/** The options `scan` and `diff` share: where the config is, what to run, what is already known. */
export interface PolicyOptions {
  config?: string;
  skip?: string[];
  only?: string[];
  rules?: string[];
  baseline?: string;
}

/** Collects a repeatable, comma-separable option (`--skip A,B --skip C`). */
export function collectList(value: string, previous: string[] = []): string[] {
  return [
    ...previous,
    ...value
      .split(",")
      .map((v) => v.trim())
      .filter(Boolean),
  ];
}

/** Collects a repeatable option as given. */
export function collect(value: string, previous: string[] = []): string[] {
  return [...previous, value];
}

/** An earlier report's fingerprints: `scan --format json` and `export --format json` both qualify. */
const BaselineSchema = z.object({ threats: z.array(z.object({ fingerprint: z.string().min(1) })) });

export async function readBaseline(file: string, cwd: string): Promise<{ file: string; fingerprints: Set<string> }> {
  let text: string;
  try {
    text = await readFile(path.resolve(cwd, file), "utf8");
  } catch (error) {
    throw new UsageError(`Cannot read baseline '${file}': ${(error as NodeJS.ErrnoException).code ?? String(error)}.`);
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    throw new UsageError(`Baseline '${file}' is not JSON: write one with --write-baseline or --format json.`);
  }
  const parsed = BaselineSchema.safeParse(json);
  if (!parsed.success)
    throw new UsageError(
      `Baseline '${file}' is not a Threatline JSON report (from --write-baseline or --format json):\n${describeIssues(parsed.error)}`,
    );
  return { file, fingerprints: new Set(parsed.data.threats.map((t) => t.fingerprint)) };
}

/** Everything a scan needs beyond the files: the config, the rule set and the policy applied afterwards. */
export interface ScanSetup {
  config: LoadedConfig;
  rules: Rule[];
  policy: ScanPolicy;
  /** Whether a file (as reports show it, relative to cwd) is excluded by the config. */
  excluded(displayed: string): boolean;
}

/** Today in UTC, `YYYY-MM-DD`; suppressions hold through their `until` day. */
export function todayUtc(): string {
  return new Date().toISOString().slice(0, 10);
}

/**
 * Reads the config (from `--config` or found from the first path up to the repository root) and merges
 * it with the command line: flags add to the config's skip/only/rules lists.
 */
export async function setupScan(
  firstPath: string,
  options: PolicyOptions,
  cwd: string,
  loadTeamRules: (dirs: string[]) => Promise<Rule[]> = () => Promise.resolve([]),
): Promise<ScanSetup> {
  const config = await loadConfig(options.config, firstPath, cwd);
  const skip = [...config.config.skip, ...(options.skip ?? [])];
  const only = [...config.config.only, ...(options.only ?? [])];
  const ruleDirs = [
    ...config.config.rules.map((dir) => path.resolve(config.dir, dir)),
    ...(options.rules ?? []).map((dir) => path.resolve(cwd, dir)),
  ];
  const team = await loadTeamRules(ruleDirs);
  const taken = new Set(RULES.map((r) => r.id));
  for (const rule of team)
    if (taken.has(rule.id)) throw new UsageError(`Team rule ${rule.id} has the id of a builtin rule; pick another id.`);
  const rules = [...RULES, ...team].filter((r) => ruleEnabled(r, skip, only));
  // Globs in the config are written relative to its folder, reports show paths relative to cwd.
  const frame = (displayed: string): string =>
    path.relative(config.dir, path.resolve(cwd, displayed)).split(path.sep).join("/");
  const baseline = options.baseline === undefined ? undefined : await readBaseline(options.baseline, cwd);
  return {
    config,
    rules,
    policy: {
      severity: config.config.severity,
      suppressions: configSuppressions(config),
      pathFrame: frame,
      today: todayUtc(),
      ...(baseline ? { baseline } : {}),
    },
    excluded: (displayed) => config.config.exclude.some((glob) => matchesGlob(frame(displayed), glob)),
  };
}

/** Absolute paths shown relative to cwd, for filtering found files by the config's excludes. */
export function displayedPaths(found: readonly string[], cwd: string): string[] {
  return found.map((f) => displayPath(f, cwd));
}
