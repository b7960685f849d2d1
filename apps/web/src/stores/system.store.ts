import { defineStore } from "pinia";
import { ref } from "vue";
import type { SystemGraphDto } from "@threatline/domain";
import { useApi } from "../api/client.ts";
import { asyncState } from "./async.ts";

/** A project's system graph (a version of it), and an older version to compare it with. */
export const useSystemStore = defineStore("system", () => {
  const graph = ref<SystemGraphDto | null>(null);
  const base = ref<SystemGraphDto | null>(null);
  const state = asyncState();
  const baseState = asyncState();

  async function load(projectId: string, version?: number) {
    if (graph.value?.projectId !== projectId) {
      graph.value = null;
      base.value = null;
    }
    const result = await state.run(() => useApi().systemGraph(projectId, version));
    if (result) graph.value = result;
  }

  /** The version to compare with, or none. */
  async function compareWith(projectId: string, version: number | null) {
    if (version === null) {
      base.value = null;
      return;
    }
    const result = await baseState.run(() => useApi().systemGraph(projectId, version));
    if (result) base.value = result;
  }

  return { graph, base, state, baseState, load, compareWith };
});
