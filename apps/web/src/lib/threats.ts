import { SEVERITIES, STRIDE_CATEGORIES, type StrideCategory, type Threat, type TriageStatus } from "@threatline/domain";
import type { ThreatFilters } from "./query.ts";

type Filterable = Pick<Threat, "category" | "severity" | "source" | "title" | "description" | "resources" | "score" | "ruleId"> & { triage: TriageStatus };

/** Applies the list filters and sort in memory: one analysis holds one file's threats, a few hundred at most. */
export function filterThreats<T extends Filterable>(threats: readonly T[], f: ThreatFilters): T[] {
  const q = f.q.trim().toLowerCase();
  const resource = f.resource.trim().toLowerCase();
  const out = threats.filter(
    (t) =>
      (!f.category || t.category === f.category) &&
      (!f.severity || t.severity === f.severity) &&
      (!f.source || t.source === f.source) &&
      (!f.triage || t.triage === f.triage) &&
      (!resource || t.resources.some((r) => r.id.toLowerCase().includes(resource))) &&
      (!q || t.title.toLowerCase().includes(q) || t.description.toLowerCase().includes(q) || (t.ruleId ?? "").toLowerCase().includes(q)),
  );
  const dir = f.order === "asc" ? 1 : -1;
  const key = (t: T): string | number => {
    switch (f.sort) {
      case "score":
        return t.score;
      case "severity":
        return -SEVERITIES.indexOf(t.severity);
      case "category":
        return STRIDE_CATEGORIES.indexOf(t.category);
      case "title":
        return t.title.toLowerCase();
      case "resource":
        return (t.resources[0]?.id ?? "").toLowerCase();
    }
  };
  return out.sort((a, b) => {
    const ka = key(a);
    const kb = key(b);
    return ka < kb ? -dir : ka > kb ? dir : b.score - a.score;
  });
}

/** Threats grouped by STRIDE category in STRIDE order, empty groups left out. */
export function groupByStride<T extends { category: StrideCategory }>(threats: readonly T[]): Array<{ category: StrideCategory; items: T[] }> {
  return STRIDE_CATEGORIES.map((category) => ({ category, items: threats.filter((t) => t.category === category) })).filter((g) => g.items.length > 0);
}

/** Distinct resource ids of a list of threats, for a resource picker. */
export function resourceIds(threats: ReadonlyArray<Pick<Threat, "resources">>): string[] {
  return [...new Set(threats.flatMap((t) => t.resources.map((r) => r.id)))].sort();
}
