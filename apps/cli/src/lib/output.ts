import { writeFile } from "node:fs/promises";
import path from "node:path";
import { UsageError } from "./files.ts";

/** Writes a report to `--output FILE`, or to stdout. */
export async function writeOutput(
  content: string | Uint8Array,
  output: string | undefined,
  cwd: string,
): Promise<void> {
  if (output === undefined) {
    await new Promise<void>((resolve, reject) =>
      process.stdout.write(content, (error) => (error ? reject(error) : resolve())),
    );
    return;
  }
  try {
    await writeFile(path.resolve(cwd, output), content);
  } catch (error) {
    throw new UsageError(`Cannot write '${output}': ${(error as NodeJS.ErrnoException).code ?? String(error)}.`);
  }
}
