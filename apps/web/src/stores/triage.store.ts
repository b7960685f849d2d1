import { defineStore } from "pinia";
import type { TriageDecision, TriageResultDto } from "@threatline/domain";
import { useApi } from "../api/client.ts";
import { asyncState } from "./async.ts";

/** Triage decisions; the views that show threats apply the answer to their own lists. */
export const useTriageStore = defineStore("triage", () => {
  const state = asyncState();
  const listeners = new Set<(projectId: string, result: TriageResultDto) => void>();

  /** Records a decision for one or many fingerprints; returns the new project risk, or undefined on error. */
  async function decide(
    projectId: string,
    fingerprints: string[],
    decision: TriageDecision,
  ): Promise<TriageResultDto | undefined> {
    const result = await state.run(() => useApi().decide(projectId, fingerprints, decision));
    if (result) for (const listener of listeners) listener(projectId, result);
    return result;
  }

  /** Calls `listener` after every successful decision; returns the unsubscribe function. */
  function onDecided(listener: (projectId: string, result: TriageResultDto) => void): () => void {
    listeners.add(listener);
    return () => listeners.delete(listener);
  }

  return { saving: state.loading, error: state.error, decide, onDecided };
});
