import {
  SEVERITIES,
  STRIDE_CATEGORIES,
  THREAT_SORTS,
  THREAT_SOURCES,
  TRIAGE_STATUSES,
  type Severity,
  type StrideCategory,
  type ThreatSource,
  type TriageStatus,
} from "@threatline/domain";

/** Threat list filters as they live in the URL, so a filtered view can be shared by its link. */
export interface ThreatFilters {
  category: StrideCategory | null;
  severity: Severity | null;
  source: ThreatSource | null;
  triage: TriageStatus | null;
  resource: string;
  q: string;
  /** A project's current threats only: assigned to the caller, or to nobody. */
  assignee: "me" | "none" | null;
  sort: (typeof THREAT_SORTS)[number];
  order: "asc" | "desc";
  page: number;
  pageSize: number;
}

export const DEFAULT_FILTERS: ThreatFilters = {
  category: null,
  severity: null,
  source: null,
  triage: null,
  resource: "",
  q: "",
  assignee: null,
  sort: "score",
  order: "desc",
  page: 1,
  pageSize: 25,
};

export const PAGE_SIZES = [10, 25, 50, 100] as const;

type RawQuery = Record<string, string | null | undefined | Array<string | null>>;

function one(value: RawQuery[string]): string | undefined {
  const v = Array.isArray(value) ? value[0] : value;
  return v ?? undefined;
}

function pick<T extends string>(allowed: readonly T[], value: string | undefined): T | null {
  return value !== undefined && (allowed as readonly string[]).includes(value) ? (value as T) : null;
}

function positive(value: string | undefined, fallback: number): number {
  const n = Number(value);
  return Number.isInteger(n) && n > 0 ? n : fallback;
}

/** Reads filters from a route query; anything unknown falls back to the default. */
export function filtersFromQuery(query: RawQuery): ThreatFilters {
  const size = positive(one(query.size), DEFAULT_FILTERS.pageSize);
  return {
    category: pick(STRIDE_CATEGORIES, one(query.category)),
    severity: pick(SEVERITIES, one(query.severity)),
    source: pick(THREAT_SOURCES, one(query.source)),
    triage: pick(TRIAGE_STATUSES, one(query.triage)),
    resource: one(query.resource) ?? "",
    q: one(query.q) ?? "",
    assignee: pick(["me", "none"] as const, one(query.assignee)),
    sort: pick(THREAT_SORTS, one(query.sort)) ?? DEFAULT_FILTERS.sort,
    order: one(query.order) === "asc" ? "asc" : "desc",
    page: positive(one(query.page), 1),
    pageSize: (PAGE_SIZES as readonly number[]).includes(size) ? size : DEFAULT_FILTERS.pageSize,
  };
}

/** Writes filters to a route query, leaving defaults out so links stay short. */
export function filtersToQuery(filters: ThreatFilters): Record<string, string> {
  const out: Record<string, string> = {};
  if (filters.category) out.category = filters.category;
  if (filters.severity) out.severity = filters.severity;
  if (filters.source) out.source = filters.source;
  if (filters.triage) out.triage = filters.triage;
  if (filters.resource) out.resource = filters.resource;
  if (filters.q) out.q = filters.q;
  if (filters.assignee) out.assignee = filters.assignee;
  if (filters.sort !== DEFAULT_FILTERS.sort) out.sort = filters.sort;
  if (filters.order !== DEFAULT_FILTERS.order) out.order = filters.order;
  if (filters.page !== 1) out.page = String(filters.page);
  if (filters.pageSize !== DEFAULT_FILTERS.pageSize) out.size = String(filters.pageSize);
  return out;
}

/** The API query for a filter state. */
export function filtersToApi(filters: ThreatFilters) {
  return {
    category: filters.category ?? undefined,
    severity: filters.severity ?? undefined,
    source: filters.source ?? undefined,
    triage: filters.triage ?? undefined,
    resource: filters.resource || undefined,
    q: filters.q || undefined,
    ...(filters.assignee ? { assignee: filters.assignee } : {}),
    sort: filters.sort,
    order: filters.order,
    limit: filters.pageSize,
    offset: (filters.page - 1) * filters.pageSize,
  };
}
