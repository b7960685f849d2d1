import { Option, type Command } from "commander";
import { EXPORT_FORMATS } from "@threatline/reports";
import { clientFrom, type ServerOptions } from "../lib/api-client.ts";
import { usageErrorsExit2 } from "../lib/commander.ts";
import { UsageError } from "../lib/files.ts";
import { writeOutput } from "../lib/output.ts";

interface ExportOptions extends ServerOptions {
  analysis?: string;
  batch?: string;
  project?: string;
  format: string;
  output?: string;
}

/** `threatline export`: downloads an analysis, batch or project report from a Threatline server. */
export function registerExport(program: Command): void {
  const command = program
    .command("export")
    .description("Download a report of an analysis, a batch or a project from a Threatline server")
    .option("--analysis <id>", "export one analysis")
    .option("--batch <id>", "export one batch")
    .option("--project <id>", "export a project's current state")
    .addOption(new Option("-f, --format <format>", "report format").choices(EXPORT_FORMATS).default("json"))
    .option("-o, --output <file>", "write the report to FILE instead of stdout")
    .option("--server <url>", "Threatline server URL (default: THREATLINE_SERVER)")
    .option("--token <token>", "API token, sent as a Bearer credential (default: THREATLINE_TOKEN)")
    .action(async (options: ExportOptions) => {
      const targets = (["analysis", "batch", "project"] as const).filter((k) => options[k] !== undefined);
      if (targets.length !== 1) throw new UsageError("Name exactly one of --analysis ID, --batch ID or --project ID.");
      const kind = targets[0]!;
      const client = clientFrom(options);
      const collection = { analysis: "analyses", batch: "batches", project: "projects" }[kind];
      const file = await client.download(
        `/${collection}/${encodeURIComponent(options[kind]!)}/export?format=${encodeURIComponent(options.format)}`,
      );
      await writeOutput(file.body, options.output, process.cwd());
      if (options.output !== undefined)
        process.stderr.write(`Wrote ${file.body.byteLength} bytes (${file.contentType}) to ${options.output}\n`);
    });
  usageErrorsExit2(command);
}
