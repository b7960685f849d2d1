import { existsSync } from "node:fs";
import { readFile, stat } from "node:fs/promises";
import path from "node:path";
import { SeveritySchema, parseStrideCategory, type Severity, type StrideCategory } from "@threatline/domain";
import { isIsoDate, type Suppression } from "@threatline/engine";
import { EXPORT_FORMATS } from "@threatline/reports";
import { parse as parseYaml } from "yaml";
import { z } from "zod";
import { SKIPPED_FILES, UsageError, displayPath } from "./files.ts";

/** Names the config file may have, looked for in this order in each folder. */
export const CONFIG_NAMES = [...SKIPPED_FILES];

const IsoDateSchema = z.string().refine(isIsoDate, { message: "expected a date written YYYY-MM-DD" });

/** A suppression written in the config: which threats, who decided, why and until when (like a triage acceptance). */
export const ConfigSuppressionSchema = z
  .object({
    /** Rule id(s) the suppression is about. */
    rule: z.union([z.string().min(1), z.array(z.string().min(1)).min(1)]).optional(),
    /** One exact threat, by the fingerprint reports show. */
    fingerprint: z.string().min(1).optional(),
    /** Only this resource id (`AppBucket`, `aws_s3_bucket.data`). */
    resource: z.string().min(1).optional(),
    /** Only files matching this glob, relative to the config file's folder. */
    path: z.string().min(1).optional(),
    /** Who accepted the risk. */
    owner: z.string().min(1),
    /** Why it is accepted. */
    reason: z.string().min(1),
    /** Last day it holds; after it the threat comes back. */
    until: IsoDateSchema,
  })
  .strict()
  .refine((s) => s.rule !== undefined || s.fingerprint !== undefined, {
    message: "name the threat with rule: or fingerprint:",
  });

/** `.threatline.yaml`: what a repository says about how it is scanned. Every key is optional. */
export const ConfigSchema = z
  .object({
    /** Default `--format` of scan. */
    format: z.enum(["text", ...EXPORT_FORMATS, "dfd-svg"]).optional(),
    /** Default `--fail-on`. */
    "fail-on": SeveritySchema.optional(),
    /** Rule ids or STRIDE categories never to report. */
    skip: z.array(z.string().min(1)).default([]),
    /** When given, only these rule ids or STRIDE categories are reported. */
    only: z.array(z.string().min(1)).default([]),
    /** Severity by rule id or STRIDE category, replacing the rule's own. */
    severity: z.record(z.string().min(1), SeveritySchema).default({}),
    /** Globs of files never scanned, relative to the config file's folder (`legacy/**`, `*.test.yaml`). */
    exclude: z.array(z.string().min(1)).default([]),
    /** Accepted threats, with owner, reason and expiry. */
    suppressions: z.array(ConfigSuppressionSchema).default([]),
    /** Folders of team rule files, relative to the config file's folder. */
    rules: z.array(z.string().min(1)).default([]),
  })
  .strict();
export type Config = z.infer<typeof ConfigSchema>;

/** A config as the scan uses it: parsed, with the folder its relative paths start from. */
export interface LoadedConfig {
  /** The file it came from, or null when no config was found. */
  file: string | null;
  dir: string;
  config: Config;
}

/**
 * The issues to show for a failed union (`remediation: text or {text, fix}`, a rule condition): those of
 * the alternative that came closest, that is with the fewest issues, the deepest first.
 */
function closest(issue: z.core.$ZodIssueInvalidUnion): z.core.$ZodIssue[] {
  const branches = issue.errors.filter((b) => b.length > 0);
  if (branches.length === 0) return [issue];
  const depth = (b: z.core.$ZodIssue[]) => Math.max(...b.map((i) => i.path.length));
  const best = [...branches].sort((a, b) => a.length - b.length || depth(b) - depth(a))[0]!;
  return best.map((i) => ({ ...i, path: [...issue.path, ...i.path] }));
}

function flatten(issues: readonly z.core.$ZodIssue[]): z.core.$ZodIssue[] {
  return issues.flatMap((i) => (i.code === "invalid_union" && i.errors.length > 0 ? flatten(closest(i)) : [i]));
}

/** Formats zod's issues the way a person fixing the file reads them: `suppressions[0].until: …`. */
export function describeIssues(error: z.ZodError): string {
  return flatten(error.issues)
    .map((issue) => {
      const where = issue.path
        .map((p, i) => (typeof p === "number" ? `[${p}]` : i === 0 ? String(p) : `.${String(p)}`))
        .join("");
      const message =
        issue.code === "unrecognized_keys"
          ? `unknown key(s) ${issue.keys.map((k) => `'${k}'`).join(", ")}`
          : issue.code === "invalid_type" && issue.message.endsWith("received undefined")
            ? "missing (required)"
            : issue.message;
      return `  ${where || "(top level)"}: ${message}`;
    })
    .join("\n");
}

