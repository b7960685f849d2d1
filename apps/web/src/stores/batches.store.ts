import { defineStore } from "pinia";
import { ref } from "vue";
import type { BatchDto } from "@threatline/domain";
import { useApi } from "../api/client.ts";
import { asyncState } from "./async.ts";

/** Batch history, and retrying a batch's failed files. */
export const useBatchesStore = defineStore("batches", () => {
  const items = ref<BatchDto[]>([]);
  const state = asyncState();
  const retrying = asyncState();

  async function load(projectId?: string) {
    const result = await state.run(() => useApi().listBatches({ projectId, limit: 50 }));
    if (result) items.value = result;
  }

  /** Re-queues every failed or canceled analysis of a batch; returns how many were re-queued. */
  async function retryFailed(batch: BatchDto): Promise<number> {
    const failed = batch.analyses.filter((a) => a.status === "failed" || a.status === "canceled");
    const done = await retrying.run(async () => {
      const api = useApi();
      for (const a of failed) await api.retryAnalysis(a.id, false);
      return api.getBatch(batch.id);
    });
    if (done) items.value = items.value.map((b) => (b.id === done.id ? done : b));
    return done ? failed.length : 0;
  }

  return {
    items,
    loading: state.loading,
    error: state.error,
    retrying: retrying.loading,
    retryError: retrying.error,
    load,
    retryFailed,
  };
});
