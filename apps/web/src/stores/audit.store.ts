import { defineStore } from "pinia";
import { ref } from "vue";
import { useApi, type AuditEventDto, type AuditQueryInput } from "../api/client.ts";
import { asyncState } from "./async.ts";

/** Audit filters as they live in the URL: dates are local calendar days (`YYYY-MM-DD`). */
export interface AuditFilters {
  action: string;
  actor: string;
  from: string;
  to: string;
}

export const EMPTY_AUDIT_FILTERS: AuditFilters = { action: "", actor: "", from: "", to: "" };

/** How many events one page asks for (the API allows up to 500). */
export const AUDIT_LIMIT = 200;

type RawQuery = Record<string, string | null | undefined | Array<string | null>>;
const DAY = /^\d{4}-\d{2}-\d{2}$/;

function one(value: RawQuery[string]): string {
  const v = Array.isArray(value) ? value[0] : value;
  return (v ?? "").trim();
}

/** Reads filters from a route query; malformed dates are dropped. */
export function auditFiltersFromQuery(query: RawQuery): AuditFilters {
  const from = one(query.from);
  const to = one(query.to);
  return {
    action: one(query.action),
    actor: one(query.actor),
    from: DAY.test(from) ? from : "",
    to: DAY.test(to) ? to : "",
  };
}

/** Writes filters to a route query, leaving empty ones out so links stay short. */
export function auditFiltersToQuery(filters: AuditFilters): Record<string, string> {
  const out: Record<string, string> = {};
  for (const key of ["action", "actor", "from", "to"] as const) {
    const value = filters[key].trim();
    if (value) out[key] = value;
  }
  return out;
}

/** Midnight of a local calendar day, `days` later. */
function localDay(day: string, days = 0): Date {
  const [y, m, d] = day.split("-").map(Number);
  return new Date(y ?? 1970, (m ?? 1) - 1, (d ?? 1) + days);
}

/**
 * The API query for a filter state. The action box is a prefix (`auth` finds `auth.login`), so a value
 * without the API's own prefix markers gets `*`; the date range covers both whole days.
 */
export function auditFiltersToApi(filters: AuditFilters, limit = AUDIT_LIMIT): AuditQueryInput {
  const query: AuditQueryInput = { limit };
  const action = filters.action.trim();
  if (action) query.action = action.endsWith(".") || action.endsWith("*") ? action : `${action}*`;
  const actor = filters.actor.trim();
  if (actor) query.actor = actor;
  if (DAY.test(filters.from)) query.from = localDay(filters.from).toISOString();
  if (DAY.test(filters.to)) query.to = new Date(localDay(filters.to, 1).getTime() - 1).toISOString();
  return query;
}

/** The audit log, for instance and team administrators. */
export const useAuditStore = defineStore("audit", () => {
  const items = ref<AuditEventDto[]>([]);
  const filters = ref<AuditFilters>({ ...EMPTY_AUDIT_FILTERS });
  const state = asyncState();

  async function load(next: AuditFilters = filters.value) {
    filters.value = { ...next };
    const result = await state.run(() => useApi().listAudit(auditFiltersToApi(next)));
    if (result) items.value = result;
  }

  return { items, filters, loading: state.loading, error: state.error, load };
});
