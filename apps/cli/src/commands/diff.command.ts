import { readFile } from "node:fs/promises";
import path from "node:path";
import { Option, type Command } from "commander";
import type { ScanReport, Severity } from "@threatline/domain";
import { detectFormat, type SourceFile } from "@threatline/engine";
import { usageErrorsExit2 } from "../lib/commander.ts";
import { compareScans, renderDeltaMarkdown, renderDeltaText, type ThreatDelta } from "../lib/delta.ts";
import { EXIT, EXIT_CODES_HELP } from "../lib/exit-codes.ts";
import { TEMPLATE_EXTENSIONS, SKIPPED_DIRS, SKIPPED_FILES } from "../lib/files.ts";
import { changedFiles, filesAt, mergeBase, repositoryRoot, resolveCommit, showFile, git } from "../lib/git.ts";
import { writeOutput } from "../lib/output.ts";
import { scanProgress } from "../lib/progress.ts";
import { applyPolicy, failedFiles, scanFiles } from "../lib/scan.ts";
import { collect, collectList, setupScan, type PolicyOptions } from "../lib/scan-setup.ts";
import { atOrAbove, parseSeverity } from "../lib/severity.ts";
import { loadTeamRuleDirs } from "../lib/team-rules.ts";
import { CLI_VERSION } from "../version.ts";

const DIFF_FORMATS = ["text", "json", "markdown"] as const;

interface DiffOptions extends Omit<PolicyOptions, "baseline"> {
  base: string;
  format: (typeof DIFF_FORMATS)[number];
  output?: string;
  failOn?: string;
  mergeBase: boolean;
}

/** `threatline diff --base REF`: the threats a change adds and resolves, for a pull request. */
export function registerDiff(program: Command): void {
  const command = program
    .command("diff")
    .description("Threats added and resolved by the changes since a git revision (for pull requests)")
    .argument("[paths...]", "only templates under these paths (default: the whole repository)")
    .requiredOption("--base <ref>", "the revision to compare with (a branch, tag or commit: origin/main)")
    .addOption(new Option("-f, --format <format>", "output format").choices(DIFF_FORMATS).default("text"))
    .option("-o, --output <file>", "write the delta to FILE instead of stdout")
    .option("--fail-on <severity>", "exit 1 when an added threat is at or above SEVERITY")
    .option("--no-merge-base", "compare with --base itself, not with its merge base with HEAD")
    .option("-c, --config <file>", "config file (default: .threatline.yaml found from the repository root)")
    .option("--skip <ids>", "rule ids or STRIDE categories not to run (comma-separated, repeatable)", collectList)
    .option("--only <ids>", "run only these rule ids or STRIDE categories (comma-separated, repeatable)", collectList)
    .option("--rules <dir>", "also run the team rule files (YAML) in DIR (repeatable)", collect)
    .addHelpText(
      "after",
      "\nThe changed templates are scanned at both revisions; a changed .tf file brings its whole folder (the\n" +
        "Terraform module) with it. Only added threats count for --fail-on.\n\n" +
        `${EXIT_CODES_HELP}\n\nIn GitHub Actions: threatline diff --base origin/\${{ github.base_ref }} --format markdown >> "$GITHUB_STEP_SUMMARY"`,
    )
    .action(async (paths: string[], options: DiffOptions) => {
      process.exitCode = await diff(paths, options);
    });
  usageErrorsExit2(command);
}

const isTemplate = (file: string): boolean => {
  const lower = file.toLowerCase();
  const name = lower.split("/").pop()!;
  return (
    TEMPLATE_EXTENSIONS.some((ext) => lower.endsWith(ext)) &&
    !SKIPPED_FILES.has(name) &&
    !file.split("/").some((part) => SKIPPED_DIRS.has(part))
  );
};

/** A revision's view of the repository: its files by folder, and a file's content (null when absent). */
interface Revision {
  list(dir: string): Promise<string[]>;
  read(file: string): Promise<string | null>;
}

/**
 * The files to scan at a revision for a change, with the context the scan's analysis units use: a changed
 * `.tf` file brings every `.tf` file of its folder (the module), a changed Kubernetes manifest the other
 * manifests of its folder (a sibling NetworkPolicy counts); any other template goes alone.
 */
async function unitFiles(changed: readonly string[], at: Revision): Promise<SourceFile[]> {
  const out = new Map<string, SourceFile>();
  const add = async (file: string): Promise<SourceFile | null> => {
    const known = out.get(file);
    if (known) return known;
    const content = await at.read(file);
    if (content === null) return null;
    const source = { path: file, content };
    out.set(file, source);
    return source;
  };
  for (const file of changed) {
    const source = await add(file);
    const terraform = file.toLowerCase().endsWith(".tf");
    if (!source || (!terraform && detectFormat(source) !== "kubernetes")) continue;
    for (const sibling of await at.list(path.posix.dirname(file))) {
      if (out.has(sibling) || !isTemplate(sibling)) continue;
      if (terraform) {
        if (sibling.toLowerCase().endsWith(".tf")) await add(sibling);
      } else if (!sibling.toLowerCase().endsWith(".tf")) {
        const content = await at.read(sibling);
        if (content !== null && detectFormat({ path: sibling, content }) === "kubernetes")
          out.set(sibling, { path: sibling, content });
      }
    }
  }
  return [...out.values()].sort((a, b) => a.path.localeCompare(b.path));
}

