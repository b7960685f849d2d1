import { defineStore } from "pinia";
import { computed, ref } from "vue";
import { isFinalStatus, type AnalysisStatus, type BatchDto } from "@threatline/domain";
import { useApi } from "../api/client.ts";
import { mergePicked, type PickedFile } from "../lib/files.ts";
import { asyncState } from "./async.ts";

/** One file of the running submission and how far it got. */
export interface FileProgress {
  analysisId: string;
  path: string;
  status: AnalysisStatus;
  threatCount: number | null;
  errorCode: string | null;
  errorMessage: string | null;
  deduplicated: boolean;
}

/**
 * A submission: files picked (with folder-relative paths), sent to a project, then followed live over
 * Server-Sent Events until every file is final, or canceled.
 */
export const useSubmitStore = defineStore("submit", () => {
  const files = ref<PickedFile[]>([]);
  const force = ref(false);
  const batchId = ref<string | null>(null);
  const projectId = ref<string | null>(null);
  const progress = ref<FileProgress[]>([]);
  const live = ref(false);
  const finished = ref(false);
  const streamError = ref(false);
  const sending = asyncState();
  const canceling = asyncState();
  let close: (() => void) | undefined;

  function add(picked: readonly PickedFile[]) {
    files.value = mergePicked(files.value, picked);
  }
  function remove(path: string) {
    files.value = files.value.filter((f) => f.path !== path);
  }
  function clear() {
    files.value = [];
  }

  function applyBatch(batch: BatchDto) {
    const byId = new Map(batch.analyses.map((a) => [a.id, a]));
    progress.value = progress.value.map((p) => {
      const a = byId.get(p.analysisId);
      return a
        ? { ...p, status: a.status, threatCount: a.threatCount, errorCode: a.errorCode, errorMessage: a.errorMessage }
        : p;
    });
  }

  /** Sends the picked files; returns the batch id, or undefined when refused (see `error`). */
  async function submit(toProject: string): Promise<string | undefined> {
    if (files.value.length === 0) return undefined;
    stop();
    const result = await sending.run(() => useApi().submit(toProject, files.value, force.value));
    if (!result) return undefined;
    projectId.value = toProject;
    batchId.value = result.batchId;
    finished.value = false;
    progress.value = result.analyses.map((a) => ({
      analysisId: a.id,
      path: a.path,
      status: "queued",
      threatCount: null,
      errorCode: null,
      errorMessage: null,
      deduplicated: a.deduplicated,
    }));
    files.value = [];
    follow(result.batchId);
    return result.batchId;
  }

  /** Follows a batch live; also used to reopen the progress of an earlier batch. */
  function follow(id: string, initial?: BatchDto) {
    stop();
    batchId.value = id;
    if (initial) {
      projectId.value = initial.projectId;
      progress.value = initial.analyses.map((a) => ({
        analysisId: a.id,
        path: a.path,
        status: a.status,
        threatCount: a.threatCount,
        errorCode: a.errorCode,
        errorMessage: a.errorMessage,
        deduplicated: false,
      }));
    }
    live.value = true;
    streamError.value = false;
    close = useApi().batchEvents(id, {
      snapshot: (batch) => {
        if (progress.value.length === 0) follow(id, batch);
        else applyBatch(batch);
      },
      analysis: (event) => {
        streamError.value = false;
        progress.value = progress.value.map((p) =>
          p.analysisId === event.analysisId
            ? {
                ...p,
                status: event.status,
                threatCount: event.threatCount ?? p.threatCount,
                errorCode: event.errorCode ?? null,
              }
            : p,
        );
      },
      done: (batch) => {
        applyBatch(batch);
        live.value = false;
        finished.value = true;
        close = undefined;
      },
      error: () => {
        streamError.value = true;
      },
    });
  }

  function stop() {
    close?.();
    close = undefined;
    live.value = false;
  }

  /** Cancels what has not started; running files finish. */
  async function cancel() {
    if (!batchId.value) return;
    const batch = await canceling.run(() => useApi().cancelBatch(batchId.value!));
    if (batch) applyBatch(batch);
  }

  const counts = computed(() => {
    const done = progress.value.filter((p) => isFinalStatus(p.status)).length;
    const failed = progress.value.filter((p) => p.status === "failed").length;
    return { total: progress.value.length, done, failed };
  });

  return {
    files,
    force,
    batchId,
    projectId,
    progress,
    live,
    finished,
    streamError,
    counts,
    sending: sending.loading,
    error: sending.error,
    canceling: canceling.loading,
    add,
    remove,
    clear,
    submit,
    follow,
    stop,
    cancel,
  };
});
