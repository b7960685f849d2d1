import type { CurrentThreatQuery, HygieneSummary, TriageStatus } from "@threatline/domain";
import type { Db, Prisma } from "@threatline/db";

const HYGIENE = ["low", "info"] as const;

/** The filters a threat list shares, whether a project's current threats or one analysis' threats. */
export function threatFilters(
  query: Pick<CurrentThreatQuery, "category" | "severity" | "source" | "resource" | "q"> &
    Partial<Pick<CurrentThreatQuery, "hygiene" | "file">>,
): Prisma.ThreatWhereInput {
  const and: Prisma.ThreatWhereInput[] = [];
  if (query.resource) and.push({ resources: { array_contains: [{ id: query.resource }] } });
  // The primary resource's file: `resources->0->>'file'`.
  if (query.file !== undefined) and.push({ resources: { path: ["0", "file"], equals: query.file } });
  if (query.hygiene === "exclude") and.push({ severity: { notIn: [...HYGIENE] } });
  if (query.hygiene === "only") and.push({ severity: { in: [...HYGIENE] } });
  return {
    ...(query.category ? { category: query.category } : {}),
    ...(query.severity ? { severity: query.severity } : {}),
    ...(query.source ? { source: query.source } : {}),
    ...(and.length > 0 ? { AND: and } : {}),
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

/**
 * The low and info threats matching `where` (a list's filters without its hygiene mode), counted per file of
 * their primary resource: what a list with `hygiene=exclude` folds. One pass over two small columns.
 */
export async function hygieneSummary(db: Db, where: Prisma.ThreatWhereInput): Promise<HygieneSummary> {
  const rows = await db.threat.findMany({
    where: { AND: [where, { severity: { in: [...HYGIENE] } }] },
    select: { severity: true, resources: true },
  });
  const byFile = new Map<string, { file: string; low: number; info: number }>();
  for (const row of rows) {
    const first = Array.isArray(row.resources) ? (row.resources[0] as { file?: unknown } | undefined) : undefined;
    const file = typeof first?.file === "string" ? first.file : "";
    const entry = byFile.get(file) ?? { file, low: 0, info: 0 };
    if (row.severity === "low") entry.low += 1;
    else entry.info += 1;
    byFile.set(file, entry);
  }
  return {
    total: rows.length,
    byFile: [...byFile.values()].sort((a, b) => (a.file < b.file ? -1 : a.file > b.file ? 1 : 0)),
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
  // Case-insensitive: `titleSort` is lower(title), kept by a trigger; equal keys fall back to the title itself.
  title: (dir) => [{ titleSort: dir }, { title: dir }],
  // Resources are JSON; the first evidence file and the title order them well enough and use plain columns.
  resource: (dir) => [{ titleSort: dir }, { title: dir }],
};
