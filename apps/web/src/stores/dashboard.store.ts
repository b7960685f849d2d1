import { defineStore } from "pinia";
import { ref } from "vue";
import type { DashboardDto } from "@threatline/domain";
import { useApi } from "../api/client.ts";
import { asyncState } from "./async.ts";

/** The team dashboard: one request, every chart. */
export const useDashboardStore = defineStore("dashboard", () => {
  const data = ref<DashboardDto | null>(null);
  const days = ref(30);
  const state = asyncState();

  async function load(window = days.value) {
    days.value = window;
    const result = await state.run(() => useApi().dashboard(window));
    if (result) data.value = result;
  }

  return { data, days, loading: state.loading, error: state.error, load };
});