/** A file that failed for a reason other than not being a template (a parse error, a limit). */
function failedHard(report: ScanReport, file: string): boolean {
  return failedFiles(report, new Set()).some((f) => f.path === file);
}

async function diff(paths: string[], options: DiffOptions): Promise<number> {
  const cwd = process.cwd();
  const root = await repositoryRoot(cwd);
  const threshold: Severity | undefined = options.failOn === undefined ? undefined : parseSeverity(options.failOn);
  const setup = await setupScan(paths[0] ?? root, options, cwd, loadTeamRuleDirs);
  const baseCommit = await resolveCommit(options.base, root);
  const compareWith = options.mergeBase ? await mergeBase(baseCommit, root) : baseCommit;
  const headCommit = await git(["rev-parse", "--verify", "--quiet", "HEAD"], root).then(
    (s) => s.trim(),
    () => null,
  );

  // Paths are repository-relative in both scans, so fingerprints line up whatever the working directory.
  const scope = paths.map((p) => path.relative(root, path.resolve(cwd, p)).split(path.sep).join("/"));
  const inScope = (file: string): boolean =>
    scope.length === 0 || scope.some((s) => s === "" || file === s || file.startsWith(`${s}/`));
  const excluded = (file: string): boolean => setup.excluded(path.relative(cwd, path.join(root, file)));
  const changed = (await changedFiles(compareWith, root)).filter((f) => isTemplate(f) && inScope(f) && !excluded(f));

  const head: Revision = {
    list: async (dir) => {
      const committed = headCommit ? await filesAt(headCommit, dir, root) : [];
      return [...new Set([...committed, ...changed.filter((f) => path.posix.dirname(f) === dir)])];
    },
    // Deleted in the working tree: no head version.
    read: (file) => readFile(path.join(root, file), "utf8").catch(() => null),
  };
  const base: Revision = {
    list: (dir) => filesAt(compareWith, dir, root),
    read: (file) => showFile(compareWith, file, root),
  };
  const headFiles = (await unitFiles(changed, head)).filter((f) => !excluded(f.path));
  const baseFiles = (await unitFiles(changed, base)).filter((f) => !excluded(f.path));

  const scanAt = async (files: SourceFile[], label: string) => {
    const progress = scanProgress(label);
    const raw = await scanFiles(files, CLI_VERSION, progress.onUnitDone, setup.rules);
    progress.stop();
    return applyPolicy(raw, files, {
      ...setup.policy,
      // The config's globs are relative to its folder; here report paths are relative to the repository root.
      pathFrame: (file) => path.relative(setup.config.dir, path.join(root, file)).split(path.sep).join("/"),
    }).report;
  };
  const [before, after] = [
    await scanAt(baseFiles, `Analysing ${options.base}`),
    await scanAt(headFiles, "Analysing the working tree"),
  ];
  // A changed file no parser recognised at either revision (package.json, a CI workflow) is no template.
  const recognised = new Set([...before.files, ...after.files].filter((f) => f.format !== null).map((f) => f.path));
  const templates = (names: readonly string[]) => names.filter((f) => recognised.has(f) || failedHard(after, f));
  const delta: ThreatDelta = compareScans(before, after, {
    base: { ref: options.base, commit: compareWith },
    head: { ref: headCommit ? "working tree" : "working tree (no commits)", commit: headCommit },
    files: {
      changed: templates(changed),
      scanned: templates([...new Set([...headFiles, ...baseFiles].map((f) => f.path))].sort()),
    },
  });

  const content =
    options.format === "json"
      ? `${JSON.stringify(delta, null, 2)}\n`
      : options.format === "markdown"
        ? renderDeltaMarkdown(delta)
        : renderDeltaText(
            delta,
            options.output === undefined && Boolean(process.stdout.isTTY) && !process.env.NO_COLOR,
          );
  await writeOutput(content, options.output, cwd);

  if (threshold !== undefined) {
    const count = atOrAbove(delta.added, threshold);
    if (count > 0) {
      process.stderr.write(`${count} added threat(s) at or above ${threshold} (--fail-on ${threshold}).\n`);
      return EXIT.thresholdMet;
    }
  }
  if (delta.errors.length > 0) {
    process.stderr.write(
      `${delta.errors.length} changed file(s) could not be analysed: ${delta.errors.map((e) => e.path).join(", ")}\n`,
    );
    return EXIT.fileFailed;
  }
  return EXIT.ok;
}
