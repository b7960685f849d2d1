import { defineStore } from "pinia";
import { ref } from "vue";
import type { LlmSettingsDto } from "@threatline/domain";
import { useApi } from "../api/client.ts";
import { asyncState } from "./async.ts";

/** Model settings (read-only, from the server's environment) and the teams' monthly LLM budgets (team admins edit). */
export const useSettingsStore = defineStore("settings", () => {
  const llm = ref<LlmSettingsDto | null>(null);
  const state = asyncState();
  const saving = asyncState();
  /** The team whose budget is being saved, for that row's button. */
  const savingTeamId = ref<string | null>(null);

  async function load() {
    const result = await state.run(() => useApi().llmSettings());
    if (result) llm.value = result;
  }

  /** Sets (a number of USD) or clears (null) a team's monthly budget; the row shows what the server kept. */
  async function setBudget(teamId: string, budgetUsd: number | null): Promise<boolean> {
    savingTeamId.value = teamId;
    const result = await saving.run(() => useApi().setBudget(teamId, budgetUsd));
    savingTeamId.value = null;
    if (!result) return false;
    if (llm.value)
      llm.value = {
        ...llm.value,
        teams: llm.value.teams.map((t) => (t.id === teamId ? { ...t, budgetUsd: result.llmBudgetUsd } : t)),
      };
    return true;
  }

  return {
    llm,
    loading: state.loading,
    error: state.error,
    saving: saving.loading,
    savingTeamId,
    saveError: saving.error,
    load,
    setBudget,
  };
});
