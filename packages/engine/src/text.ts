import type { FileReport, SourceFile } from "./graph/types.ts";
import type { EngineLimits } from "./formats/types.ts";

/**
 * Refuses what is not a text template before any parser sees it: too large, binary (NUL bytes or the
 * U+FFFD that invalid UTF-8 decodes to), or empty.
 */
export function checkText(file: SourceFile, limits: EngineLimits, totalSoFar: number): FileReport["error"] | undefined {
  const bytes = utf8Length(file.content);
  if (bytes > limits.maxFileBytes) {
    return { code: "template/too-large", message: `The file is ${bytes} bytes; the limit is ${limits.maxFileBytes}.` };
  }
  if (totalSoFar > limits.maxTotalBytes) {
    return { code: "template/too-large", message: `The files together exceed ${limits.maxTotalBytes} bytes.` };
  }
  if (file.content.includes("\u0000") || file.content.includes("\uFFFD")) {
    return { code: "template/not-text", message: "The file is binary or not valid UTF-8." };
  }
  if (file.content.trim() === "") {
    return { code: "template/empty", message: "The file is empty." };
  }
  return undefined;
}

const encoder = new TextEncoder();

/** UTF-8 size of a string, without Node's Buffer so the engine runs in browsers too. */
export function utf8Length(text: string): number {
  return encoder.encode(text).byteLength;
}
