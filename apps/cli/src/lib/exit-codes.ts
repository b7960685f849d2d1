/**
 * The CLI's exit codes, the same for every command and stable across versions: CI pipelines branch on them.
 * `submit` adds 4 for a --timeout that ran out.
 */
export const EXIT = {
  /** Nothing at or above --fail-on (or no --fail-on), every file analysed. */
  ok: 0,
  /** A threat at or above --fail-on (suppressed, baseline and server-triaged threats do not count). */
  thresholdMet: 1,
  /** A usage error: unknown option, missing path, invalid config, baseline or rule file. */
  usage: 2,
  /** A file could not be analysed (parse error, limit, or a file named on the command line that is no template). */
  fileFailed: 3,
} as const;

/** The exit codes as help texts print them. */
export const EXIT_CODES_HELP =
  "Exit codes: 0 clean, 1 a threat at or above --fail-on, 2 usage or config error, 3 a file could not be analysed.";
