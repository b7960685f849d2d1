import { defineStore } from "pinia";
import { ref } from "vue";
import {
  isFinalStatus,
  type AnalysisDto,
  type AnalysisSourceDto,
  type HygieneSummary,
  type ThreatSummaryDto,
  type TriageStatus,
} from "@threatline/domain";
import { useApi, type AnalysisThreatDto } from "../api/client.ts";
import { filtersToApi, type ThreatFilters } from "../lib/query.ts";
import { asyncState } from "./async.ts";
import { useTriageStore } from "./triage.store.ts";

/**
 * One analysis, one page of its threats (filtered, sorted and paged by the server, so an analysis of ten thousand
 * threats costs one page), the counts its chart draws, and its source file (for evidence lines).
 */
export const useAnalysisStore = defineStore("analysis", () => {
  const analysis = ref<AnalysisDto | null>(null);
  const summary = ref<ThreatSummaryDto>({ cells: [], resources: [] });
  /** The page of threats matching the filters. */
  const threats = ref<AnalysisThreatDto[]>([]);
  /** How many threats match the filters. */
  const total = ref(0);
  /** The low and info threats the list folds per file (null when the list shows them one by one). */
  const hygiene = ref<HygieneSummary | null>(null);
  /** The threats of each unfolded hygiene group, by file. */
  const hygieneThreats = ref<Record<string, AnalysisThreatDto[]>>({});
  const hygieneState = asyncState();
  const source = ref<AnalysisSourceDto | null>(null);
  const state = asyncState();
  const threatState = asyncState();
  const sourceState = asyncState();
  const retrying = asyncState();
  let stopWatching: (() => void) | undefined;
  let lastQuery: { id: string; filters: ThreatFilters } | undefined;

  const triage = useTriageStore();
  triage.onDecided((projectId, result) => {
    if (analysis.value?.projectId !== projectId) return;
    const status = new Map(result.updated.map((u) => [u.fingerprint, u.status]));
    threats.value = threats.value.map((t) =>
      status.has(t.fingerprint) ? { ...t, triage: status.get(t.fingerprint) as TriageStatus } : t,
    );
    hygieneThreats.value = Object.fromEntries(
      Object.entries(hygieneThreats.value).map(([file, list]) => [
        file,
        list.map((t) => (status.has(t.fingerprint) ? { ...t, triage: status.get(t.fingerprint) as TriageStatus } : t)),
      ]),
    );
    // Under a triage filter the page no longer matches it: ask again rather than guess.
    if (lastQuery?.filters.triage) void loadThreats(lastQuery.id, lastQuery.filters);
  });

  async function load(id: string) {
    if (analysis.value?.id !== id) {
      analysis.value = null;
      summary.value = { cells: [], resources: [] };
      threats.value = [];
      total.value = 0;
      source.value = null;
    }
    const result = await state.run(async () => {
      const api = useApi();
      const [a, s] = await Promise.all([api.getAnalysis(id), api.analysisThreatSummary(id)]);
      return { a, s };
    });
    if (!result) return;
    analysis.value = result.a;
    summary.value = result.s;
    if (!isFinalStatus(result.a.status)) watchUntilFinal(result.a);
  }

  /** One page of threats for the filters; the latest call wins. */
  async function loadThreats(id: string, filters: ThreatFilters) {
    lastQuery = { id, filters };
    // Real risks one by one, low and info folded per file (docs/severity.md), unless asked for by name.
    const mode = filters.severity === "low" || filters.severity === "info" ? "include" : "exclude";
    const page = await threatState.run(() => useApi().analysisThreats(id, { ...filtersToApi(filters), hygiene: mode }));
    if (page) {
      threats.value = page.items;
      total.value = page.total;
      hygiene.value = page.hygiene ?? null;
      hygieneThreats.value = {};
    }
  }

  /** The low and info threats of one file under the same filters (a folded group being opened). */
  async function loadHygiene(id: string, filters: ThreatFilters, file: string) {
    const query = { ...filtersToApi(filters), hygiene: "only" as const, file, limit: 500, offset: 0 };
    const page = await hygieneState.run(() => useApi().analysisThreats(id, query));
    if (page) hygieneThreats.value = { ...hygieneThreats.value, [file]: page.items };
  }

  async function loadSource() {
    const id = analysis.value?.id;
    if (!id || source.value?.analysisId === id) return;
    const result = await sourceState.run(() => useApi().analysisSource(id));
    if (result) source.value = result;
  }

  /** The source with its secret values as written (the API checks the editor role and audits the reveal). */
  async function revealSource(): Promise<boolean> {
    const id = analysis.value?.id;
    if (!id) return false;
    const result = await sourceState.run(() => useApi().analysisSource(id, true));
    if (result) source.value = result;
    return result !== undefined;
  }

  /** Follows the analysis' batch stream until this analysis is final, then reloads it. */
  function watchUntilFinal(a: AnalysisDto) {
    stopWatching?.();
    if (!a.batchId) return;
    stopWatching = useApi().batchEvents(a.batchId, {
      snapshot: (batch) => {
        const mine = batch.analyses.find((x) => x.id === a.id);
        if (mine && isFinalStatus(mine.status) && analysis.value && !isFinalStatus(analysis.value.status))
          void reloadFinal(a.id);
      },
      analysis: (event) => {
        if (event.analysisId !== a.id) return;
        if (analysis.value) analysis.value = { ...analysis.value, status: event.status };
        if (isFinalStatus(event.status)) void reloadFinal(a.id);
      },
      done: () => undefined,
      error: () => undefined,
    });
  }

  async function reloadFinal(id: string) {
    stopWatching?.();
    stopWatching = undefined;
    await load(id);
    if (lastQuery?.id === id) await loadThreats(id, lastQuery.filters);
  }

  /** Runs the analysis again; `force` skips the model cache. */
  async function retry(force: boolean) {
    const id = analysis.value?.id;
    if (!id) return;
    const result = await retrying.run(() => useApi().retryAnalysis(id, force));
    if (result) {
      analysis.value = result;
      watchUntilFinal(result);
    }
  }

  function dispose() {
    stopWatching?.();
    stopWatching = undefined;
  }

  return {
    analysis,
    summary,
    threats,
    total,
    hygiene,
    hygieneThreats,
    hygieneLoading: hygieneState.loading,
    source,
    loading: state.loading,
    error: state.error,
    threatsLoading: threatState.loading,
    threatsError: threatState.error,
    sourceLoading: sourceState.loading,
    sourceError: sourceState.error,
    retrying: retrying.loading,
    retryError: retrying.error,
    load,
    loadThreats,
    loadHygiene,
    loadSource,
    revealSource,
    retry,
    dispose,
  };
});
