import { createRequire } from "node:module";

const pkg = createRequire(import.meta.url)("../package.json") as { version: string };

/** The CLI's version, reported in `--version` and in every report's `tool.version`. */
export const CLI_VERSION: string = pkg.version;
