import { defineStore } from "pinia";
import { computed, ref } from "vue";
import {
  formatBytes,
  isFinalStatus,
  type AnalysisStatus,
  type BatchDto,
  type RejectedFile,
  type SubmissionLimitsDto,
} from "@threatline/domain";
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
 * Why the browser refuses a picked file before any upload, in the units the list shows its size in, or null.
 * The server checks the same (and what a browser cannot see: binary, whitespace only) and refuses a file alone.
 */
export function refusedInBrowser(
  file: { size: number },
  limits: SubmissionLimitsDto | null,
): RejectedFile["code"] | null {
  if (file.size === 0) return "template/empty";
  if (limits && file.size > limits.maxFileBytes) return "template/too-large";
  return null;
}

export function refusalText(file: { size: number }, limits: SubmissionLimitsDto | null): string {
  const code = refusedInBrowser(file, limits);
  if (code === "template/empty") return "empty";
  if (code === "template/too-large" && limits) return `over the ${formatBytes(limits.maxFileBytes)} limit`;
  return "";
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
  /** Files of the batch refused one by one (by the server, or by the browser before the upload). */
  const rejected = ref<RejectedFile[]>([]);
  const limits = ref<SubmissionLimitsDto | null>(null);
  /** The batch as the server last described it (its time, source, and each file's severity counts). */
  const batch = ref<BatchDto | null>(null);
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

  async function loadLimits() {
    if (limits.value) return;
    try {
      limits.value = await useApi().submissionLimits();
    } catch {
      // The server checks again; without its limits the browser only refuses empty files.
    }
  }

  /** The picked files the browser would send, and those it refuses before the upload. */
  const sendable = computed(() => files.value.filter((f) => !refusedInBrowser(f.file, limits.value)));
  const refused = computed(() => files.value.filter((f) => refusedInBrowser(f.file, limits.value)));

  function applyBatch(latest: BatchDto) {
    batch.value = latest;
    const byId = new Map(latest.analyses.map((a) => [a.id, a]));
    progress.value = progress.value.map((p) => {
      const a = byId.get(p.analysisId);
      return a
        ? { ...p, status: a.status, threatCount: a.threatCount, errorCode: a.errorCode, errorMessage: a.errorMessage }
        : p;
    });
  }

  /** Sends the picked files; returns the batch id, or undefined when refused (see `error`). */
  async function submit(toProject: string): Promise<string | undefined> {
    if (sendable.value.length === 0) return undefined;
    stop();
    const refusedHere: RejectedFile[] = refused.value.map((f) => ({
      path: f.path,
      code: refusedInBrowser(f.file, limits.value)!,
      message: `Not uploaded: ${f.file.size === 0 ? "the file is empty" : `${formatBytes(f.file.size)}, ${refusalText(f.file, limits.value)}`}.`,
    }));
    const result = await sending.run(() => useApi().submit(toProject, sendable.value, force.value));
    if (!result) return undefined;
    rejected.value = [...refusedHere, ...(result.rejected ?? [])];
    projectId.value = toProject;
    batch.value = null;
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
      batch.value = initial;
      projectId.value = initial.projectId;
      rejected.value = initial.rejected ?? [];
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
      snapshot: (snapshot) => {
        if (progress.value.length === 0) follow(id, snapshot);
        else applyBatch(snapshot);
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
      done: (final) => {
        applyBatch(final);
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
    const canceled = await canceling.run(() => useApi().cancelBatch(batchId.value!));
    if (canceled) applyBatch(canceled);
  }

  const counts = computed(() => {
    const done = progress.value.filter((p) => isFinalStatus(p.status)).length;
    const failed = progress.value.filter((p) => p.status === "failed").length;
    const canceled = progress.value.filter((p) => p.status === "canceled").length;
    const succeeded = progress.value.filter((p) => p.status === "succeeded" || p.status === "partial").length;
    return { total: progress.value.length, done, failed, canceled, succeeded, refused: rejected.value.length };
  });
  /** Finished, but not everything was analysed: a failed, canceled or refused file. */
  const problems = computed(() => counts.value.failed + counts.value.canceled + counts.value.refused > 0);

  return {
    files,
    force,
    batchId,
    projectId,
    progress,
    rejected,
    batch,
    limits,
    sendable,
    refused,
    problems,
    loadLimits,
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
