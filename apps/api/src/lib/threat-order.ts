import type { CurrentThreatQuery, TriageStatus } from "@threatline/domain";
import type { Prisma } from "@threatline/db";

/** The filters a threat list shares, whether a project's current threats or one analysis' threats. */
export function threatFilters(
  query: Pick<CurrentThreatQuery, "category" | "severity" | "source" | "resource" | "q">,
): Prisma.ThreatWhereInput {
  return {
    ...(query.category ? { category: query.category } : {}),
    ...(query.severity ? { severity: query.severity } : {}),
    ...(query.source ? { source: query.source } : {}),
    ...(query.resource ? { resources: { array_contains: [{ id: query.resource }] } } : {}),
    ...(query.q
      ? {
          OR: [
            { title: { contains: query.q, mode: "insensitive" } },
            { description: { contains: query.q, mode: "insensitive" } },
            { ruleId: { contains: query.q, mode: "insensitive" } },
            // A rule merged into another threat is still found by its id.
            { contributingRules: { array_contains: [{ ruleId: query.q.trim().toUpperCase() }] } },
          ],
        }
      : {}),
  };
}

/** Fingerprints with a triage status: "open" is every threat not decided otherwise (no row counts as open). */
export function triageFilter(
  triage: ReadonlyArray<{ fingerprint: string; status: string }>,
  status: TriageStatus,
): Prisma.ThreatWhereInput["fingerprint"] {
  return status === "open"
    ? { notIn: triage.filter((t) => t.status !== "open").map((t) => t.fingerprint) }
    : { in: triage.filter((t) => t.status === status).map((t) => t.fingerprint) };
}

/** Threat list orders, shared by a project's current threats and one analysis' threats. */
export const THREAT_ORDER: Record<
  CurrentThreatQuery["sort"],
  (dir: Prisma.SortOrder) => Prisma.ThreatOrderByWithRelationInput[]
> = {
  score: (dir) => [{ score: dir }],
  // The enum is declared worst first, so ascending enum order is descending severity.
  severity: (dir) => [{ severity: dir === "desc" ? "asc" : "desc" }, { score: dir }],
  category: (dir) => [{ category: dir }, { score: "desc" }],
  title: (dir) => [{ title: dir }],
  // Resources are JSON; the first evidence file and the title order them well enough and use plain columns.
  resource: (dir) => [{ title: dir }],
};
