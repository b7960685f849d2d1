import type { Threat } from "@threatline/domain";
import type { Prisma } from "./generated/client.ts";

/** A threat as a row of the Threat table, for `createMany` (the worker's results and imports alike). */
export function threatRows(
  threats: readonly Threat[],
  analysisId: string,
  projectId: string,
): Prisma.ThreatCreateManyInput[] {
  return threats.map((t) => ({
    analysisId,
    projectId,
    fingerprint: t.fingerprint,
    ruleId: t.ruleId,
    category: t.category,
    title: t.title,
    description: t.description,
    severity: t.severity,
    likelihood: t.likelihood,
    impact: t.impact,
    score: t.score,
    resources: t.resources,
    evidence: t.evidence,
    remediations: t.remediations,
    references: t.references,
    source: t.source,
    contributingRules: t.contributingRules ?? [],
  }));
}
