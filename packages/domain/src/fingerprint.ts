import { sha256 } from "@noble/hashes/sha2.js";
import { bytesToHex, utf8ToBytes } from "@noble/hashes/utils.js";
import type { StrideCategory } from "./stride.ts";

/** Hex sha256 of a UTF-8 string; browser-safe. */
export function sha256Hex(text: string): string {
  return bytesToHex(sha256(utf8ToBytes(text)));
}

/** Lower-case words only, so "S3 bucket is public!" and "s3 Bucket  is public" key the same threat. */
export function normalizeTitle(title: string): string {
  return title
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, " ")
    .trim();
}

export interface FingerprintInput {
  category: StrideCategory;
  /** The rule id, or for a threat no rule produced, its title (normalized here). */
  ruleId: string | null;
  title: string;
  /** The template path the primary resource is declared in. */
  file: string;
  /** The primary resource id, as users write it. */
  resourceId: string;
}

/**
 * A threat's identity across versions and re-runs: the same rule (or the same normalized threat) about the
 * same resource in the same file, in the same category. Line numbers are left out on purpose so that a
 * threat keeps its fingerprint (and its triage decision) when lines move.
 */
export function threatFingerprint(input: FingerprintInput): string {
  const key = input.ruleId ?? `title:${normalizeTitle(input.title)}`;
  return sha256Hex([input.category, key, input.file, input.resourceId].join("\u0000")).slice(0, 32);
}
