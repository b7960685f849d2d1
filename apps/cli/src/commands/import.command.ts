import { readFile } from "node:fs/promises";
import path from "node:path";
import type { Command } from "commander";
import { AppError } from "@threatline/domain";
import { IMPORT_FORMATS, detectImportFormat, isStrideGptMarkdown } from "@threatline/reports";
import { TextBody, clientFrom, type ServerOptions } from "../lib/api-client.ts";
import { usageErrorsExit2 } from "../lib/commander.ts";
import { UsageError } from "../lib/files.ts";

interface ImportOptions extends ServerOptions {
  project: string;
}

interface ImportOutcome {
  analysisId: string;
  path: string;
  format: string;
  threatCount: number;
  warnings: string[];
}

/** `threatline import FILE --project P`: brings a threat model from another tool into a project on a server. */
export function registerImport(program: Command): void {
  const command = program
    .command("import")
    .description(
      `Import a threat model into a project on a Threatline server (${IMPORT_FORMATS.join(", ")}; detected from the content)`,
    )
    .argument("<file>", "the document to import (JSON; STRIDE GPT also as Markdown)")
    .requiredOption("--project <id>", "the project to import into")
    .option("--server <url>", "Threatline server URL (default: THREATLINE_SERVER)")
    .option("--token <token>", "API token of an editor of the project (default: THREATLINE_TOKEN)")
    .action(async (file: string, options: ImportOptions) => {
      let text: string;
      try {
        text = await readFile(path.resolve(file), "utf8");
      } catch (error) {
        throw new UsageError(`Cannot read '${file}': ${(error as NodeJS.ErrnoException).code ?? String(error)}.`);
      }
      let document: unknown;
      try {
        document = JSON.parse(text.replace(/^\uFEFF/, ""));
      } catch (error) {
        // STRIDE GPT's Markdown is the one text format; anything else must be JSON.
        if (isStrideGptMarkdown(text)) document = text;
        else throw new UsageError(`'${file}' is neither JSON nor STRIDE GPT Markdown: ${(error as Error).message}.`);
      }
      try {
        detectImportFormat(document);
      } catch (error) {
        // Said before anything is sent: the server would refuse it with the same words.
        if (error instanceof AppError) throw new UsageError(`'${file}': ${error.message}`);
        throw error;
      }
      const outcome = await clientFrom(options).json<ImportOutcome>(
        "POST",
        `/projects/${encodeURIComponent(options.project)}/imports?filename=${encodeURIComponent(path.basename(file))}`,
        typeof document === "string" ? new TextBody(document, "text/markdown; charset=utf-8") : document,
      );
      for (const w of outcome.warnings) process.stderr.write(`warning: ${w}\n`);
      process.stdout.write(
        `Imported ${outcome.threatCount} threat(s) from ${file} (${outcome.format}) as ${outcome.path}, analysis ${outcome.analysisId}\n`,
      );
    });
  usageErrorsExit2(command);
}
