import { computed } from "vue";
import { useRoute, useRouter } from "vue-router";
import { filtersFromQuery, filtersToQuery, type ThreatFilters } from "../lib/query.ts";

/**
 * Threat filters that live in the URL query, so every filtered view has a shareable link and the back
 * button undoes a filter. Changing any filter but the page goes back to page 1.
 */
export function useThreatFilters() {
  const route = useRoute();
  const router = useRouter();
  const filters = computed<ThreatFilters>(() => filtersFromQuery(route.query));

  function update(patch: Partial<ThreatFilters>) {
    const next: ThreatFilters = { ...filters.value, ...patch };
    if (!("page" in patch)) next.page = 1;
    const keep = Object.fromEntries(
      Object.entries(route.query).filter(
        ([k]) =>
          ![
            "category",
            "severity",
            "source",
            "triage",
            "resource",
            "q",
            "assignee",
            "sort",
            "order",
            "page",
            "size",
          ].includes(k),
      ),
    );
    void router.replace({ query: { ...keep, ...filtersToQuery(next) } });
  }

  function reset() {
    update({ category: null, severity: null, source: null, triage: null, resource: "", q: "", assignee: null });
  }

  return { filters, update, reset };
}
