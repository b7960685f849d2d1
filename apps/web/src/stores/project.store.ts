import { defineStore } from "pinia";
import { ref } from "vue";
import type {
  AnalysisDto,
  CurrentThreatDto,
  ProjectDto,
  RiskPoint,
  HygieneSummary,
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
  /** The low and info threats the list folds per file (null when the list shows them one by one). */
  const hygiene = ref<HygieneSummary | null>(null);
  /** The threats of each opened hygiene group, by file. */
  const hygieneThreats = ref<Record<string, CurrentThreatDto[]>>({});
  const hygieneState = asyncState();
  const diff = ref<ThreatDiffDto | null>(null);
  const state = asyncState();
  const threatState = asyncState();
  const diffState = asyncState();
  let lastFilters: ThreatFilters | undefined;
  let lastFold = false;

  const triage = useTriageStore();
  triage.onDecided((projectId, result) => {
    if (project.value?.id !== projectId) return;
    project.value = { ...project.value, riskScore: result.project.riskScore, threatCount: result.project.threatCount };
    // The page may no longer match its filter (a triage filter, say): ask again rather than guess.
    if (lastFilters) void reloadThreats(projectId, lastFilters);
    void loadTrend(projectId);
  });

  async function load(id: string) {
    if (project.value?.id !== id) {
      project.value = null;
      templates.value = [];
      timeline.value = [];
      trend.value = [];
      threats.value = [];
      hygiene.value = null;
      hygieneThreats.value = {};
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

  /**
   * One page of current threats, filtered and sorted by the server. With `fold`, critical to medium one by one and
   * low and info counted per file (docs/severity.md), unless low or info is asked for by name.
   */
  async function loadThreats(id: string, filters: ThreatFilters, fold = false) {
    lastFilters = filters;
    lastFold = fold;
    const mode = fold && filters.severity !== "low" && filters.severity !== "info" ? "exclude" : "include";
    const page = await threatState.run(() => useApi().currentThreats(id, { ...filtersToApi(filters), hygiene: mode }));
    if (page) {
      threats.value = page.items;
      threatTotal.value = page.total;
      hygiene.value = page.hygiene ?? null;
      hygieneThreats.value = {};
    }
  }

  /** The page and the opened hygiene groups again (their triage may have changed). */
  async function reloadThreats(id: string, filters: ThreatFilters) {
    const opened = Object.keys(hygieneThreats.value);
    await loadThreats(id, filters, lastFold);
    await Promise.all(opened.map((file) => loadHygiene(id, filters, file)));
  }

  /** The low and info threats of one file under the same filters (a folded group being opened). */
  async function loadHygiene(id: string, filters: ThreatFilters, file: string) {
    const query = { ...filtersToApi(filters), hygiene: "only" as const, file, limit: 500, offset: 0 };
    const page = await hygieneState.run(() => useApi().currentThreats(id, query));
    if (page) hygieneThreats.value = { ...hygieneThreats.value, [file]: page.items };
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
    await Promise.all([loadTrend(id), lastFilters ? reloadThreats(id, lastFilters) : undefined]);
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
    hygiene,
    hygieneThreats,
    hygieneLoading: hygieneState.loading,
    diff,
    loading: state.loading,
    error: state.error,
    threatsLoading: threatState.loading,
    threatsError: threatState.error,
    diffLoading: diffState.loading,
    diffError: diffState.error,
    load,
    loadThreats,
    reloadThreats,
    loadHygiene,
    loadDiff,
    refresh,
  };
});
