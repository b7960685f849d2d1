import { defineStore } from "pinia";
import { ref } from "vue";
import type {
  AnalysisDto,
  CurrentThreatDto,
  ProjectDto,
  RiskPoint,
  TemplateSummary,
  ThreatDiffDto,
} from "@threatline/domain";
import { useApi } from "../api/client.ts";
import { filtersToApi, type ThreatFilters } from "../lib/query.ts";
import { asyncState } from "./async.ts";
import { useTriageStore } from "./triage.store.ts";

/** One project: its templates and versions, timeline, risk trend, a page of current threats, a version diff. */
export const useProjectStore = defineStore("project", () => {
  const project = ref<ProjectDto | null>(null);
  const templates = ref<TemplateSummary[]>([]);
  const timeline = ref<AnalysisDto[]>([]);
  const trend = ref<RiskPoint[]>([]);
  const threats = ref<CurrentThreatDto[]>([]);
  const threatTotal = ref(0);
  const diff = ref<ThreatDiffDto | null>(null);
  const state = asyncState();
  const threatState = asyncState();
  const diffState = asyncState();
  let lastFilters: ThreatFilters | undefined;

  const triage = useTriageStore();
  triage.onDecided((projectId, result) => {
    if (project.value?.id !== projectId) return;
    project.value = { ...project.value, riskScore: result.project.riskScore, threatCount: result.project.threatCount };
    // The page may no longer match its filter (a triage filter, say): ask again rather than guess.
    if (lastFilters) void loadThreats(projectId, lastFilters);
    void loadTrend(projectId);
  });

  async function load(id: string) {
    if (project.value?.id !== id) {
      project.value = null;
      templates.value = [];
      timeline.value = [];
      trend.value = [];
      threats.value = [];
      diff.value = null;
    }
    const result = await state.run(async () => {
      const api = useApi();
      const [p, t, tl, tr] = await Promise.all([
        api.getProject(id),
        api.templates(id),
        api.timeline(id, 100),
        api.trend(id, 90),
      ]);
      return { p, t, tl, tr };
    });
    if (!result) return;
    project.value = result.p;
    templates.value = result.t;
    timeline.value = result.tl;
    trend.value = result.tr;
  }

  async function loadTrend(id: string) {
    const points = await useApi()
      .trend(id, 90)
      .catch(() => undefined);
    if (points) trend.value = points;
  }

  /** One page of current threats, filtered and sorted by the server. */
  async function loadThreats(id: string, filters: ThreatFilters) {
    lastFilters = filters;
    const page = await threatState.run(() => useApi().currentThreats(id, filtersToApi(filters)));
    if (page) {
      threats.value = page.items;
      threatTotal.value = page.total;
    }
  }

  /**
   * After a change to the threat model: the project's risk, its trend and the current page of threats again,
   * without clearing what is on screen.
   */
  async function refresh(id: string) {
    if (project.value?.id !== id) return;
    const next = await useApi()
      .getProject(id)
      .catch(() => undefined);
    if (next) project.value = next;
    await Promise.all([loadTrend(id), lastFilters ? loadThreats(id, lastFilters) : undefined]);
  }

  async function loadDiff(id: string, from: string, to: string) {
    const result = await diffState.run(() => useApi().diff(id, from, to));
    diff.value = result ?? null;
  }

  return {
    project,
    templates,
    timeline,
    trend,
    threats,
    threatTotal,
    diff,
    loading: state.loading,
    error: state.error,
    threatsLoading: threatState.loading,
    threatsError: threatState.error,
    diffLoading: diffState.loading,
    diffError: diffState.error,
    load,
    loadThreats,
    loadDiff,
    refresh,
  };
});