/** Reads and validates one config file; a UsageError (exit 2) says what is wrong and where. */
export async function readConfig(file: string, cwd: string): Promise<LoadedConfig> {
  const shown = displayPath(file, cwd);
  let text: string;
  try {
    text = await readFile(file, "utf8");
  } catch (error) {
    throw new UsageError(`Cannot read config '${shown}': ${(error as NodeJS.ErrnoException).code ?? String(error)}.`);
  }
  let raw: unknown;
  try {
    raw = parseYaml(text) ?? {};
  } catch (error) {
    throw new UsageError(`Config '${shown}' is not valid YAML: ${(error as Error).message}`);
  }
  const parsed = ConfigSchema.safeParse(raw);
  if (!parsed.success) throw new UsageError(`Config '${shown}' is invalid:\n${describeIssues(parsed.error)}`);
  return { file, dir: path.dirname(file), config: parsed.data };
}

/**
 * The config for a scan: `--config FILE` when given, else the first `.threatline.yaml` found from the
 * scanned path's folder up to the repository root (the folder holding `.git`), else an empty config.
 */
export async function loadConfig(explicit: string | undefined, firstPath: string, cwd: string): Promise<LoadedConfig> {
  if (explicit !== undefined) return readConfig(path.resolve(cwd, explicit), cwd);
  let dir = path.resolve(cwd, firstPath);
  try {
    if (!(await stat(dir)).isDirectory()) dir = path.dirname(dir);
  } catch {
    dir = path.dirname(dir);
  }
  for (;;) {
    for (const name of CONFIG_NAMES) {
      const candidate = path.join(dir, name);
      if (existsSync(candidate)) return readConfig(candidate, cwd);
    }
    const parent = path.dirname(dir);
    if (existsSync(path.join(dir, ".git")) || parent === dir) break;
    dir = parent;
  }
  return { file: null, dir: cwd, config: ConfigSchema.parse({}) };
}

/** A rule id or STRIDE category from skip/only/severity. */
export type RuleSelector = { kind: "category"; category: StrideCategory } | { kind: "rule"; id: string };

export function parseSelector(value: string): RuleSelector {
  const category = parseStrideCategory(value);
  return category ? { kind: "category", category } : { kind: "rule", id: value };
}

function selects(selector: RuleSelector, rule: { id: string; category: StrideCategory }): boolean {
  return selector.kind === "category" ? selector.category === rule.category : selector.id === rule.id;
}

/** Whether a rule runs under the config's skip and only lists (CLI flags already merged in). */
export function ruleEnabled(
  rule: { id: string; category: StrideCategory },
  skip: readonly string[],
  only: readonly string[],
): boolean {
  if (skip.map(parseSelector).some((s) => selects(s, rule))) return false;
  return only.length === 0 || only.map(parseSelector).some((s) => selects(s, rule));
}

/** The severity a threat gets under the overrides: a rule id wins over its category. */
export function overriddenSeverity(
  threat: { ruleId: string | null; category: StrideCategory; severity: Severity },
  overrides: Readonly<Record<string, Severity>>,
): Severity {
  if (threat.ruleId && overrides[threat.ruleId]) return overrides[threat.ruleId]!;
  for (const [key, severity] of Object.entries(overrides)) {
    const s = parseSelector(key);
    if (s.kind === "category" && s.category === threat.category) return severity;
  }
  return threat.severity;
}

/** The config's suppressions in the engine's terms, path globs still relative to the config's folder. */
export function configSuppressions(loaded: LoadedConfig): Suppression[] {
  const name = loaded.file ? path.basename(loaded.file) : "config";
  return loaded.config.suppressions.map((s, i) => ({
    origin: "external",
    ruleIds: s.rule === undefined ? [] : Array.isArray(s.rule) ? s.rule : [s.rule],
    reason: s.reason,
    owner: s.owner,
    until: s.until,
    source: `${name} suppressions[${i}]`,
    ...(s.fingerprint !== undefined ? { fingerprint: s.fingerprint } : {}),
    ...(s.resource !== undefined ? { resource: s.resource } : {}),
    ...(s.path !== undefined ? { pathGlob: s.path } : {}),
  }));
}
