import { CommanderError, type Command } from "commander";

/** Commander codes that are not errors (help and version output). */
const NOT_ERRORS = new Set([
  "commander.helpDisplayed",
  "commander.help",
  "commander.version",
  "commander.executeSubCommandAsync",
]);

/**
 * Makes a command's usage errors (unknown option, missing argument, invalid choice) exit 2, the CLI's
 * code for usage errors, instead of commander's 1, which the CLI keeps for "threats at or above --fail-on".
 */
export function usageErrorsExit2(command: Command): Command {
  return command.exitOverride((error) => {
    if (NOT_ERRORS.has(error.code)) throw error;
    throw new CommanderError(2, error.code, error.message);
  });
}
