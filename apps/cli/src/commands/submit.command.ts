import path from "node:path";
import type { Command } from "commander";
import {
  SEVERITIES,
  type BatchDto,
  type ProjectDto,
  type Severity,
  type SubmissionResult,
  type Threat,
  type TriageDto,
} from "@threatline/domain";
import cliProgress from "cli-progress";
import pc from "picocolors";
import { ApiError, clientFrom, type ApiClient, type ServerOptions } from "../lib/api-client.ts";
import { WaitTimeoutError, watchBatch } from "../lib/batch-watch.ts";
import { usageErrorsExit2 } from "../lib/commander.ts";
import { UsageError, findTemplateFiles, readTemplateFiles } from "../lib/files.ts";
import { findRepositoryRoot, rootResolver } from "../lib/sarif-options.ts";
import { atOrAbove, parseSeverity } from "../lib/severity.ts";
import { applyTriage, describeSkipped } from "../lib/triage-gate.ts";

interface SubmitOptions extends ServerOptions {
  project?: string;
  wait?: boolean;
  failOn?: string;
  force?: boolean;
  triage: boolean;
  timeout: number;
}

/** Exit codes: 1 when --fail-on is met, 3 when an analysis failed (and --fail-on was not met). */
export const EXIT_FAIL_ON = 1;
export const EXIT_ANALYSIS_FAILED = 3;

/** Exit code when --timeout runs out before every analysis is final (they go on on the server). */
export const EXIT_TIMEOUT = 4;

/** A positive number of milliseconds from the environment, else `fallback`; the overrides exist for tests. */
function msFromEnv(name: string, fallback: number): number {
  const fromEnv = Number(process.env[name]);
  return Number.isFinite(fromEnv) && fromEnv > 0 ? fromEnv : fallback;
}

function parseTimeout(value: string): number {
  const seconds = Number(value);
  if (!Number.isFinite(seconds) || seconds <= 0)
    throw new UsageError(`--timeout takes a number of seconds above 0, not '${value}'.`);
  return seconds;
}

/** `threatline submit`: sends local files to a Threatline server for analysis, and optionally waits for the verdict. */
export function registerSubmit(program: Command): void {
  const command = program
    .command("submit")
    .description("Submit templates to a Threatline server for analysis")
    .argument(
      "<paths...>",
      "files or folders (walked like scan); stored relative to the repository root (the folder with .git, else the working folder)",
    )
    .option("--server <url>", "Threatline server URL (default: THREATLINE_SERVER)")
    .option("--token <token>", "API token, sent as a Bearer credential (default: THREATLINE_TOKEN)")
    .option("--project <name>", "project name; created when it does not exist")
    .option("--wait", "wait until every analysis is finished and print a summary")
    .option("--fail-on <severity>", "with --wait: exit 1 when a threat at or above SEVERITY is found (implies --wait)")
    .option("--force", "skip the server's LLM cache and pay for fresh answers")
    .option("--no-triage", "with --fail-on: count every threat, even those the project's triage closed")
    .option(
      "--timeout <seconds>",
      "with --wait: give up after this long (the analyses go on on the server)",
      parseTimeout,
      1800,
    )
    .addHelpText(
      "after",
      "\nThreats the project's triage accepted (until its expiry), mitigated or marked false positive do not count\n" +
        "for --fail-on; the summary lists them.\n\n" +
        "Exit codes: 0 ok, 1 --fail-on met, 2 usage or server error, 3 an analysis failed or a file was refused\n" +
        "(binary, empty, too large: the other files are still analysed), 4 --timeout ran out.",
    )
    .action(async (paths: string[], options: SubmitOptions) => {
      process.exitCode = await submit(paths, options);
    });
  usageErrorsExit2(command);
}

async function findOrCreateProject(client: ApiClient, name: string): Promise<ProjectDto> {
  const find = async () =>
    (await client.json<{ items: ProjectDto[] }>("GET", `/projects?name=${encodeURIComponent(name)}`)).items.find(
      (p) => p.name === name,
    );
  const existing = await find();
  if (existing) return existing;
  try {
    return await client.json<ProjectDto>("POST", "/projects", { name });
  } catch (error) {
    // Someone created it between our two calls.
    if (error instanceof ApiError && error.code === "project/name-taken") {
      const created = await find();
      if (created) return created;
    }
    throw error;
  }
}

