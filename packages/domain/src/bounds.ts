import { z } from "zod";
import { countBySeverity, SeveritySchema } from "./severity.ts";
import type { Threat } from "./threat.ts";

/**
 * Most threats one analysis (or one `threatline scan`) keeps. A template of 20,000 buckets yields ~100,000
 * rule threats: storing, sending and reading them all helps nobody and once locked up every worker. The
 * highest-scoring are kept; the rest are counted (`OmittedThreats`) and the result is marked partial.
 */
export const DEFAULT_MAX_THREATS = 5_000;

/** What was left out of a capped result: how many, by severity and by rule (model threats count as "llm"). */
export const OmittedThreatsSchema = z.object({
  count: z.number().int().nonnegative(),
  bySeverity: z.record(SeveritySchema, z.number().int()),
  byRule: z.record(z.string(), z.number().int()),
});
export type OmittedThreats = z.infer<typeof OmittedThreatsSchema>;

/** Orders threats as every list shows them: highest score first, then by fingerprint (stable). */
export function byScore(a: Threat, b: Threat): number {
  return b.score - a.score || a.fingerprint.localeCompare(b.fingerprint);
}

/**
 * Keeps the `max` highest-scoring threats and summarises the rest; `omitted` is null when nothing was left out.
 * The input is not modified.
 */
export function capThreats(
  threats: readonly Threat[],
  max: number,
): { kept: Threat[]; omitted: OmittedThreats | null } {
  if (threats.length <= max) return { kept: [...threats], omitted: null };
  const sorted = [...threats].sort(byScore);
  return { kept: sorted.slice(0, max), omitted: summariseOmitted(sorted.slice(max)) };
}

/** The summary of threats left out of a result (`omitted`), from their rules and severities. */
export function summariseOmitted(rest: ReadonlyArray<Pick<Threat, "ruleId" | "severity">>): OmittedThreats {
  const byRule: Record<string, number> = {};
  for (const t of rest) {
    const rule = t.ruleId ?? "llm";
    byRule[rule] = (byRule[rule] ?? 0) + 1;
  }
  return { count: rest.length, bySeverity: countBySeverity(rest), byRule };
}
