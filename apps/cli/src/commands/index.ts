import type { Command } from "commander";
import { registerDiff } from "./diff.command.ts";
import { registerEval } from "./eval.command.ts";
import { registerExport } from "./export.command.ts";
import { registerImport } from "./import.command.ts";
import { registerRules } from "./rules.command.ts";
import { registerScan } from "./scan.command.ts";
import { registerSubmit } from "./submit.command.ts";

/** A CLI subcommand: adds itself to the program. Each command lives in its own `*.command.ts`. */
export type CommandRegistrar = (program: Command) => void;

/** Every subcommand of `threatline`. */
export const COMMANDS: CommandRegistrar[] = [
  registerScan,
  registerDiff,
  registerSubmit,
  registerExport,
  registerImport,
  registerRules,
  registerEval,
];
