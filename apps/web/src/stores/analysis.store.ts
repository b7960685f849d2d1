import { defineStore } from "pinia";
import { computed, ref } from "vue";
import { isFinalStatus, type AnalysisDto, type AnalysisSourceDto, type TriageStatus } from "@threatline/domain";
import { useApi, type AnalysisThreatDto } from "../api/client.ts";
import { asyncState } from "./async.ts";
import { useTriageStore } from "./triage.store.ts";

/** Threats of one file fit in memory; past this many the view says so instead of loading more. */
export const MAX_ANALYSIS_THREATS = 5000;
const PAGE = 500;

/** One analysis, all its threats (for in-memory filtering) and its source file (for evidence lines). */
export const useAnalysisStore = defineStore("analysis", () => {
  const analysis = ref<AnalysisDto | null>(null);
  const threats = ref<AnalysisThreatDto[]>([]);
  const total = ref(0);
  const source = ref<AnalysisSourceDto | null>(null);
  const state = asyncState();
  const sourceState = asyncState();
  const retrying = asyncState();
  let stopWatching: (() => void) | undefined;

  const triage = useTriageStore();
  triage.onDecided((projectId, result) => {
    if (analysis.value?.projectId !== projectId) return;
    const status = new Map(result.updated.map((u) => [u.fingerprint, u.status]));
    threats.value = threats.value.map((t) => (status.has(t.fingerprint) ? { ...t, triage: status.get(t.fingerprint) as TriageStatus } : t));
  });

  async function fetchThreats(id: string) {
    const api = useApi();
    const items: AnalysisThreatDto[] = [];
    let count = 0;
    do {
      const page = await api.analysisThreats(id, { limit: PAGE, offset: items.length });
      count = page.total;
      items.push(...page.items);
      if (page.items.length === 0) break;
    } while (items.length < count && items.length < MAX_ANALYSIS_THREATS);
    return { items, count };
  }

  async function load(id: string) {
    if (analysis.value?.id !== id) {
      analysis.value = null;
      threats.value = [];
      source.value = null;
    }
    const result = await state.run(async () => {
      const api = useApi();
      const [a, t] = await Promise.all([api.getAnalysis(id), fetchThreats(id)]);
      return { a, t };
    });
    if (!result) return;
    analysis.value = result.a;
    threats.value = result.t.items;
    total.value = result.t.count;
    if (!isFinalStatus(result.a.status)) watchUntilFinal(result.a);
  }

  async function loadSource() {
    const id = analysis.value?.id;
    if (!id || source.value?.analysisId === id) return;
    const result = await sourceState.run(() => useApi().analysisSource(id));
    if (result) source.value = result;
  }

  /** Follows the analysis' batch stream until this analysis is final, then reloads it. */
  function watchUntilFinal(a: AnalysisDto) {
    stopWatching?.();
    if (!a.batchId) return;
    stopWatching = useApi().batchEvents(a.batchId, {
      snapshot: (batch) => {
        const mine = batch.analyses.find((x) => x.id === a.id);
        if (mine && isFinalStatus(mine.status) && analysis.value && !isFinalStatus(analysis.value.status)) void reloadFinal(a.id);
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

  const truncated = computed(() => total.value > threats.value.length);

  return {
    analysis,
    threats,
    total,
    truncated,
    source,
    loading: state.loading,
    error: state.error,
    sourceLoading: sourceState.loading,
    sourceError: sourceState.error,
    retrying: retrying.loading,
    retryError: retrying.error,
    load,
    loadSource,
    retry,
    dispose,
  };
});
