import { defineStore } from "pinia";
import { ref } from "vue";
import type {
  Assumption,
  CurrentThreatDto,
  ManualThreatInput,
  Mitigation,
  MitigationInput,
  MitigationPatch,
  ThreatEditInput,
} from "@threatline/domain";
import { useApi } from "../api/client.ts";
import { asyncState } from "./async.ts";
import { useProjectStore } from "./project.store.ts";

/**
 * What people shape in a project's threat model: threats by hand, edits of generated threats, mitigations and
 * assumptions. Every change reloads the project (its risk moves) and its current threats.
 */
export const useThreatModelStore = defineStore("threat-model", () => {
  const projectId = ref<string | null>(null);
  const mitigations = ref<Mitigation[]>([]);
  const assumptions = ref<Assumption[]>([]);
  /** Every current threat (up to 500), for pickers: which threats a mitigation or an assumption is about. */
  const threatChoices = ref<Array<Pick<CurrentThreatDto, "fingerprint" | "title" | "severity" | "resources">>>([]);
  const state = asyncState();
  const saveState = asyncState();

  async function load(id: string) {
    if (projectId.value !== id) {
      mitigations.value = [];
      assumptions.value = [];
      threatChoices.value = [];
    }
    projectId.value = id;
    const result = await state.run(async () => {
      const api = useApi();
      const [m, a, t] = await Promise.all([
        api.mitigations(id),
        api.assumptions(id),
        api.currentThreats(id, { limit: 500, sort: "score", order: "desc" }),
      ]);
      return { m, a, t };
    });
    if (!result) return;
    mitigations.value = result.m;
    assumptions.value = result.a;
    threatChoices.value = result.t.items;
  }

  /** Runs a change, then refreshes what it moves. Resolves true when it was saved. */
  async function save(id: string, work: () => Promise<unknown>): Promise<boolean> {
    const done = (await saveState.run(async () => (await work(), true))) ?? false;
    if (done) {
      const project = useProjectStore();
      await Promise.all([load(id), project.refresh(id)]);
    }
    return done;
  }

  const api = () => useApi();
  return {
    mitigations,
    assumptions,
    threatChoices,
    loading: state.loading,
    error: state.error,
    saving: saveState.loading,
    saveError: saveState.error,
    load,
    addThreat: (id: string, input: ManualThreatInput) => save(id, () => api().createThreat(id, input)),
    editThreat: (id: string, fingerprint: string, input: ThreatEditInput) =>
      save(id, () => api().editThreat(id, fingerprint, input)),
    deleteThreat: (id: string, fingerprint: string) => save(id, () => api().deleteThreat(id, fingerprint)),
    addMitigation: (id: string, input: Partial<MitigationInput> & { title: string }) =>
      save(id, () => api().createMitigation(id, input)),
    updateMitigation: (id: string, mitigationId: string, patch: MitigationPatch) =>
      save(id, () => api().updateMitigation(id, mitigationId, patch)),
    deleteMitigation: (id: string, mitigationId: string) => save(id, () => api().deleteMitigation(id, mitigationId)),
    addAssumption: (id: string, text: string, fingerprints: string[]) =>
      save(id, () => api().createAssumption(id, { text, fingerprints })),
    deleteAssumption: (id: string, assumptionId: string) => save(id, () => api().deleteAssumption(id, assumptionId)),
  };
});
