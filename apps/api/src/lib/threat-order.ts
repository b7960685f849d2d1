import type { CurrentThreatQuery } from "@threatline/domain";
import type { Prisma } from "@threatline/db";

/** Threat list orders, shared by a project's current threats and one analysis' threats. */
export const THREAT_ORDER: Record<CurrentThreatQuery["sort"], (dir: Prisma.SortOrder) => Prisma.ThreatOrderByWithRelationInput[]> = {
  score: (dir) => [{ score: dir }],
  // The enum is declared worst first, so ascending enum order is descending severity.
  severity: (dir) => [{ severity: dir === "desc" ? "asc" : "desc" }, { score: dir }],
  category: (dir) => [{ category: dir }, { score: "desc" }],
  title: (dir) => [{ title: dir }],
  // Resources are JSON; the first evidence file and the title order them well enough and use plain columns.
  resource: (dir) => [{ title: dir }],
};
