import { Option, type Command } from "commander";
import { EXPORT_FORMATS, renderReport, type ExportFormat } from "@threatline/reports";
import cliProgress from "cli-progress";
import { usageErrorsExit2 } from "../lib/commander.ts";
import { UsageError, findTemplateFiles, readTemplateFiles } from "../lib/files.ts";
import { writeOutput } from "../lib/output.ts";
import { scanFiles, scanReportInput } from "../lib/scan.ts";
import { atOrAbove, parseSeverity } from "../lib/severity.ts";
import { renderScanText } from "../lib/text-report.ts";
import { CLI_VERSION } from "../version.ts";

export const SCAN_FORMATS = ["text", ...EXPORT_FORMATS] as const;
type ScanFormat = (typeof SCAN_FORMATS)[number];

/** Below this many analysis units a progress bar only flickers. */
const PROGRESS_MIN_UNITS = 10;

interface ScanOptions {
  format: ScanFormat;
  output?: string;
  failOn?: string;
}

/** `threatline scan <paths…>`: the builtin engine over local files, no services and no network. */
export function registerScan(program: Command): void {
  const command = program
    .command("scan")
    .description("Threat-model local CloudFormation, Terraform, OpenAPI and Kubernetes files offline")
    .argument("<paths...>", "files or folders (folders are walked; node_modules, .git and .terraform are skipped)")
    .addOption(new Option("-f, --format <format>", "output format").choices(SCAN_FORMATS).default("text"))
    .option("-o, --output <file>", "write the report to FILE instead of stdout")
    .option(
      "--fail-on <severity>",
      "exit 1 when a threat at or above SEVERITY is found (critical, high, medium, low, info)",
    )
    .action(async (paths: string[], options: ScanOptions) => {
      process.exitCode = await scan(paths, options);
    });
  usageErrorsExit2(command);
}

async function scan(paths: string[], options: ScanOptions): Promise<number> {
  const cwd = process.cwd();
  const threshold = options.failOn === undefined ? undefined : parseSeverity(options.failOn);
  const found = await findTemplateFiles(paths, cwd);
  if (found.length === 0)
    throw new UsageError(
      `No template files (${[".yaml", ".yml", ".json", ".tf", ".template"].join(", ")}) found in ${paths.join(", ")}.`,
    );
  const files = await readTemplateFiles(found, cwd);

  let bar: cliProgress.SingleBar | undefined;
  const report = await scanFiles(files, CLI_VERSION, (done, total) => {
    if (!bar && process.stderr.isTTY && total >= PROGRESS_MIN_UNITS) {
      bar = new cliProgress.SingleBar(
        { stream: process.stderr, format: "Analysing {bar} {value}/{total}", hideCursor: true, clearOnComplete: true },
        cliProgress.Presets.shades_classic,
      );
      bar.start(total, 0);
    }
    bar?.update(done);
  });
  bar?.stop();

  let content: string;
  if (options.format === "text") {
    content = renderScanText(
      report,
      options.output === undefined && Boolean(process.stdout.isTTY) && !process.env.NO_COLOR,
    );
  } else if (options.format === "json") {
    content = `${JSON.stringify(report, null, 2)}\n`;
  } else {
    content = renderReport(options.format satisfies ExportFormat, scanReportInput(report, new Date().toISOString()));
  }
  await writeOutput(content, options.output, cwd);
  if (options.output !== undefined) {
    process.stderr.write(
      `Wrote ${report.threats.length} threat(s) from ${report.files.length} file(s) to ${options.output}\n`,
    );
  }

  if (threshold !== undefined) {
    const count = atOrAbove(report.threats, threshold);
    if (count > 0) {
      process.stderr.write(`${count} threat(s) at or above ${threshold} (--fail-on ${threshold}).\n`);
      return 1;
    }
  }
  return 0;
}
