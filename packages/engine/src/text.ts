import { hasLoneSurrogate } from "@threatline/domain";
import type { FileReport, SourceFile } from "./graph/types.ts";
import type { EngineLimits } from "./formats/types.ts";

/**
 * Refuses what is not a text template before any parser sees it: too large, binary (NUL bytes, the U+FFFD
 * that invalid UTF-8 decodes to, or a lone UTF-16 surrogate, which has no UTF-8 form), or empty.
 */
export function checkText(file: SourceFile, limits: EngineLimits, totalSoFar: number): FileReport["error"] | undefined {
  const bytes = utf8Length(file.content);
  if (bytes > limits.maxFileBytes) {
    return { code: "template/too-large", message: `The file is ${bytes} bytes; the limit is ${limits.maxFileBytes}.` };
  }
  if (totalSoFar > limits.maxTotalBytes) {
    return { code: "template/too-large", message: `The files together exceed ${limits.maxTotalBytes} bytes.` };
  }
  if (file.content.includes("\u0000") || file.content.includes("\uFFFD") || hasLoneSurrogate(file.content)) {
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

/** How much of a file the format detectors look at (each sniffs the head only, so detection stays cheap). */
export const DETECTION_HEAD_CHARS = 200_000;

/** A line this long in the head leaves the detectors little else to see. */
export const MAX_HEAD_LINE_CHARS = 100_000;

/**
 * Why no format recognised a file, when the reason is not "it is no template": a very long line taking up the
 * head the detectors sniff, or nesting deeper than the parsers accept (so the document cannot be read to tell
 * what it is). Otherwise `template/unsupported-format`.
 */
export function unrecognisedError(file: SourceFile, limits: EngineLimits): NonNullable<FileReport["error"]> {
  const head = file.content.slice(0, DETECTION_HEAD_CHARS);
  const longest = longestLine(head);
  if (longest >= MAX_HEAD_LINE_CHARS) {
    return {
      code: "template/line-too-long",
      message: `A line of ${longest >= DETECTION_HEAD_CHARS ? "over " : ""}${longest} characters fills the start of the file, so its format cannot be recognised; break it into lines.`,
    };
  }
  if (nestingDepth(file.content, limits.maxDepth) > limits.maxDepth) {
    return { code: "template/too-deep", message: `The file nests deeper than ${limits.maxDepth} levels.` };
  }
  return {
    code: "template/unsupported-format",
    message: "Not a CloudFormation, Terraform, OpenAPI or Kubernetes file.",
  };
}

function longestLine(text: string): number {
  let longest = 0;
  let start = 0;
  for (;;) {
    const end = text.indexOf("\n", start);
    longest = Math.max(longest, (end === -1 ? text.length : end) - start);
    if (end === -1) return longest;
    start = end + 1;
  }
}

/**
 * Nesting of a JSON or YAML text, without parsing it: brackets outside quoted strings, and YAML block indentation
 * (each deeper indent is one level; a `- ` list item shares its line's level, so YAML lists count low). An
 * estimate for saying why a file could not be read, not a parser's limit. Stops counting once past `stopAbove`.
 */
export function nestingDepth(text: string, stopAbove: number): number {
  let deepest = 0;
  let brackets = 0;
  let quote: string | null = null;
  const indents: number[] = [];
  let lineStart = true;
  let indent = 0;
  for (let i = 0; i < text.length && deepest <= stopAbove; i += 1) {
    const ch = text[i]!;
    if (ch === "\n") {
      lineStart = true;
      indent = 0;
      if (quote !== '"') quote = null;
      continue;
    }
    if (lineStart) {
      if (ch === " " || ch === "-") {
        indent += 1;
        continue;
      }
      lineStart = false;
      // A line opening with a bracket is counted by its brackets, not also as an indentation level.
      if (ch !== "#" && ch !== "[" && ch !== "{" && quote === null) {
        while (indents.length > 0 && indents[indents.length - 1]! >= indent) indents.pop();
        indents.push(indent);
        deepest = Math.max(deepest, indents.length + brackets);
      }
    }
    if (quote !== null) {
      if (ch === "\\" && quote === '"') i += 1;
      else if (ch === quote) quote = null;
      continue;
    }
    if (ch === '"' || ch === "'") quote = ch;
    else if (ch === "[" || ch === "{") deepest = Math.max(deepest, indents.length + ++brackets);
    else if ((ch === "]" || ch === "}") && brackets > 0) brackets -= 1;
  }
  return deepest;
}

/**
 * A file's text from its bytes: UTF-8 (a byte order mark dropped), or UTF-16 little- or big-endian when the
 * file starts with that byte order mark, which is what Windows PowerShell writes (`terraform show -json >
 * plan.json`). Pure, for the CLI, the worker and the browser alike.
 */
export function decodeText(bytes: Uint8Array): string {
  if (bytes[0] === 0xff && bytes[1] === 0xfe) return new TextDecoder("utf-16le").decode(bytes.subarray(2));
  if (bytes[0] === 0xfe && bytes[1] === 0xff) return new TextDecoder("utf-16be").decode(bytes.subarray(2));
  return new TextDecoder("utf-8").decode(bytes);
}
