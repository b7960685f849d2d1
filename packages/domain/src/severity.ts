import { z } from "zod";

/** Severities from worst to least. */
export const SEVERITIES = ["critical", "high", "medium", "low", "info"] as const;
export const SeveritySchema = z.enum(SEVERITIES);
export type Severity = z.infer<typeof SeveritySchema>;

/** Likelihood and impact are both rated 1 (rare, negligible) to 5 (almost certain, severe). */
export const RatingSchema = z.number().int().min(1).max(5);

/**
 * A threat's score is likelihood × impact, 1–25. Severity bands over the score:
 * critical ≥ 20, high ≥ 12, medium ≥ 6, low ≥ 3, info below.
 */
export function threatScore(likelihood: number, impact: number): number {
  return likelihood * impact;
}

export function severityFromScore(score: number): Severity {
  if (score >= 20) return "critical";
  if (score >= 12) return "high";
  if (score >= 6) return "medium";
  if (score >= 3) return "low";
  return "info";
}

export function severityRank(severity: Severity): number {
  return SEVERITIES.indexOf(severity);
}

/**
 * The severity palette of every screen and report (the SPA's tags and charts, the HTML report's badges and
 * chart): readable on light and dark backgrounds alike, and white text on each meets WCAG AA (4.5:1).
 */
export const SEVERITY_COLORS: Readonly<Record<Severity, string>> = {
  critical: "#b91c1c",
  high: "#c2410c",
  medium: "#a16207",
  low: "#2563eb",
  info: "#64748b",
};

export type SeverityCounts = Record<Severity, number>;

export function emptySeverityCounts(): SeverityCounts {
  return { critical: 0, high: 0, medium: 0, low: 0, info: 0 };
}

export function countBySeverity(items: Iterable<{ severity: Severity }>): SeverityCounts {
  const counts = emptySeverityCounts();
  for (const item of items) counts[item.severity] += 1;
  return counts;
}

/** Rounds and bounds a rating into 1–5. */
export function clampRating(value: number): number {
  return Math.min(5, Math.max(1, Math.round(value)));
}
