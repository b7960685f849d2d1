import { CLOSED_TRIAGE, type TriageStatus } from "./analysis.ts";
import { STRIDE_CATEGORIES, type StrideCategory } from "./stride.ts";
import type { Threat } from "./threat.ts";

/**
 * The risk of a set of threats is the sum of the scores (likelihood × impact, 1–25) of those still open.
 * A sum, not a mean, so that fixing one threat always lowers the number, and a project with ten criticals
 * reads worse than one with one. Accepted, mitigated and false-positive threats count zero.
 */
export function riskScore(
  threats: Iterable<Pick<Threat, "score" | "fingerprint">>,
  triage?: ReadonlyMap<string, TriageStatus>,
): number {
  let total = 0;
  for (const threat of threats) {
    const status = triage?.get(threat.fingerprint);
    if (status && CLOSED_TRIAGE.includes(status)) continue;
    total += threat.score;
  }
  return total;
}

export function countByCategory(items: Iterable<{ category: StrideCategory }>): Record<StrideCategory, number> {
  const counts = Object.fromEntries(STRIDE_CATEGORIES.map((c) => [c, 0])) as Record<StrideCategory, number>;
  for (const item of items) counts[item.category] += 1;
  return counts;
}
