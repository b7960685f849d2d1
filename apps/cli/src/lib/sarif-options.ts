import { existsSync } from "node:fs";
import { readFile } from "node:fs/promises";
import path from "node:path";
import { RULES } from "@threatline/engine";
import {
  ruleDocsBase,
  sarifRuleCatalog,
  type ResolvedFile,
  type RuleMetadata,
  type SarifOptions,
} from "@threatline/reports";
import { UsageError } from "./files.ts";

const BUILTIN = new Set(RULES.map((r) => r.id));

/** The folder holding `.git` (a folder, or the file of a worktree or submodule) from `start` up; null when none. */
export function findRepositoryRoot(start: string): string | null {
  for (let dir = path.resolve(start); ; dir = path.dirname(dir)) {
    if (existsSync(path.join(dir, ".git"))) return dir;
    if (path.dirname(dir) === dir) return null;
  }
}

/** Maps a report path (relative to `cwd`, or absolute) onto the source root. */
export function rootResolver(root: string, cwd: string): (file: string) => ResolvedFile {
  return (file) => {
    const absolute = path.resolve(cwd, file);
    const relative = path.relative(root, absolute);
    if (relative === "" || relative.startsWith("..") || path.isAbsolute(relative))
      return { absolute: absolute.split(path.sep).join("/") };
    return { relative: relative.split(path.sep).join("/") };
  };
}

export interface SarifFlags {
  sourceRoot?: string;
  category?: string;
  helpUriBase?: string;
}

/**
 * SARIF for GitHub code scanning: URIs relative to the repository root (`--source-root`, else the folder with
 * `.git`, else the working directory), the files' text for GitHub's line hashes (read as GitHub reads them,
 * byte order mark and all), the builtin rules' own text and pages, and `--category`.
 */
export async function sarifOptions(
  flags: SarifFlags,
  files: readonly string[],
  cwd: string,
  rules: readonly RuleMetadata[],
): Promise<SarifOptions> {
  let root: string;
  if (flags.sourceRoot !== undefined) {
    root = path.resolve(cwd, flags.sourceRoot);
    if (!existsSync(root)) throw new UsageError(`--source-root ${flags.sourceRoot}: no such folder.`);
  } else {
    root = findRepositoryRoot(cwd) ?? cwd;
  }
  const sources = new Map<string, string>();
  await Promise.all(
    files.map(async (file) => {
      try {
        sources.set(file, await readFile(path.resolve(cwd, file), "utf8"));
      } catch {
        // A file that vanished since the scan simply gets no line hash.
      }
    }),
  );
  const base = flags.helpUriBase ?? process.env.THREATLINE_HELP_URI_BASE;
  let ruleDocsUrl: string | undefined;
  try {
    ruleDocsUrl = ruleDocsBase(base);
  } catch {
    const from = flags.helpUriBase !== undefined ? "--help-uri-base" : "THREATLINE_HELP_URI_BASE";
    throw new UsageError(`${from} must be an http(s) URL, not '${base}'.`);
  }
  return {
    ...(ruleDocsUrl ? { ruleDocsUrl } : {}),
    // Builtin rules have a page under docs/rules; team rules do not.
    rules: sarifRuleCatalog(rules, (id) => BUILTIN.has(id)),
    resolveFile: rootResolver(root, cwd),
    sources,
    ...(flags.category !== undefined ? { category: flags.category } : {}),
  };
}