/**
 * Waits for the batch with live progress from the server's event stream (polling if the stream fails), behind
 * a progress bar when stderr is a terminal.
 */
async function waitForBatch(
  client: ApiClient,
  batchId: string,
  total: number,
  timeoutSeconds: number,
): Promise<BatchDto> {
  const bar =
    process.stderr.isTTY && total > 1
      ? new cliProgress.SingleBar(
          {
            stream: process.stderr,
            format: "Analysing {bar} {value}/{total} {status}",
            hideCursor: true,
            // The finished bar stays, on a line of its own: what follows starts on the next line.
            clearOnComplete: false,
          },
          cliProgress.Presets.shades_classic,
        )
      : undefined;
  bar?.start(total, 0, { status: "" });
  try {
    return await watchBatch(client, batchId, total, {
      timeoutMs: timeoutSeconds * 1_000,
      pollMs: msFromEnv("THREATLINE_POLL_MS", 1_000),
      idleMs: msFromEnv("THREATLINE_STREAM_IDLE_MS", 45_000),
      onProgress: (progress) =>
        bar?.update(progress.done, {
          status: Object.entries(progress.counts)
            .map(([s, n]) => `${s}:${n}`)
            .join(" "),
        }),
      onFallback: (reason) => {
        const note = `Live progress unavailable (${reason}); checking the batch every ${msFromEnv("THREATLINE_POLL_MS", 1_000) / 1_000} s instead.\n`;
        if (bar) bar.stop();
        process.stderr.write(note);
        bar?.start(total, 0, { status: "" });
      },
    });
  } finally {
    bar?.stop();
  }
}

/**
 * The paths a submission stores, as `scan`'s SARIF names files: relative to the repository root (the folder
 * holding .git, else the working folder). A file outside it (an absolute path or `../` elsewhere) is named from
 * its own repository's root, else from the folder of the argument that found it, so the server never sees an
 * absolute path or `..`.
 */
export function submissionPaths(files: readonly string[], args: readonly string[], cwd: string): string[] {
  const relativeTo = (root: string, file: string) => {
    const resolved = rootResolver(root, cwd)(file);
    return "relative" in resolved ? resolved.relative : undefined;
  };
  const main = findRepositoryRoot(cwd) ?? cwd;
  const bases = args.map((arg) => path.dirname(path.resolve(cwd, arg)));
  return files.map((file) => {
    const inMain = relativeTo(main, file);
    if (inMain !== undefined) return inMain;
    const ownRoot = findRepositoryRoot(path.dirname(file));
    const own = ownRoot ? relativeTo(ownRoot, file) : undefined;
    if (own !== undefined) return own;
    const base = bases.filter((b) => relativeTo(b, file) !== undefined).sort((a, b) => b.length - a.length)[0];
    return (base === undefined ? undefined : relativeTo(base, file)) ?? path.basename(file);
  });
}

async function threatsOf(client: ApiClient, analysisId: string): Promise<Threat[]> {
  const all: Threat[] = [];
  for (let offset = 0; ; offset += 500) {
    const page = await client.json<{ total: number; items: Threat[] }>(
      "GET",
      `/analyses/${analysisId}/threats?limit=500&offset=${offset}`,
    );
    all.push(...page.items);
    if (page.items.length === 0 || all.length >= page.total) return all;
  }
}

/** The project's triage decisions; a server without the endpoint (older than the CLI) has none to honour. */
async function projectTriage(client: ApiClient, projectId: string): Promise<TriageDto[]> {
  try {
    return (await client.json<{ items: TriageDto[] }>("GET", `/projects/${projectId}/triage`)).items;
  } catch (error) {
    if (!(error instanceof ApiError) || error.code !== "request/not-found") throw error;
    process.stderr.write("This server has no triage endpoint: every threat counts for --fail-on.\n");
    return [];
  }
}

