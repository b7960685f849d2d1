import { defineStore } from "pinia";
import { ref } from "vue";
import type { LlmSettingsDto } from "@threatline/domain";
import { useApi } from "../api/client.ts";
import { asyncState } from "./async.ts";

/** Read-only model settings. */
export const useSettingsStore = defineStore("settings", () => {
  const llm = ref<LlmSettingsDto | null>(null);
  const state = asyncState();
  async function load() {
    const result = await state.run(() => useApi().llmSettings());
    if (result) llm.value = result;
  }
  return { llm, loading: state.loading, error: state.error, load };
});
