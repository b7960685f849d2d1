/**
 * GitHub code scanning's `primaryLocationLineHash`, computed as github/codeql-action computes it in
 * `src/fingerprints.ts` (its `hash` function): a rolling polynomial hash (base 37, modulo 2^64) over a window
 * of the next 100 characters from the start of each line, with spaces and tabs skipped, CR and CRLF read as LF,
 * a 65535 marking the end of the file and zeros after it. A line's hash is written `<hex>:<n>`, where n counts
 * the earlier lines with the same hash. Characters are UTF-16 code units, as JavaScript strings hold them.
 *
 * GitHub's REST upload endpoint does not compute this value (only the action does, from the checked-out files),
 * so a SARIF file uploaded any other way must carry it for alerts to keep their identity when lines move.
 */

const BLOCK_SIZE = 100;
const MASK = (1n << 64n) - 1n;
const BASE = 37n;
const TAB = 9;
const LF = 10;
const CR = 13;
const SPACE = 32;
const END_OF_FILE = 65535;

/** 37^100 mod 2^64: the weight of the character leaving the window. */
const LEAVING_WEIGHT = (() => {
  let w = 1n;
  for (let i = 0; i < BLOCK_SIZE; i += 1) w = (w * BASE) & MASK;
  return w;
})();

/** The hash of every line of `text`, by 1-based line number (index 0 is unused). */
export function lineHashes(text: string): string[] {
  const hashes: string[] = [""];
  const window: number[] = new Array<number>(BLOCK_SIZE).fill(0);
  // The line that starts at each window slot, or -1.
  const lineAt: number[] = new Array<number>(BLOCK_SIZE).fill(-1);
  const seen = new Map<string, number>();
  let hash = 0n;
  let slot = 0;
  let line = 0;
  let atLineStart = true;
  let afterCr = false;

  const emit = (): void => {
    const hex = hash.toString(16);
    const n = (seen.get(hex) ?? 0) + 1;
    seen.set(hex, n);
    hashes[lineAt[slot]!] = `${hex}:${n}`;
    lineAt[slot] = -1;
  };
  const push = (code: number): void => {
    const leaving = window[slot]!;
    window[slot] = code;
    hash = (hash * BASE + BigInt(code) - LEAVING_WEIGHT * BigInt(leaving)) & MASK;
    slot = (slot + 1) % BLOCK_SIZE;
  };
  const read = (input: number): void => {
    let code = input;
    if (code === SPACE || code === TAB || (afterCr && code === LF)) {
      afterCr = false;
      return;
    }
    afterCr = code === CR;
    if (code === CR) code = LF;
    if (lineAt[slot] !== -1) emit();
    if (atLineStart) {
      atLineStart = false;
      line += 1;
      lineAt[slot] = line;
    }
    if (code === LF) atLineStart = true;
    push(code);
  };

  for (let i = 0; i < text.length; i += 1) read(text.charCodeAt(i));
  read(END_OF_FILE);
  for (let i = 0; i < BLOCK_SIZE; i += 1) {
    if (lineAt[slot] !== -1) emit();
    push(0);
  }
  return hashes;
}

/** The `primaryLocationLineHash` of one line (1-based) of a file's text; undefined past the end of the file. */
export function primaryLocationLineHash(text: string, line: number): string | undefined {
  return lineHashes(text)[line] || undefined;
}
