import path from "node:path";
import { Option, type Command } from "commander";
import { DEFAULT_MAX_THREATS, type ScanReport, type Severity } from "@threatline/domain";
import { EXPORT_FORMATS, buildSarif, renderReport, type ExportFormat } from "@threatline/reports";
import { usageErrorsExit2 } from "../lib/commander.ts";
import { EXIT, EXIT_CODES_HELP } from "../lib/exit-codes.ts";
import {
  UsageError,
  displayPath,
  findTemplateFiles,
  readKustomizeBases,
  readLocalFileRefs,
  readLocalModules,
  readTemplateFiles,
} from "../lib/files.ts";
import { writeOutput } from "../lib/output.ts";
import { scanProgress } from "../lib/progress.ts";
import { activeThreats, applyPolicy, failedFiles, scanFiles, scanReportInput } from "../lib/scan.ts";
import { collect, collectList, setupScan, type PolicyOptions } from "../lib/scan-setup.ts";
import { atOrAbove, parseSeverity } from "../lib/severity.ts";
import { sarifOptions, type SarifFlags } from "../lib/sarif-options.ts";
import { loadTeamRuleDirs } from "../lib/team-rules.ts";
import { renderScanText } from "../lib/text-report.ts";
import { renderDfdSvg } from "../lib/dfd.ts";
import { buildSystemGraph } from "@threatline/system";
import { CLI_VERSION } from "../version.ts";

export const SCAN_FORMATS = ["text", ...EXPORT_FORMATS, "dfd-svg"] as const;
type ScanFormat = (typeof SCAN_FORMATS)[number];

interface ScanOptions extends PolicyOptions, SarifFlags {
  format?: ScanFormat;
  output?: string;
  failOn?: string;
  writeBaseline?: string;
  maxThreats: number;
}

function parseMaxThreats(value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1)
    throw new UsageError(`--max-threats takes a whole number above 0, not "${value}".`);
  return n;
}

/** `threatline scan <paths…>`: the builtin engine over local files, no services and no network. */
export function registerScan(program: Command): void {
  const command = program
    .command("scan")
    .description("Threat-model local CloudFormation, Terraform, OpenAPI and Kubernetes files offline")
    .argument("<paths...>", "files or folders (folders are walked; node_modules, .git and .terraform are skipped)")
    .addOption(
      new Option("-f, --format <format>", "output format (default: text, or the config's format)").choices(
        SCAN_FORMATS,
      ),
    )
    .option("-o, --output <file>", "write the report to FILE instead of stdout")
    .option(
      "--fail-on <severity>",
      "exit 1 when a threat at or above SEVERITY is found (critical, high, medium, low, info)",
    )
    .option(
      "-c, --config <file>",
      "config file (default: .threatline.yaml from the scanned path up to the repository root)",
    )
    .option("--skip <ids>", "rule ids or STRIDE categories not to run (comma-separated, repeatable)", collectList)
    .option("--only <ids>", "run only these rule ids or STRIDE categories (comma-separated, repeatable)", collectList)
    .option(
      "--rules <dir>",
      "also run the team rule files (YAML) in DIR; see `threatline rules test` (repeatable)",
      collect,
    )
    .option(
      "--source-root <dir>",
      "SARIF: the folder file URIs are relative to (default: the repository root holding .git, else the working folder)",
    )
    .option("--category <name>", "SARIF: the GitHub code scanning category (automationDetails.id) of this run")
    .option(
      "--help-uri-base <url>",
      "SARIF: base URL of the rule pages (docs/rules), giving each rule a helpUri <url><rule id>.md " +
        "(default: THREATLINE_HELP_URI_BASE; unset: no helpUri, the rule's help is inline)",
    )
    .option("--baseline <report.json>", "report and fail only on threats not in this earlier JSON report")
    .option("--write-baseline <file>", "write this scan's threats as a baseline JSON report to FILE")
    .option(
      "--max-threats <n>",
      "report at most N threats, the highest-scoring; the rest are counted by rule and severity",
      parseMaxThreats,
      DEFAULT_MAX_THREATS,
    )
    .addHelpText(
      "after",
      `\nSuppress a threat in the template, on the resource's line or the line above:\n` +
        `  # threatline:ignore TL-AWS-S3-001 reason="public website" until=2027-06-30\n` +
        `(HCL also takes //; JSON templates use the config file's suppressions.)\n\n${EXIT_CODES_HELP}`,
    )
    .action(async (paths: string[], options: ScanOptions) => {
      process.exitCode = await scan(paths, options);
    });
  usageErrorsExit2(command);
}