async function submit(paths: string[], options: SubmitOptions): Promise<number> {
  const client = clientFrom(options);
  if (!options.project) throw new UsageError("Name the project with --project NAME.");
  const threshold: Severity | undefined = options.failOn === undefined ? undefined : parseSeverity(options.failOn);
  const found = await findTemplateFiles(paths, process.cwd());
  if (found.length === 0) throw new UsageError(`No template files found in ${paths.join(", ")}.`);
  const read = await readTemplateFiles(found, process.cwd());
  const stored = submissionPaths(found, paths, process.cwd());
  const files = read.map((f, i) => ({ ...f, path: stored[i]! }));
  const c = pc.createColors(Boolean(process.stdout.isTTY) && !process.env.NO_COLOR);

  const project = await findOrCreateProject(client, options.project);
  const result = await client.json<SubmissionResult>("POST", `/projects/${project.id}/submissions`, {
    files,
    source: "cli",
    force: Boolean(options.force),
  });
  const relinked = result.analyses.filter((a) => a.relinked).length;
  const unchanged = result.analyses.filter((a) => a.deduplicated && !a.relinked).length;
  process.stdout.write(
    `Submitted ${result.analyses.length - relinked} file(s) to project ${c.bold(project.name)} as batch ${result.batchId}` +
      (unchanged > 0 ? ` (${unchanged} unchanged since an earlier upload)` : "") +
      (relinked > 0
        ? `; ${relinked} OpenAPI spec(s) analysed again with the changed infrastructure that serves them`
        : "") +
      "\n",
  );
  // Files the server refused one by one (binary, empty, too large); the others went ahead.
  const refused = result.rejected ?? [];
  if (!options.wait && threshold === undefined) {
    for (const r of refused) process.stderr.write(`  ${c.red("refused")} ${r.path}: ${r.code} ${r.message}\n`);
    return refused.length > 0 ? EXIT_ANALYSIS_FAILED : 0;
  }

  let batch: BatchDto;
  try {
    batch = await waitForBatch(client, result.batchId, result.analyses.length, options.timeout);
  } catch (error) {
    if (!(error instanceof WaitTimeoutError)) throw error;
    process.stderr.write(`${error.message}\n`);
    return EXIT_TIMEOUT;
  }
  const failed = batch.analyses.filter((a) => a.status === "failed");
  const finished = batch.analyses.filter((a) => a.status === "succeeded" || a.status === "partial");
  const threats = (await Promise.all(finished.map((a) => threatsOf(client, a.id)))).flat();
  const bySeverity = SEVERITIES.map((s) => [s, threats.filter((t) => t.severity === s).length] as const).filter(
    ([, n]) => n > 0,
  );
  process.stdout.write(
    `Batch ${batch.status}: ${[
      ...Object.entries(batch.counts),
      ...(refused.length ? [["refused", refused.length]] : []),
    ]
      .map(([s, n]) => `${n} ${s}`)
      .join(", ")}; ` +
      `${threats.length} threat(s)${bySeverity.length > 0 ? ` (${bySeverity.map(([s, n]) => `${n} ${s}`).join(", ")})` : ""}\n`,
  );
  for (const a of failed)
    process.stdout.write(`  ${c.red("failed")} ${a.path}: ${a.errorCode ?? "error"} ${a.errorMessage ?? ""}\n`);
  for (const r of refused) process.stdout.write(`  ${c.red("refused")} ${r.path}: ${r.code} ${r.message}\n`);

  if (threshold !== undefined) {
    let gated = threats;
    if (options.triage) {
      const decisions = await projectTriage(client, project.id);
      const gate = applyTriage(threats, decisions, new Date());
      gated = gate.counted;
      if (gate.skipped.length > 0) {
        process.stdout.write(`Skipped ${gate.skipped.length} threat(s) closed by the project's triage:\n`);
        for (const s of gate.skipped) process.stdout.write(`  ${describeSkipped(s)}\n`);
      }
      for (const e of gate.expired)
        process.stdout.write(
          `  ${c.yellow("expired")} acceptance of ${e.threat.title} (${e.threat.resources[0]?.id ?? ""}) ended ${e.triage.expiresAt?.slice(0, 10) ?? ""}: it counts again\n`,
        );
    }
    const count = atOrAbove(gated, threshold);
    if (count > 0) {
      process.stderr.write(`${count} threat(s) at or above ${threshold} (--fail-on ${threshold}).\n`);
      return EXIT_FAIL_ON;
    }
  }
  return failed.length > 0 || refused.length > 0 ? EXIT_ANALYSIS_FAILED : 0;
}
