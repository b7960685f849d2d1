import { sha256Hex } from "@threatline/domain";

/**
 * A UUID-shaped id derived from a seed (RFC 4122 layout, version nibble 8 for "custom"), so that the same
 * report always exports the same ids and re-imports link up.
 */
export function stableUuid(seed: string): string {
  const h = sha256Hex(seed);
  const variant = ((parseInt(h[16]!, 16) & 0x3) | 0x8).toString(16);
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-8${h.slice(13, 16)}-${variant}${h.slice(17, 20)}-${h.slice(20, 32)}`;
}

/** Cuts text to a maximum length, marking the cut with an ellipsis. */
export function truncate(text: string, max: number): string {
  if (text.length <= max) return text;
  return `${text.slice(0, max - 1).trimEnd()}…`;
}