async function scan(paths: string[], options: ScanOptions): Promise<number> {
  const cwd = process.cwd();
  const setup = await setupScan(paths[0]!, options, cwd, loadTeamRuleDirs);
  const { config } = setup.config;
  const format: ScanFormat = options.format ?? config.format ?? "text";
  const failOn = options.failOn ?? config["fail-on"];
  const threshold: Severity | undefined = failOn === undefined ? undefined : parseSeverity(failOn);

  const found = (await findTemplateFiles(paths, cwd)).filter((f) => !setup.excluded(displayPath(f, cwd)));
  if (found.length === 0)
    throw new UsageError(
      `No template files (${[".yaml", ".yml", ".json", ".tf", ".template"].join(", ")}) found in ${paths.join(", ")}` +
        (config.exclude.length > 0 ? " (after the config's exclude globs)." : "."),
    );
  const given = await readTemplateFiles(found, cwd);
  // Local modules the scanned Terraform folders call from outside them (`examples/complete` → `../../`).
  const withModules = [...given, ...(await readLocalModules(given, cwd))];
  // Files those folders read with `file()` (a policy JSON), which the walk may not have picked up (`.json.tpl`).
  const files = [...withModules, ...(await readLocalFileRefs(withModules, cwd))];
  const named = new Set(
    paths.map((p) => displayPath(path.resolve(cwd, p), cwd)).filter((p) => files.some((f) => f.path === p)),
  );

  // The bases scanned kustomize overlays render (`resources: [../../base]`) from outside the given paths.
  const bases = await readKustomizeBases(files, cwd);

  const progress = scanProgress("Analysing");
  const raw = await scanFiles(files, CLI_VERSION, progress.onUnitDone, setup.rules, options.maxThreats, bases);
  progress.stop();
  const { report, problems } = applyPolicy(raw, files, setup.policy);
  for (const p of problems) process.stderr.write(`warning: ${p.file}:${p.line}: ${p.message}\n`);
  for (const e of report.expiredSuppressions ?? [])
    process.stderr.write(
      `warning: the suppression in ${e.source} expired on ${e.until}; ${e.fingerprints.length} threat(s) it covered count again.\n`,
    );

  if (options.writeBaseline !== undefined) {
    // The baseline holds every threat found, so the next run only reports what this one did not have.
    const whole = applyPolicy(raw, files, { ...setup.policy, baseline: undefined, suppressions: [] }).report;
    await writeOutput(`${JSON.stringify(whole, null, 2)}\n`, options.writeBaseline, cwd);
    process.stderr.write(`Wrote a baseline of ${whole.threats.length} threat(s) to ${options.writeBaseline}\n`);
  }

  let content: string | Uint8Array;
  if (format === "text") {
    content = renderScanText(
      report,
      options.output === undefined && Boolean(process.stdout.isTTY) && !process.env.NO_COLOR,
    );
  } else if (format === "json") {
    content = `${JSON.stringify(report, null, 2)}\n`;
  } else if (format === "dfd-svg") {
    content = await renderDfdSvg(files, activeThreats(report));
  } else {
    const input = scanReportInput(report, new Date().toISOString());
    if (format === "sarif") {
      const files = report.files.map((f) => f.path);
      const sarif = buildSarif(input, await sarifOptions(options, files, cwd, setup.rules));
      for (const w of sarif.warnings) process.stderr.write(`warning: ${w}\n`);
      content = `${JSON.stringify(sarif.log, null, 2)}\n`;
    } else if (format === "threat-dragon" || format === "otm") {
      // Their diagram is the scanned files as one system, as `dfd-svg` draws it.
      content = await renderReport(format, input, {
        system: await buildSystemGraph(files, { threats: activeThreats(report) }),
      });
    } else {
      content = await renderReport(format satisfies ExportFormat, input);
    }
  }
  await writeOutput(content, options.output, cwd);
  if (options.output !== undefined) {
    process.stderr.write(
      `Wrote ${report.threats.length} threat(s) from ${report.files.length} file(s) to ${options.output}\n`,
    );
  }
  return exitCode(report, named, threshold);
}

/** 1 when --fail-on is met (suppressed and baseline threats aside), else 3 when a file failed, else 0. */
function exitCode(report: ScanReport, named: ReadonlySet<string>, threshold: Severity | undefined): number {
  if (threshold !== undefined) {
    const count = atOrAbove(activeThreats(report), threshold);
    if (count > 0) {
      process.stderr.write(`${count} threat(s) at or above ${threshold} (--fail-on ${threshold}).\n`);
      return EXIT.thresholdMet;
    }
  }
  const failed = failedFiles(report, named);
  if (failed.length > 0) {
    process.stderr.write(`${failed.length} file(s) could not be analysed: ${failed.map((f) => f.path).join(", ")}\n`);
    return EXIT.fileFailed;
  }
  return EXIT.ok;
}
